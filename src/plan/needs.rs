//! What each step needs done before it may start: the one place the deployment's dependency
//! graph is written. `build::plan` resolves it against the steps a profile really has (a
//! step left out passes its own needs on), and the executor runs every step whose needs are
//! met, side by side.

use super::{Plan, StepId};

/// The steps `id` needs finished first, as the deployment has them. Exhaustive on purpose: a
/// new step does not compile until someone says what it needs.
pub fn declared(id: StepId) -> &'static [StepId] {
    use StepId::*;
    match id {
        Prerequisites => &[],
        // the build only needs the tools checked and the delivery decided (kind load, push)
        IsImage => &[Prerequisites],
        // the namespace and the checks come first; the key pairs need nothing else
        Keystores => &[Prerequisites],
        // a check of the CSI driver: nothing of kmpilot's own
        SecureVault => &[Prerequisites],
        // the chart mounts the keystores' Secret and runs the image built for it
        IdentityServer => &[Keystores, IsImage],
        // the chart mounts the keystores' Secret; secure vault encrypts with the internal key
        // after the CSI driver is known to be there. API-M does not need IS to start
        ApiManager => &[Keystores, SecureVault],
        // the ingresses exist once both charts are installed
        Dns => &[IdentityServer, ApiManager],
        // both servers answer (helm --wait), and their public names resolve
        KeyManager => &[IdentityServer, ApiManager, Dns],
        // its targets are other clusters; the merged ContainerMgt block is a file for the
        // person's own API-M 3.2, which kmpilot does not install
        PrivateJet => &[Prerequisites],
        // the KMS cluster's own STS pods and mesh; nothing of the IS/API-M deployment
        KmsSts => &[Prerequisites],
    }
}

/// `declared`, resolved against the steps `present` in a plan: a need that is not there is
/// replaced by what it needs itself, then needs implied by another need are dropped (IS
/// needs keystores, which needs prerequisites: IS lists keystores only).
pub fn resolve(id: StepId, present: &[StepId]) -> Vec<StepId> {
    let mut direct: Vec<StepId> = Vec::new();
    let mut stack: Vec<StepId> = declared(id).to_vec();
    while let Some(n) = stack.pop() {
        if present.contains(&n) {
            if !direct.contains(&n) {
                direct.push(n);
            }
        } else {
            stack.extend_from_slice(declared(n));
        }
    }
    let implied = |n: StepId| {
        direct
            .iter()
            .any(|&m| m != n && closure(m, present).contains(&n))
    };
    let mut v: Vec<StepId> = direct.iter().copied().filter(|&n| !implied(n)).collect();
    v.sort_by_key(|n| present.iter().position(|p| p == n));
    v
}

/// Every present step `id` needs, directly or through others.
fn closure(id: StepId, present: &[StepId]) -> Vec<StepId> {
    let mut seen = Vec::new();
    let mut stack: Vec<StepId> = declared(id).to_vec();
    while let Some(n) = stack.pop() {
        if !seen.contains(&n) {
            seen.push(n);
            stack.extend_from_slice(declared(n));
        }
    }
    seen.retain(|n| present.contains(n));
    seen
}

impl Plan {
    /// The steps `id` waits for in this plan. A step without declared needs (a plan built
    /// step by step, without a graph) waits for every step before it: such a plan runs in
    /// its listed order.
    pub fn needs(&self, id: StepId) -> Vec<StepId> {
        let Some(pos) = self.steps.iter().position(|s| s.id == id) else {
            return Vec::new();
        };
        match &self.steps[pos].needs {
            Some(n) => n.clone(),
            None => self.steps[..pos].iter().map(|s| s.id).collect(),
        }
    }

    /// "needs keystores, is-image", or "first" for a step that waits for nothing: how the
    /// plan, the Review screen and the runbook show the graph.
    pub fn needs_text(&self, id: StepId) -> String {
        let n = self.needs(id);
        if n.is_empty() {
            "needs nothing".into()
        } else {
            format!(
                "needs {}",
                n.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            )
        }
    }

    /// The steps by level: level 0 needs nothing, level k needs only steps of lower levels;
    /// the steps of one level may run side by side.
    pub fn levels(&self) -> Vec<Vec<StepId>> {
        let mut level: Vec<(StepId, usize)> = Vec::new();
        for s in &self.steps {
            let l = self
                .needs(s.id)
                .iter()
                .filter_map(|n| level.iter().find(|(id, _)| id == n).map(|(_, l)| l + 1))
                .max()
                .unwrap_or(0);
            level.push((s.id, l));
        }
        let max = level.iter().map(|(_, l)| *l).max().map_or(0, |m| m + 1);
        (0..max)
            .map(|k| {
                level
                    .iter()
                    .filter(|(_, l)| *l == k)
                    .map(|(id, _)| *id)
                    .collect()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profile;

    /// The runbook runs the steps in listed order: every step's needs come before it.
    fn assert_topological(plan: &Plan) {
        for (i, s) in plan.steps.iter().enumerate() {
            for n in plan.needs(s.id) {
                let j = plan.steps.iter().position(|x| x.id == n).unwrap();
                assert!(
                    j < i,
                    "{} needs {}, listed after it",
                    s.id.as_str(),
                    n.as_str()
                );
            }
        }
    }

    #[test]
    fn the_quickstart_graph_is_what_the_servers_need() {
        let plan = crate::steps::plan(&Profile::quickstart("q"));
        assert_topological(&plan);
        let needs = |id| plan.needs(id);
        use StepId::*;
        assert_eq!(needs(Prerequisites), []);
        assert_eq!(needs(IsImage), [Prerequisites]);
        assert_eq!(needs(Keystores), [Prerequisites]);
        assert_eq!(needs(IdentityServer), [IsImage, Keystores]);
        assert_eq!(needs(ApiManager), [Keystores]);
        assert_eq!(needs(Dns), [IdentityServer, ApiManager]);
        assert_eq!(needs(KeyManager), [Dns]);
        // IS and API-M, and the image and keystores, may run side by side
        let levels = plan.levels();
        assert!(
            levels
                .iter()
                .any(|l| l.contains(&IsImage) && l.contains(&Keystores))
        );
        assert!(
            !levels
                .iter()
                .any(|l| l.contains(&IdentityServer) && l.contains(&Keystores))
        );
    }

    #[test]
    fn a_step_left_out_passes_its_needs_on() {
        let mut p = Profile::quickstart("q");
        p.identity_server.image.build = false;
        let plan = crate::steps::plan(&p);
        assert!(plan.step(StepId::IsImage).is_none());
        assert_topological(&plan);
        assert_eq!(plan.needs(StepId::IdentityServer), [StepId::Keystores]);
    }

    #[test]
    fn every_example_is_in_topological_order() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles");
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            let loaded = crate::profile::load::from_path(&path, crate::steps::validate)
                .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
            assert_topological(&crate::steps::plan(&loaded.profile));
        }
    }

    #[test]
    fn a_plan_without_a_graph_runs_in_listed_order() {
        let mut plan = crate::steps::plan(&Profile::quickstart("q"));
        for s in &mut plan.steps {
            s.needs = None;
        }
        assert_eq!(plan.needs(StepId::Keystores).len(), 2);
        assert_eq!(plan.levels().len(), plan.steps.len());
    }
}

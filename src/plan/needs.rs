//! The plan's dependency graph as the executor and the views read it: what each step waits
//! for, and the levels of steps that may run side by side. What each step needs is declared
//! in the step registry (`steps::registry`, `needs`) and resolved by `steps::needs`.

use super::{Plan, StepId};

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

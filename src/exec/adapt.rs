//! Meeting the cluster before planning: read its facts (nodes, pods' requests, ingress
//! classes) and, where the nodes do not tell, ask the kubelet about AppArmor with a probe pod;
//! `steps::adapt::resolve` then turns the profile's `auto` answers into decisions.

use std::time::Duration;

use crate::kube::Kube;
use crate::profile::Profile;
use crate::profile::sections::identity_server::AppArmor;
use crate::steps::adapt::{self, Decision, Observed};
use crate::steps::cluster_kind;

/// Reading the facts gives up after this long: an unreachable cluster leaves every `auto`
/// to the checks of the run, which fail with their own explanation.
const FACTS_TIMEOUT: Duration = Duration::from_secs(8);
/// The probe pod is admitted or rejected within seconds; a pod that cannot even be
/// scheduled gives no verdict.
const PROBE_TIMEOUT: Duration = Duration::from_secs(20);

/// Facts (and, when `probe` and the nodes do not tell, the AppArmor probe's verdict).
pub async fn observe(profile: &Profile, probe: bool) -> Result<Observed, String> {
    crate::kube::ensure_crypto_provider();
    let c = &profile.cluster;
    let kube = Kube::connect(c.kubeconfig.as_deref(), c.context.as_deref())
        .await
        .map_err(|e| e.to_string())?;
    let facts = tokio::time::timeout(FACTS_TIMEOUT, kube.cluster_facts())
        .await
        .map_err(|_| {
            format!(
                "the cluster did not answer within {} s",
                FACTS_TIMEOUT.as_secs()
            )
        })?
        .map_err(|e| e.to_string())?;
    let mut o = Observed {
        facts,
        apparmor_probe: None,
    };
    let needs_probe = profile.identity_server.app_armor == AppArmor::Auto
        && cluster_kind::apparmor_hint(&o.facts).0.is_none();
    if probe && needs_probe {
        // In the profile's namespace when it exists: its pods, the IS pod among them, get the
        // namespace's node selector and default tolerations (a namespace pinned to a node pool
        // through PodNodeSelector / PodTolerationRestriction), so the kubelet asked is one the
        // IS pod can land on — asked from `default`, the real node's test found the verdict
        // came from another node. In `default` before a first run has created the namespace,
        // or when the user may not create pods in it.
        let own = matches!(kube.namespace_exists(&c.namespace).await, Ok(true));
        let mut verdict = kube
            .apparmor_probe(if own { &c.namespace } else { "default" }, PROBE_TIMEOUT)
            .await;
        if own
            && verdict
                .as_ref()
                .is_err_and(|e| e.status_code() == Some(403))
        {
            verdict = kube.apparmor_probe("default", PROBE_TIMEOUT).await;
        }
        match verdict {
            Ok(Some(v)) => o.apparmor_probe = Some((v.apparmor, v.seen)),
            Ok(None) => {}
            Err(e) => tracing::debug!(error = %e, "AppArmor probe"),
        }
    }
    Ok(o)
}

/// A run, prepared: the profile with the cluster's `auto` answers decided, and the decisions
/// (or why the cluster was not reached, the profile then unchanged).
pub struct Prepared {
    pub profile: Profile,
    pub decisions: Result<Vec<Decision>, String>,
}

impl Prepared {
    /// The plan a run of it follows: the resolved profile's, each decision a note at the start
    /// of the prerequisites step; the profile's own plan when the cluster was not reached.
    pub fn plan(&self) -> crate::plan::Plan {
        match &self.decisions {
            Ok(d) => plan_with_decisions(&self.profile, d),
            Err(_) => crate::steps::plan(&self.profile),
        }
    }
}

/// Prepare a run, the one way every front end does it (`apply`, `plan`, `diff`, the wizard's
/// runner): meet the cluster and decide its `auto` answers, then plan (`Prepared::plan`).
/// `probe`: the AppArmor probe pod may start (not for a dry run, `plan` or `diff`, which change
/// nothing).
pub async fn prepare(profile: &Profile, probe: bool) -> Prepared {
    let (profile, decisions) = resolve(profile, probe).await;
    Prepared { profile, decisions }
}

/// `observe` then `resolve`; the profile unchanged (and why) when the cluster is not reached.
pub async fn resolve(profile: &Profile, probe: bool) -> (Profile, Result<Vec<Decision>, String>) {
    // the decisions are about installing IS and API-M: a tracks-only profile (PrivateJet on a
    // 3.2 API-M that runs elsewhere, KMS alone) has nothing to decide and no probe pod to start
    if !profile.identity_server.install && !profile.api_manager.install {
        return (profile.clone(), Ok(Vec::new()));
    }
    match observe(profile, probe).await {
        Ok(o) => {
            let (p, d) = adapt::resolve(profile, &o);
            (p, Ok(d))
        }
        Err(e) => (profile.clone(), Err(e)),
    }
}

/// The plan of the resolved profile, with each decision as a note at the start of the
/// prerequisites step, so every front end shows what was decided and why.
pub fn plan_with_decisions(profile: &Profile, decisions: &[Decision]) -> crate::plan::Plan {
    let mut plan = crate::steps::plan(profile);
    if let Some(step) = plan
        .steps
        .iter_mut()
        .find(|s| s.id == crate::plan::StepId::Prerequisites)
    {
        for (i, d) in decisions.iter().enumerate() {
            step.actions.insert(
                i,
                crate::plan::Action::Note {
                    text: format!("decided: {d}"),
                },
            );
        }
    }
    plan
}

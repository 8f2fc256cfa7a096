//! Does the kubelet enforce AppArmor? No node field says so since Kubernetes 1.30, so ask it:
//! a short-lived pod (the pause image, 1m CPU) with `appArmorProfile: RuntimeDefault` is
//! either admitted (it gets container statuses or runs) or rejected at once with phase Failed
//! and reason `AppArmor`. The pod is deleted whatever the outcome.

use std::time::Duration;

use ::kube::api::{Api, DeleteParams, PostParams};
use ::kube::runtime::watcher;
use k8s_openapi::api::core::v1::Pod;

use super::client::Kube;
use super::error::{KubeError, Result};
use super::retry::retry_transient;
use super::wait::Check;

/// The probe's verdict: admitted or rejected, with what was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeVerdict {
    pub apparmor: bool,
    pub seen: String,
}

/// Whether a pod was rejected by the kubelet because the node has no AppArmor.
pub fn rejected_for_apparmor(pod: &Pod) -> bool {
    pod.status.as_ref().is_some_and(|s| {
        s.phase.as_deref() == Some("Failed") && s.reason.as_deref() == Some("AppArmor")
    })
}

fn admitted(pod: &Pod) -> bool {
    let Some(s) = pod.status.as_ref() else {
        return false;
    };
    matches!(s.phase.as_deref(), Some("Running") | Some("Succeeded"))
        || s.container_statuses.as_ref().is_some_and(|c| !c.is_empty())
}

impl Kube {
    /// Runs the probe pod in `namespace`; `None` when there was no verdict within `timeout`
    /// (the pod was not scheduled, or failed for another reason).
    pub async fn apparmor_probe(
        &self,
        namespace: &str,
        timeout: Duration,
    ) -> Result<Option<ProbeVerdict>> {
        let api: Api<Pod> = Api::namespaced(self.client(), namespace);
        let pod: Pod = serde_json::from_value(serde_json::json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "generateName": "kmpilot-apparmor-probe-",
                "labels": {"app.kubernetes.io/managed-by": "kmpilot", "kmpilot/probe": "apparmor"},
            },
            "spec": {
                "restartPolicy": "Never",
                "automountServiceAccountToken": false,
                "terminationGracePeriodSeconds": 0,
                "containers": [{
                    "name": "probe",
                    "image": "registry.k8s.io/pause:3.10",
                    "resources": {"requests": {"cpu": "1m", "memory": "4Mi"}},
                    "securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}},
                }],
            },
        }))
        .map_err(|e| KubeError::Invalid(format!("probe pod: {e}")))?;
        let pp = PostParams::default();
        let created = retry_transient("create the AppArmor probe pod", || api.create(&pp, &pod))
            .await
            .map_err(|e| {
                KubeError::api(format!("create the AppArmor probe pod in {namespace}"), e)
            })?;
        let name = created.metadata.name.clone().unwrap_or_default();
        let key = (namespace.to_string(), name.clone());
        let config = watcher::Config::default().fields(&format!("metadata.name={name}"));
        let what = format!("the AppArmor probe pod {namespace}/{name}");
        let verdict = self
            .wait_on_list(api.clone(), config, &what, timeout, |store| {
                let Some(p) = store.get(&key) else {
                    return Check::NotYet("the pod does not exist yet".into());
                };
                if rejected_for_apparmor(p) {
                    let msg = p
                        .status
                        .as_ref()
                        .and_then(|s| s.message.clone())
                        .unwrap_or_default();
                    return Check::Done(Some(ProbeVerdict {
                        apparmor: false,
                        seen: msg,
                    }));
                }
                if admitted(p) {
                    let node = p
                        .spec
                        .as_ref()
                        .and_then(|s| s.node_name.clone())
                        .unwrap_or_default();
                    return Check::Done(Some(ProbeVerdict {
                        apparmor: true,
                        seen: format!("admitted on node {node}"),
                    }));
                }
                if p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Failed") {
                    return Check::Done(None);
                }
                Check::NotYet(super::rows::pod_status(p))
            })
            .await;
        let dp = DeleteParams {
            grace_period_seconds: Some(0),
            ..DeleteParams::default()
        };
        let _ = api.delete(&name, &dp).await;
        match verdict {
            Ok(v) => Ok(v),
            Err(KubeError::Timeout { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

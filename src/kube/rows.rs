//! Kubernetes objects → pane rows, as `kubectl get` / k9s print them. Pure, so the status
//! rules are unit-tested without a cluster.

use k8s_openapi::api::core::v1::{ContainerStatus, Pod};
use k8s_openapi::api::networking::v1::Ingress;

use super::snapshot::{IngressRow, PodRow};

pub fn pod_row(pod: &Pod) -> PodRow {
    let meta = &pod.metadata;
    let spec_containers = pod.spec.as_ref().map_or(0, |s| s.containers.len());
    let statuses: &[ContainerStatus] = pod
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.as_deref())
        .unwrap_or(&[]);
    let ready = statuses.iter().filter(|c| c.ready).count();
    let restarts: i64 = statuses.iter().map(|c| i64::from(c.restart_count)).sum();
    PodRow {
        namespace: meta.namespace.clone().unwrap_or_default(),
        name: meta.name.clone().unwrap_or_default(),
        ready: format!("{ready}/{}", spec_containers.max(statuses.len())),
        status: pod_status(pod),
        restarts: u32::try_from(restarts.max(0)).unwrap_or(u32::MAX),
        created: meta.creation_timestamp.as_ref().map(|t| t.0.to_string()),
    }
}

/// kubectl's STATUS column (`printPod` in kubernetes/pkg/printers/internalversion): the phase,
/// overridden by the pod's reason, the first failing init container, or the last container's
/// waiting/terminated reason; `Terminating` once deletion started.
pub fn pod_status(pod: &Pod) -> String {
    let status = pod.status.as_ref();
    let mut reason = status
        .and_then(|s| s.phase.clone())
        .unwrap_or_else(|| "Pending".into());
    if let Some(r) = status
        .and_then(|s| s.reason.clone())
        .filter(|r| !r.is_empty())
    {
        reason = r;
    }

    let init_total = pod
        .spec
        .as_ref()
        .and_then(|s| s.init_containers.as_ref())
        .map_or(0, Vec::len);
    let mut initializing = false;
    let init_statuses = status
        .and_then(|s| s.init_container_statuses.as_deref())
        .unwrap_or(&[]);
    for (i, c) in init_statuses.iter().enumerate() {
        let state = c.state.as_ref();
        let terminated = state.and_then(|s| s.terminated.as_ref());
        let waiting = state.and_then(|s| s.waiting.as_ref());
        if terminated.is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        // a sidecar (restartable init container) that has started does not block the pod
        if c.started == Some(true) && state.and_then(|s| s.running.as_ref()).is_some() {
            continue;
        }
        initializing = true;
        reason = if let Some(t) = terminated {
            match t.reason.as_deref().filter(|r| !r.is_empty()) {
                Some(r) => format!("Init:{r}"),
                None if t.signal.unwrap_or(0) != 0 => {
                    format!("Init:Signal:{}", t.signal.unwrap_or(0))
                }
                None => format!("Init:ExitCode:{}", t.exit_code),
            }
        } else if let Some(r) = waiting
            .and_then(|w| w.reason.as_deref())
            .filter(|r| !r.is_empty() && *r != "PodInitializing")
        {
            format!("Init:{r}")
        } else {
            format!("Init:{i}/{init_total}")
        };
        break;
    }

    let initialized = status
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| c.type_ == "Initialized" && c.status == "True")
        });
    if !initializing || initialized {
        let mut has_running = false;
        let statuses = status
            .and_then(|s| s.container_statuses.as_deref())
            .unwrap_or(&[]);
        for c in statuses.iter().rev() {
            let state = c.state.as_ref();
            let waiting = state.and_then(|s| s.waiting.as_ref());
            let terminated = state.and_then(|s| s.terminated.as_ref());
            if let Some(r) = waiting
                .and_then(|w| w.reason.as_deref())
                .filter(|r| !r.is_empty())
            {
                reason = r.to_string();
            } else if let Some(t) = terminated {
                reason = match t.reason.as_deref().filter(|r| !r.is_empty()) {
                    Some(r) => r.to_string(),
                    None if t.signal.unwrap_or(0) != 0 => {
                        format!("Signal:{}", t.signal.unwrap_or(0))
                    }
                    None => format!("ExitCode:{}", t.exit_code),
                };
            } else if c.ready && state.and_then(|s| s.running.as_ref()).is_some() {
                has_running = true;
            }
        }
        if reason == "Completed" && has_running {
            let ready_condition = status
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
            reason = if ready_condition {
                "Running"
            } else {
                "NotReady"
            }
            .into();
        }
    }

    if pod.metadata.deletion_timestamp.is_some() {
        reason = if status.and_then(|s| s.reason.as_deref()) == Some("NodeLost") {
            "Unknown".into()
        } else {
            "Terminating".into()
        };
    }
    reason
}

/// Why a pod will never run, when kmpilot knows the cause and the fix: today a pod the kubelet
/// rejected because its node has no AppArmor (the IS chart asks for RuntimeDefault).
pub fn pod_problem(pod: &Pod) -> Option<String> {
    let s = pod.status.as_ref()?;
    if s.phase.as_deref() == Some("Failed") && s.reason.as_deref() == Some("AppArmor") {
        return Some(format!(
            "pod {} was rejected by the kubelet: {} — {}",
            pod.metadata.name.as_deref().unwrap_or("?"),
            s.message
                .as_deref()
                .unwrap_or("Cannot enforce AppArmor: AppArmor is not enabled on the host"),
            super::apparmor_fix::APPARMOR_FIX
        ));
    }
    None
}

pub fn ingress_row(ing: &Ingress) -> IngressRow {
    let hosts = ing
        .spec
        .as_ref()
        .and_then(|s| s.rules.as_ref())
        .map(|rules| rules.iter().filter_map(|r| r.host.clone()).collect())
        .unwrap_or_default();
    IngressRow {
        namespace: ing.metadata.namespace.clone().unwrap_or_default(),
        name: ing.metadata.name.clone().unwrap_or_default(),
        hosts,
        address: ingress_addresses(ing).join(","),
    }
}

/// Load-balancer IPs or hostnames the ingress controller wrote into the status.
pub fn ingress_addresses(ing: &Ingress) -> Vec<String> {
    ing.status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|lb| lb.ingress.as_ref())
        .map(|list| {
            list.iter()
                .filter_map(|i| {
                    i.ip.clone()
                        .filter(|s| !s.is_empty())
                        .or_else(|| i.hostname.clone().filter(|s| !s.is_empty()))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Whether one of the ingress's rules serves `host`.
pub fn ingress_serves(ing: &Ingress, host: &str) -> bool {
    ing.spec
        .as_ref()
        .and_then(|s| s.rules.as_ref())
        .is_some_and(|rules| rules.iter().any(|r| r.host.as_deref() == Some(host)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(v: serde_json::Value) -> Pod {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn running_pod() {
        let p = pod(json!({
            "metadata": {"name": "am-0", "namespace": "wso2", "creationTimestamp": "2026-01-02T03:04:05Z"},
            "spec": {"containers": [{"name": "a"}, {"name": "b"}]},
            "status": {"phase": "Running", "containerStatuses": [
                {"name": "a", "ready": true, "restartCount": 2, "image": "i", "imageID": "", "state": {"running": {}}},
                {"name": "b", "ready": false, "restartCount": 1, "image": "i", "imageID": "", "state": {"running": {}}}
            ]}
        }));
        let row = pod_row(&p);
        assert_eq!(row.ready, "1/2");
        assert_eq!(row.status, "Running");
        assert_eq!(row.restarts, 3);
        assert_eq!(row.created.as_deref(), Some("2026-01-02T03:04:05Z"));
    }

    #[test]
    fn waiting_reason_wins_over_phase() {
        let p = pod(json!({
            "metadata": {"name": "is-0"},
            "spec": {"containers": [{"name": "a"}]},
            "status": {"phase": "Running", "containerStatuses": [
                {"name": "a", "ready": false, "restartCount": 7, "image": "i", "imageID": "",
                 "state": {"waiting": {"reason": "CrashLoopBackOff"}}}
            ]}
        }));
        assert_eq!(pod_status(&p), "CrashLoopBackOff");
    }

    #[test]
    fn init_containers_and_terminating() {
        let p = pod(json!({
            "metadata": {"name": "x"},
            "spec": {"containers": [{"name": "a"}], "initContainers": [{"name": "i1"}, {"name": "i2"}]},
            "status": {"phase": "Pending", "initContainerStatuses": [
                {"name": "i1", "ready": false, "restartCount": 0, "image": "i", "imageID": "", "state": {"terminated": {"exitCode": 0}}},
                {"name": "i2", "ready": false, "restartCount": 0, "image": "i", "imageID": "", "state": {"running": {}}}
            ]}
        }));
        assert_eq!(pod_status(&p), "Init:1/2");
        let mut p2 = p.clone();
        p2.status
            .as_mut()
            .unwrap()
            .init_container_statuses
            .as_mut()
            .unwrap()[1]
            .state =
            serde_json::from_value(json!({"waiting": {"reason": "ImagePullBackOff"}})).unwrap();
        assert_eq!(pod_status(&p2), "Init:ImagePullBackOff");
        let mut p3 = p.clone();
        p3.metadata.deletion_timestamp = p3
            .metadata
            .creation_timestamp
            .clone()
            .or_else(|| serde_json::from_value(json!("2026-01-01T00:00:00Z")).ok());
        assert_eq!(pod_status(&p3), "Terminating");
        assert_eq!(
            pod_status(&pod(json!({"metadata": {"name": "new"}}))),
            "Pending"
        );
    }

    #[test]
    fn a_pod_rejected_for_apparmor_is_explained() {
        let p = pod(json!({
            "metadata": {"name": "is-identity-server-abc"},
            "spec": {"containers": [{"name": "wso2is"}]},
            "status": {"phase": "Failed", "reason": "AppArmor",
                       "message": "Pod was rejected: Cannot enforce AppArmor: AppArmor is not enabled on the host"}
        }));
        assert_eq!(pod_status(&p), "AppArmor");
        let why = pod_problem(&p).unwrap();
        assert!(why.contains("AppArmor is not enabled on the host"), "{why}");
        assert!(why.contains("identityServer.appArmor: disabled"), "{why}");
        let mut ok = p.clone();
        ok.status.as_mut().unwrap().reason = Some("Evicted".into());
        assert_eq!(pod_problem(&ok), None);
    }

    #[test]
    fn ingress_row_hosts_and_address() {
        let ing: Ingress = serde_json::from_value(json!({
            "metadata": {"name": "am", "namespace": "wso2"},
            "spec": {"rules": [{"host": "am.wso2.com"}, {"host": "gw.wso2.com"}]},
            "status": {"loadBalancer": {"ingress": [{"ip": "10.1.2.3"}, {"hostname": "lb.example"}]}}
        }))
        .unwrap();
        let row = ingress_row(&ing);
        assert_eq!(row.hosts, ["am.wso2.com", "gw.wso2.com"]);
        assert_eq!(row.address, "10.1.2.3,lb.example");
        assert!(ingress_serves(&ing, "gw.wso2.com"));
        assert!(!ingress_serves(&ing, "is.wso2.com"));
    }
}

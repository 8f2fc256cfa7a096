//! What a failing deployment needs first about a pod, read from the cluster as k9s reads it:
//! its logs (`l`), a description (`d`: where it runs, each container's image, state and
//! restarts, its conditions) and its events (`e`). Plain lines, for the wizard's details view.

use ::kube::ResourceExt;
use ::kube::api::{Api, ListParams, LogParams};
use k8s_openapi::api::core::v1::{ContainerState, Event, Pod};

use super::client::Kube;
use super::error::{KubeError, Result};

/// How many lines of a pod's log are read (the newest).
pub const LOG_TAIL: i64 = 500;

impl Kube {
    /// The newest `LOG_TAIL` lines of the pod's first container (the WSO2 server; the
    /// charts' init containers come first only in `initContainers`), with the container named.
    pub async fn pod_logs(&self, namespace: &str, name: &str) -> Result<(String, Vec<String>)> {
        let api: Api<Pod> = Api::namespaced(self.client(), namespace);
        let pod = api
            .get(name)
            .await
            .map_err(|e| KubeError::api(format!("read pod {namespace}/{name}"), e))?;
        let container = pod
            .spec
            .as_ref()
            .and_then(|s| s.containers.first())
            .map(|c| c.name.clone())
            .unwrap_or_default();
        let lp = LogParams {
            container: Some(container.clone()),
            tail_lines: Some(LOG_TAIL),
            ..LogParams::default()
        };
        let text = api.logs(name, &lp).await.map_err(|e| {
            KubeError::api(
                format!("read the log of {namespace}/{name} ({container})"),
                e,
            )
        })?;
        Ok((container, text.lines().map(str::to_string).collect()))
    }

    /// Where the pod runs, each container's image, readiness, restarts and state (with the
    /// reason a waiting or terminated container gives), and the pod's conditions.
    pub async fn pod_describe(&self, namespace: &str, name: &str) -> Result<Vec<String>> {
        let api: Api<Pod> = Api::namespaced(self.client(), namespace);
        let pod = api
            .get(name)
            .await
            .map_err(|e| KubeError::api(format!("read pod {namespace}/{name}"), e))?;
        Ok(describe(&pod))
    }

    /// The events about the pod, oldest first (what the scheduler, the kubelet and the image
    /// pulls said).
    pub async fn pod_events(&self, namespace: &str, name: &str) -> Result<Vec<String>> {
        let api: Api<Event> = Api::namespaced(self.client(), namespace);
        let lp = ListParams::default().fields(&format!(
            "involvedObject.kind=Pod,involvedObject.name={name}"
        ));
        let list = api
            .list(&lp)
            .await
            .map_err(|e| KubeError::api(format!("list the events of {namespace}/{name}"), e))?;
        let mut events: Vec<(String, String)> = list
            .items
            .iter()
            .map(|e| {
                let when = e
                    .last_timestamp
                    .as_ref()
                    .map(|t| t.0.to_string())
                    .or_else(|| e.event_time.as_ref().map(|t| t.0.to_string()))
                    .unwrap_or_default();
                let count = e.count.filter(|c| *c > 1).map(|c| format!(" (×{c})"));
                (
                    when.clone(),
                    format!(
                        "{when}  {:<7} {}: {}{}",
                        e.type_.as_deref().unwrap_or(""),
                        e.reason.as_deref().unwrap_or(""),
                        e.message.as_deref().unwrap_or("").trim(),
                        count.unwrap_or_default()
                    ),
                )
            })
            .collect();
        events.sort();
        Ok(events.into_iter().map(|(_, l)| l).collect())
    }
}

/// `kubectl describe pod`, the parts a failing deployment needs.
pub fn describe(pod: &Pod) -> Vec<String> {
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    let mut out = vec![
        format!("Name:       {}", pod.name_any()),
        format!("Namespace:  {}", pod.namespace().unwrap_or_default()),
        format!(
            "Node:       {}",
            spec.and_then(|s| s.node_name.clone())
                .unwrap_or_else(|| "(not scheduled)".into())
        ),
        format!(
            "Phase:      {}",
            status.and_then(|s| s.phase.clone()).unwrap_or_default()
        ),
        format!(
            "IP:         {}",
            status.and_then(|s| s.pod_ip.clone()).unwrap_or_default()
        ),
        "Containers:".to_string(),
    ];
    let statuses = status
        .and_then(|s| s.container_statuses.clone())
        .unwrap_or_default();
    for c in spec.map(|s| s.containers.as_slice()).unwrap_or_default() {
        out.push(format!("  {}:", c.name));
        out.push(format!(
            "    Image:     {}",
            c.image.as_deref().unwrap_or("")
        ));
        if let Some(r) = c.resources.as_ref() {
            let q = |m: &Option<
                std::collections::BTreeMap<
                    String,
                    k8s_openapi::apimachinery::pkg::api::resource::Quantity,
                >,
            >| {
                m.as_ref()
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| format!("{k}={}", v.0))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default()
            };
            out.push(format!("    Requests:  {}", q(&r.requests)));
            out.push(format!("    Limits:    {}", q(&r.limits)));
        }
        match statuses.iter().find(|s| s.name == c.name) {
            Some(s) => {
                out.push(format!("    Ready:     {}", s.ready));
                out.push(format!("    Restarts:  {}", s.restart_count));
                out.push(format!("    State:     {}", state(s.state.as_ref())));
                if let Some(last) = s.last_state.as_ref().filter(|l| l.terminated.is_some()) {
                    out.push(format!("    Last:      {}", state(Some(last))));
                }
            }
            None => out.push("    State:     (no status yet)".into()),
        }
    }
    out.push("Conditions:".into());
    for c in status
        .and_then(|s| s.conditions.clone())
        .unwrap_or_default()
    {
        let why = [c.reason.as_deref(), c.message.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(": ");
        out.push(format!(
            "  {:<16} {}{}",
            c.type_,
            c.status,
            if why.is_empty() {
                String::new()
            } else {
                format!("  ({why})")
            }
        ));
    }
    out
}

fn state(s: Option<&ContainerState>) -> String {
    let Some(s) = s else {
        return "unknown".into();
    };
    if let Some(r) = &s.running {
        return format!(
            "Running since {}",
            r.started_at
                .as_ref()
                .map(|t| t.0.to_string())
                .unwrap_or_default()
        );
    }
    if let Some(w) = &s.waiting {
        return format!(
            "Waiting: {}{}",
            w.reason.as_deref().unwrap_or(""),
            w.message
                .as_deref()
                .map(|m| format!(" — {m}"))
                .unwrap_or_default()
        );
    }
    if let Some(t) = &s.terminated {
        return format!(
            "Terminated: {} (exit code {}){}",
            t.reason.as_deref().unwrap_or(""),
            t.exit_code,
            t.message
                .as_deref()
                .map(|m| format!(" — {m}"))
                .unwrap_or_default()
        );
    }
    "unknown".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_says_why_a_container_waits() {
        let pod: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "is-0", "namespace": "wso2"},
            "spec": {"nodeName": "n1", "containers": [{"name": "wso2is", "image": "localhost:5000/wso2is-km:7.1.0"}]},
            "status": {
                "phase": "Pending",
                "containerStatuses": [{
                    "name": "wso2is", "ready": false, "restartCount": 0, "image": "x", "imageID": "",
                    "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image"}}
                }],
                "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady"}]
            }
        }))
        .unwrap();
        let d = describe(&pod).join("\n");
        assert!(
            d.contains("Image:     localhost:5000/wso2is-km:7.1.0"),
            "{d}"
        );
        assert!(
            d.contains("State:     Waiting: ImagePullBackOff — Back-off pulling image"),
            "{d}"
        );
        assert!(
            d.contains("Ready            False  (ContainersNotReady)"),
            "{d}"
        );
    }
}

//! Why a namespace's pods are not ready, in the kubelet's words. `helm --wait` gives up with
//! "context deadline exceeded" whatever the cause; the cause is in the pod's Warning events
//! (a readiness probe's "HTTP probe failed with statuscode: 503", a back-off, a failed mount),
//! so a failed wait reports the newest one for each pod that is not ready.

use ::kube::api::{Api, ListParams};
use k8s_openapi::api::core::v1::{Event, Pod};

use super::client::Kube;
use super::error::{KubeError, Result};

/// Whether the pod counts as not ready for a wait: not finished, not being deleted, and its
/// Ready condition is not True.
pub fn not_ready(p: &Pod) -> bool {
    if p.metadata.deletion_timestamp.is_some() {
        return false;
    }
    let Some(s) = &p.status else { return true };
    if matches!(s.phase.as_deref(), Some("Succeeded")) {
        return false;
    }
    !s.conditions
        .as_deref()
        .unwrap_or_default()
        .iter()
        .any(|c| c.type_ == "Ready" && c.status == "True")
}

/// The newest Warning event among `events`, as "Reason: message (×count)".
pub fn newest_warning(events: &[Event]) -> Option<String> {
    let when = |e: &Event| {
        e.last_timestamp
            .as_ref()
            .map(|t| t.0)
            .or_else(|| e.event_time.as_ref().map(|t| t.0))
    };
    events
        .iter()
        .filter(|e| e.type_.as_deref() == Some("Warning"))
        .max_by_key(|e| when(e))
        .map(|e| {
            let count = e
                .count
                .filter(|c| *c > 1)
                .map(|c| format!(" (×{c})"))
                .unwrap_or_default();
            format!(
                "{}: {}{count}",
                e.reason.as_deref().unwrap_or("Warning"),
                e.message.as_deref().unwrap_or("").trim()
            )
        })
}

impl Kube {
    /// One line per pod in `namespace` that is not ready: "pod NAME is not ready: REASON:
    /// MESSAGE", the reason being the pod's newest Warning event (or its phase when it has
    /// none), in pod-name order.
    pub async fn not_ready_reasons(&self, namespace: &str) -> Result<Vec<String>> {
        let pods: Api<Pod> = Api::namespaced(self.client(), namespace);
        let mut list = pods
            .list(&ListParams::default())
            .await
            .map_err(|e| KubeError::api(format!("list the pods of {namespace}"), e))?
            .items;
        list.retain(not_ready);
        list.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
        let events: Api<Event> = Api::namespaced(self.client(), namespace);
        let mut out = Vec::new();
        for p in list {
            let name = p.metadata.name.clone().unwrap_or_default();
            let lp = ListParams::default().fields(&format!(
                "involvedObject.kind=Pod,involvedObject.name={name}"
            ));
            let seen = events
                .list(&lp)
                .await
                .ok()
                .and_then(|l| newest_warning(&l.items))
                .unwrap_or_else(|| {
                    let phase = p.status.as_ref().and_then(|s| s.phase.clone());
                    format!("phase {}", phase.unwrap_or_else(|| "unknown".into()))
                });
            out.push(format!("pod {name} is not ready: {seen}"));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ev(kind: &str, reason: &str, msg: &str, at: &str, count: i32) -> Event {
        serde_json::from_value(json!({
            "metadata": {"name": format!("e-{reason}-{at}")},
            "involvedObject": {},
            "type": kind, "reason": reason, "message": msg,
            "lastTimestamp": at, "count": count,
        }))
        .unwrap()
    }

    #[test]
    fn the_newest_warning_is_the_reason() {
        let events = [
            ev(
                "Normal",
                "Started",
                "Started container",
                "2026-01-01T00:00:05Z",
                1,
            ),
            ev(
                "Warning",
                "BackOff",
                "Back-off pulling",
                "2026-01-01T00:00:01Z",
                3,
            ),
            ev(
                "Warning",
                "Unhealthy",
                "Readiness probe failed: HTTP probe failed with statuscode: 503",
                "2026-01-01T00:00:09Z",
                12,
            ),
        ];
        assert_eq!(
            newest_warning(&events).as_deref(),
            Some("Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503 (×12)")
        );
        assert_eq!(newest_warning(&events[..1]), None);
    }

    #[test]
    fn ready_finished_and_leaving_pods_are_not_reported() {
        let pod = |phase: &str, ready: &str, deleting: bool| -> Pod {
            serde_json::from_value(json!({
                "metadata": {"name": "p", "deletionTimestamp": if deleting { Some("2026-01-01T00:00:00Z") } else { None }},
                "status": {"phase": phase, "conditions": [{"type": "Ready", "status": ready}]}
            }))
            .unwrap()
        };
        assert!(not_ready(&pod("Running", "False", false)));
        assert!(not_ready(&pod("Pending", "False", false)));
        assert!(!not_ready(&pod("Running", "True", false)));
        assert!(!not_ready(&pod("Succeeded", "False", false)));
        assert!(!not_ready(&pod("Running", "False", true)));
    }
}

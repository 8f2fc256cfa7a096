//! What the cluster says about itself, as one plain data value: its nodes (labels, provider
//! ID, node info, allocatable minus what running pods already request, taints), its ingress
//! classes, and the kubeconfig's context and server. Read-only; the decisions made from it
//! (cluster kind, image delivery, ingress, AppArmor, sizing) are pure functions elsewhere
//! (`crate::steps::cluster_kind`), so they are unit-tested without a cluster.

use std::collections::BTreeMap;

use ::kube::api::{Api, ListParams};
use k8s_openapi::api::core::v1::{Node, Pod};
use k8s_openapi::api::networking::v1::IngressClass;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use serde::{Deserialize, Serialize};

use super::client::Kube;
use super::error::{KubeError, Result};
use super::retry::retry_transient;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterFacts {
    /// The kubeconfig context the facts were read through.
    pub context: String,
    /// Its cluster's `server` URL, as the kubeconfig writes it.
    pub server: String,
    pub nodes: Vec<NodeFacts>,
    pub ingress_classes: Vec<IngressClassFacts>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeFacts {
    pub name: String,
    pub provider_id: String,
    pub labels: BTreeMap<String, String>,
    pub os_image: String,
    pub kernel_version: String,
    pub kubelet_version: String,
    pub container_runtime: String,
    /// Allocatable CPU in millicores and memory in bytes.
    pub cpu_milli: i64,
    pub memory_bytes: i64,
    /// Sum of the requests of the pods bound to the node that are not finished.
    pub requested_cpu_milli: i64,
    pub requested_memory_bytes: i64,
    /// The pods counted in `requested_*`, as `namespace/name` (so a re-run can leave out its
    /// own pods, which the upgrade replaces).
    pub pods: Vec<PodRequest>,
    /// Cordoned (`spec.unschedulable`).
    pub unschedulable: bool,
    pub ready: bool,
    /// `key=value:Effect` of every NoSchedule/NoExecute taint.
    pub taints: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PodRequest {
    pub namespace: String,
    pub name: String,
    pub cpu_milli: i64,
    pub memory_bytes: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngressClassFacts {
    pub name: String,
    pub controller: String,
    pub is_default: bool,
}

/// A CPU quantity in millicores (`2`, `500m`, `1.5`); `None` when it does not parse.
pub fn cpu_milli(q: &str) -> Option<i64> {
    let q = q.trim();
    if let Some(m) = q.strip_suffix('m') {
        return m.parse::<i64>().ok();
    }
    if let Some(n) = q.strip_suffix('n') {
        return n.parse::<i64>().ok().map(|n| n / 1_000_000);
    }
    if let Some(u) = q.strip_suffix('u') {
        return u.parse::<i64>().ok().map(|u| u / 1_000);
    }
    for (suffix, factor) in [("k", 1e3), ("M", 1e6), ("G", 1e9)] {
        if let Some(n) = q.strip_suffix(suffix) {
            return n
                .parse::<f64>()
                .ok()
                .map(|c| (c * factor * 1000.0).round() as i64);
        }
    }
    q.parse::<f64>().ok().map(|c| (c * 1000.0).round() as i64)
}

/// A memory quantity in bytes (`2Gi`, `512Mi`, `1G`, `1073741824`, `1e9`).
pub fn memory_bytes(q: &str) -> Option<i64> {
    let q = q.trim();
    const UNITS: [(&str, f64); 12] = [
        ("Ki", 1024.0),
        ("Mi", 1024.0 * 1024.0),
        ("Gi", 1024.0 * 1024.0 * 1024.0),
        ("Ti", 1024.0 * 1024.0 * 1024.0 * 1024.0),
        ("Pi", 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0),
        ("Ei", 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("E", 1e18),
    ];
    for (suffix, factor) in UNITS {
        if let Some(n) = q.strip_suffix(suffix) {
            return n.parse::<f64>().ok().map(|n| (n * factor).round() as i64);
        }
    }
    if let Some(m) = q.strip_suffix('m') {
        // milli-bytes, as the API allows
        return m.parse::<f64>().ok().map(|n| (n / 1000.0).round() as i64);
    }
    q.parse::<f64>().ok().map(|n| n.round() as i64)
}

fn quantity(map: Option<&BTreeMap<String, Quantity>>, key: &str) -> Option<String> {
    map.and_then(|m| m.get(key)).map(|q| q.0.clone())
}

/// The requests the scheduler counts for a pod: the larger of the sum of its containers and
/// its largest init container (plus the pod overhead).
pub fn pod_requests(pod: &Pod) -> (i64, i64) {
    let Some(spec) = pod.spec.as_ref() else {
        return (0, 0);
    };
    let req = |c: &k8s_openapi::api::core::v1::Container| {
        let r = c.resources.as_ref().and_then(|r| r.requests.as_ref());
        (
            quantity(r, "cpu").and_then(|q| cpu_milli(&q)).unwrap_or(0),
            quantity(r, "memory")
                .and_then(|q| memory_bytes(&q))
                .unwrap_or(0),
        )
    };
    let (mut cpu, mut mem) = spec
        .containers
        .iter()
        .map(req)
        .fold((0, 0), |(a, b), (c, d)| (a + c, b + d));
    for ic in spec.init_containers.iter().flatten() {
        let (c, m) = req(ic);
        cpu = cpu.max(c);
        mem = mem.max(m);
    }
    if let Some(o) = spec.overhead.as_ref() {
        cpu += quantity(Some(o), "cpu")
            .and_then(|q| cpu_milli(&q))
            .unwrap_or(0);
        mem += quantity(Some(o), "memory")
            .and_then(|q| memory_bytes(&q))
            .unwrap_or(0);
    }
    (cpu, mem)
}

/// Node → facts, without the pods (added by `Kube::cluster_facts`).
pub fn node_facts(n: &Node) -> NodeFacts {
    let status = n.status.as_ref();
    let info = status.and_then(|s| s.node_info.as_ref());
    let alloc = status.and_then(|s| s.allocatable.as_ref());
    let spec = n.spec.as_ref();
    NodeFacts {
        name: n.metadata.name.clone().unwrap_or_default(),
        provider_id: spec.and_then(|s| s.provider_id.clone()).unwrap_or_default(),
        labels: n.metadata.labels.clone().unwrap_or_default(),
        os_image: info.map(|i| i.os_image.clone()).unwrap_or_default(),
        kernel_version: info.map(|i| i.kernel_version.clone()).unwrap_or_default(),
        kubelet_version: info.map(|i| i.kubelet_version.clone()).unwrap_or_default(),
        container_runtime: info
            .map(|i| i.container_runtime_version.clone())
            .unwrap_or_default(),
        cpu_milli: quantity(alloc, "cpu")
            .and_then(|q| cpu_milli(&q))
            .unwrap_or(0),
        memory_bytes: quantity(alloc, "memory")
            .and_then(|q| memory_bytes(&q))
            .unwrap_or(0),
        requested_cpu_milli: 0,
        requested_memory_bytes: 0,
        pods: Vec::new(),
        unschedulable: spec.and_then(|s| s.unschedulable).unwrap_or(false),
        ready: status
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True")),
        taints: spec
            .and_then(|s| s.taints.as_ref())
            .map(|ts| {
                ts.iter()
                    .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
                    .map(|t| {
                        format!(
                            "{}{}:{}",
                            t.key,
                            t.value
                                .as_deref()
                                .map(|v| format!("={v}"))
                                .unwrap_or_default(),
                            t.effect
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

impl Kube {
    /// Reads nodes, the pods bound to them and the ingress classes: three list calls, so it
    /// answers in well under a second on any cluster that answers at all.
    pub async fn cluster_facts(&self) -> Result<ClusterFacts> {
        let lp = ListParams::default();
        let nodes: Api<Node> = Api::all(self.client());
        let nodes = retry_transient("list nodes", || nodes.list(&lp))
            .await
            .map_err(|e| KubeError::api("list nodes", e))?;
        // only pods that still hold their requests (the scheduler's own rule)
        let plp = ListParams::default()
            .fields("status.phase!=Succeeded,status.phase!=Failed,spec.nodeName!=");
        let pods: Api<Pod> = Api::all(self.client());
        let pods = retry_transient("list pods", || pods.list(&plp))
            .await
            .map_err(|e| KubeError::api("list pods", e))?;
        let classes: Api<IngressClass> = Api::all(self.client());
        let classes = retry_transient("list ingress classes", || classes.list(&lp))
            .await
            .map_err(|e| KubeError::api("list ingress classes", e))?;
        let mut facts = ClusterFacts {
            context: self.context().to_string(),
            server: self.master_url().to_string(),
            nodes: nodes.items.iter().map(node_facts).collect(),
            ingress_classes: classes
                .items
                .iter()
                .map(|c| IngressClassFacts {
                    name: c.metadata.name.clone().unwrap_or_default(),
                    controller: c
                        .spec
                        .as_ref()
                        .and_then(|s| s.controller.clone())
                        .unwrap_or_default(),
                    is_default: c
                        .metadata
                        .annotations
                        .as_ref()
                        .and_then(|a| a.get("ingressclass.kubernetes.io/is-default-class"))
                        .is_some_and(|v| v == "true"),
                })
                .collect(),
        };
        for pod in &pods.items {
            let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.as_deref()) else {
                continue;
            };
            let (cpu, mem) = pod_requests(pod);
            if let Some(n) = facts.nodes.iter_mut().find(|n| n.name == node) {
                n.requested_cpu_milli += cpu;
                n.requested_memory_bytes += mem;
                n.pods.push(PodRequest {
                    namespace: pod.metadata.namespace.clone().unwrap_or_default(),
                    name: pod.metadata.name.clone().unwrap_or_default(),
                    cpu_milli: cpu,
                    memory_bytes: mem,
                });
            }
        }
        Ok(facts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(cpu_milli("2"), Some(2000));
        assert_eq!(cpu_milli("500m"), Some(500));
        assert_eq!(cpu_milli("1.5"), Some(1500));
        assert_eq!(cpu_milli("1k"), Some(1_000_000));
        assert_eq!(cpu_milli("x"), None);
        assert_eq!(memory_bytes("2Gi"), Some(2 * 1024 * 1024 * 1024));
        assert_eq!(memory_bytes("512Mi"), Some(512 * 1024 * 1024));
        assert_eq!(memory_bytes("1G"), Some(1_000_000_000));
        assert_eq!(memory_bytes("1024"), Some(1024));
        assert_eq!(memory_bytes("x"), None);
    }
}

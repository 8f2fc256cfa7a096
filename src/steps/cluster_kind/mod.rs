//! Which kind of cluster this is and what that means for the deployment — pure functions of
//! the facts the cluster reports (`kube::ClusterFacts`): the kind (from provider IDs, node
//! labels and node info, then the kubeconfig's context and server), how a locally built image
//! reaches it, which ingress controller serves which class and whether it can talk HTTPS to
//! the WSO2 pods, whether AppArmor is there, and whether both pods fit. Facts per kind:
//! `shared/reference/cluster-kinds.md`.

use crate::profile::sections::cluster_kind::{ClusterKind, Delivery};

use serde::Serialize;

use crate::kube::{ClusterFacts, NodeFacts};

mod capacity;
mod ingress;
pub use capacity::*;
pub use ingress::*;

/// The detected kind, the cluster's own name where the kind has one (kind/k3d cluster,
/// minikube profile), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detected {
    pub kind: ClusterKind,
    pub name: Option<String>,
    pub evidence: Vec<String>,
}

/// One node's kind, from what only that kind writes: the provider ID scheme, its labels,
/// node info (OS image, kernel, kubelet version).
pub fn node_kind(n: &NodeFacts) -> Option<(ClusterKind, Option<String>, String)> {
    let pid = n.provider_id.as_str();
    let label = |k: &str| n.labels.get(k).map(String::as_str);
    let has_label_prefix = |p: &str| n.labels.keys().any(|k| k.starts_with(p));
    if n.os_image == "Docker Desktop" {
        return Some((
            ClusterKind::DockerDesktop,
            None,
            format!("node {} osImage `Docker Desktop`", n.name),
        ));
    }
    if n.os_image == "OrbStack"
        || n.kubelet_version.contains("+orb")
        || n.kernel_version.contains("orbstack")
    {
        return Some((
            ClusterKind::Orbstack,
            None,
            format!("node {} runs OrbStack ({})", n.name, n.kubelet_version),
        ));
    }
    if let Some(rest) = pid.strip_prefix("kind://") {
        // kind://<provider>/<cluster>/<node>
        let cluster = rest.split('/').nth(1).map(str::to_string);
        return Some((
            ClusterKind::Kind,
            cluster,
            format!("node {} providerID {pid}", n.name),
        ));
    }
    if let Some(name) = label("minikube.k8s.io/name") {
        return Some((
            ClusterKind::Minikube,
            Some(name.to_string()),
            format!("node {} label minikube.k8s.io/name={name}", n.name),
        ));
    }
    let k3s = pid.starts_with("k3s://")
        || label("node.kubernetes.io/instance-type") == Some("k3s")
        || n.kubelet_version.contains("+k3s");
    if k3s {
        if let Some(rest) = n.name.strip_prefix("k3d-") {
            // k3d-<cluster>-server-0 / k3d-<cluster>-agent-0
            let cluster = ["-server-", "-agent-"]
                .iter()
                .find_map(|s| rest.rfind(s).map(|i| rest[..i].to_string()));
            return Some((
                ClusterKind::K3d,
                cluster,
                format!("k3s node named {}", n.name),
            ));
        }
        if n.name == "lima-rancher-desktop" {
            return Some((
                ClusterKind::RancherDesktop,
                None,
                format!("k3s node named {}", n.name),
            ));
        }
        return Some((
            ClusterKind::K3s,
            None,
            format!("node {} is k3s ({})", n.name, n.kubelet_version),
        ));
    }
    if pid.starts_with("aws://")
        || label("eks.amazonaws.com/nodegroup").is_some()
        || n.kubelet_version.contains("-eks-")
    {
        return Some((
            ClusterKind::Eks,
            None,
            format!("node {} providerID {pid} / {}", n.name, n.kubelet_version),
        ));
    }
    if pid.starts_with("gce://")
        || label("cloud.google.com/gke-nodepool").is_some()
        || n.kubelet_version.contains("-gke.")
    {
        return Some((ClusterKind::Gke, None, format!("node {} is GKE", n.name)));
    }
    if pid.starts_with("azure://") || has_label_prefix("kubernetes.azure.com/") {
        return Some((ClusterKind::Aks, None, format!("node {} is AKS", n.name)));
    }
    if n.os_image.contains("Red Hat Enterprise Linux CoreOS")
        || has_label_prefix("node.openshift.io/")
    {
        return Some((
            ClusterKind::Openshift,
            None,
            format!("node {} runs {}", n.name, n.os_image),
        ));
    }
    None
}

/// The kind the kubeconfig's context name and server URL suggest.
pub fn context_kind(context: &str, server: &str) -> Option<(ClusterKind, Option<String>)> {
    if let Some(c) = context.strip_prefix("kind-") {
        return Some((ClusterKind::Kind, Some(c.to_string())));
    }
    if let Some(c) = context.strip_prefix("k3d-") {
        return Some((ClusterKind::K3d, Some(c.to_string())));
    }
    match context {
        "minikube" => return Some((ClusterKind::Minikube, Some("minikube".into()))),
        "docker-desktop" => return Some((ClusterKind::DockerDesktop, None)),
        "rancher-desktop" => return Some((ClusterKind::RancherDesktop, None)),
        "orbstack" => return Some((ClusterKind::Orbstack, None)),
        _ => {}
    }
    if server.contains("kubernetes.docker.internal") {
        return Some((ClusterKind::DockerDesktop, None));
    }
    if context.starts_with("arn:aws:eks:") || server.contains(".eks.amazonaws.com") {
        return Some((ClusterKind::Eks, None));
    }
    if context.starts_with("gke_") {
        return Some((ClusterKind::Gke, None));
    }
    if server.contains(".azmk8s.io") {
        return Some((ClusterKind::Aks, None));
    }
    None
}

/// Nodes first (what the cluster is), the context name as the tie-breaker and for clusters
/// whose nodes carry no mark of their kind.
pub fn detect(f: &ClusterFacts) -> Detected {
    let mut votes: Vec<(ClusterKind, usize)> = Vec::new();
    let mut evidence = Vec::new();
    let mut name = None;
    for n in &f.nodes {
        if let Some((k, nm, why)) = node_kind(n) {
            match votes.iter_mut().find(|(x, _)| *x == k) {
                Some((_, c)) => *c += 1,
                None => votes.push((k, 1)),
            }
            if evidence.len() < 3 {
                evidence.push(why);
            }
            if name.is_none() {
                name = nm;
            }
        }
    }
    let ctx = context_kind(&f.context, &f.server);
    if let Some((k, _)) = &ctx {
        evidence.push(format!("context `{}`", f.context));
        // a tie between node kinds goes to the one the context names
        if let Some((_, c)) = votes.iter_mut().find(|(x, _)| x == k) {
            *c = c.saturating_mul(2);
        }
    }
    let best = votes.iter().max_by_key(|(_, c)| *c).map(|(k, _)| *k);
    let kind = match (best, &ctx) {
        (Some(k), _) => k,
        (None, Some((k, _))) => *k,
        (None, None) => ClusterKind::Other,
    };
    if let Some((k, Some(c))) = &ctx
        && *k == kind
        && name.is_none()
    {
        name = Some(c.clone());
    }
    if kind == ClusterKind::Other {
        evidence.push(format!(
            "no node or context mark of a known kind ({} node(s), context `{}`)",
            f.nodes.len(),
            f.context
        ));
    }
    // Docker Desktop's kind mode names its nodes desktop-*; its context stays docker-desktop
    if kind == ClusterKind::Kind && f.context == "docker-desktop" {
        return Detected {
            kind: ClusterKind::DockerDesktop,
            name: None,
            evidence,
        };
    }
    Detected {
        kind,
        name,
        evidence,
    }
}

// ---------------------------------------------------------------------------------------
// Image delivery

/// How a built image gets to the nodes of a cluster of `kind`, when `delivery` is auto.
pub fn delivery_for(kind: ClusterKind) -> Delivery {
    match kind {
        ClusterKind::Kind | ClusterKind::Minikube | ClusterKind::K3d => Delivery::Load,
        ClusterKind::DockerDesktop | ClusterKind::Orbstack | ClusterKind::RancherDesktop => {
            Delivery::Shared
        }
        _ => Delivery::Push,
    }
}

/// The command that loads `image` into a cluster of `kind` named `name`; `None` for kinds
/// with no such command.
pub fn load_command(kind: ClusterKind, name: Option<&str>, image: &str) -> Option<Vec<String>> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    match kind {
        ClusterKind::Kind => Some(s(&[
            "kind",
            "load",
            "docker-image",
            image,
            "--name",
            name.unwrap_or("kind"),
        ])),
        ClusterKind::Minikube => Some(s(&[
            "minikube",
            "image",
            "load",
            image,
            "-p",
            name.unwrap_or("minikube"),
        ])),
        ClusterKind::K3d => Some(s(&[
            "k3d",
            "image",
            "import",
            image,
            "-c",
            name.unwrap_or("k3s-default"),
        ])),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// AppArmor

/// What the nodes say about AppArmor: `Some(false)` when a node's kernel or OS is one known
/// to lack it, `None` when nothing can be known without asking the kubelet (a probe pod).
pub fn apparmor_hint(f: &ClusterFacts) -> (Option<bool>, String) {
    for n in f.nodes.iter().filter(|n| n.ready && !n.unschedulable) {
        let why = if n.os_image == "Docker Desktop" || n.kernel_version.contains("linuxkit") {
            Some("Docker Desktop's LinuxKit kernel has no AppArmor")
        } else if n.os_image == "OrbStack" || n.kernel_version.contains("orbstack") {
            Some("OrbStack's kernel has no AppArmor")
        } else if n.os_image.contains("Buildroot") {
            Some("minikube's VM image (Buildroot) is built without AppArmor")
        } else {
            None
        };
        if let Some(w) = why {
            return (
                Some(false),
                format!(
                    "{w} (node {}: {}, kernel {})",
                    n.name, n.os_image, n.kernel_version
                ),
            );
        }
    }
    (
        None,
        "no node says whether AppArmor is enabled (no node field reports it since Kubernetes 1.30)"
            .into(),
    )
}

#[cfg(test)]
mod tests;

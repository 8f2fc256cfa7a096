//! Which kind of cluster this is and what that means for the deployment — pure functions of
//! the facts the cluster reports (`kube::ClusterFacts`): the kind (from provider IDs, node
//! labels and node info, then the kubeconfig's context and server), how a locally built image
//! reaches it, which ingress controller serves which class and whether it can talk HTTPS to
//! the WSO2 pods, whether AppArmor is there, and whether both pods fit. Facts per kind:
//! `shared/reference/cluster-kinds.md`.

use serde::{Deserialize, Serialize};

use crate::kube::{ClusterFacts, NodeFacts};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ClusterKind {
    /// Detected when kmpilot meets the cluster.
    #[default]
    Auto,
    Kind,
    Minikube,
    K3d,
    K3s,
    DockerDesktop,
    RancherDesktop,
    Orbstack,
    Eks,
    Gke,
    Aks,
    Openshift,
    Other,
}

impl ClusterKind {
    pub const NAMES: [&'static str; 13] = [
        "auto",
        "kind",
        "minikube",
        "k3d",
        "k3s",
        "docker-desktop",
        "rancher-desktop",
        "orbstack",
        "eks",
        "gke",
        "aks",
        "openshift",
        "other",
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClusterKind::Auto => "auto",
            ClusterKind::Kind => "kind",
            ClusterKind::Minikube => "minikube",
            ClusterKind::K3d => "k3d",
            ClusterKind::K3s => "k3s",
            ClusterKind::DockerDesktop => "docker-desktop",
            ClusterKind::RancherDesktop => "rancher-desktop",
            ClusterKind::Orbstack => "orbstack",
            ClusterKind::Eks => "eks",
            ClusterKind::Gke => "gke",
            ClusterKind::Aks => "aks",
            ClusterKind::Openshift => "openshift",
            ClusterKind::Other => "other",
        }
    }

    /// A cluster on the user's machine whose nodes can take a locally built image.
    pub fn is_local(self) -> bool {
        matches!(
            self,
            ClusterKind::Kind
                | ClusterKind::Minikube
                | ClusterKind::K3d
                | ClusterKind::DockerDesktop
                | ClusterKind::RancherDesktop
                | ClusterKind::Orbstack
        )
    }
}

impl std::fmt::Display for ClusterKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Delivery {
    /// Decided from the cluster kind: load into kind/minikube/k3d, nothing for a cluster that
    /// shares the Docker engine, push otherwise.
    #[default]
    Auto,
    /// `docker push` to the registry.
    Push,
    /// Load the image into the cluster's nodes (kind, minikube, k3d).
    Load,
    /// The cluster uses the same image store as `docker build` (Docker Desktop, OrbStack,
    /// Rancher Desktop with moby): nothing to do.
    Shared,
}

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
// Ingress

/// What serves the profile's ingress class and whether it can reach the WSO2 pods, which
/// speak HTTPS on 9443 (the charts say so with ingress-nginx's `backend-protocol: HTTPS`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IngressDecision {
    pub class: String,
    /// The controller behind the class (`k8s.io/ingress-nginx`), when the class exists.
    pub controller: Option<String>,
    /// Whether that controller honours `nginx.ingress.kubernetes.io/backend-protocol: HTTPS`.
    pub https_backend: bool,
    /// Install ingress-nginx (the profile may ask for it with `cluster.ingress.install`).
    pub install_suggested: bool,
    pub summary: String,
}

pub const NGINX_CONTROLLER: &str = "k8s.io/ingress-nginx";
/// Said wherever ingress-nginx is found or installed.
pub const NGINX_RETIRED: &str =
    "ingress-nginx was retired in March 2026: no more releases or security fixes";

pub fn controller_name(controller: &str) -> &str {
    match controller {
        NGINX_CONTROLLER => "ingress-nginx",
        "kind.sigs.k8s.io/ingress-controller" => "cloud-provider-kind",
        "traefik.io/ingress-controller" => "Traefik",
        "ingress.k8s.aws/alb" => "AWS Load Balancer Controller",
        "webapprouting.kubernetes.azure.com/nginx" | "webapprouting.kubernetes.azure.com" => {
            "AKS application routing"
        }
        "openshift.io/ingress-to-route" => "OpenShift router",
        other => other,
    }
}

pub fn ingress_decision(f: &ClusterFacts, class: &str) -> IngressDecision {
    let serving = f.ingress_classes.iter().find(|c| c.name == class);
    let nginx_other = f
        .ingress_classes
        .iter()
        .find(|c| c.controller == NGINX_CONTROLLER && c.name != class);
    let others: Vec<String> = f
        .ingress_classes
        .iter()
        .map(|c| {
            format!(
                "{} ({}, which ignores the nginx backend-protocol annotation)",
                c.name,
                controller_name(&c.controller)
            )
        })
        .collect();
    match serving {
        Some(c) if c.controller == NGINX_CONTROLLER => IngressDecision {
            class: class.into(),
            controller: Some(c.controller.clone()),
            https_backend: true,
            install_suggested: false,
            summary: format!(
                "class `{class}` is served by ingress-nginx, which proxies HTTPS to the pods ({NGINX_RETIRED})"
            ),
        },
        Some(c) => IngressDecision {
            class: class.into(),
            controller: Some(c.controller.clone()),
            https_backend: false,
            install_suggested: nginx_other.is_none(),
            summary: format!(
                "class `{class}` is served by {}, which ignores the charts' nginx backend-protocol: HTTPS annotation and would send plain HTTP to the HTTPS port 9443{}",
                controller_name(&c.controller),
                match nginx_other {
                    Some(n) => format!("; use class `{}` (ingress-nginx) instead", n.name),
                    None => "; set cluster.ingress.install: true to install ingress-nginx".into(),
                }
            ),
        },
        None => IngressDecision {
            class: class.into(),
            controller: None,
            https_backend: false,
            install_suggested: nginx_other.is_none(),
            summary: match nginx_other {
                Some(n) => format!(
                    "no IngressClass `{class}`; ingress-nginx serves class `{}`: set apiManager.ingress.className to it",
                    n.name
                ),
                None => format!(
                    "no IngressClass `{class}` and no controller that can reach an HTTPS backend ({}); set cluster.ingress.install: true to install ingress-nginx",
                    if others.is_empty() {
                        "the cluster has no ingress class".to_string()
                    } else {
                        format!("classes: {}", others.join(", "))
                    }
                ),
            },
        },
    }
}

/// `helm` arguments that install ingress-nginx serving `class` with what a cluster of `kind`
/// needs to be reachable from the laptop.
pub fn ingress_nginx_install_args(kind: ClusterKind, class: &str) -> Vec<String> {
    let mut a: Vec<String> = [
        "upgrade",
        "--install",
        "ingress-nginx",
        "ingress-nginx",
        "--repo",
        "https://kubernetes.github.io/ingress-nginx",
        "-n",
        "ingress-nginx",
        "--create-namespace",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut set = |k: &str, v: &str| {
        a.push("--set".into());
        a.push(format!("{k}={v}"));
    };
    set("controller.ingressClassResource.name", class);
    set("controller.ingressClass", class);
    match kind {
        // kind: hostPort 80/443 on the node (mapped to the laptop by the cluster's
        // extraPortMappings) and status `localhost`, as ingress-nginx's kind manifest does
        ClusterKind::Kind => {
            set("controller.hostPort.enabled", "true");
            set("controller.service.type", "NodePort");
            set("controller.publishService.enabled", "false");
            set("controller.extraArgs.publish-status-address", "localhost");
            set(
                "controller.tolerations[0].key",
                "node-role.kubernetes.io/control-plane",
            );
            set("controller.tolerations[0].operator", "Exists");
            set("controller.tolerations[0].effect", "NoSchedule");
        }
        // minikube: hostPort on the VM/container; the status falls back to the node IP
        ClusterKind::Minikube => {
            set("controller.hostPort.enabled", "true");
            set("controller.service.type", "NodePort");
            set("controller.publishService.enabled", "false");
        }
        // k3d: servicelb publishes a LoadBalancer service on the node containers
        ClusterKind::K3d => {
            set("controller.service.type", "LoadBalancer");
        }
        _ => {}
    }
    a.extend(["--wait".into(), "--timeout".into(), "10m".into()]);
    a
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

pub use crate::kube::APPARMOR_FIX;

// ---------------------------------------------------------------------------------------
// Capacity

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PodNeed {
    pub name: String,
    pub cpu_milli: i64,
    pub memory_bytes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fit {
    pub fits: bool,
    /// `pod → node` for each pod that found room.
    pub placements: Vec<(String, String)>,
    /// The numbers: what is needed, what each node has left.
    pub report: String,
}

pub fn cpu_text(m: i64) -> String {
    if m % 1000 == 0 {
        format!("{}", m / 1000)
    } else {
        format!("{m}m")
    }
}

pub fn mem_text(b: i64) -> String {
    let gi = b as f64 / (1024.0 * 1024.0 * 1024.0);
    if gi >= 1.0 {
        format!("{gi:.1}Gi")
    } else {
        format!("{}Mi", b / (1024 * 1024))
    }
}

/// Whether the pods fit on the schedulable nodes as the scheduler counts it (allocatable
/// minus the requests of pods already bound), first-fit from the largest pod. Pods in
/// `own_namespace` whose names start with one of `own_prefixes` are left out of "already
/// requested": an upgrade replaces them.
pub fn fit(
    f: &ClusterFacts,
    needs: &[PodNeed],
    own_namespace: &str,
    own_prefixes: &[String],
) -> Fit {
    let own = |ns: &str, name: &str| {
        ns == own_namespace && own_prefixes.iter().any(|p| name.starts_with(p.as_str()))
    };
    let mut free: Vec<(String, i64, i64, String)> = Vec::new();
    let mut skipped = Vec::new();
    for n in &f.nodes {
        if !n.ready || n.unschedulable || !n.taints.is_empty() {
            skipped.push(format!(
                "{} ({})",
                n.name,
                if !n.ready {
                    "not Ready".to_string()
                } else if n.unschedulable {
                    "cordoned".to_string()
                } else {
                    format!("taint {}", n.taints.join(","))
                }
            ));
            continue;
        }
        let (oc, om) = n
            .pods
            .iter()
            .filter(|p| own(&p.namespace, &p.name))
            .fold((0, 0), |(a, b), p| (a + p.cpu_milli, b + p.memory_bytes));
        let cpu = n.cpu_milli - (n.requested_cpu_milli - oc);
        let mem = n.memory_bytes - (n.requested_memory_bytes - om);
        free.push((
            n.name.clone(),
            cpu,
            mem,
            format!(
                "{}: {} CPU / {} free of {} / {}",
                n.name,
                cpu_text(cpu.max(0)),
                mem_text(mem.max(0)),
                cpu_text(n.cpu_milli),
                mem_text(n.memory_bytes)
            ),
        ));
    }
    let mut order: Vec<&PodNeed> = needs.iter().collect();
    order.sort_by_key(|p| std::cmp::Reverse((p.cpu_milli, p.memory_bytes)));
    let mut placements = Vec::new();
    let mut left: Vec<(String, i64, i64)> = free
        .iter()
        .map(|(n, c, m, _)| (n.clone(), *c, *m))
        .collect();
    let mut missing = Vec::new();
    for p in order {
        match left
            .iter_mut()
            .find(|(_, c, m)| *c >= p.cpu_milli && *m >= p.memory_bytes)
        {
            Some((node, c, m)) => {
                *c -= p.cpu_milli;
                *m -= p.memory_bytes;
                placements.push((p.name.clone(), node.clone()));
            }
            None => missing.push(p.name.clone()),
        }
    }
    let need_cpu: i64 = needs.iter().map(|p| p.cpu_milli).sum();
    let need_mem: i64 = needs.iter().map(|p| p.memory_bytes).sum();
    let mut report = format!(
        "needed: {} ({} CPU / {} in all); left on the nodes: {}",
        needs
            .iter()
            .map(|p| format!(
                "{} {} CPU / {}",
                p.name,
                cpu_text(p.cpu_milli),
                mem_text(p.memory_bytes)
            ))
            .collect::<Vec<_>>()
            .join(", "),
        cpu_text(need_cpu),
        mem_text(need_mem),
        if free.is_empty() {
            "no schedulable node".to_string()
        } else {
            free.iter()
                .map(|x| x.3.clone())
                .collect::<Vec<_>>()
                .join("; ")
        }
    );
    if !skipped.is_empty() {
        report.push_str(&format!("; not counted: {}", skipped.join(", ")));
    }
    if !missing.is_empty() {
        report.push_str(&format!("; no room for {}", missing.join(", ")));
    }
    Fit {
        fits: missing.is_empty(),
        placements,
        report,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::IngressClassFacts;

    fn node(name: &str) -> NodeFacts {
        NodeFacts {
            name: name.into(),
            ready: true,
            cpu_milli: 4000,
            memory_bytes: 8 << 30,
            ..Default::default()
        }
    }

    #[test]
    fn kinds_from_nodes_and_context() {
        let mut kind = node("demo-control-plane");
        kind.provider_id = "kind://docker/demo/demo-control-plane".into();
        let f = ClusterFacts {
            context: "kind-demo".into(),
            nodes: vec![kind, node("kwok-node-0")],
            ..Default::default()
        };
        let d = detect(&f);
        assert_eq!(
            (d.kind, d.name.as_deref()),
            (ClusterKind::Kind, Some("demo"))
        );

        let mut k3d = node("k3d-dev-server-0");
        k3d.provider_id = "k3s://k3d-dev-server-0".into();
        let d = detect(&ClusterFacts {
            context: "k3d-dev".into(),
            nodes: vec![k3d],
            ..Default::default()
        });
        assert_eq!((d.kind, d.name.as_deref()), (ClusterKind::K3d, Some("dev")));

        let mut dd = node("docker-desktop");
        dd.os_image = "Docker Desktop".into();
        dd.kernel_version = "6.10.14-linuxkit".into();
        let f = ClusterFacts {
            context: "docker-desktop".into(),
            nodes: vec![dd],
            ..Default::default()
        };
        assert_eq!(detect(&f).kind, ClusterKind::DockerDesktop);
        assert_eq!(apparmor_hint(&f).0, Some(false));

        let d = detect(&ClusterFacts {
            context: "arn:aws:eks:eu-west-1:1:cluster/x".into(),
            nodes: vec![node("ip-10-0-0-1.eu-west-1.compute.internal")],
            ..Default::default()
        });
        assert_eq!(d.kind, ClusterKind::Eks);
        let d = detect(&ClusterFacts {
            context: "kwok-x".into(),
            nodes: vec![node("n")],
            ..Default::default()
        });
        assert_eq!(d.kind, ClusterKind::Other);
    }

    #[test]
    fn ingress_decisions() {
        let class = |n: &str, c: &str| IngressClassFacts {
            name: n.into(),
            controller: c.into(),
            is_default: false,
        };
        let mut f = ClusterFacts::default();
        let d = ingress_decision(&f, "nginx");
        assert!(!d.https_backend && d.install_suggested, "{d:?}");
        f.ingress_classes = vec![class(
            "cloud-provider-kind",
            "kind.sigs.k8s.io/ingress-controller",
        )];
        let d = ingress_decision(&f, "nginx");
        assert!(
            d.install_suggested && d.summary.contains("cloud-provider-kind"),
            "{d:?}"
        );
        f.ingress_classes.push(class("nginx", NGINX_CONTROLLER));
        let d = ingress_decision(&f, "nginx");
        assert!(d.https_backend && d.summary.contains("retired"), "{d:?}");
        let d = ingress_decision(&f, "traefik");
        assert!(!d.https_backend && !d.install_suggested, "{d:?}");
    }

    #[test]
    fn fit_counts_what_is_already_requested() {
        let mut n = node("n1");
        n.requested_cpu_milli = 950;
        n.requested_memory_bytes = 300 << 20;
        let f = ClusterFacts {
            nodes: vec![n],
            ..Default::default()
        };
        let two = |c| {
            vec![
                PodNeed {
                    name: "is".into(),
                    cpu_milli: c,
                    memory_bytes: 2 << 30,
                },
                PodNeed {
                    name: "apim".into(),
                    cpu_milli: c,
                    memory_bytes: 2 << 30,
                },
            ]
        };
        let r = fit(&f, &two(2000), "wso2", &[]);
        assert!(!r.fits, "{r:?}");
        assert!(r.report.contains("n1: 3050m CPU"), "{}", r.report);
        assert!(fit(&f, &two(500), "wso2", &[]).fits);
    }
}

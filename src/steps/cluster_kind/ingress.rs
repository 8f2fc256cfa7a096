//! Which ingress controller serves the profile's class, whether it can reach the WSO2 pods over HTTPS, and how kmpilot installs ingress-nginx when asked.

use super::*;

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

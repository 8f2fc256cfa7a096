//! Which ingress controller serves the profile's class, whether it can reach the WSO2 pods over HTTPS, and how kmpilot installs ingress-nginx when asked.
//!
//! What Traefik does (read in Traefik v3.7.13's source, and checked against a running Traefik
//! 3.7.13 by `tests/real_node/ingress.rs`):
//! - its Kubernetes Ingress provider (IngressClass controller `traefik.io/ingress-controller`,
//!   `pkg/provider/kubernetes/ingress`) reads no `nginx.ingress.kubernetes.io/*` annotation; it
//!   speaks HTTPS to a pod only when the Service port is 443, the port's name starts with
//!   `https`, or the Service says `traefik.ingress.kubernetes.io/service.serversscheme: https`
//!   (`getProtocol` in `kubernetes.go`). The WSO2 Services name their 9443 port `servlet-https`,
//!   so the pods get plain HTTP and answer 400. With `serversscheme: https` Traefik verifies
//!   the pod's certificate (issuer against its roots, the pod's IP as the name: a running
//!   Traefik says "x509: cannot validate certificate for <pod IP> because it doesn't contain
//!   any IP SANs"), so it answers 500 unless a ServersTransport (`service.serverstransport`)
//!   skips verification or names the CA and the server name;
//! - its ingress-nginx compatibility provider (`--providers.kubernetesIngressNGINX`, not
//!   experimental since v3.6.2; `pkg/provider/kubernetes/ingress-nginx`) serves IngressClasses
//!   whose controller is `k8s.io/ingress-nginx` (default class name `nginx`), honours
//!   `backend-protocol: HTTPS` and, like ingress-nginx, does not verify the pod's certificate
//!   unless `proxy-ssl-verify: "on"` (`build.go`). Such a class looks exactly like
//!   ingress-nginx's: the IngressClass alone cannot tell the two apart.

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
pub const TRAEFIK_CONTROLLER: &str = "traefik.io/ingress-controller";
/// What serves a class with the ingress-nginx controller name today.
const NGINX_CLASS_SERVERS: &str =
    "ingress-nginx, or Traefik's ingress-nginx compatibility provider (kubernetesIngressNGINX)";
/// The fix for a cluster whose controller is Traefik (k3s, k3d, Rancher Desktop ship it).
pub const TRAEFIK_FIX: &str = "Traefik v3.6.2+ can serve the charts as they are: enable its ingress-nginx compatibility provider (--providers.kubernetesIngressNGINX; on k3s/k3d/Rancher Desktop through a HelmChartConfig for traefik with it in additionalArguments), create an IngressClass `nginx` with controller k8s.io/ingress-nginx and use class `nginx`: it honours backend-protocol: HTTPS and, like ingress-nginx, does not verify the pod's certificate";
/// Said wherever ingress-nginx is found or installed.
pub const NGINX_RETIRED: &str =
    "ingress-nginx was retired in March 2026: no more releases or security fixes";

pub fn controller_name(controller: &str) -> &str {
    match controller {
        NGINX_CONTROLLER => "ingress-nginx",
        "kind.sigs.k8s.io/ingress-controller" => "cloud-provider-kind",
        TRAEFIK_CONTROLLER => "Traefik",
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
    let traefik = f
        .ingress_classes
        .iter()
        .any(|c| c.controller == TRAEFIK_CONTROLLER);
    match serving {
        Some(c) if c.controller == NGINX_CONTROLLER => IngressDecision {
            class: class.into(),
            controller: Some(c.controller.clone()),
            https_backend: true,
            install_suggested: false,
            summary: format!(
                "class `{class}` is served by {NGINX_CLASS_SERVERS}, which proxies HTTPS to the pods as the charts' backend-protocol: HTTPS asks ({NGINX_RETIRED}; Traefik's provider is maintained)"
            ),
        },
        Some(c) if c.controller == TRAEFIK_CONTROLLER => IngressDecision {
            class: class.into(),
            controller: Some(c.controller.clone()),
            https_backend: false,
            // Traefik's own provider is the fix, not a retired controller beside it
            install_suggested: false,
            summary: format!(
                "class `{class}` is served by Traefik's Kubernetes Ingress provider, which ignores the charts' nginx backend-protocol: HTTPS annotation and sends plain HTTP to the pods' HTTPS port 9443 (their Services name it `servlet-https`; Traefik uses HTTPS only for port 443, a port name starting with `https` or the Service annotation traefik.ingress.kubernetes.io/service.serversscheme: https, and then verifies the pod's certificate — its issuer against Traefik's roots, the pod's IP as its name — unless a ServersTransport skips that or names the CA and the server name){}",
                match nginx_other {
                    Some(n) => format!(
                        "; use class `{}` instead: it is served by {NGINX_CLASS_SERVERS}",
                        n.name
                    ),
                    None => format!("; {TRAEFIK_FIX}"),
                }
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
            install_suggested: nginx_other.is_none() && !traefik,
            summary: match nginx_other {
                Some(n) => format!(
                    "no IngressClass `{class}`; {NGINX_CLASS_SERVERS} serves class `{}`: set apiManager.ingress.className to it",
                    n.name
                ),
                None => format!(
                    "no IngressClass `{class}` and no controller that can reach an HTTPS backend ({}); {}",
                    if others.is_empty() {
                        "the cluster has no ingress class".to_string()
                    } else {
                        format!("classes: {}", others.join(", "))
                    },
                    if traefik {
                        TRAEFIK_FIX.to_string()
                    } else {
                        "set cluster.ingress.install: true to install ingress-nginx".into()
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

//! How the WSO2 servers are reached from outside the cluster (`cluster.exposure`): Ingresses
//! (the charts' own, today's default) or the Gateway API — a Gateway kmpilot creates or one
//! that exists, API-M's HTTPRoutes from its chart (`kubernetes.gatewayAPI`), and IS's
//! HTTPRoute and BackendTLSPolicy rendered by kmpilot (the IS 7.1 chart renders only an
//! Ingress). The plan's pieces for the Gateway API live here; the steps that own the objects
//! (prerequisites, keystores, IS, API-M, DNS) call in.

use crate::plan::cluster_checks::GatewayCheck;
use crate::profile::sections::exposure::ExposureKind;

use serde_json::{Value, json};

use crate::plan::{Action, Check, Command};
use crate::profile::diagnostics::{Issues, YamlPath};
use crate::profile::{Profile, checks};
use crate::render::gateway_api as gw;

/// Envoy Gateway's Helm chart (an OCI artifact on Docker Hub), the version kmpilot installs,
/// and the controller name its GatewayClass must carry (gateway.envoyproxy.io install docs).
pub const ENVOY_GATEWAY_CHART: &str = "oci://docker.io/envoyproxy/gateway-helm";
pub const ENVOY_GATEWAY_VERSION: &str = "v1.8.2";
pub const ENVOY_GATEWAY_NAMESPACE: &str = "envoy-gateway-system";
pub const ENVOY_GATEWAY_CONTROLLER: &str = "gateway.envoyproxy.io/gatewayclass-controller";

/// The ConfigMaps (key `ca.crt`) the BackendTLSPolicies verify the pods with: each server's
/// own certificate, which kmpilot generates self-signed, so it is its own trust anchor.
pub const APIM_BACKEND_CA: &str = "kmpilot-apim-backend-ca";
pub const IS_BACKEND_CA: &str = "kmpilot-is-backend-ca";

/// What a GatewayClass's controller is known to do with BackendTLSPolicy, when its
/// GatewayClass does not say (`status.supportedFeatures`, Gateway API v1.2+).
/// Sources: Envoy Gateway's and NGINX Gateway Fabric's Gateway API compatibility pages,
/// Istio's Gateway API support, cloud-provider-kind `pkg/gateway/features.go` (no
/// BackendTLSPolicy; reference/cluster-kinds.md §5).
pub const KNOWN_CONTROLLERS: [(&str, &str, bool); 4] = [
    (ENVOY_GATEWAY_CONTROLLER, "Envoy Gateway", true),
    ("istio.io/gateway-controller", "Istio", true),
    (
        "gateway.nginx.org/nginx-gateway-controller",
        "NGINX Gateway Fabric",
        true,
    ),
    (
        "kind.sigs.k8s.io/gateway-controller",
        "cloud-provider-kind",
        false,
    ),
];

/// `Some(true/false)` when the controller is known to implement BackendTLSPolicy or not.
pub fn backend_tls_support(controller: &str, supported_features: &[String]) -> Option<bool> {
    if supported_features.iter().any(|f| f == "BackendTLSPolicy") {
        return Some(true);
    }
    KNOWN_CONTROLLERS
        .iter()
        .find(|(c, _, _)| *c == controller)
        .map(|(_, _, yes)| *yes)
}

/// A human name for a controller (`Envoy Gateway`), or the controller name itself.
pub fn controller_label(controller: &str) -> &str {
    KNOWN_CONTROLLERS
        .iter()
        .find(|(c, _, _)| *c == controller)
        .map_or(controller, |(_, n, _)| n)
}

pub fn validate(p: &Profile, issues: &mut Issues) {
    let e = &p.cluster.exposure;
    if e.kind != ExposureKind::GatewayApi {
        return;
    }
    let base = YamlPath::root()
        .key("cluster")
        .key("exposure")
        .key("gateway");
    checks::k8s_name(issues, &base.key("name"), &e.gateway.name);
    if p.cluster.ingress.install {
        issues.warn(
            &YamlPath::root()
                .key("cluster")
                .key("ingress")
                .key("install"),
            "ingress-nginx is not installed with Gateway API exposure",
            Some("set it to false, or cluster.exposure.kind: ingress"),
        );
    }
    if e.gateway.create || e.gateway.install_envoy_gateway {
        checks::k8s_name(issues, &base.key("className"), &e.gateway.class_name);
    }
    if e.gateway.install_envoy_gateway && !e.gateway.create {
        issues.error(
            &base.key("installEnvoyGateway"),
            "Envoy Gateway is installed for a Gateway kmpilot creates",
            Some(
                "`create: true` with `installEnvoyGateway: true`, or `installEnvoyGateway: false`",
            ),
            Some("an existing Gateway already has its controller"),
        );
    }
}

/// The wizard's fields, shown with the cluster's; the Gateway's appear once the Gateway API
/// is chosen.
pub fn form(p: &Profile) -> Vec<super::form::Field> {
    use super::form::{Field, path};
    let at = |k: &str| path(&["cluster", "exposure", "gateway", k]);
    let choice = Field::enum_choice(
        "Exposure",
        path(&["cluster", "exposure", "kind"]),
        "ingress: the charts' Ingresses; gatewayAPI: HTTPRoutes on a Gateway (ingress-nginx was retired in March 2026)",
        &ExposureKind::NAMES,
        |p| p.cluster.exposure.kind,
        |p, v| p.cluster.exposure.kind = v,
    );
    if !p.gateway_api() {
        return vec![choice];
    }
    vec![
        choice,
        Field::text(
            "Gateway name",
            at("name"),
            "the Gateway the routes attach to, in the WSO2 namespace (the API-M chart's routes name no namespace)",
            |p| p.cluster.exposure.gateway.name.clone(),
            |p, v| p.cluster.exposure.gateway.name = v,
        ),
        Field::bool(
            "Create the Gateway",
            at("create"),
            "kmpilot creates the Gateway (HTTPS listeners for every hostname); no: use an existing one",
            |p| p.cluster.exposure.gateway.create,
            |p, v| p.cluster.exposure.gateway.create = v,
        ),
        Field::text(
            "GatewayClass",
            at("className"),
            "GatewayClass of the Gateway kmpilot creates; its controller must implement BackendTLSPolicy",
            |p| p.cluster.exposure.gateway.class_name.clone(),
            |p, v| p.cluster.exposure.gateway.class_name = v,
        ),
        Field::bool(
            "Install Envoy Gateway",
            at("installEnvoyGateway"),
            "install Envoy Gateway (Helm) and its GatewayClass when no controller can serve the Gateway",
            |p| p.cluster.exposure.gateway.install_envoy_gateway,
            |p, v| p.cluster.exposure.gateway.install_envoy_gateway = v,
        ),
    ]
}

/// The API-M hostnames with the chart's keys (`management`, `gateway`, …).
fn apim_hosts(p: &Profile) -> Vec<(&'static str, &str)> {
    p.api_manager
        .hostnames
        .all()
        .iter()
        .map(|(k, h)| (*k, h.as_str()))
        .collect()
}

/// An apply of `object`, labelled as kmpilot's (what `destroy` and the stale-object checks
/// look for), with its artifact under `exposure/`.
fn manifest(p: &Profile, mut object: Value) -> Action {
    object["metadata"]["labels"] = crate::render::manifests::labels();
    Action::Apply(crate::plan::Manifest::new(
        p.cluster.context.as_deref(),
        "exposure",
        object,
    ))
}

/// Prerequisites: Envoy Gateway when asked, then the GatewayClass (or the existing Gateway)
/// checked for a controller that can reach HTTPS backends.
pub fn prerequisites(p: &Profile) -> Vec<Action> {
    let g = &p.cluster.exposure.gateway;
    let mut v = Vec::new();
    if g.install_envoy_gateway {
        v.push(Action::Note {
            text: format!(
                "installing Envoy Gateway {ENVOY_GATEWAY_VERSION} (the routing controller WSO2's docs recommend from API-M 4.5 on) and GatewayClass `{}`",
                g.class_name
            ),
        });
        let mut args: Vec<String> = [
            "upgrade",
            "--install",
            "eg",
            ENVOY_GATEWAY_CHART,
            "--version",
            ENVOY_GATEWAY_VERSION,
            "-n",
            ENVOY_GATEWAY_NAMESPACE,
            "--create-namespace",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.extend(p.cluster.helm_flags());
        args.extend(["--wait".into(), "--timeout".into(), "10m".into()]);
        v.push(Action::Run(Command::new("helm", args).with_timeout(660)));
        v.push(manifest(
            p,
            json!({
                "apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass",
                "metadata": {"name": g.class_name},
                "spec": {"controllerName": ENVOY_GATEWAY_CONTROLLER},
            }),
        ));
    }
    v.push(Action::Check(Check::GatewayApi(GatewayCheck {
        context: p.cluster.context.clone(),
        namespace: p.cluster.namespace.clone(),
        gateway: g.name.clone(),
        class: g.create.then(|| g.class_name.clone()),
        envoy_offer: !g.install_envoy_gateway,
        // the API-M chart's routes attach by these listener names, whoever made the Gateway
        sections: if g.create || !p.api_manager.install {
            Vec::new()
        } else {
            gw::APIM_SECTIONS
                .iter()
                .map(|(_, s)| s.to_string())
                .collect()
        },
    })));
    v
}

/// `kubectl create configmap … --dry-run=client -o yaml` into a work file, then `kubectl
/// apply` of it: a ConfigMap from a certificate the keystores step wrote (created or reused).
fn ca_configmap(p: &Profile, name: &str, cert: &str) -> Vec<Action> {
    let file = format!("exposure/{name}.yaml");
    let flags = p.cluster.kubectl_flags();
    let ns = p.cluster.namespace.as_str();
    let mut create: Vec<String> = flags.clone();
    create.extend(
        [
            "create",
            "configmap",
            name,
            "-n",
            ns,
            &format!("--from-file=ca.crt={cert}"),
            "--dry-run=client",
            "-o",
            "yaml",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    let mut c = Command::new("kubectl", create);
    c.stdout_to = Some(file.clone());
    let mut apply = flags;
    apply.extend(["apply", "-f", &file].iter().map(|s| s.to_string()));
    vec![Action::Run(c), Action::Run(Command::new("kubectl", apply))]
}

/// Keystores: the CA ConfigMaps the BackendTLSPolicies name, and the Gateway (HTTPS
/// listeners with the TLS secret the keystores step just made) when kmpilot creates it.
pub fn after_keystores(p: &Profile) -> Vec<Action> {
    let mut v = Vec::new();
    if p.api_manager.install {
        v.extend(ca_configmap(
            p,
            APIM_BACKEND_CA,
            &crate::plan::keystore_set::apim_server_cert(),
        ));
    }
    if p.identity_server.install {
        v.extend(ca_configmap(
            p,
            IS_BACKEND_CA,
            &crate::plan::keystore_set::is_server_cert(),
        ));
    }
    let g = &p.cluster.exposure.gateway;
    if g.create {
        let hosts = if p.api_manager.install {
            apim_hosts(p)
        } else {
            Vec::new()
        };
        let mut listeners = gw::listeners(&hosts, &p.identity_server.hostname);
        if !p.identity_server.install {
            listeners.retain(|l| l.section != gw::IS_SECTION);
        }
        let ns = &p.cluster.namespace;
        v.push(manifest(
            p,
            gw::gateway(&g.name, ns, &g.class_name, p.tls_secret(), &listeners, ns),
        ));
    }
    v
}

/// IS: its HTTPRoute and BackendTLSPolicy, applied after the chart (the Service exists).
pub fn identity_server_objects(p: &Profile) -> Vec<Action> {
    let is = &p.identity_server;
    let ns = &p.cluster.namespace;
    let g = &p.cluster.exposure.gateway;
    let parent = gw::ParentRef {
        name: g.name.clone(),
        namespace: ns.clone(),
        // a Gateway kmpilot creates has a listener for IS's host; an existing one is matched
        // by hostname
        section: g.create.then(|| gw::IS_SECTION.to_string()),
    };
    let service = is.service_name();
    vec![
        manifest(
            p,
            gw::is_http_route(&is.release, ns, &parent, &is.hostname, &service),
        ),
        manifest(
            p,
            gw::backend_tls_policy(&is.release, ns, &service, IS_BACKEND_CA, &is.hostname),
        ),
    ]
}

/// API-M chart values for the Gateway API: routes for every hostname to the Gateway, the
/// chart's BackendTLSPolicy verifying the pod with kmpilot's CA ConfigMap, Ingresses off.
pub fn apim_values(p: &Profile) -> Value {
    gw::apim_values(
        &p.cluster.exposure.gateway.name,
        &apim_hosts(p),
        APIM_BACKEND_CA,
        &p.api_manager.hostnames.management,
    )
}

/// `extra` laid over `base`, maps merged key by key (what helm does with two values files).
pub fn merge(base: &mut Value, extra: Value) {
    match (base, extra) {
        (Value::Object(b), Value::Object(e)) => {
            for (k, v) in e {
                merge(b.entry(k).or_insert(Value::Null), v);
            }
        }
        (b, e) => *b = e,
    }
}

/// The IS 7.1 chart renders its Ingress unconditionally (`templates/ingress.yaml` has no
/// `enabled` flag), so helm's post-renderer drops it: the release then owns no Ingress, and
/// an upgrade from Ingress exposure deletes the one it had (`plan::helm` says how, per major).
pub fn dropped_kinds() -> Vec<String> {
    vec!["Ingress".into()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::steps::adapt::ingress_not_used;

    fn gateway_profile() -> Profile {
        let mut p = Profile::quickstart("gw");
        p.cluster.exposure.kind = ExposureKind::GatewayApi;
        p
    }

    #[test]
    fn the_default_is_ingress_and_is_left_out_of_a_saved_profile() {
        let p = Profile::quickstart("q");
        assert!(!p.gateway_api());
        let yaml = serde_json::to_string(&p).unwrap();
        assert!(!yaml.contains("exposure"), "{yaml}");
        let g = gateway_profile();
        assert!(serde_json::to_string(&g).unwrap().contains("gatewayAPI"));
    }

    #[test]
    fn backend_tls_support_from_the_class_status_then_the_known_table() {
        assert_eq!(
            backend_tls_support(ENVOY_GATEWAY_CONTROLLER, &[]),
            Some(true)
        );
        assert_eq!(
            backend_tls_support("kind.sigs.k8s.io/gateway-controller", &[]),
            Some(false)
        );
        assert_eq!(backend_tls_support("example.com/gw", &[]), None);
        assert_eq!(
            backend_tls_support("example.com/gw", &["BackendTLSPolicy".into()]),
            Some(true)
        );
    }

    #[test]
    fn envoy_gateway_needs_a_created_gateway() {
        let mut p = gateway_profile();
        p.cluster.exposure.gateway.create = false;
        p.cluster.exposure.gateway.install_envoy_gateway = true;
        let paths = |p: &Profile| -> Vec<String> {
            crate::steps::validate(p)
                .list
                .iter()
                .map(|i| i.path.to_string())
                .collect()
        };
        assert_eq!(paths(&p), ["cluster.exposure.gateway.installEnvoyGateway"]);
        p.cluster.exposure.gateway.create = true;
        p.cluster.exposure.gateway.class_name = "Not A Name".into();
        assert_eq!(paths(&p), ["cluster.exposure.gateway.className"]);
    }

    #[test]
    fn installing_envoy_gateway_is_a_helm_step_and_a_gateway_class_before_the_check() {
        let mut p = gateway_profile();
        let plan = crate::steps::plan(&p);
        let pre = &plan.steps[0].actions;
        assert!(
            !pre.iter().any(
                |a| matches!(a, Action::Run(c) if c.args.iter().any(|x| x == ENVOY_GATEWAY_CHART))
            ),
            "not asked: not installed"
        );
        let check = pre
            .iter()
            .find_map(|a| match a {
                Action::Check(Check::GatewayApi(g)) => Some(g.clone()),
                _ => None,
            })
            .expect("the GatewayClass check");
        assert_eq!(check.class.as_deref(), Some("eg"));
        assert!(check.envoy_offer);
        assert!(
            !pre.iter()
                .any(|a| matches!(a, Action::Check(Check::IngressController { .. }))),
            "no ingress class is needed"
        );

        p.cluster.exposure.gateway.install_envoy_gateway = true;
        let plan = crate::steps::plan(&p);
        let pre = &plan.steps[0].actions;
        let at = |f: &dyn Fn(&Action) -> bool| pre.iter().position(f).unwrap();
        let helm = at(&|a| {
            matches!(a, Action::Run(c) if c.program == "helm"
                && c.args[..6] == ["upgrade", "--install", "eg", ENVOY_GATEWAY_CHART, "--version", ENVOY_GATEWAY_VERSION])
        });
        let class = at(&|a| {
            matches!(a, Action::Apply(m) if m.object["kind"] == "GatewayClass"
                && m.object["spec"]["controllerName"] == ENVOY_GATEWAY_CONTROLLER
                && m.object["metadata"]["name"] == "eg")
        });
        let check = at(&|a| matches!(a, Action::Check(Check::GatewayApi(g)) if !g.envoy_offer));
        assert!(helm < class && class < check, "{helm} {class} {check}");
    }

    #[test]
    fn under_the_gateway_api_no_ingress_class_is_decided_and_ingress_nginx_is_called_retired() {
        use crate::kube::{ClusterFacts, IngressClassFacts};
        let mut f = ClusterFacts::default();
        let d = ingress_not_used(&f);
        assert_eq!(d.path, "cluster.exposure.kind");
        assert!(!d.why.contains("retired"), "{}", d.why);
        f.ingress_classes.push(IngressClassFacts {
            name: "nginx".into(),
            controller: super::super::cluster_kind::NGINX_CONTROLLER.into(),
            is_default: true,
        });
        let d = ingress_not_used(&f);
        assert!(
            d.why.contains("class `nginx` is ingress-nginx")
                && d.why.contains("retired in March 2026"),
            "{}",
            d.why
        );
    }

    #[test]
    fn the_gateway_has_a_listener_per_hostname_with_the_tls_secret() {
        let p = gateway_profile();
        let gw = after_keystores(&p)
            .into_iter()
            .find_map(|a| match a {
                Action::Apply(m) if m.object["kind"] == "Gateway" => Some(m.object),
                _ => None,
            })
            .unwrap();
        let hosts: Vec<&str> = gw["spec"]["listeners"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["hostname"].as_str().unwrap())
            .collect();
        let mut want: Vec<String> = p.hostnames();
        want.sort();
        let mut got: Vec<String> = hosts.iter().map(|s| s.to_string()).collect();
        got.sort();
        assert_eq!(got, want);
        assert_eq!(
            gw["spec"]["listeners"][0]["tls"]["certificateRefs"][0]["name"],
            p.keystores.tls_secret
        );
        assert_eq!(gw["spec"]["gatewayClassName"], "eg");
    }
}

//! Gateway API exposure, executed: the prerequisites check (a GatewayClass whose controller
//! can reach the WSO2 pods' HTTPS ports), and the Gateway's address for DNS.

use std::time::Duration;

use super::ctx::{Ctx, Failure};
use crate::kube::gateway_api::GatewayClassFacts;
use crate::plan::cluster_checks::GatewayCheck;
use crate::steps::exposure;

/// One line per class: `eg (Envoy Gateway, BackendTLSPolicy: yes)`.
pub fn describe_classes(classes: &[GatewayClassFacts]) -> String {
    if classes.is_empty() {
        return "none".into();
    }
    classes
        .iter()
        .map(|c| {
            let tls = match exposure::backend_tls_support(&c.controller, &c.supported_features) {
                Some(true) => "yes",
                Some(false) => "no",
                None => "unknown",
            };
            format!(
                "{} ({}, BackendTLSPolicy: {tls})",
                c.name,
                exposure::controller_label(&c.controller)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn offer(check: &GatewayCheck) -> String {
    if check.envoy_offer {
        format!(
            "set cluster.exposure.gateway.installEnvoyGateway: true and kmpilot installs Envoy Gateway ({} {}) with GatewayClass `{}`; or set cluster.exposure.kind: ingress",
            exposure::ENVOY_GATEWAY_CHART,
            exposure::ENVOY_GATEWAY_VERSION,
            check.class.as_deref().unwrap_or("eg")
        )
    } else {
        "the Envoy Gateway install before this check should have made it: see its output above"
            .into()
    }
}

/// The check's verdict from what the cluster has (pure). `classes` is `None` when the
/// cluster does not serve the Gateway API; `existing` is the existing Gateway (outer `None`:
/// not looked up; inner `None`: it does not exist).
pub fn verdict(
    check: &GatewayCheck,
    classes: Option<&[GatewayClassFacts]>,
    existing: Option<Option<serde_json::Value>>,
) -> Result<String, Failure> {
    let Some(classes) = classes else {
        return Err(Failure::new(
            "the cluster does not serve the Gateway API (no gateway.networking.k8s.io/v1 GatewayClass kind)",
        )
        .hint(offer(check)));
    };
    let found = describe_classes(classes);
    let class = match (&check.class, existing) {
        (Some(c), _) => c.clone(),
        (None, Some(Some(g))) => {
            let names: Vec<&str> = g["spec"]["listeners"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|l| l["name"].as_str())
                .collect();
            let missing: Vec<&str> = check
                .sections
                .iter()
                .map(String::as_str)
                .filter(|s| !names.contains(s))
                .collect();
            if !missing.is_empty() {
                return Err(Failure::new(format!(
                    "Gateway {}/{} has no listener named {} (it has: {}); the API-M 4.5 chart's HTTPRoutes attach by these section names",
                    check.namespace,
                    check.gateway,
                    missing.join(", "),
                    if names.is_empty() { "none".to_string() } else { names.join(", ") }
                ))
                .hint("add HTTPS listeners of those names for the API-M hostnames, or set cluster.exposure.gateway.create: true and kmpilot makes such a Gateway"));
            }
            g["spec"]["gatewayClassName"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        }
        (None, _) => {
            return Err(Failure::new(format!(
                "Gateway {}/{} does not exist (cluster.exposure.gateway.create is false)",
                check.namespace, check.gateway
            ))
            .hint(
                "create it first, or set cluster.exposure.gateway.create: true with a className",
            ));
        }
    };
    let Some(c) = classes.iter().find(|c| c.name == class) else {
        return Err(Failure::new(format!(
            "no GatewayClass `{class}`; the cluster has: {found}"
        ))
        .hint(offer(check)));
    };
    let who = exposure::controller_label(&c.controller);
    match exposure::backend_tls_support(&c.controller, &c.supported_features) {
        Some(false) => Err(Failure::new(format!(
            "GatewayClass `{class}` ({who}) does not implement BackendTLSPolicy: it would send plain HTTP to the WSO2 pods' HTTPS port 9443; the cluster has: {found}"
        ))
        .hint(offer(check))),
        Some(true) => Ok(format!(
            "GatewayClass `{class}` ({who}) implements BackendTLSPolicy; the cluster has: {found}"
        )),
        None => Ok(format!(
            "GatewayClass `{class}` ({who}): whether it implements BackendTLSPolicy is not known (its class publishes no supportedFeatures) — the WSO2 pods speak only HTTPS; the cluster has: {found}"
        )),
    }
}

pub(super) async fn check(ctx: &mut Ctx<'_>, c: &GatewayCheck) -> Result<(), Failure> {
    let k = super::cluster_client::client(ctx, c.context.as_deref()).await?;
    let classes = k.gateway_classes().await?;
    let existing = match (&c.class, &classes) {
        (None, Some(_)) => Some(k.gateway(&c.namespace, &c.gateway).await?),
        _ => None,
    };
    let line = verdict(c, classes.as_deref(), existing)?;
    ctx.info(line);
    Ok(())
}

pub(super) async fn wait_address(
    ctx: &mut Ctx<'_>,
    context: Option<&str>,
    namespace: &str,
    name: &str,
    timeout: Duration,
) -> Result<(), Failure> {
    let a = super::cluster_client::client(ctx, context)
        .await?
        .wait_gateway_address(namespace, name, timeout)
        .await
        .map_err(|e| {
            Failure::new(e.to_string()).hint(
                "is the Gateway's controller running and its class accepted? or set dns.address to map a fixed address",
            )
        })?;
    ctx.info(format!("Gateway {namespace}/{name} has address {a}"));
    Ok(())
}

pub(super) async fn address(
    ctx: &mut Ctx<'_>,
    context: Option<&str>,
    namespace: &str,
    name: &str,
) -> Result<Option<String>, Failure> {
    Ok(super::cluster_client::client(ctx, context)
        .await?
        .gateway_address(namespace, name)
        .await?)
}

/// `doctor`'s rows for the Gateway API objects in `namespace`: each Gateway (`Programmed`,
/// its address) and each HTTPRoute (`Accepted`/`ResolvedRefs`), as `(check, target, ok,
/// detail, hostnames, address)`; a route's hostnames map to its Gateway's address.
pub async fn rows(
    kube: &crate::kube::Kube,
    namespace: &str,
) -> Vec<(String, String, bool, String, Vec<String>, String)> {
    use crate::render::gateway_api::{gateway_address, health};
    let mut out = Vec::new();
    let gateways = kube
        .gateway_api_objects("Gateway", namespace)
        .await
        .unwrap_or_default();
    for g in &gateways {
        let (ok, detail) = health(g);
        let name = g["metadata"]["name"].as_str().unwrap_or_default();
        out.push((
            "gateway".into(),
            name.to_string(),
            ok,
            detail,
            Vec::new(),
            String::new(),
        ));
    }
    match kube.gateway_api_objects("HTTPRoute", namespace).await {
        Ok(routes) => {
            for r in &routes {
                let (ok, detail) = health(r);
                let parent = r["spec"]["parentRefs"][0]["name"]
                    .as_str()
                    .unwrap_or_default();
                let address = gateways
                    .iter()
                    .find(|g| g["metadata"]["name"] == parent)
                    .and_then(gateway_address)
                    .unwrap_or_default();
                let hosts = r["spec"]["hostnames"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|h| h.as_str().map(str::to_string))
                    .collect();
                out.push((
                    "httproute".into(),
                    r["metadata"]["name"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    ok,
                    detail,
                    hosts,
                    address,
                ));
            }
        }
        Err(e) => out.push((
            "httproute".into(),
            namespace.to_string(),
            false,
            e.to_string(),
            Vec::new(),
            String::new(),
        )),
    }
    out
}

/// The run summary's lines for Gateway API exposure: each Gateway and HTTPRoute with its
/// conditions, read once after the run (`apply`'s text output) in the plan's cluster.
pub async fn summary_lines(c: &crate::plan::ClusterTarget) -> Vec<String> {
    let kube = match crate::kube::Kube::connect(c.kubeconfig.as_deref(), c.context.as_deref()).await
    {
        Ok(k) => k,
        Err(e) => return vec![format!("  (not read: {e})")],
    };
    rows(&kube, &c.namespace)
        .await
        .into_iter()
        .map(|(check, target, ok, detail, _, _)| {
            let kind = if check == "gateway" {
                "Gateway"
            } else {
                "HTTPRoute"
            };
            format!(
                "  {} {:<44} {detail}",
                if ok { "✓" } else { "!" },
                format!("{kind}/{target}")
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(name: &str, controller: &str) -> GatewayClassFacts {
        GatewayClassFacts {
            name: name.into(),
            controller: controller.into(),
            supported_features: vec![],
            accepted: Some(true),
        }
    }

    fn check(class: Option<&str>, envoy_offer: bool) -> GatewayCheck {
        GatewayCheck {
            context: None,
            namespace: "wso2".into(),
            gateway: "wso2-apim-gateway".into(),
            class: class.map(str::to_string),
            envoy_offer,
            sections: vec!["control-plane-https".into(), "gateway-https".into()],
        }
    }

    #[test]
    fn cloud_provider_kind_is_refused_with_the_envoy_offer() {
        let classes = [class(
            "cloud-provider-kind",
            "kind.sigs.k8s.io/gateway-controller",
        )];
        let e = verdict(
            &check(Some("cloud-provider-kind"), true),
            Some(&classes),
            None,
        )
        .unwrap_err();
        assert!(
            e.error.contains("does not implement BackendTLSPolicy"),
            "{}",
            e.error
        );
        assert!(
            e.hint.unwrap().contains("installEnvoyGateway: true"),
            "the refusal offers Envoy Gateway"
        );
    }

    #[test]
    fn a_missing_class_names_what_the_cluster_has() {
        let classes = [
            class("eg", exposure::ENVOY_GATEWAY_CONTROLLER),
            class("cpk", "kind.sigs.k8s.io/gateway-controller"),
        ];
        let e = verdict(&check(Some("istio"), true), Some(&classes), None).unwrap_err();
        assert!(
            e.error.contains("eg (Envoy Gateway, BackendTLSPolicy: yes); cpk (cloud-provider-kind, BackendTLSPolicy: no)"),
            "{}",
            e.error
        );
        assert!(verdict(&check(Some("eg"), true), Some(&classes), None).is_ok());
        assert!(
            verdict(&check(Some("x"), true), None, None)
                .unwrap_err()
                .error
                .contains("does not serve the Gateway API")
        );
    }

    #[test]
    fn an_existing_gateway_is_judged_by_its_class() {
        let classes = [class("eg", exposure::ENVOY_GATEWAY_CONTROLLER)];
        let gw = |names: &[&str]| {
            let listeners: Vec<serde_json::Value> = names
                .iter()
                .map(|n| serde_json::json!({"name": n}))
                .collect();
            Some(Some(
                serde_json::json!({"spec": {"gatewayClassName": "eg", "listeners": listeners}}),
            ))
        };
        assert!(
            verdict(
                &check(None, true),
                Some(&classes),
                gw(&["control-plane-https", "gateway-https", "other"])
            )
            .is_ok()
        );
        let e = verdict(&check(None, true), Some(&classes), gw(&["https"])).unwrap_err();
        assert!(
            e.error
                .contains("no listener named control-plane-https, gateway-https (it has: https)"),
            "{}",
            e.error
        );
        let e = verdict(&check(None, true), Some(&classes), Some(None)).unwrap_err();
        assert!(e.error.contains("does not exist"), "{}", e.error);
        let unknown = [class("other", "example.com/gateway")];
        let ok = verdict(&check(Some("other"), true), Some(&unknown), None).unwrap();
        assert!(ok.contains("not known"), "{ok}");
    }
}

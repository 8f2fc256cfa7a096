//! Ingress hosts are the profile's hostnames, each served with the TLS secret kmpilot creates
//! (or the one the profile names).

use super::finding::{Finding, Level, label};
use super::input::Input;

pub fn check(i: &Input<'_>, out: &mut Vec<Finding>) {
    let e = i.expect;
    let ingresses: Vec<_> = i.rendered.of_kind("Ingress").collect();
    if e.no_ingress {
        for ing in &ingresses {
            out.push(
                Finding::new(
                    Level::Error,
                    e.chart,
                    "ingress",
                    label(ing),
                    "the chart renders an Ingress although the profile exposes through the Gateway API",
                    "cluster.exposure.kind",
                )
                .hint("the API-M chart's kubernetes.ingress.* must be off and the IS install must drop its Ingress (post-renderer)"),
            );
        }
        return;
    }
    // the other way round: Ingress exposure on a chart that turns the Gateway API on by
    // default (API-M 4.7) renders HTTPRoutes with no Gateway to attach to
    for route in i.rendered.of_kind("HTTPRoute") {
        out.push(
            Finding::new(
                Level::Error,
                e.chart,
                "ingress",
                label(route),
                "the chart renders an HTTPRoute although the profile exposes through Ingresses",
                "cluster.exposure.kind",
            )
            .hint("API-M 4.7 turns kubernetes.gatewayAPI on by default: Ingress exposure must turn it off"),
        );
    }
    let mut rendered_hosts: Vec<(String, String)> = Vec::new();
    for ing in &ingresses {
        for r in ing["spec"]["rules"].as_array().into_iter().flatten() {
            if let Some(h) = r["host"].as_str() {
                rendered_hosts.push((h.to_string(), label(ing)));
            }
        }
    }
    for (host, path) in &e.ingress_hosts {
        let Some(ing) = ingresses.iter().find(|ing| {
            ing["spec"]["rules"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|r| r["host"].as_str() == Some(host))
        }) else {
            let got: Vec<&str> = rendered_hosts.iter().map(|(h, _)| h.as_str()).collect();
            out.push(
                Finding::new(
                    Level::Error,
                    e.chart,
                    "ingress",
                    "Ingress",
                    format!(
                        "no ingress serves `{host}` (rendered hosts: {})",
                        if got.is_empty() {
                            "none".into()
                        } else {
                            got.join(", ")
                        }
                    ),
                    path,
                )
                .key("spec.rules[].host")
                .expected(format!("`{host}`")),
            );
            continue;
        };
        let tls = ing["spec"]["tls"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| {
                t["hosts"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|h| h.as_str() == Some(host))
            });
        match tls.and_then(|t| t["secretName"].as_str()) {
            Some(s) if s == e.tls_secret => {}
            other => out.push(
                Finding::new(
                    Level::Error,
                    e.chart,
                    "ingress",
                    label(ing),
                    match other {
                        Some(s) => format!("`{host}` is served with TLS secret `{s}`"),
                        None => format!("`{host}` has no TLS entry"),
                    },
                    &e.tls_secret_path,
                )
                .key("spec.tls[].secretName")
                .expected(format!("`{}`", e.tls_secret)),
            ),
        }
    }
    for (host, object) in &rendered_hosts {
        if !e.ingress_hosts.iter().any(|(h, _)| h == host) {
            out.push(
                Finding::new(
                    Level::Warning,
                    e.chart,
                    "ingress",
                    object,
                    format!("serves `{host}`, a hostname the profile does not name"),
                    e.ingress_hosts
                        .first()
                        .map(|(_, p)| p.clone())
                        .unwrap_or_default(),
                )
                .key("spec.rules[].host"),
            );
        }
    }
}

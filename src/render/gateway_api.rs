//! Gateway API objects for exposing API-M and IS through a Gateway instead of Ingresses:
//! the Gateway kmpilot creates when the user has none, the IS HTTPRoute and BackendTLSPolicy
//! (the IS 7.1 chart renders only an Ingress), the API-M 4.5 all-in-one chart's
//! `kubernetes.gatewayAPI` values, and the address for DNS read from a Gateway's status.
//!
//! Pure: plain inputs in, JSON objects out. The shapes follow the Gateway API v1 CRDs (standard
//! channel, which carries BackendTLSPolicy v1) and the chart's templates on the 4.5.x branch
//! of wso2/helm-apim: its HTTPRoutes name their Gateway by `gatewayName` alone (so the Gateway
//! must live in the release's namespace) and attach to the listeners by section name.

use serde_json::{Value, json};

/// The listener names the API-M 4.5 chart's HTTPRoutes attach to (`parentRefs[].sectionName`),
/// per profile hostname key. A Gateway kmpilot creates uses the same names, so the chart's
/// routes find their listener.
pub const APIM_SECTIONS: [(&str, &str); 4] = [
    ("management", "control-plane-https"),
    ("gateway", "gateway-https"),
    ("websocket", "websocket-https"),
    ("websub", "websub-https"),
];

/// The listener of IS's host on a kmpilot Gateway.
pub const IS_SECTION: &str = "identity-server-https";

/// The WSO2 servers' HTTPS port inside the pods (IS and API-M management).
pub const IS_HTTPS_PORT: u16 = 9443;

/// One HTTPS listener on 443 for one hostname.
#[derive(Debug, Clone, PartialEq)]
pub struct Listener {
    pub section: String,
    pub hostname: String,
}

/// The listeners for the profile's API-M hostnames (in the chart's section names) and IS's.
pub fn listeners(apim_hostnames: &[(&str, &str)], is_hostname: &str) -> Vec<Listener> {
    let mut v: Vec<Listener> = apim_hostnames
        .iter()
        .filter_map(|(key, host)| {
            APIM_SECTIONS
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, section)| Listener {
                    section: (*section).to_string(),
                    hostname: (*host).to_string(),
                })
        })
        .collect();
    v.push(Listener {
        section: IS_SECTION.to_string(),
        hostname: is_hostname.to_string(),
    });
    v
}

/// A Gateway of `class` with one HTTPS listener per hostname, terminating TLS with kmpilot's
/// secret, and taking routes only from `routes_namespace` (the WSO2 namespace).
pub fn gateway(
    name: &str,
    namespace: &str,
    class: &str,
    tls_secret: &str,
    listeners: &[Listener],
    routes_namespace: &str,
) -> Value {
    let allowed = if routes_namespace == namespace {
        json!({"namespaces": {"from": "Same"}})
    } else {
        json!({"namespaces": {"from": "Selector", "selector": {"matchLabels": {
            "kubernetes.io/metadata.name": routes_namespace}}}})
    };
    let listeners: Vec<Value> = listeners
        .iter()
        .map(|l| {
            json!({
                "name": l.section, "hostname": l.hostname, "port": 443, "protocol": "HTTPS",
                "tls": {"mode": "Terminate", "certificateRefs": [{"kind": "Secret", "name": tls_secret}]},
                "allowedRoutes": allowed,
            })
        })
        .collect();
    json!({
        "apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"gatewayClassName": class, "listeners": listeners},
    })
}

/// Where a route attaches: the Gateway and, for a kmpilot Gateway, the listener.
#[derive(Debug, Clone, PartialEq)]
pub struct ParentRef {
    pub name: String,
    pub namespace: String,
    pub section: Option<String>,
}

/// IS's HTTPRoute: its hostname, everything under `/`, to the IS Service's HTTPS port.
pub fn is_http_route(
    name: &str,
    namespace: &str,
    parent: &ParentRef,
    hostname: &str,
    service: &str,
) -> Value {
    let mut parent_ref = json!({"name": parent.name, "namespace": parent.namespace});
    if let Some(s) = &parent.section {
        parent_ref["sectionName"] = json!(s);
    }
    json!({
        "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "parentRefs": [parent_ref],
            "hostnames": [hostname],
            "rules": [{
                "matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                "backendRefs": [{"name": service, "port": IS_HTTPS_PORT}],
            }],
        },
    })
}

/// TLS from the Gateway to the IS pods, verified with kmpilot's CA (a ConfigMap with key
/// `ca.crt`) against `hostname`, a name in the IS server certificate. The WSO2 backends speak
/// only HTTPS on 9443: without this policy a Gateway would send them plain HTTP.
pub fn backend_tls_policy(
    name: &str,
    namespace: &str,
    service: &str,
    ca_configmap: &str,
    hostname: &str,
) -> Value {
    json!({
        "apiVersion": "gateway.networking.k8s.io/v1", "kind": "BackendTLSPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "targetRefs": [{"group": "", "kind": "Service", "name": service}],
            "validation": {
                "caCertificateRefs": [{"group": "", "kind": "ConfigMap", "name": ca_configmap}],
                "hostname": hostname,
            },
        },
    })
}

/// The API-M all-in-one chart's `kubernetes.gatewayAPI` block: routes for every hostname to
/// the Gateway `gateway_name` (in the release's namespace), its BackendTLSPolicy verifying the
/// pods with kmpilot's CA ConfigMap (which kmpilot creates, so not the chart's default one),
/// and the chart's Ingresses off.
pub fn apim_values(
    gateway_name: &str,
    apim_hostnames: &[(&str, &str)],
    ca_configmap: &str,
    backend_hostname: &str,
) -> Value {
    let mut g = json!({
        "enabled": true,
        "gatewayName": gateway_name,
        "defaultConfigMapCreation": false,
        "backendTLSPolicy": {"enabled": true, "caCertificateConfigMap": ca_configmap,
                             "hostname": backend_hostname},
    });
    let mut ingress = json!({});
    for (key, host) in apim_hostnames {
        g[*key] = json!({"enabled": true, "hostname": host});
        ingress[*key] = json!({"enabled": false});
    }
    json!({"kubernetes": {"gatewayAPI": g, "ingress": ingress}})
}

/// The address for DNS from a Gateway's `status.addresses`: the first IP, else the first
/// hostname (the rule kmpilot uses for an Ingress's load balancer). `None` while the
/// controller has not published one.
pub fn gateway_address(gateway: &Value) -> Option<String> {
    let addrs = gateway["status"]["addresses"].as_array()?;
    let of = |ty: &str| {
        addrs
            .iter()
            .find(|a| a["type"].as_str().unwrap_or("IPAddress") == ty)
            .and_then(|a| a["value"].as_str())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    of("IPAddress").or_else(|| of("Hostname"))
}

/// `(type, status, reason)` of the conditions the live view shows: `Accepted`, `Programmed` of
/// a Gateway; `Accepted`, `ResolvedRefs` of a route, per parent.
pub fn conditions(obj: &Value) -> Vec<(String, String, String)> {
    let mut lists: Vec<&Value> = vec![&obj["status"]["conditions"]];
    if let Some(parents) = obj["status"]["parents"].as_array() {
        lists.extend(parents.iter().map(|p| &p["conditions"]));
    }
    lists
        .into_iter()
        .filter_map(Value::as_array)
        .flatten()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            (s("type"), s("status"), s("reason"))
        })
        .collect()
}

/// Whether a Gateway (`Programmed`) or a route (`Accepted` and `ResolvedRefs` for every
/// parent) is healthy, with a one-line account: `doctor`, the run summary and the live rows.
pub fn health(obj: &Value) -> (bool, String) {
    let kind = obj["kind"].as_str().unwrap_or_default();
    let want: &[&str] = if kind == "Gateway" {
        &["Programmed"]
    } else {
        &["Accepted", "ResolvedRefs"]
    };
    let conds = conditions(obj);
    let parents = obj["status"]["parents"].as_array().map_or(0, Vec::len);
    let ok = if kind == "Gateway" {
        conds
            .iter()
            .any(|(t, s, _)| t == "Programmed" && s == "True")
    } else {
        parents > 0
            && want.iter().all(|w| {
                conds.iter().filter(|(t, _, _)| t == w).count() >= parents
                    && conds.iter().all(|(t, s, _)| t != w || s == "True")
            })
    };
    let shown: Vec<String> = want
        .iter()
        .map(
            |w| match conds.iter().find(|(t, s, _)| t == w && s != "True") {
                Some((t, s, r)) => format!("{t}={s} ({r})"),
                None => match conds.iter().find(|(t, _, _)| t == w) {
                    Some((t, s, _)) => format!("{t}={s}"),
                    None => format!("{w}: not reported"),
                },
            },
        )
        .collect();
    let mut detail = shown.join(" ");
    if kind == "Gateway" {
        if let Some(a) = gateway_address(obj) {
            detail.push_str(&format!(", address {a}"));
        }
    } else {
        let hosts: Vec<&str> = obj["spec"]["hostnames"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let backends: Vec<String> = obj["spec"]["rules"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|r| r["backendRefs"].as_array().cloned().unwrap_or_default())
            .map(|b| format!("{}:{}", b["name"].as_str().unwrap_or("?"), b["port"]))
            .collect();
        detail = format!("{} → {}: {detail}", hosts.join(","), backends.join(","));
    }
    if !ok && conds.is_empty() {
        detail.push_str(" (no controller has reported on it)");
    }
    (ok, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTS: [(&str, &str); 4] = [
        ("management", "am.wso2.com"),
        ("gateway", "gw.wso2.com"),
        ("websocket", "ws.wso2.com"),
        ("websub", "websub.wso2.com"),
    ];

    #[test]
    fn a_listener_per_hostname_named_as_the_chart_routes_attach() {
        let l = listeners(&HOSTS, "is.wso2.com");
        let pairs: Vec<(&str, &str)> = l
            .iter()
            .map(|l| (l.section.as_str(), l.hostname.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("control-plane-https", "am.wso2.com"),
                ("gateway-https", "gw.wso2.com"),
                ("websocket-https", "ws.wso2.com"),
                ("websub-https", "websub.wso2.com"),
                ("identity-server-https", "is.wso2.com"),
            ]
        );
        let gw = gateway("kmpilot", "wso2", "eg", "wso2-tls", &l, "wso2");
        let first = &gw["spec"]["listeners"][0];
        assert_eq!(first["port"], 443);
        assert_eq!(first["protocol"], "HTTPS");
        assert_eq!(first["tls"]["certificateRefs"][0]["name"], "wso2-tls");
        assert_eq!(first["allowedRoutes"]["namespaces"]["from"], "Same");
        let other = gateway("shared", "infra", "eg", "wso2-tls", &l, "wso2");
        assert_eq!(
            other["spec"]["listeners"][4]["allowedRoutes"]["namespaces"]["selector"]["matchLabels"]
                ["kubernetes.io/metadata.name"],
            "wso2"
        );
    }

    #[test]
    fn is_route_and_backend_tls_policy_name_the_service_port_and_ca() {
        let parent = ParentRef {
            name: "kmpilot".into(),
            namespace: "wso2".into(),
            section: Some(IS_SECTION.into()),
        };
        let r = is_http_route(
            "is",
            "wso2",
            &parent,
            "is.wso2.com",
            "wso2is-identity-server",
        );
        assert_eq!(r["spec"]["parentRefs"][0]["sectionName"], IS_SECTION);
        assert_eq!(r["spec"]["hostnames"][0], "is.wso2.com");
        let backend = &r["spec"]["rules"][0]["backendRefs"][0];
        assert_eq!(backend["name"], "wso2is-identity-server");
        assert_eq!(backend["port"], 9443);
        let p = backend_tls_policy(
            "is",
            "wso2",
            "wso2is-identity-server",
            "kmpilot-ca",
            "is.wso2.com",
        );
        assert_eq!(
            p["spec"]["validation"]["caCertificateRefs"][0],
            json!({"group": "", "kind": "ConfigMap", "name": "kmpilot-ca"})
        );
        assert_eq!(p["spec"]["targetRefs"][0]["name"], "wso2is-identity-server");
    }

    #[test]
    fn apim_values_route_every_hostname_and_turn_the_ingresses_off() {
        let v = apim_values("kmpilot", &HOSTS, "kmpilot-ca", "am.wso2.com");
        let g = &v["kubernetes"]["gatewayAPI"];
        assert_eq!(g["enabled"], true);
        assert_eq!(g["gatewayName"], "kmpilot");
        assert_eq!(g["websub"]["hostname"], "websub.wso2.com");
        assert_eq!(
            g["backendTLSPolicy"]["caCertificateConfigMap"],
            "kmpilot-ca"
        );
        assert_eq!(g["defaultConfigMapCreation"], false);
        for (k, _) in HOSTS {
            assert_eq!(v["kubernetes"]["ingress"][k]["enabled"], false, "{k}");
        }
    }

    #[test]
    fn the_address_prefers_an_ip_then_a_hostname_and_waits_for_one() {
        assert_eq!(gateway_address(&json!({"status": {}})), None);
        assert_eq!(
            gateway_address(&json!({"status": {"addresses": [
                {"type": "Hostname", "value": "lb.example.com"},
                {"type": "IPAddress", "value": "10.1.2.3"}]}})),
            Some("10.1.2.3".into())
        );
        assert_eq!(
            gateway_address(&json!({"status": {"addresses": [
                {"type": "Hostname", "value": "lb.example.com"}]}})),
            Some("lb.example.com".into())
        );
        // the type defaults to IPAddress in the CRD
        assert_eq!(
            gateway_address(&json!({"status": {"addresses": [{"value": "10.9.9.9"}]}})),
            Some("10.9.9.9".into())
        );
    }

    #[test]
    fn health_of_a_gateway_and_a_route() {
        let gw = json!({"kind": "Gateway", "status": {
            "addresses": [{"value": "10.1.1.1"}],
            "conditions": [{"type": "Programmed", "status": "True", "reason": "Programmed"}]}});
        assert_eq!(
            health(&gw),
            (true, "Programmed=True, address 10.1.1.1".into())
        );
        let bare = json!({"kind": "Gateway"});
        assert_eq!(
            health(&bare),
            (
                false,
                "Programmed: not reported (no controller has reported on it)".into()
            )
        );
        let route = |resolved: &str| {
            json!({"kind": "HTTPRoute",
                "spec": {"hostnames": ["is.wso2.com"], "rules": [{"backendRefs": [{"name": "is", "port": 9443}]}]},
                "status": {"parents": [{"conditions": [
                    {"type": "Accepted", "status": "True", "reason": "Accepted"},
                    {"type": "ResolvedRefs", "status": resolved, "reason": "BackendNotFound"}]}]}})
        };
        assert_eq!(
            health(&route("True")),
            (
                true,
                "is.wso2.com → is:9443: Accepted=True ResolvedRefs=True".into()
            )
        );
        let (ok, d) = health(&route("False"));
        assert!(!ok);
        assert!(d.ends_with("ResolvedRefs=False (BackendNotFound)"), "{d}");
    }

    #[test]
    fn conditions_of_a_gateway_and_of_each_route_parent() {
        let route = json!({"status": {"parents": [{"conditions": [
            {"type": "Accepted", "status": "True", "reason": "Accepted"},
            {"type": "ResolvedRefs", "status": "False", "reason": "BackendNotFound"}]}]}});
        assert_eq!(
            conditions(&route),
            [
                ("Accepted".into(), "True".into(), "Accepted".into()),
                (
                    "ResolvedRefs".into(),
                    "False".into(),
                    "BackendNotFound".into()
                )
            ]
        );
    }
}

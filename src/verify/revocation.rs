//! IS's token-revocation listener tells API-M about revoked tokens: its
//! `notification_endpoint` must name a Service the API-M chart renders, on a port that Service
//! exposes, and carry the `X-WSO2-KEY-MANAGER: WSO2-IS` header API-M's notify endpoint reads.

use super::finding::{Finding, Level};
use super::input::Input;
use super::toml_files::get;

const LISTENER: &str = "token_revocation";
const HEADER: &str = "header.X-WSO2-KEY-MANAGER";

pub fn check(i: &Input<'_>, out: &mut Vec<Finding>) {
    let e = i.expect;
    let Some(n) = &e.notification else { return };
    for f in i.tomls.iter().filter(|f| f.file == "deployment.toml") {
        let Some(t) = &f.table else { continue };
        let finding = |level, msg: String, key: &str, fix: &str| {
            Finding::new(level, e.chart, "revocation", &f.object, msg, fix)
                .file(&f.file)
                .key(key.to_string())
        };
        let listener = get(t, &["event_listener"])
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_table())
            .find(|l| l.get("id").and_then(|v| v.as_str()) == Some(LISTENER));
        let Some(listener) = listener else {
            out.push(
                finding(
                    Level::Error,
                    format!("no [[event_listener]] with id = \"{LISTENER}\": API-M would not hear of revoked tokens"),
                    "[[event_listener]]",
                    &e.extra_toml_path,
                )
                .expected("the ApimOauthEventInterceptor listener kmpilot writes"),
            );
            continue;
        };
        let props = listener.get("properties").and_then(|v| v.as_table());
        let header = props.and_then(|p| p.get(HEADER)).and_then(|v| v.as_str());
        if header != Some("WSO2-IS") {
            out.push(
                finding(
                    Level::Error,
                    match header {
                        Some(h) => format!("the listener sends X-WSO2-KEY-MANAGER: {h}"),
                        None => "the listener sends no X-WSO2-KEY-MANAGER header".into(),
                    },
                    "[event_listener.properties] 'header.X-WSO2-KEY-MANAGER'",
                    &e.extra_toml_path,
                )
                .expected("WSO2-IS"),
            );
        }
        let key = "[event_listener.properties] notification_endpoint";
        let Some(endpoint) = props
            .and_then(|p| p.get("notification_endpoint"))
            .and_then(|v| v.as_str())
        else {
            out.push(
                finding(
                    Level::Error,
                    "the listener has no notification_endpoint".into(),
                    key,
                    &e.extra_toml_path,
                )
                .expected("https://<API-M service>:9443/internal/data/v1/notify"),
            );
            continue;
        };
        let Ok(url) = url::Url::parse(endpoint) else {
            out.push(finding(
                Level::Error,
                format!("`{endpoint}` is not a URL"),
                key,
                &e.extra_toml_path,
            ));
            continue;
        };
        let host = url.host_str().unwrap_or_default();
        let port = url.port_or_known_default().unwrap_or(0);
        let Some(peer) = i.peer else {
            out.push(finding(
                Level::Warning,
                format!("cannot check `{endpoint}`: the API-M chart did not render"),
                key,
                &n.fix_path,
            ));
            continue;
        };
        // inside the cluster `svc`, `svc.ns` and `svc.ns.svc.cluster.local` name the same Service
        let svc_name = host.split('.').next().unwrap_or_default();
        let services: Vec<_> = peer.of_kind("Service").collect();
        let Some(svc) = services
            .iter()
            .find(|s| s["metadata"]["name"].as_str() == Some(svc_name))
        else {
            let names: Vec<&str> = services
                .iter()
                .filter_map(|s| s["metadata"]["name"].as_str())
                .collect();
            out.push(
                finding(
                    Level::Error,
                    format!(
                        "`{host}` is not a Service of the API-M chart (it renders: {})",
                        if names.is_empty() { "none".into() } else { names.join(", ") }
                    ),
                    key,
                    &n.fix_path,
                )
                .expected("the API-M Service name")
                .hint("the Service is named after the API-M release (<release>-wso2am-all-in-one-am-service)"),
            );
            continue;
        };
        let ports: Vec<u64> = svc["spec"]["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["port"].as_u64())
            .collect();
        if !ports.contains(&u64::from(port)) {
            out.push(
                finding(
                    Level::Error,
                    format!("Service {svc_name} does not expose port {port}"),
                    key,
                    &n.fix_path,
                )
                .expected(format!(
                    "one of {}",
                    ports
                        .iter()
                        .map(u64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
    }
}

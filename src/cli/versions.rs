//! `kmpilot versions`: the WSO2 lines kmpilot knows (`chart_lines`), what each brings and
//! needs, and where each fact was read.

use serde::Serialize;

use super::args::Format;
use super::support::EXIT_OK;
use crate::chart_lines::{self, ApimLine, HostnamePrecedence, IsLine, KmAuthShape, Sourced};

/// One API-M line as `versions` shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ApimView {
    line: String,
    product: &'static str,
    released: &'static str,
    summary: &'static str,
    /// The line a new profile gets.
    current: bool,
    chart: &'static str,
    default_chart_version: &'static str,
    image: String,
    km_connector: &'static str,
    km_auth_shape: &'static str,
    notification_handler: &'static str,
    is_base_image: &'static str,
    encryption_key_required: bool,
    gateway_default: &'static str,
    server_hostname_from: &'static str,
    renamed: Vec<String>,
    sources: &'static [Sourced],
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct IsView {
    line: String,
    product: &'static str,
    chart: &'static str,
    default_chart_version: &'static str,
    build_version: &'static str,
    sources: &'static [Sourced],
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Versions {
    api_manager: Vec<ApimView>,
    identity_server: Vec<IsView>,
    /// What kmpilot does with an IS chart line it has not read.
    other_is_charts: &'static str,
}

const OTHER_IS_CHARTS: &str = "IS 7.2 and 7.3 charts exist but were not read here: name one \
     (identityServer.chart: a local chart or <repository>/identity-server, with its \
     chartVersion) and `verify` renders it before every install; kmpilot makes no claim about \
     its tables and writes deployment.buildVersion from identityServer.image.serverVersion";

fn shape(s: KmAuthShape) -> &'static str {
    match s {
        KmAuthShape::Flat => "Username/Password (flat)",
        KmAuthShape::BasicAuth => "Authentication: BasicAuth + Username/Password",
    }
}

fn apim_view(l: &'static ApimLine) -> ApimView {
    ApimView {
        line: crate::steps::product_line::name(l),
        product: l.product,
        released: l.released,
        summary: l.summary,
        current: std::ptr::eq(l, chart_lines::current_apim()),
        chart: "wso2/wso2am-all-in-one",
        default_chart_version: l.chart_version,
        image: format!("{}:{}", l.image_repository, l.image_tag),
        km_connector: l.km_connector,
        km_auth_shape: shape(l.km_auth_shape),
        notification_handler: l.notification_handler,
        is_base_image: l.is_base_image,
        encryption_key_required: l.encryption_key.is_some(),
        gateway_default: if l.gateway_api_on_by_default {
            "Gateway API (every Ingress off)"
        } else {
            "Ingress"
        },
        server_hostname_from: match l.hostname_precedence {
            HostnamePrecedence::IngressFirst => "the Ingress hostname, else the Gateway API's",
            HostnamePrecedence::GatewayApiFirst => "the Gateway API hostname, else the Ingress's",
        },
        renamed: l
            .renamed
            .iter()
            .map(|(old, new)| format!("{old} → {new}"))
            .collect(),
        sources: l.sources,
    }
}

fn is_view(l: &'static IsLine) -> IsView {
    IsView {
        line: format!("{}.{}", l.minor.0, l.minor.1),
        product: l.product,
        chart: "wso2/identity-server",
        default_chart_version: l.chart_version,
        build_version: l.build_version,
        sources: l.sources,
    }
}

fn versions() -> Versions {
    Versions {
        api_manager: chart_lines::APIM_LINES
            .iter()
            .rev()
            .map(|l| apim_view(l))
            .collect(),
        identity_server: chart_lines::IS_LINES.iter().map(|l| is_view(l)).collect(),
        other_is_charts: OTHER_IS_CHARTS,
    }
}

fn text(v: &Versions) -> String {
    let mut s = String::new();
    for a in &v.api_manager {
        s.push_str(&format!(
            "API-M {}{} — {}\n",
            a.line,
            if a.current { " (new profiles)" } else { "" },
            a.summary
        ));
        let rows = [
            ("chart", format!("{} {}", a.chart, a.default_chart_version)),
            ("image", a.image.clone()),
            (
                "key manager",
                format!(
                    "connector WSO2-IS-7 {}, {}",
                    a.km_connector, a.km_auth_shape
                ),
            ),
            (
                "IS image",
                format!(
                    "{} + notification handler {}",
                    a.is_base_image, a.notification_handler
                ),
            ),
            (
                "encryption key",
                if a.encryption_key_required {
                    "required (the chart fails without one)".into()
                } else {
                    "not required".into()
                },
            ),
            ("exposure default", a.gateway_default.into()),
            ("[server] hostname", a.server_hostname_from.into()),
        ];
        for (k, val) in rows {
            s.push_str(&format!("  {k:<18} {val}\n"));
        }
        for r in &a.renamed {
            s.push_str(&format!("  {:<18} {r}\n", "renamed"));
        }
        for src in a.sources {
            s.push_str(&format!("  source: {} — {}\n", src.fact, src.source));
        }
        s.push('\n');
    }
    for i in &v.identity_server {
        s.push_str(&format!(
            "IS {}: chart {} {}, deployment.buildVersion {}\n",
            i.line, i.chart, i.default_chart_version, i.build_version
        ));
        for src in i.sources {
            s.push_str(&format!("  source: {} — {}\n", src.fact, src.source));
        }
    }
    s.push_str(&format!("  {}\n", v.other_is_charts));
    s
}

pub fn run(output: Format) -> u8 {
    let v = versions();
    match output {
        Format::Json => println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default()),
        Format::Yaml => print!(
            "{}",
            crate::render::yaml(&serde_json::to_value(&v).unwrap_or_default())
        ),
        Format::Text => print!("{}", text(&v)),
    }
    EXIT_OK
}

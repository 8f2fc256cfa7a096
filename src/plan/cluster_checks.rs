//! The payloads of the checks that read the cluster before anything changes: the Gateway API's
//! classes and Gateway, and the pods' requests against what the nodes have left.

use serde::Serialize;

/// What the prerequisites check looks at for the Gateway API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GatewayCheck {
    pub context: Option<String>,
    pub namespace: String,
    pub gateway: String,
    /// The GatewayClass kmpilot's Gateway will have; `None`: the existing Gateway's class.
    pub class: Option<String>,
    /// Say how to have kmpilot install Envoy Gateway when no class can serve.
    pub envoy_offer: bool,
    /// Listener names an existing Gateway must have (the API-M chart's routes attach to
    /// them by `sectionName`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PodNeed {
    pub name: String,
    pub cpu_milli: i64,
    pub memory_bytes: i64,
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

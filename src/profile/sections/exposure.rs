//! `cluster.exposure`: how the servers are reached from outside, through an Ingress or the Gateway API.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Exposure {
    pub kind: ExposureKind,
    /// Used when `kind: gatewayAPI`.
    pub gateway: GatewaySpec,
}

impl Exposure {
    /// Left out of a saved profile while it is the default, so profiles written before the
    /// choice existed stay byte-identical.
    pub fn is_default(&self) -> bool {
        *self == Exposure::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ExposureKind {
    /// The charts' Ingresses (API-M's four, IS's one), served by an ingress controller.
    #[default]
    #[serde(rename = "ingress")]
    Ingress,
    /// HTTPRoutes attached to a Gateway, with BackendTLSPolicies for the pods' HTTPS ports.
    #[serde(rename = "gatewayAPI")]
    GatewayApi,
}

impl ExposureKind {
    pub const NAMES: [&'static str; 2] = ["ingress", "gatewayAPI"];
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct GatewaySpec {
    /// The Gateway's name. The API-M 4.5 chart's HTTPRoutes name it without a namespace, so
    /// it lives in `cluster.namespace`.
    pub name: String,
    /// kmpilot creates (and owns) the Gateway; `false` uses an existing one of this name.
    pub create: bool,
    /// The GatewayClass of a Gateway kmpilot creates.
    pub class_name: String,
    /// Install Envoy Gateway (its Helm chart) and a GatewayClass `className` for it, for a
    /// cluster where no Gateway controller can reach the pods' HTTPS ports.
    pub install_envoy_gateway: bool,
}

impl Default for GatewaySpec {
    fn default() -> Self {
        GatewaySpec {
            // the name WSO2's pattern-0 default_values use
            name: "wso2-apim-gateway".into(),
            create: true,
            // Envoy Gateway's documented GatewayClass name
            class_name: "eg".into(),
            install_envoy_gateway: false,
        }
    }
}

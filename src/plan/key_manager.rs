//! The payload of the key-manager step: the registration kmpilot sends API-M's Admin REST API, with
//! every value resolved from the profile.

use serde::Serialize;
use serde_json::Value;

use crate::profile::Credentials;
use crate::profile::sections::key_manager::{EndpointOverrides, TlsPolicy};

/// The resolved form: one entry per Admin Portal field, in the form's order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fields {
    pub name: String,
    pub display_name: String,
    #[serde(rename = "type")]
    pub km_type: String,
    pub well_known: String,
    pub issuer: String,
    pub client_registration: String,
    pub introspection: String,
    pub token: String,
    pub display_token: String,
    pub revoke: String,
    pub display_revoke: String,
    pub user_info: String,
    pub authorize: String,
    pub scope_management: String,
    pub certificate_type: String,
    pub jwks: String,
    pub connector_username: String,
    pub api_resource_management: String,
    pub roles: String,
    pub create_roles: bool,
}

/// What the executor does with IS's well-known document once fetched: the endpoints the
/// profile sets itself win over it, the server-to-server ones move onto the in-cluster base,
/// and what is left is compared with the derived fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscoveryUse {
    /// `keyManager.endpoints`: the document's values for these are dropped.
    #[serde(skip_serializing_if = "overrides_none")]
    pub overrides: EndpointOverrides,
    /// `keyManager.serverEndpoints: in-cluster`: IS publishes its public URLs; API-M's pods
    /// call these on the in-cluster base.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin_swap: Option<OriginSwap>,
    /// The fields kmpilot derived from the profile.
    pub derived: Fields,
}

fn overrides_none(o: &EndpointOverrides) -> bool {
    *o == EndpointOverrides::default()
}

/// The base URLs of IS's server-to-server endpoints: the public one IS publishes, the one
/// API-M's pods use inside the cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OriginSwap {
    pub public: String,
    pub in_cluster: String,
}

/// What the executor needs to register the key manager.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Registration {
    pub name: String,
    pub apim_base_url: String,
    pub dcr_url: String,
    pub token_url: String,
    pub key_managers_url: String,
    pub admin: Credentials,
    pub connector: Credentials,
    pub body: Value,
    pub body_artifact: String,
    pub discover_url: Option<String>,
    pub tls: TlsPolicy,
    pub timeout_seconds: u64,
    /// How kmpilot reaches API-M when the management hostname does not resolve where it runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apim_route: Option<ServiceRoute>,
}

/// The fallback route of one of kmpilot's own calls: when the public name does not resolve
/// from where kmpilot runs, a Kubernetes port-forward to a ready pod of this Service carries
/// the call, TLS still verified for the public name (the pod's certificate names it too). The
/// executor decides and says which route it took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceRoute {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    pub namespace: String,
    pub service: String,
    /// The Service port; the executor forwards to the pod port it targets.
    pub port: u16,
    /// The certificate the pod itself presents (the ingress presents the TLS secret's), in
    /// the work directory; trusted in addition when it exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_certificate: Option<String>,
}

impl ServiceRoute {
    pub fn describe(&self) -> String {
        format!(
            "port-forward to a ready pod of service {}/{}:{}",
            self.namespace, self.service, self.port
        )
    }
}

pub const TOKEN_SCOPES: &str = "apim:admin apim:admin_operations apim:keymanagers_manage";

//! The `keyManager` section: registering IS 7 as API-M's key manager, its endpoints and timeouts.

use super::credentials::Credentials;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct KeyManager {
    pub name: String,
    pub display_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Fetch the IS well-known document and take issuer and endpoints from it.
    pub discover: bool,
    /// Register through the Admin REST API (else only show the fields).
    pub register: bool,
    /// Base URL the endpoints derive from; `https://<identityServer.hostname>` when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Any endpoint set here wins over the derived one.
    pub endpoints: EndpointOverrides,
    /// Where API-M's server-to-server calls to IS go: the IS Service inside the cluster
    /// (default), or the public hostname for users whose DNS serves it to the pods too.
    pub server_endpoints: ServerEndpoints,
    /// The connector's IS admin account (Username/Password in the form).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connector: Option<Credentials>,
    pub create_roles: bool,
    pub tls: TlsPolicy,
    /// How long to keep retrying while API-M is still starting.
    pub timeout_seconds: u64,
    /// Prove the key manager at the end of apply (the `prove` step): a token from IS accepted
    /// by the gateway and refused after revocation. Written only when switched off.
    #[serde(skip_serializing_if = "super::api_manager::is_true")]
    pub prove: bool,
}

impl Default for KeyManager {
    fn default() -> Self {
        KeyManager {
            name: "WSO2IS7".into(),
            display_name: "WSO2 Identity Server 7".into(),
            description: String::new(),
            discover: true,
            register: true,
            base_url: None,
            endpoints: EndpointOverrides::default(),
            server_endpoints: ServerEndpoints::default(),
            connector: None,
            create_roles: false,
            tls: TlsPolicy::default(),
            timeout_seconds: 900,
            prove: true,
        }
    }
}

/// Which base API-M's pods use for the endpoints they call themselves (client registration,
/// introspection, token, revoke, userinfo, scopes, JWKS, API resources, roles). A name that
/// only the laptop's hosts file knows does not resolve inside a pod; the IS Service does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ServerEndpoints {
    /// `https://<is-service>.<namespace>.svc:9443`, named in the IS certificate.
    #[default]
    InCluster,
    /// The public base URL, like the endpoints people and outside clients use.
    Public,
}

impl ServerEndpoints {
    pub fn as_str(self) -> &'static str {
        match self {
            ServerEndpoints::InCluster => "in-cluster",
            ServerEndpoints::Public => "public",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct EndpointOverrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub well_known: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_registration: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub introspection: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoke: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_revoke: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_info: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorize: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope_management: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwks: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_resource_management: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<String>,
}

/// TLS for kmpilot's own HTTPS calls: verified by default; a CA file can be trusted; turning
/// verification off is explicit and shown everywhere the plan is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct TlsPolicy {
    /// A PEM CA or certificate file to trust; the generated ingress certificate when absent
    /// and kmpilot made the keystores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    pub insecure: bool,
}

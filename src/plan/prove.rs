//! The payload of the `prove` step: everything the executor needs to show that the key manager
//! works end to end — an API published with IS 7 as its key manager, an application subscribed
//! to it with keys from IS, a token from IS accepted by the gateway and refused once revoked —
//! and to remove what it created. Every URL is resolved from the profile.

use serde::Serialize;

use super::key_manager::ServiceRoute;
use crate::profile::Credentials;
use crate::profile::sections::key_manager::TlsPolicy;

/// The scopes of the proof's admin session: publish and remove an API, create, key and
/// subscribe an application, and remove them again.
pub const PROOF_SCOPES: &str = "apim:api_view apim:api_create apim:api_publish apim:api_delete \
apim:api_manage apim:subscribe apim:app_manage apim:sub_manage";

/// What the proof does, resolved from the profile.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Proof {
    /// The key manager the API and the application's keys use (`keyManager.name`).
    pub key_manager: String,
    /// API-M's DCR and token endpoints: the same admin session as the registration's.
    pub dcr_url: String,
    pub token_url: String,
    pub admin: Credentials,
    /// `https://<management>/api/am/publisher/v4` (API-M 4.5–4.7).
    pub publisher_url: String,
    /// `https://<management>/api/am/devportal/v3` (API-M 4.5–4.7).
    pub devportal_url: String,
    /// `https://<gateway hostname>`: where the API is called, as a client would.
    pub gateway_url: String,
    /// The gateway environment and the virtual host the API is deployed to.
    pub gateway_environment: String,
    pub gateway_vhost: String,
    /// IS's public token and revoke endpoints: where the application's token comes from and
    /// is revoked.
    pub is_token_url: String,
    pub is_revoke_url: String,
    /// The sample API.
    pub api: ProofApi,
    pub tls: TlsPolicy,
    /// How long the whole proof may take before the gateway answers at all (API-M deploying).
    pub timeout_seconds: u64,
    /// How long the gateway may take to serve the API once published (deploying it, taking in
    /// the subscription) before a non-200 answer counts.
    pub gateway_seconds: u64,
    /// How long a revocation may take to reach the gateway (the notification handler on IS
    /// posting to API-M's revocation listener, which the gateway reads at once).
    pub revocation_seconds: u64,
    /// Fallback routes when a public name does not resolve from where kmpilot runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apim_route: Option<ServiceRoute>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway_route: Option<ServiceRoute>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_route: Option<ServiceRoute>,
}

/// The sample API: one GET resource, its backend an endpoint of API-M itself that answers
/// without credentials, so the gateway pod reaches it whatever the cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProofApi {
    pub name: String,
    pub context: String,
    pub version: String,
    pub backend_url: String,
    /// The application created for it.
    pub application: String,
}

impl Proof {
    /// The URL a client calls the sample API at, through the gateway.
    pub fn invoke_url(&self) -> String {
        format!(
            "{}{}/{}",
            self.gateway_url.trim_end_matches('/'),
            self.api.context,
            self.api.version
        )
    }
}

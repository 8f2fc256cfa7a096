//! What the STAND-IN's Publisher, Developer Portal, gateway and IS hold for the proof, and the
//! switches that make each of them refuse what the real one refuses when it is misconfigured.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use axum::response::Response;

use super::StandInState;

/// The Publisher and Developer Portal scopes API-M grants its admin (PROOF_SCOPES asks these).
pub const PORTAL_SCOPES: [&str; 8] = [
    "apim:api_view",
    "apim:api_create",
    "apim:api_publish",
    "apim:api_delete",
    "apim:api_manage",
    "apim:subscribe",
    "apim:app_manage",
    "apim:sub_manage",
];

#[derive(Clone, Debug)]
pub struct Api {
    pub id: String,
    pub name: String,
    pub context: String,
    pub version: String,
    pub key_managers: Vec<String>,
    pub revisions: Vec<String>,
    /// vhosts it is deployed to.
    pub deployed: Vec<String>,
    pub published: bool,
}

#[derive(Clone, Debug)]
pub struct App {
    pub id: String,
    pub name: String,
    /// (consumer key, key manager) once keys were generated.
    pub keys: Option<(String, String)>,
}

#[derive(Clone, Debug)]
pub struct Subscription {
    pub id: String,
    pub api: String,
    pub app: String,
}

#[derive(Clone, Debug)]
pub struct IsToken {
    pub client: String,
    pub issuer: String,
    /// When IS revoked it.
    pub revoked: Option<Instant>,
}

#[derive(Default)]
pub struct ProofState {
    pub apis: Vec<Api>,
    pub applications: Vec<App>,
    pub subscriptions: Vec<Subscription>,
    /// IS's OAuth clients (created through IS's DCR when API-M generates keys): key → secret.
    pub is_clients: HashMap<String, String>,
    pub is_tokens: HashMap<String, IsToken>,
    /// The issuer IS writes into its tokens; empty: the registered key manager's issuer.
    pub is_issuer: String,
    /// IS refuses API-M's client registration (the connector user is not an IS admin, or IS's
    /// DCR endpoint does not answer from the API-M pod).
    pub is_refuses_dcr: bool,
    /// IS without `[role_mgt] allow_system_prefix_for_role = true`: creating `Internal/...`
    /// roles fails, and API-M's publish with role creation on fails with it.
    pub is_refuses_system_roles: bool,
    /// The gateway never hears of subscriptions (API-M's event hub does not reach it): every
    /// application is unsubscribed to it.
    pub gateway_misses_subscriptions: bool,
    /// The gateway cannot verify IS's signature (it does not trust IS's JWKS).
    pub gateway_distrusts_is: bool,
    /// How long IS's notification takes to reach the gateway after a revocation.
    pub notification_delay: Duration,
    /// IS has no notification handler (or posts without X-WSO2-KEY-MANAGER, or to a wrong
    /// listener): the gateway never hears of a revocation.
    pub notification_lost: bool,
    /// The gateway forwards IS's token to the sample API's backend (helm-apim's
    /// `oauth_config.enableOutboundAuthHeader: true`) and the backend, API-M's own REST API,
    /// cannot validate it: the backend's 401 comes back through the gateway.
    pub backend_refuses_token: bool,
}

/// 401 without a token the stand-in issued, 403 without one of the portal scopes.
pub fn portal_bearer(st: &StandInState, headers: &HeaderMap) -> Result<(), Response> {
    super::bearer_with(st, headers, &PORTAL_SCOPES)
}

pub fn new_id() -> String {
    super::uuid_like()
}

impl super::StandIn {
    /// The planner's proof for `p`, pointed at the stand-in (API-M, its gateway and IS all
    /// answer on its one address), with the IS issuer set to the registered key manager's.
    pub fn proof(&self, p: &kmpilot::profile::Profile) -> kmpilot::plan::prove::Proof {
        let mut pr = kmpilot::steps::prove::proof(p);
        let b = &self.base;
        pr.dcr_url = format!("{b}/client-registration/v0.17/register");
        pr.token_url = format!("{b}/oauth2/token");
        pr.publisher_url = format!("{b}/api/am/publisher/v4");
        pr.devportal_url = format!("{b}/api/am/devportal/v3");
        pr.gateway_url = b.clone();
        pr.is_token_url = format!("{b}/is/oauth2/token");
        pr.is_revoke_url = format!("{b}/is/oauth2/revoke");
        pr.tls = self.trust();
        pr.timeout_seconds = 30;
        pr.gateway_seconds = 3;
        pr.revocation_seconds = 5;
        pr.apim_route = None;
        pr.gateway_route = None;
        pr.is_route = None;
        let mut st = self.state.0.lock().unwrap();
        if let Some(issuer) = st.key_managers.first().and_then(|k| k["issuer"].as_str()) {
            st.proof.is_issuer = issuer.to_string();
        }
        pr
    }

    /// The APIs (Publisher) and applications (Developer Portal) and subscriptions it holds,
    /// by name, as the portals would list them.
    pub fn portal_items(&self) -> (Vec<String>, Vec<String>, usize) {
        let st = self.state.0.lock().unwrap();
        (
            st.proof.apis.iter().map(|a| a.name.clone()).collect(),
            st.proof
                .applications
                .iter()
                .map(|a| a.name.clone())
                .collect(),
            st.proof.subscriptions.len(),
        )
    }

    pub fn with_proof(&self, f: impl FnOnce(&mut ProofState)) {
        f(&mut self.state.0.lock().unwrap().proof)
    }
}

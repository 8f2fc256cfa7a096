//! Step "prove": the key manager shown working end to end, last in apply and on demand
//! (`kmpilot doctor --prove`). Planned when kmpilot registers IS 7 as API-M's key manager and
//! `keyManager.prove` is on (`apply --skip prove` leaves it out of one run).

use crate::plan::key_manager::ServiceRoute;
use crate::plan::prove::{Proof, ProofApi};
use crate::plan::{Action, Artifact, Step, StepId};
use crate::profile::Profile;
use crate::profile::diagnostics::Issues;

use super::form::Field;
use super::key_manager;

/// The gateway's HTTPS port on the API-M Service (`passthrough-https`, 8243).
pub const GATEWAY_SERVICE_PORT: u16 = 8243;

/// How long a revocation may take to reach the gateway: the notification handler on IS posts
/// the revoked token to API-M's revocation listener as IS revokes it, and the gateway refuses
/// it from then on; a minute leaves room for a busy pod.
pub const REVOCATION_SECONDS: u64 = 60;

/// How long the gateway may take to deploy the published API and take in the subscription.
pub const GATEWAY_SECONDS: u64 = 120;

/// Whether a profile proves its key manager at all.
pub fn planned(p: &Profile) -> bool {
    p.identity_server.install
        && p.api_manager.install
        && p.key_manager.register
        && p.key_manager.prove
}

pub fn validate(_: &Profile, _: &mut Issues) {}

pub fn plan(p: &Profile, _: &mut Vec<Artifact>) -> Option<Step> {
    if !planned(p) {
        return None;
    }
    Some(Step::new(
        StepId::Prove,
        vec![Action::ProveKeyManager(Box::new(proof(p)))],
    ))
}

/// The proof's payload for `p`.
pub fn proof(p: &Profile) -> Proof {
    let km = &p.key_manager;
    let f = key_manager::fields(p);
    let apim = format!("https://{}", p.api_manager.hostnames.management);
    let gateway = &p.api_manager.hostnames.gateway;
    // the IS Service stands in for IS's public name only when the token endpoint is IS's own
    let is_route = (host_of(&f.display_token) == host_of(&key_manager::public_base(p)))
        .then(|| key_manager::is_route(p));
    let apim_route = key_manager::apim_route(p);
    Proof {
        key_manager: km.name.clone(),
        dcr_url: format!("{apim}/client-registration/v0.17/register"),
        token_url: format!("{apim}/oauth2/token"),
        admin: p.api_manager.admin.clone(),
        publisher_url: format!("{apim}/api/am/publisher/v4"),
        devportal_url: format!("{apim}/api/am/devportal/v3"),
        gateway_url: format!("https://{gateway}"),
        gateway_environment: "Default".into(),
        gateway_vhost: gateway.clone(),
        is_token_url: f.display_token.clone(),
        is_revoke_url: f.display_revoke.clone(),
        api: ProofApi {
            name: "KmpilotProof".into(),
            context: "/kmpilot-proof".into(),
            version: "1.0.0".into(),
            // answers GET without credentials inside API-M's own pod
            backend_url: "https://localhost:9443/api/am/devportal/v3/settings".into(),
            application: "kmpilot-proof".into(),
        },
        tls: key_manager::tls_policy(p),
        timeout_seconds: km.timeout_seconds,
        gateway_seconds: GATEWAY_SECONDS,
        revocation_seconds: REVOCATION_SECONDS,
        gateway_route: Some(ServiceRoute {
            port: GATEWAY_SERVICE_PORT,
            ..apim_route.clone()
        }),
        apim_route: Some(apim_route),
        is_route,
    }
}

pub fn form(_: &Profile) -> Vec<Field> {
    vec![Field::bool(
        "Prove after apply",
        super::form::path(&["keyManager", "prove"]),
        "publish a sample API, call it through the gateway with a token from IS, revoke the token and see the gateway refuse it; everything it creates is removed again",
        |p| p.key_manager.prove,
        |p, v| p.key_manager.prove = v,
    )]
}

fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
}

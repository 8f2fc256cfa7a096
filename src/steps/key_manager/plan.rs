//! The key-manager step's plan: the TLS policy of its calls and the registration through the Admin REST API.

use super::*;

pub fn tls_policy(p: &Profile) -> TlsPolicy {
    let t = &p.key_manager.tls;
    TlsPolicy {
        ca_file: t.ca_file.clone().or_else(|| {
            // the executor writes the generated certificate here in its work directory
            (p.keystores.provided.is_none())
                .then(|| PathBuf::from(crate::steps::keystores::spec(p).tls_cert))
        }),
        insecure: t.insecure,
    }
}

pub fn plan(p: &Profile, artifacts: &mut Vec<Artifact>) -> Option<Step> {
    let km = &p.key_manager;
    let f = fields(p);
    let body = body(p);
    let body_artifact = "key-manager/key-manager.json".to_string();
    artifacts.push(Artifact {
        path: body_artifact.clone(),
        kind: ArtifactKind::Json,
        content: render::json_pretty(&body),
    });
    if !km.register {
        return None;
    }
    let apim = format!("https://{}", p.api_manager.hostnames.management);
    let tls = tls_policy(p);
    let mut actions = Vec::new();
    if km.discover {
        // the IS Service can stand in for the public name only when the document is IS's own
        let via = (host_of(&f.well_known) == host_of(&public_base(p))).then(|| is_route(p));
        actions.push(Action::Http(HttpRequest {
            method: "GET".into(),
            url: f.well_known.clone(),
            purpose: "discover issuer and endpoints from the IS well-known document".into(),
            tls: tls.clone(),
            via,
            timeout_seconds: km.timeout_seconds,
            discovery: Box::new(crate::plan::key_manager::DiscoveryUse {
                overrides: km.endpoints.clone(),
                origin_swap: origin_swap(p).map(|(public, in_cluster)| {
                    crate::plan::key_manager::OriginSwap { public, in_cluster }
                }),
                derived: f.clone(),
            }),
        }));
    }
    actions.push(Action::RegisterKeyManager(Box::new(Registration {
        name: km.name.clone(),
        dcr_url: format!("{apim}/client-registration/v0.17/register"),
        token_url: format!("{apim}/oauth2/token"),
        key_managers_url: format!("{apim}/api/am/admin/v4/key-managers"),
        apim_base_url: apim,
        admin: p.api_manager.admin.clone(),
        connector: p.km_connector().clone(),
        body,
        body_artifact,
        discover_url: km.discover.then(|| f.well_known.clone()),
        tls,
        timeout_seconds: km.timeout_seconds,
        apim_route: Some(apim_route(p)),
    })));
    Some(Step::new(StepId::KeyManager, actions))
}

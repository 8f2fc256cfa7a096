//! Step "key-manager": the 20 fields of the Admin Portal's "Add Key Manager" form, derived from
//! the IS host and overridable one by one, and their registration through the API-M Admin
//! REST API (DCR → password grant → list → PUT or POST; wso2-facts §3).

use crate::plan::key_manager::{Fields, Registration, ServiceRoute};
use crate::profile::sections::key_manager::{ServerEndpoints, TlsPolicy};

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::plan::{Action, Artifact, ArtifactKind, HttpRequest, Step, StepId};
use crate::profile::diagnostics::{Issues, YamlPath};
use crate::profile::secret::MASK;
use crate::profile::{Credentials, Profile, checks};
use crate::render;

mod auth_shape;
mod form;
mod plan;
pub use auth_shape::*;
pub use form::*;
pub use plan::*;

pub const KM_TYPE: &str = "WSO2-IS-7";

pub const GRANT_TYPES: [&str; 9] = [
    "password",
    "client_credentials",
    "refresh_token",
    "urn:ietf:params:oauth:grant-type:saml2-bearer",
    "iwa:ntlm",
    "urn:ietf:params:oauth:grant-type:device_code",
    "authorization_code",
    "urn:ietf:params:oauth:grant-type:jwt-bearer",
    "urn:ietf:params:oauth:grant-type:token-exchange",
];

/// The port the IS chart's Service listens on (`templates/svc.yaml`: `servlet-https` 9443).
pub const IS_SERVICE_PORT: u16 = 9443;

/// IS as API-M's pods reach it through cluster DNS: the Service the IS chart renders
/// (`<release>-identity-server`) in the profile's namespace. `<svc>.<ns>.svc` is among the IS
/// certificate's SANs (`keystores::is_sans`), so API-M verifies the name it called.
pub fn in_cluster_base(p: &Profile) -> String {
    format!(
        "https://{}.{}.svc:{IS_SERVICE_PORT}",
        p.identity_server.service_name(),
        p.cluster.namespace
    )
}

/// The base people and outside clients use: `keyManager.baseUrl`, else the IS hostname.
pub fn public_base(p: &Profile) -> String {
    p.key_manager
        .base_url
        .clone()
        .unwrap_or_else(|| p.identity_server.base_url())
        .trim_end_matches('/')
        .to_string()
}

/// The base of the endpoints API-M calls server to server, per `keyManager.serverEndpoints`.
pub fn server_base(p: &Profile) -> String {
    match p.key_manager.server_endpoints {
        ServerEndpoints::InCluster => in_cluster_base(p),
        ServerEndpoints::Public => public_base(p),
    }
}

/// Every field derived from the IS base URLs (wso2-facts §3), then the profile's overrides.
/// What a person or an outside client sees (well-known URL, issuer — exactly what IS writes
/// into its tokens: `[server] hostname` with proxy port 443 gives `https://<host>/oauth2/token`
/// —, authorize, display token, display revoke) derives from the public base; what API-M's
/// pods call derives from [`server_base`].
pub fn fields(p: &Profile) -> Fields {
    let km = &p.key_manager;
    let base = public_base(p);
    let server = server_base(p);
    let o = &km.endpoints;
    let public =
        |o: &Option<String>, path: &str| o.clone().unwrap_or_else(|| format!("{base}{path}"));
    let pick =
        |o: &Option<String>, path: &str| o.clone().unwrap_or_else(|| format!("{server}{path}"));
    let token = pick(&o.token, "/oauth2/token");
    let revoke = pick(&o.revoke, "/oauth2/revoke");
    // a display endpoint follows its endpoint when that was set explicitly, else it is public
    let display = |d: &Option<String>, e: &Option<String>, path: &str| {
        d.clone()
            .or_else(|| e.clone())
            .unwrap_or_else(|| format!("{base}{path}"))
    };
    Fields {
        name: km.name.clone(),
        display_name: km.display_name.clone(),
        km_type: KM_TYPE.into(),
        well_known: public(
            &o.well_known,
            "/oauth2/token/.well-known/openid-configuration",
        ),
        issuer: public(&o.issuer, "/oauth2/token"),
        client_registration: pick(
            &o.client_registration,
            "/api/identity/oauth2/dcr/v1.1/register",
        ),
        introspection: pick(&o.introspection, "/oauth2/introspect"),
        display_token: display(&o.display_token, &o.token, "/oauth2/token"),
        token,
        display_revoke: display(&o.display_revoke, &o.revoke, "/oauth2/revoke"),
        revoke,
        user_info: pick(&o.user_info, "/scim2/Me"),
        authorize: public(&o.authorize, "/oauth2/authorize"),
        scope_management: pick(&o.scope_management, "/api/identity/oauth2/v1.0/scopes"),
        certificate_type: "JWKS".into(),
        jwks: pick(&o.jwks, "/oauth2/jwks"),
        connector_username: p.km_connector().username.clone(),
        api_resource_management: pick(&o.api_resource_management, "/api/server/v1/api-resources"),
        roles: pick(&o.roles, "/scim2/v2/Roles"),
        create_roles: km.create_roles,
    }
}

/// The endpoints API-M's pods call themselves, as (Admin Portal label, URL), in the form's
/// order. Every one must resolve from inside the cluster.
pub fn server_to_server(f: &Fields) -> Vec<(&'static str, String)> {
    vec![
        ("Client registration", f.client_registration.clone()),
        ("Introspection", f.introspection.clone()),
        ("Token", f.token.clone()),
        ("Revoke", f.revoke.clone()),
        ("Userinfo", f.user_info.clone()),
        ("Scope management", f.scope_management.clone()),
        ("JWKS", f.jwks.clone()),
        ("API resource management", f.api_resource_management.clone()),
        ("Roles", f.roles.clone()),
    ]
}

/// [`server_to_server`] of the profile's derived fields.
pub fn server_to_server_endpoints(p: &Profile) -> Vec<(&'static str, String)> {
    server_to_server(&fields(p))
}

/// When API-M calls IS inside the cluster: (public origin, in-cluster origin). IS's
/// well-known document names its public URLs; discovery moves the server-to-server ones
/// that point at the public origin onto the in-cluster one (`Discovered::server_calls_at`).
pub fn origin_swap(p: &Profile) -> Option<(String, String)> {
    (p.key_manager.server_endpoints == ServerEndpoints::InCluster)
        .then(|| (public_base(p), in_cluster_base(p)))
}

/// The Admin REST API body. The connector password is the mask here; the executor puts the
/// resolved value in `additionalProperties.Password` just before sending. The credentials take
/// the shape of the profile's API-M line ([`auth_shape`]).
pub fn body(p: &Profile) -> Value {
    let f = fields(p);
    let km = &p.key_manager;
    let endpoints: Vec<Value> = [
        ("client_registration_endpoint", &f.client_registration),
        ("introspection_endpoint", &f.introspection),
        ("token_endpoint", &f.token),
        ("display_token_endpoint", &f.display_token),
        ("revoke_endpoint", &f.revoke),
        ("display_revoke_endpoint", &f.display_revoke),
        ("userinfo_endpoint", &f.user_info),
        ("authorize_endpoint", &f.authorize),
        ("scope_endpoint", &f.scope_management),
    ]
    .iter()
    .map(|(n, v)| json!({"name": n, "value": v}))
    .collect();
    let mut body = json!({
        "name": f.name,
        "displayName": f.display_name,
        "type": f.km_type,
        "description": km.description,
        "wellKnownEndpoint": f.well_known,
        "issuer": f.issuer,
        // the IS7 connector reads these top-level (deprecated) fields through
        // additionalProperties, so they are sent even though endpoints[] repeats them
        "clientRegistrationEndpoint": f.client_registration,
        "introspectionEndpoint": f.introspection,
        "tokenEndpoint": f.token,
        "displayTokenEndpoint": f.display_token,
        "revokeEndpoint": f.revoke,
        "displayRevokeEndpoint": f.display_revoke,
        "userInfoEndpoint": f.user_info,
        "authorizeEndpoint": f.authorize,
        "scopeManagementEndpoint": f.scope_management,
        "endpoints": endpoints,
        "certificates": {"type": f.certificate_type, "value": f.jwks},
        "availableGrantTypes": GRANT_TYPES,
        "enableTokenGeneration": true,
        "enableMapOAuthConsumerApps": false,
        "enableOAuthAppCreation": true,
        "enableSelfValidationJWT": true,
        "tokenType": "DIRECT",
        "enabled": true,
    });
    let mut additional = credentials(auth_shape(p), &f.connector_username, MASK);
    for (k, v) in [
        (
            "api_resource_management_endpoint",
            json!(f.api_resource_management),
        ),
        ("is7_roles_endpoint", json!(f.roles)),
        // the connector reads this only when it is a JSON boolean
        ("enable_roles_creation", json!(f.create_roles)),
    ] {
        additional.insert(k.into(), v);
    }
    body["additionalProperties"] = Value::Object(additional);
    body
}

/// The IS Service as kmpilot's fallback route for the well-known document.
pub fn is_route(p: &Profile) -> ServiceRoute {
    ServiceRoute {
        context: p.cluster.context.clone(),
        namespace: p.cluster.namespace.clone(),
        service: p.identity_server.service_name(),
        port: IS_SERVICE_PORT,
        pod_certificate: Some(crate::plan::keystore_set::is_server_cert()),
    }
}

/// The API-M Service (its 9443 port serves DCR, token and the Admin REST API).
pub fn apim_route(p: &Profile) -> ServiceRoute {
    ServiceRoute {
        context: p.cluster.context.clone(),
        namespace: p.cluster.namespace.clone(),
        service: p.api_manager.service_name(),
        port: 9443,
        pod_certificate: Some(crate::plan::keystore_set::apim_server_cert()),
    }
}

fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
}

pub fn validate(p: &Profile, issues: &mut Issues) {
    let km = &p.key_manager;
    let base = YamlPath::root().key("keyManager");
    if km.name.is_empty() || km.name.len() > 100 {
        issues.error(
            &base.key("name"),
            "name must be 1 to 100 characters",
            Some("a short name such as WSO2IS7"),
            None,
        );
    }
    checks::non_empty(
        issues,
        &base.key("displayName"),
        &km.display_name,
        "WSO2 Identity Server 7",
    );
    if let Some(u) = &km.base_url {
        checks::url(issues, &base.key("baseUrl"), u);
    }
    let eb = base.key("endpoints");
    let o = &km.endpoints;
    for (field, v) in [
        ("wellKnown", &o.well_known),
        ("issuer", &o.issuer),
        ("clientRegistration", &o.client_registration),
        ("introspection", &o.introspection),
        ("token", &o.token),
        ("displayToken", &o.display_token),
        ("revoke", &o.revoke),
        ("displayRevoke", &o.display_revoke),
        ("userInfo", &o.user_info),
        ("authorize", &o.authorize),
        ("scopeManagement", &o.scope_management),
        ("jwks", &o.jwks),
        ("apiResourceManagement", &o.api_resource_management),
        ("roles", &o.roles),
    ] {
        if let Some(v) = v {
            checks::url(issues, &eb.key(field), v);
        }
    }
    if let Some(c) = &km.connector {
        c.validate(issues, &base.key("connector"));
    }
    if km.server_endpoints == ServerEndpoints::Public {
        issues.warn(
            &base.key("serverEndpoints"),
            format!(
                "API-M's pods will call IS at {} — a name only your hosts file knows does not resolve inside the cluster",
                public_base(p)
            ),
            Some("in-cluster (the IS Service), unless the cluster's DNS serves this name"),
        );
    }
    if km.tls.insecure {
        issues.warn(
            &base.key("tls").key("insecure"),
            "TLS certificates will not be verified for the key-manager calls",
            Some("trust the generated certificate with tls.caFile instead"),
        );
    }
    if km.timeout_seconds == 0 {
        issues.error(
            &base.key("timeoutSeconds"),
            "0 gives API-M no time to start",
            Some("seconds, e.g. 900"),
            None,
        );
    }
}

#[cfg(test)]
mod tests;

//! Step "key-manager": the 20 fields of the Admin Portal's "Add Key Manager" form, derived from
//! the IS host and overridable one by one, and their registration through the API-M Admin
//! REST API (DCR → password grant → list → PUT or POST; wso2-facts §3).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::plan::{Action, Artifact, ArtifactKind, HttpRequest, Step, StepId};
use crate::profile::diagnostics::{Issues, YamlPath};
use crate::profile::secret::MASK;
use crate::profile::{Credentials, Profile, checks};
use crate::render;

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
    /// The connector's IS admin account (Username/Password in the form).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connector: Option<Credentials>,
    pub create_roles: bool,
    pub tls: TlsPolicy,
    /// How long to keep retrying while API-M is still starting.
    pub timeout_seconds: u64,
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
            connector: None,
            create_roles: false,
            tls: TlsPolicy::default(),
            timeout_seconds: 900,
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

impl KeyManager {
    pub fn connector<'a>(&'a self, p: &'a Profile) -> &'a Credentials {
        self.connector.as_ref().unwrap_or(&p.identity_server.admin)
    }
}

/// Every field derived from the IS base URL (wso2-facts §3), then the profile's overrides.
pub fn fields(p: &Profile) -> Fields {
    let km = &p.key_manager;
    let base = km
        .base_url
        .clone()
        .unwrap_or_else(|| p.identity_server.base_url());
    let base = base.trim_end_matches('/');
    let o = &km.endpoints;
    let pick =
        |o: &Option<String>, path: &str| o.clone().unwrap_or_else(|| format!("{base}{path}"));
    let token = pick(&o.token, "/oauth2/token");
    let revoke = pick(&o.revoke, "/oauth2/revoke");
    Fields {
        name: km.name.clone(),
        display_name: km.display_name.clone(),
        km_type: KM_TYPE.into(),
        well_known: pick(
            &o.well_known,
            "/oauth2/token/.well-known/openid-configuration",
        ),
        issuer: pick(&o.issuer, "/oauth2/token"),
        client_registration: pick(
            &o.client_registration,
            "/api/identity/oauth2/dcr/v1.1/register",
        ),
        introspection: pick(&o.introspection, "/oauth2/introspect"),
        display_token: o.display_token.clone().unwrap_or_else(|| token.clone()),
        token,
        display_revoke: o.display_revoke.clone().unwrap_or_else(|| revoke.clone()),
        revoke,
        user_info: pick(&o.user_info, "/scim2/Me"),
        authorize: pick(&o.authorize, "/oauth2/authorize"),
        scope_management: pick(&o.scope_management, "/api/identity/oauth2/v1.0/scopes"),
        certificate_type: "JWKS".into(),
        jwks: pick(&o.jwks, "/oauth2/jwks"),
        connector_username: km.connector(p).username.clone(),
        api_resource_management: pick(&o.api_resource_management, "/api/server/v1/api-resources"),
        roles: pick(&o.roles, "/scim2/v2/Roles"),
        create_roles: km.create_roles,
    }
}

/// The Admin REST API body. The connector password is the mask here; the executor puts the
/// resolved value in `additionalProperties.Password` just before sending.
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
    json!({
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
        "additionalProperties": {
            "Username": f.connector_username,
            "Password": MASK,
            "api_resource_management_endpoint": f.api_resource_management,
            "is7_roles_endpoint": f.roles,
            // the connector reads this only when it is a JSON boolean
            "enable_roles_creation": f.create_roles,
        },
    })
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
}

pub const TOKEN_SCOPES: &str = "apim:admin apim:admin_operations apim:keymanagers_manage";

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

pub fn tls_policy(p: &Profile) -> TlsPolicy {
    let t = &p.key_manager.tls;
    TlsPolicy {
        ca_file: t.ca_file.clone().or_else(|| {
            // the executor writes the generated certificate here in its work directory
            (p.keystores.provided.is_none())
                .then(|| PathBuf::from(super::keystores::spec(p).tls_cert))
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
        actions.push(Action::Http(HttpRequest {
            method: "GET".into(),
            url: f.well_known.clone(),
            purpose: "discover issuer and endpoints from the IS well-known document".into(),
            tls: tls.clone(),
        }));
    }
    actions.push(Action::RegisterKeyManager(Box::new(Registration {
        name: km.name.clone(),
        dcr_url: format!("{apim}/client-registration/v0.17/register"),
        token_url: format!("{apim}/oauth2/token"),
        key_managers_url: format!("{apim}/api/am/admin/v4/key-managers"),
        apim_base_url: apim,
        admin: p.api_manager.admin.clone(),
        connector: km.connector(p).clone(),
        body,
        body_artifact,
        discover_url: km.discover.then(|| f.well_known.clone()),
        tls,
        timeout_seconds: km.timeout_seconds,
    })));
    Some(Step::new(StepId::KeyManager, actions))
}

/// The wizard's fields for this step. Every endpoint shows the value derived from the IS host
/// (live, as the hostname changes) until the user overrides it.
pub fn form(_p: &Profile) -> Vec<super::form::Field> {
    use super::form::{Field, path};
    let at = |k: &str| path(&["keyManager", k]);
    let mut v = vec![
        Field::text(
            "Name",
            at("name"),
            "key manager name in the Admin Portal",
            |p| p.key_manager.name.clone(),
            |p, v| p.key_manager.name = v,
        ),
        Field::text(
            "Display name",
            at("displayName"),
            "name shown to API consumers",
            |p| p.key_manager.display_name.clone(),
            |p, v| p.key_manager.display_name = v,
        ),
        Field::text(
            "Description",
            at("description"),
            "free text in the Admin Portal",
            |p| p.key_manager.description.clone(),
            |p, v| p.key_manager.description = v,
        ),
        Field::bool(
            "Discover",
            at("discover"),
            "fetch the IS well-known document and take issuer and endpoints from it",
            |p| p.key_manager.discover,
            |p, v| p.key_manager.discover = v,
        ),
        Field::bool(
            "Register",
            at("register"),
            "register through the Admin REST API (no = only show the fields)",
            |p| p.key_manager.register,
            |p, v| p.key_manager.register = v,
        ),
        Field::opt_text(
            "Base URL",
            at("baseUrl"),
            "base the endpoints derive from; https://<IS hostname> when empty",
            |p| p.key_manager.base_url.clone(),
            |p, v| p.key_manager.base_url = v,
        )
        .derived(|p| p.identity_server.base_url()),
    ];
    macro_rules! endpoint {
        ($label:expr, $key:expr, $field:ident) => {
            Field::opt_text(
                $label,
                path(&["keyManager", "endpoints", $key]),
                "derived from the base URL; type a URL to override, empty to derive again",
                |p| p.key_manager.endpoints.$field.clone(),
                |p, v| p.key_manager.endpoints.$field = v,
            )
            .derived(|p| fields(p).$field)
            .in_group("Endpoints")
        };
    }
    v.extend([
        endpoint!("Well-known URL", "wellKnown", well_known),
        endpoint!("Issuer", "issuer", issuer),
        endpoint!(
            "Client registration",
            "clientRegistration",
            client_registration
        ),
        endpoint!("Introspection", "introspection", introspection),
        endpoint!("Token", "token", token),
        endpoint!("Display token", "displayToken", display_token),
        endpoint!("Revoke", "revoke", revoke),
        endpoint!("Display revoke", "displayRevoke", display_revoke),
        endpoint!("Userinfo", "userInfo", user_info),
        endpoint!("Authorize", "authorize", authorize),
        endpoint!("Scope management", "scopeManagement", scope_management),
        endpoint!("JWKS URL", "jwks", jwks),
        endpoint!(
            "API resource mgmt",
            "apiResourceManagement",
            api_resource_management
        ),
        endpoint!("Roles", "roles", roles),
    ]);
    v.extend([
        Field::opt_text(
            "Connector user",
            path(&["keyManager", "connector", "username"]),
            "IS account the connector uses; the IS admin when empty",
            |p| p.key_manager.connector.as_ref().map(|c| c.username.clone()),
            |p, v| match v {
                None => p.key_manager.connector = None,
                Some(u) => {
                    let pw = p.identity_server.admin.password.clone();
                    p.key_manager
                        .connector
                        .get_or_insert_with(|| Credentials {
                            username: String::new(),
                            password: pw,
                        })
                        .username = u;
                }
            },
        )
        .derived(|p| p.identity_server.admin.username.clone())
        .in_group("Connector"),
        Field::opt_secret(
            "Connector password",
            path(&["keyManager", "connector", "password"]),
            "password of the connector account; the IS admin's when not set",
            |p| p.key_manager.connector.as_ref().map(|c| c.password.clone()),
            |p, v| match v {
                None => p.key_manager.connector = None,
                Some(s) => {
                    let user = p.identity_server.admin.username.clone();
                    let fresh = s.clone();
                    p.key_manager
                        .connector
                        .get_or_insert(Credentials {
                            username: user,
                            password: fresh,
                        })
                        .password = s;
                }
            },
        )
        .derived(|p| p.identity_server.admin.password.describe())
        .in_group("Connector"),
        Field::bool(
            "Create roles",
            at("createRoles"),
            "let the connector create roles in IS",
            |p| p.key_manager.create_roles,
            |p, v| p.key_manager.create_roles = v,
        ),
        Field::opt_text(
            "TLS CA file",
            path(&["keyManager", "tls", "caFile"]),
            "PEM CA to trust for these calls; the generated certificate when empty",
            |p| {
                p.key_manager
                    .tls
                    .ca_file
                    .as_ref()
                    .map(|f| f.display().to_string())
            },
            |p, v| p.key_manager.tls.ca_file = v.map(PathBuf::from),
        )
        .with_default("(the generated certificate)"),
        Field::bool(
            "TLS insecure",
            path(&["keyManager", "tls", "insecure"]),
            "do NOT verify certificates (shown in the plan)",
            |p| p.key_manager.tls.insecure,
            |p, v| p.key_manager.tls.insecure = v,
        ),
        Field::number(
            "Timeout (s)",
            at("timeoutSeconds"),
            "how long to keep retrying while API-M is still starting",
            |p| p.key_manager.timeout_seconds,
            |p, v| p.key_manager.timeout_seconds = v,
        ),
    ]);
    v
}

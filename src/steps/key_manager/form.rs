//! The key-manager step's wizard fields: every endpoint shows its derived value until overridden.

use super::*;

/// The wizard's fields for this step. Every endpoint shows the value derived from the IS host
/// (live, as the hostname changes) until the user overrides it.
pub fn form(_p: &Profile) -> Vec<crate::steps::form::Field> {
    use crate::steps::form::{Field, path};
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
            "base of the public endpoints (well-known, issuer, authorize, display); https://<IS hostname> when empty",
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
                "derived (public base, or the IS Service for API-M's own calls); type a URL to override, empty to derive again",
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
    v.push(
        Field::enum_choice(
            "Server endpoints",
            at("serverEndpoints"),
            "where API-M's pods call IS: in-cluster = the IS Service (works without DNS); public = the hostname (only if the cluster's DNS serves it)",
            &["in-cluster", "public"],
            |p| p.key_manager.server_endpoints,
            |p, v| p.key_manager.server_endpoints = v,
        )
        .in_group("Endpoints"),
    );
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

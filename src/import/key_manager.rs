//! The key-manager registration as API-M holds it, read through the Admin REST API the way
//! `register` writes it (DCR client, password grant, then `GET key-managers` and each one by
//! id), nothing saved. The admin password is used for these calls only: never stored, printed
//! or returned; errors name the call and the HTTP status, never a body (a DCR answer carries
//! the client secret).

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::plan::key_manager::Registration;
use crate::profile::Credentials;
use crate::profile::secret::SecretRef;
use crate::profile::sections::key_manager::TlsPolicy;

/// Where and how to ask API-M.
pub struct AdminApi {
    /// `https://host[:port]` API-M's DCR, token and Admin REST API answer on.
    pub base: String,
    pub ca_file: Option<PathBuf>,
    pub username: String,
    pub password: String,
}

/// Key managers whose endpoints or issuer point at `is_names` (the IS hostname and its Service
/// name), or of IS 7's connector type. The calls are the registration's own
/// ([`crate::http::all_registered_via`]): the same DCR client, token, retries and scrubbed errors.
pub async fn listed(api: &AdminApi, is_names: &[String]) -> Result<Vec<Value>, String> {
    let all = crate::http::all_registered_via(
        &registration(api),
        Path::new("."),
        &api.password,
        &crate::http::Reach::direct(),
        &mut |_| {},
    )
    .await
    .map_err(|e| e.message())?;
    Ok(all
        .into_iter()
        .filter(|km| points_at(km, is_names))
        .collect())
}

/// The registration's addresses and admin for `api`; what only a registration writes (its
/// name, body, connector) is left empty, since reading every key manager does not use it.
fn registration(api: &AdminApi) -> Registration {
    let base = api.base.trim_end_matches('/');
    let nobody = Credentials {
        username: String::new(),
        password: SecretRef::Literal(String::new()),
    };
    Registration {
        name: String::new(),
        apim_base_url: base.to_string(),
        dcr_url: format!("{base}/client-registration/v0.17/register"),
        token_url: format!("{base}/oauth2/token"),
        key_managers_url: format!("{base}/api/am/admin/v4/key-managers"),
        admin: Credentials {
            username: api.username.clone(),
            password: SecretRef::Literal(String::new()),
        },
        connector: nobody,
        body: Value::Null,
        body_artifact: String::new(),
        discover_url: None,
        tls: TlsPolicy {
            ca_file: api.ca_file.clone(),
            insecure: false,
        },
        timeout_seconds: 30,
        apim_route: None,
    }
}

/// Whether a key manager is this IS's: an endpoint, the issuer or the well-known URL names it.
pub fn points_at(km: &Value, is_names: &[String]) -> bool {
    let mut urls: Vec<&str> = km["endpoints"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["value"].as_str())
        .collect();
    for k in [
        "issuer",
        "wellKnownEndpoint",
        "introspectionEndpoint",
        "tokenEndpoint",
    ] {
        if let Some(u) = km[k].as_str() {
            urls.push(u);
        }
    }
    urls.iter().any(|u| {
        url::Url::parse(u)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .is_some_and(|h| {
                is_names
                    .iter()
                    .any(|n| h == *n || h.starts_with(&format!("{n}.")))
            })
    })
}

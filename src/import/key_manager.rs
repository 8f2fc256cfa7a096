//! The key-manager registration as API-M holds it, read through the Admin REST API the way
//! `register` writes it (DCR client, password grant, then `GET key-managers` and each one by
//! id), nothing saved. The admin password is used for these calls only: never stored, printed
//! or returned; errors name the call and the HTTP status, never a body (a DCR answer carries
//! the client secret).

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};

use crate::steps::key_manager::{TOKEN_SCOPES, TlsPolicy};

/// Where and how to ask API-M.
pub struct AdminApi {
    /// `https://host[:port]` API-M's DCR, token and Admin REST API answer on.
    pub base: String,
    pub ca_file: Option<PathBuf>,
    pub username: String,
    pub password: String,
}

/// The DCR client name (the same as the registration's, so API-M returns that client).
const CLIENT_NAME: &str = crate::http::register::CLIENT_NAME;

/// Key managers whose endpoints or issuer point at `is_names` (the IS hostname and its Service
/// name), or of IS 7's connector type.
pub async fn listed(api: &AdminApi, is_names: &[String]) -> Result<Vec<Value>, String> {
    let tls = TlsPolicy {
        ca_file: api.ca_file.clone(),
        insecure: false,
    };
    let client =
        crate::http::build_client(&tls, std::path::Path::new(".")).map_err(|e| e.message())?;
    let base = api.base.trim_end_matches('/');
    let fail = |what: &str, e: reqwest::Error| {
        // reqwest's error names the URL, never a credential
        let mut text = e.to_string();
        let mut src = std::error::Error::source(&e);
        while let Some(s) = src {
            text.push_str(&format!(": {s}"));
            src = s.source();
        }
        format!("{what}: {text}")
    };
    let status = |what: &str, s: reqwest::StatusCode| format!("{what}: HTTP {s}");
    let timeout = Duration::from_secs(30);

    let dcr = client
        .post(format!("{base}/client-registration/v0.17/register"))
        .basic_auth(&api.username, Some(&api.password))
        .json(&json!({"callbackUrl": "www.example.com", "clientName": CLIENT_NAME,
                      "owner": api.username, "grantType": "client_credentials password refresh_token",
                      "saasApp": true}))
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| fail("client registration (DCR)", e))?;
    if !dcr.status().is_success() {
        return Err(status("client registration (DCR)", dcr.status()));
    }
    let dcr: Value = dcr
        .json()
        .await
        .map_err(|e| fail("client registration (DCR)", e))?;
    let (Some(id), Some(secret)) = (dcr["clientId"].as_str(), dcr["clientSecret"].as_str()) else {
        return Err("client registration (DCR): no clientId/clientSecret in the answer".into());
    };
    let tok = client
        .post(format!("{base}/oauth2/token"))
        .basic_auth(id, Some(secret))
        .form(&[
            ("grant_type", "password"),
            ("username", api.username.as_str()),
            ("password", api.password.as_str()),
            ("scope", TOKEN_SCOPES),
        ])
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| fail("admin token", e))?;
    if !tok.status().is_success() {
        return Err(status("admin token", tok.status()));
    }
    let tok: Value = tok.json().await.map_err(|e| fail("admin token", e))?;
    let Some(token) = tok["access_token"].as_str() else {
        return Err("admin token: no access_token in the answer".into());
    };
    let kms = format!("{base}/api/am/admin/v4/key-managers");
    let get = |url: String| client.get(url).bearer_auth(token).timeout(timeout).send();
    let list = get(kms.clone())
        .await
        .map_err(|e| fail("list key managers", e))?;
    if !list.status().is_success() {
        return Err(status("list key managers", list.status()));
    }
    let list: Value = list
        .json()
        .await
        .map_err(|e| fail("list key managers", e))?;
    let mut out = Vec::new();
    for item in list["list"].as_array().into_iter().flatten() {
        let Some(kid) = item["id"].as_str() else {
            continue;
        };
        let one = get(format!("{kms}/{kid}"))
            .await
            .map_err(|e| fail("get key manager", e))?;
        if !one.status().is_success() {
            return Err(status("get key manager", one.status()));
        }
        let km: Value = one.json().await.map_err(|e| fail("get key manager", e))?;
        if points_at(&km, is_names) {
            out.push(km);
        }
    }
    Ok(out)
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

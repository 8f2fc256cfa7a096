//! Registration through the API-M Admin REST API (wso2-facts §3):
//!
//! 1. `POST <dcr_url>` with Basic admin credentials: a REST API client
//!    (`kmpilot_rest_api_admin`, grant types client_credentials password refresh_token).
//! 2. `POST <token_url>` with Basic clientId:clientSecret: a password grant for
//!    `apim:admin apim:admin_operations apim:keymanagers_manage`.
//! 3. `GET <key_managers_url>`: is there a key manager with this name?
//! 4. `PUT <key_managers_url>/{id}` if so, else `POST <key_managers_url>` (and on 409, because
//!    another run got there first, list again and PUT).
//!
//! The connector password goes into `additionalProperties.Password` of the request body only;
//! progress lines and errors never contain a password, the client secret or a token.

use std::path::Path;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde::Serialize;
use serde_json::Value;

use crate::plan::key_manager::Registration;

pub use super::conversation::CLIENT_NAME;
use super::conversation::{expect, json_of, send_logged, str_field};
use super::session::{Admin, Routed, Session};

use super::discover::{Discovered, apply_to_body};
use crate::http::error::{ErrorKind, KmError, status_hint};
use crate::http::reach::Reach;
use crate::http::redact::Redactor;
use crate::http::send::{Call, status_error};

pub use crate::http::error::{STAGE_DCR, STAGE_LIST, STAGE_SAVE, STAGE_TOKEN};

/// What registration did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "result", content = "id")]
pub enum Outcome {
    /// No key manager of that name existed; API-M created this one.
    Created { id: String },
    /// One existed; it now has the profile's fields.
    Updated { id: String },
}

impl Outcome {
    pub fn id(&self) -> &str {
        match self {
            Outcome::Created { id } | Outcome::Updated { id } => id,
        }
    }
}

/// Registers (or updates) the key manager `reg` describes.
///
/// - `base_dir`: where a relative `reg.tls.ca_file` is (the executor's work directory, where
///   the generated `keystores/tls.crt` is written).
/// - `discovered`: discovery's result, already [`Discovered::respecting`] the profile's
///   overrides; its values replace the body's.
/// - `progress`: one line per request and per wait; never a secret.
///
/// Retries while API-M starts (connection refused or reset, 502/503/504) with exponential
/// back-off, for at most `reg.timeout_seconds` in all.
pub async fn register(
    reg: &Registration,
    base_dir: &Path,
    admin_password: &str,
    connector_password: &str,
    discovered: Option<&Discovered>,
    progress: &mut (dyn FnMut(String) + Send),
) -> Result<Outcome, KmError> {
    register_via(
        reg,
        base_dir,
        admin_password,
        connector_password,
        discovered,
        &Reach::direct(),
        progress,
    )
    .await
}

/// As [`register`], routed by `reach` (a port-forward when API-M's name does not resolve here).
pub async fn register_via(
    reg: &Registration,
    base_dir: &Path,
    admin_password: &str,
    connector_password: &str,
    discovered: Option<&Discovered>,
    reach: &Reach,
    progress: &mut (dyn FnMut(String) + Send),
) -> Result<Outcome, KmError> {
    // everything shown from here on goes through the session's redactor
    let mut say = |line: String, r: &Redactor| progress(r.scrub(&line));
    let Session {
        client,
        redactor,
        bearer,
        deadline,
    } = Session::open(
        &Admin::of(reg),
        base_dir,
        admin_password,
        &[connector_password],
        reach,
        Duration::from_secs(reg.timeout_seconds.max(1)),
        &mut say,
    )
    .await?;

    // 3. list
    let existing = list(&client, reg, &bearer, deadline, &redactor, &mut say).await?;

    // 4. PUT or POST
    let mut body = reg.body.clone();
    if let Some(d) = discovered {
        apply_to_body(&mut body, d);
    }
    let masked_body = body.clone();
    set_password(&mut body, connector_password);
    if let Some(id) = existing {
        let id = put(
            &client, reg, &id, &bearer, &body, deadline, &redactor, &mut say,
        )
        .await?;
        return Ok(Outcome::Updated { id });
    }
    let call = Call {
        stage: STAGE_SAVE,
        method: "POST",
        url: &reg.key_managers_url,
    };
    say(
        format!(
            "POST {} — create key manager {} ({})",
            reg.key_managers_url,
            reg.name,
            summary(&masked_body)
        ),
        &redactor,
    );
    let build = || {
        client
            .post(&reg.key_managers_url)
            .header(reqwest::header::AUTHORIZATION, &bearer)
            .json(&body)
    };
    let answer = send_logged(&call, &build, deadline, &redactor, &mut say).await?;
    if answer.status == StatusCode::CONFLICT {
        say(
            format!("{} exists already (409); updating it instead", reg.name),
            &redactor,
        );
        let Some(id) = list_for(&client, reg, &bearer, deadline, &redactor, &mut say, true).await?
        else {
            return Err(status_error(&call, answer.status, &answer.body, &redactor)
                .with_hint(status_hint(STAGE_SAVE, 409, "", "")));
        };
        let id = put(
            &client, reg, &id, &bearer, &body, deadline, &redactor, &mut say,
        )
        .await?;
        return Ok(Outcome::Updated { id });
    }
    expect(
        &call,
        &answer,
        &[StatusCode::CREATED, StatusCode::OK],
        &redactor,
    )?;
    let created: Value = json_of(&call, &answer, &redactor)?;
    let id = str_field(&call, &created, "id", &answer, &redactor)?;
    say(
        format!("created key manager {} (id {id})", reg.name),
        &redactor,
    );
    Ok(Outcome::Created { id })
}

pub const STAGE_DELETE: &str = "delete key manager";

/// What deregistration did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "result", content = "id")]
pub enum Removed {
    /// API-M deleted the key manager of this id.
    Deleted { id: String },
    /// API-M has no key manager of that name (already gone).
    NotRegistered,
    /// A dry run: it exists and would be deleted.
    WouldDelete { id: String },
}

/// Deletes the key manager named `reg.name` through the Admin REST API: DCR and the admin
/// token as registration does, the list to find its id, then `DELETE <key_managers_url>/{id}`
/// (200 from API-M; 404 when it went meanwhile counts as gone). With `dry_run` it stops after
/// the list.
pub async fn deregister_via(
    reg: &Registration,
    base_dir: &Path,
    admin_password: &str,
    reach: &Reach,
    dry_run: bool,
    progress: &mut (dyn FnMut(String) + Send),
) -> Result<Removed, KmError> {
    let mut say = |line: String, r: &Redactor| progress(r.scrub(&line));
    let Session {
        client,
        redactor,
        bearer,
        deadline,
    } = Session::open(
        &Admin::of(reg),
        base_dir,
        admin_password,
        &[],
        reach,
        Duration::from_secs(reg.timeout_seconds.max(1)),
        &mut say,
    )
    .await?;
    let Some(id) = list_for(&client, reg, &bearer, deadline, &redactor, &mut say, true).await?
    else {
        return Ok(Removed::NotRegistered);
    };
    if dry_run {
        return Ok(Removed::WouldDelete { id });
    }
    let url = key_manager_url(reg, &id);
    let call = Call {
        stage: STAGE_DELETE,
        method: "DELETE",
        url: &url,
    };
    say(
        format!("DELETE {url} — remove key manager {}", reg.name),
        &redactor,
    );
    let build = || {
        client
            .delete(&url)
            .header(reqwest::header::AUTHORIZATION, &bearer)
    };
    let answer = send_logged(&call, &build, deadline, &redactor, &mut say).await?;
    if answer.status == StatusCode::NOT_FOUND {
        return Ok(Removed::NotRegistered);
    }
    expect(
        &call,
        &answer,
        &[StatusCode::OK, StatusCode::NO_CONTENT],
        &redactor,
    )?;
    Ok(Removed::Deleted { id })
}

/// The URL of key manager `id` in the Admin REST API.
pub(super) fn key_manager_url(reg: &Registration, id: &str) -> String {
    format!(
        "{}/{}",
        reg.key_managers_url.trim_end_matches('/'),
        url::form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>()
    )
}

/// The id of the key manager named `reg.name`, if API-M has one.
pub(super) async fn list(
    client: &Routed<'_>,
    reg: &Registration,
    bearer: &str,
    deadline: Instant,
    redactor: &Redactor,
    say: &mut (dyn FnMut(String, &Redactor) + Send),
) -> Result<Option<String>, KmError> {
    list_for(client, reg, bearer, deadline, redactor, say, false).await
}

/// `list`, saying what comes next (an update or a creation; with `deleting`, a deletion).
async fn list_for(
    client: &Routed<'_>,
    reg: &Registration,
    bearer: &str,
    deadline: Instant,
    redactor: &Redactor,
    say: &mut (dyn FnMut(String, &Redactor) + Send),
    deleting: bool,
) -> Result<Option<String>, KmError> {
    say(
        format!("GET {} — is {} registered?", reg.key_managers_url, reg.name),
        redactor,
    );
    let v = get_json(
        client,
        &reg.key_managers_url,
        bearer,
        deadline,
        redactor,
        say,
    )
    .await?;
    let Some(items) = v.get("list").and_then(Value::as_array) else {
        return Err(KmError::new(
            ErrorKind::Response,
            STAGE_LIST,
            "GET",
            &reg.key_managers_url,
            format!(
                "no `list` array in the answer: {}",
                redactor.excerpt(&v.to_string())
            ),
        )
        .with_hint("is this the Admin REST API v4 (/api/am/admin/v4/key-managers)?"));
    };
    let found = items
        .iter()
        .find(|k| k.get("name").and_then(Value::as_str) == Some(reg.name.as_str()))
        .and_then(|k| k.get("id").and_then(Value::as_str))
        .map(str::to_string);
    say(
        match &found {
            Some(id) => format!(
                "{} exists (id {id}); it will be {}",
                reg.name,
                if deleting { "deleted" } else { "updated" }
            ),
            None => format!(
                "{} is not registered ({} key manager{} listed){}",
                reg.name,
                items.len(),
                if items.len() == 1 { "" } else { "s" },
                if deleting { "" } else { "; it will be created" }
            ),
        },
        redactor,
    );
    Ok(found)
}

/// A GET of the Admin REST API that must answer 200 with JSON.
pub(super) async fn get_json(
    client: &Routed<'_>,
    url: &str,
    bearer: &str,
    deadline: Instant,
    redactor: &Redactor,
    say: &mut (dyn FnMut(String, &Redactor) + Send),
) -> Result<Value, KmError> {
    let call = Call {
        stage: STAGE_LIST,
        method: "GET",
        url,
    };
    let build = || {
        client
            .get(url)
            .header(reqwest::header::AUTHORIZATION, bearer)
    };
    let answer = send_logged(&call, &build, deadline, redactor, say).await?;
    expect(&call, &answer, &[StatusCode::OK], redactor)?;
    json_of(&call, &answer, redactor)
}

#[allow(clippy::too_many_arguments)]
async fn put(
    client: &Routed<'_>,
    reg: &Registration,
    id: &str,
    bearer: &str,
    body: &Value,
    deadline: Instant,
    redactor: &Redactor,
    say: &mut (dyn FnMut(String, &Redactor) + Send),
) -> Result<String, KmError> {
    let url = key_manager_url(reg, id);
    let call = Call {
        stage: STAGE_SAVE,
        method: "PUT",
        url: &url,
    };
    let mut shown = body.clone();
    set_password(&mut shown, crate::profile::secret::MASK);
    say(
        format!(
            "PUT {url} — update key manager {} ({})",
            reg.name,
            summary(&shown)
        ),
        redactor,
    );
    let build = || {
        client
            .put(&url)
            .header(reqwest::header::AUTHORIZATION, bearer)
            .json(body)
    };
    let answer = send_logged(&call, &build, deadline, redactor, say).await?;
    expect(&call, &answer, &[StatusCode::OK], redactor)?;
    say(
        format!("updated key manager {} (id {id})", reg.name),
        redactor,
    );
    Ok(id.to_string())
}

fn set_password(body: &mut Value, password: &str) {
    if let Some(obj) = body.as_object_mut() {
        let ap = obj
            .entry("additionalProperties")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Some(ap) = ap.as_object_mut() {
            ap.insert("Password".into(), Value::String(password.to_string()));
        }
    }
}

/// A one-line description of a body for progress lines: type, issuer and token endpoint.
fn summary(body: &Value) -> String {
    let s = |k: &str| body.get(k).and_then(Value::as_str).unwrap_or("?");
    format!(
        "type {}, issuer {}, token endpoint {}",
        s("type"),
        s("issuer"),
        s("tokenEndpoint")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The executor may spawn these calls; this does not compile if their futures are not Send.
    #[allow(dead_code)]
    fn futures_are_send(reg: &Registration, d: &Discovered) {
        fn send<T: Send>(_: &T) {}
        let mut p = |_: String| {};
        send(&register(reg, Path::new("."), "", "", Some(d), &mut p));
        let mut p = |_: String| {};
        let tls = crate::profile::sections::key_manager::TlsPolicy::default();
        send(&super::super::discover::discover(
            "",
            &tls,
            Path::new("."),
            Duration::from_secs(1),
            &mut p,
        ));
    }

    #[test]
    fn the_password_goes_into_additional_properties() {
        let mut b =
            serde_json::json!({"name": "x", "additionalProperties": {"Password": "********"}});
        set_password(&mut b, "pw");
        assert_eq!(b["additionalProperties"]["Password"], "pw");
        let mut b = serde_json::json!({"name": "x"});
        set_password(&mut b, "pw");
        assert_eq!(b["additionalProperties"]["Password"], "pw");
    }
}

//! What API-M holds for a key manager (`kmpilot diff`): the same client and token as the
//! registration (DCR, password grant), then a list and a GET of the key manager of that name.
//! Nothing is saved; the body returned is API-M's, to be compared and shown masked.

use std::path::Path;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use super::error::KmError;
use super::reach::Reach;
use super::redact::Redactor;
use super::register::{
    Routed, admin_client, admin_token, expect, json_of, key_manager_url, list, send_logged,
};
use super::send::Call;
use crate::steps::key_manager::Registration;

/// The key manager named `reg.name` as API-M returns it, or `None` when there is none.
pub async fn registered_via(
    reg: &Registration,
    base_dir: &Path,
    admin_password: &str,
    reach: &Reach,
    progress: &mut (dyn FnMut(String) + Send),
) -> Result<Option<Value>, KmError> {
    let deadline = Instant::now() + Duration::from_secs(reg.timeout_seconds.clamp(1, 60));
    let (http, mut redactor) = admin_client(reg, base_dir, admin_password, reach)?;
    let client = Routed {
        client: &http,
        reach,
    };
    let mut say = |line: String, r: &Redactor| progress(r.scrub(&line));
    let bearer = admin_token(
        &client,
        reg,
        admin_password,
        deadline,
        &mut redactor,
        &mut say,
    )
    .await?;
    let Some(id) = list(&client, reg, &bearer, deadline, &redactor, &mut say).await? else {
        return Ok(None);
    };
    let url = key_manager_url(reg, &id);
    let call = Call {
        stage: super::register::STAGE_LIST,
        method: "GET",
        url: &url,
    };
    let build = || {
        client
            .get(&url)
            .header(reqwest::header::AUTHORIZATION, &bearer)
    };
    let answer = send_logged(&call, &build, deadline, &redactor, &mut say).await?;
    expect(&call, &answer, &[StatusCode::OK], &redactor)?;
    json_of(&call, &answer, &redactor).map(Some)
}

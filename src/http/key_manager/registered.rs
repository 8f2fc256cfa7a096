//! What API-M holds for a key manager (`kmpilot diff`): the same client and token as the
//! registration (DCR, password grant), then a list and a GET of the key manager of that name
//! (for `kmpilot profiles import`, of every key manager listed).
//! Nothing is saved; the body returned is API-M's, to be compared and shown masked.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use super::register::{get_json, key_manager_url, list};
use super::session::{Admin, Session};
use crate::http::error::KmError;
use crate::http::reach::Reach;
use crate::http::redact::Redactor;
use crate::plan::key_manager::Registration;

/// The key manager named `reg.name` as API-M returns it, or `None` when there is none.
pub async fn registered_via(
    reg: &Registration,
    base_dir: &Path,
    admin_password: &str,
    reach: &Reach,
    progress: &mut (dyn FnMut(String) + Send),
) -> Result<Option<Value>, KmError> {
    read(reg, base_dir, admin_password, reach, progress, false)
        .await
        .map(|found| found.into_iter().next())
}

/// Every key manager API-M holds, each as its GET returns it (`kmpilot profiles import`);
/// `reg.name` plays no part.
pub async fn all_registered_via(
    reg: &Registration,
    base_dir: &Path,
    admin_password: &str,
    reach: &Reach,
    progress: &mut (dyn FnMut(String) + Send),
) -> Result<Vec<Value>, KmError> {
    read(reg, base_dir, admin_password, reach, progress, true).await
}

/// The registration's client and token, then the key manager named `reg.name` (or, with
/// `all`, every one listed), each read by id.
async fn read(
    reg: &Registration,
    base_dir: &Path,
    admin_password: &str,
    reach: &Reach,
    progress: &mut (dyn FnMut(String) + Send),
    all: bool,
) -> Result<Vec<Value>, KmError> {
    let mut say = |line: String, r: &Redactor| progress(r.scrub(&line));
    // a read is quick or not at all: at most a minute, whatever the registration allows
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
        Duration::from_secs(reg.timeout_seconds.clamp(1, 60)),
        &mut say,
    )
    .await?;
    let ids: Vec<String> = if all {
        let listed = get_json(
            &client,
            &reg.key_managers_url,
            &bearer,
            deadline,
            &redactor,
            &mut say,
        )
        .await?;
        listed["list"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|k| k["id"].as_str().map(str::to_string))
            .collect()
    } else {
        list(&client, reg, &bearer, deadline, &redactor, &mut say)
            .await?
            .into_iter()
            .collect()
    };
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let url = key_manager_url(reg, &id);
        out.push(get_json(&client, &url, &bearer, deadline, &redactor, &mut say).await?);
    }
    Ok(out)
}

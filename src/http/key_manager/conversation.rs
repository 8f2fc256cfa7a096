//! What every conversation with API-M's REST APIs shares: the progress lines scrubbed, the
//! expected statuses, JSON bodies and their fields, each failure with its stage and hint.

use std::time::Instant;

use reqwest::StatusCode;
use serde_json::Value;

use crate::http::error::{ErrorKind, KmError, status_hint};
use crate::http::redact::Redactor;
use crate::http::send::{Answer, Call, host_of, path_of, send, status_error};

/// The DCR client kmpilot registers (the runbook uses the same name).
pub const CLIENT_NAME: &str = "kmpilot_rest_api_admin";

/// `send` with every progress line scrubbed by the call's redactor.
pub(super) async fn send_logged(
    call: &Call<'_>,
    build: &(dyn Fn() -> reqwest::RequestBuilder + Sync),
    deadline: Instant,
    redactor: &Redactor,
    say: &mut (dyn FnMut(String, &Redactor) + Send),
) -> Result<Answer, KmError> {
    let mut line = |l: String| say(l, redactor);
    send(call, build, deadline, redactor, &mut line).await
}

pub(super) fn expect(
    call: &Call<'_>,
    answer: &Answer,
    ok: &[StatusCode],
    redactor: &Redactor,
) -> Result<(), KmError> {
    if ok.contains(&answer.status) {
        return Ok(());
    }
    let s = answer.status.as_u16();
    let hint = if (300..400).contains(&s) {
        format!(
            "the call was redirected; check the URL's scheme and host ({}): API-M's REST APIs \
             are served over https on the management hostname",
            host_of(call.url)
        )
    } else {
        status_hint(call.stage, s, &host_of(call.url), &path_of(call.url))
    };
    Err(status_error(call, answer.status, &answer.body, redactor).with_hint(hint))
}

pub(super) fn json_of(
    call: &Call<'_>,
    answer: &Answer,
    redactor: &Redactor,
) -> Result<Value, KmError> {
    serde_json::from_str(&answer.body).map_err(|e| {
        KmError::new(
            ErrorKind::Response,
            call.stage,
            call.method,
            call.url,
            format!(
                "HTTP {} but the body is not JSON ({e}): {}",
                answer.status,
                redactor.excerpt(&answer.body)
            ),
        )
        .with_hint(format!(
            "is {} API-M? a proxy or the ingress's default backend may have answered",
            host_of(call.url)
        ))
    })
}

pub(super) fn str_field(
    call: &Call<'_>,
    v: &Value,
    key: &str,
    answer: &Answer,
    redactor: &Redactor,
) -> Result<String, KmError> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .ok_or_else(|| {
            KmError::new(
                ErrorKind::Response,
                call.stage,
                call.method,
                call.url,
                format!(
                    "HTTP {} without `{key}` in the answer: {}",
                    answer.status,
                    redactor.excerpt(&answer.body)
                ),
            )
            .with_hint(format!(
                "is {} API-M 4.5? the answer does not match its REST API",
                host_of(call.url)
            ))
        })
}

//! The STAND-IN's gateway: a published API deployed to a vhost, called at `/{context}/{version}`
//! with a token. It refuses, as API-M's gateway does: a token it cannot verify — not from the
//! issuer of the API's key manager (an unknown issuer), or IS's JWKS not trusted — with 401
//! (900901 Invalid Credentials); an application not subscribed to the API with 403 (900908);
//! a revoked token once IS's notification arrived, with 401. Its faults carry the code as a
//! string (`"code":"900901"`), as API-M's gateway writes them; a backend's own answer passes
//! through unchanged.

use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{Shared, StandInState};

fn fault(status: StatusCode, code: u32, message: &str, description: &str) -> Response {
    (
        status,
        axum::Json(
            json!({"code": code.to_string(), "message": message, "description": description}),
        ),
    )
        .into_response()
}

/// The fallback of the stand-in's router: a deployed API's path, else API-M's 404.
pub async fn fallback(State(s): State<Shared>, req: Request) -> Response {
    let path = req.uri().path().trim_end_matches('/').to_string();
    let auth = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let method = req.method().clone();
    let answer = call(&s.0.lock().unwrap(), &method, &path, auth.as_deref());
    match answer {
        Some(r) => r,
        None => super::not_found(method).await,
    }
}

fn call(st: &StandInState, method: &Method, path: &str, auth: Option<&str>) -> Option<Response> {
    let api = st.proof.apis.iter().find(|a| {
        a.published
            && !a.deployed.is_empty()
            && path.starts_with(&format!("{}/{}", a.context, a.version))
    })?;
    if method != Method::GET {
        return Some(fault(
            StatusCode::METHOD_NOT_ALLOWED,
            900906,
            "No matching resource found for given API Request",
            "Method not allowed",
        ));
    }
    let invalid = || {
        fault(
            StatusCode::UNAUTHORIZED,
            900901,
            "Invalid Credentials",
            "Invalid Credentials. Make sure you have provided the correct security credentials",
        )
    };
    let Some(token) = auth.and_then(|a| a.strip_prefix("Bearer ")) else {
        return Some(fault(
            StatusCode::UNAUTHORIZED,
            900902,
            "Missing Credentials",
            "Invalid Credentials. Make sure your API invocation call has a header: 'Authorization : Bearer ***'",
        ));
    };
    let Some(t) = st.proof.is_tokens.get(token) else {
        return Some(invalid());
    };
    // the key managers of the API whose issuer signed it, and whose keys the gateway trusts
    let trusted = st.key_managers.iter().any(|k| {
        (api.key_managers
            .iter()
            .any(|n| n == "all" || k["name"] == n.as_str()))
            && k["issuer"] == t.issuer.as_str()
    });
    if !trusted || st.proof.gateway_distrusts_is {
        return Some(invalid());
    }
    if let Some(at) = t.revoked
        && !st.proof.notification_lost
        && Instant::now() >= at + st.proof.notification_delay
    {
        return Some(invalid());
    }
    let subscribed = !st.proof.gateway_misses_subscriptions
        && st.proof.applications.iter().any(|app| {
            app.keys.as_ref().is_some_and(|(k, _)| *k == t.client)
                && st
                    .proof
                    .subscriptions
                    .iter()
                    .any(|x| x.app == app.id && x.api == api.id)
        });
    if !subscribed {
        return Some(fault(
            StatusCode::FORBIDDEN,
            900908,
            "Resource forbidden ",
            "User is NOT authorized to access the Resource. API Subscription validation failed.",
        ));
    }
    if st.proof.backend_refuses_token {
        // the Developer Portal REST API's own error, as carbon-apimgt writes it
        return Some(
            (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({"code": 401, "message": "", "description": "Unauthenticated request", "moreInfo": "", "error": []})),
            )
                .into_response(),
        );
    }
    Some(axum::Json(json!({"backend": "the sample API's backend answered"})).into_response())
}

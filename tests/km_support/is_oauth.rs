//! The STAND-IN's IS token and revoke endpoints (`/is/oauth2/token`, `/is/oauth2/revoke`, as
//! IS 7 serves `/oauth2/token` and `/oauth2/revoke`): client credentials for the clients API-M
//! registered at IS, RFC 7009 revocation. A revocation reaches the gateway after
//! `notification_delay` — or never, when the notification is lost.

use std::collections::HashMap;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::json;

use super::proof_state::IsToken;
use super::{Shared, basic, oauth_error, uuid_like};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/is/oauth2/token", post(token))
        .route("/is/oauth2/revoke", post(revoke))
}

fn client(st: &super::StandInState, headers: &HeaderMap) -> Option<String> {
    let (id, secret) = basic(headers)?;
    (st.proof.is_clients.get(&id) == Some(&secret)).then_some(id)
}

async fn token(State(s): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let mut st = s.0.lock().unwrap();
    let Some(id) = client(&st, &headers) else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "A valid OAuth client could not be found for client_id",
        );
    };
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Unsupported grant_type value",
        );
    }
    let access = uuid_like();
    let issuer = st.proof.is_issuer.clone();
    st.proof.is_tokens.insert(
        access.clone(),
        IsToken {
            client: id,
            issuer,
            revoked: None,
        },
    );
    st.issued_secrets.push(access.clone());
    axum::Json(json!({"access_token": access, "token_type": "Bearer", "expires_in": 3600}))
        .into_response()
}

async fn revoke(State(s): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let mut st = s.0.lock().unwrap();
    let Some(id) = client(&st, &headers) else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client Authentication failed.",
        );
    };
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    if let Some(t) = form
        .get("token")
        .and_then(|t| st.proof.is_tokens.get_mut(t))
        .filter(|t| t.client == id)
    {
        t.revoked = Some(Instant::now());
    }
    // RFC 7009: 200 whether or not the token was known
    StatusCode::OK.into_response()
}

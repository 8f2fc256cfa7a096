//! The STAND-IN's Developer Portal REST API v3 (devportal-api.yaml of API-M 4.5–4.7, the calls
//! the proof makes): applications, their keys from a key manager (API-M asks IS to register the
//! OAuth client — refused when IS refuses DCR), subscriptions — refusing a duplicate
//! application name, keys from an unknown key manager, a subscription to an API not published.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde_json::{Value, json};

use super::proof_state::{App, Subscription, new_id, portal_bearer};
use super::{Shared, random_hex, wso2_error};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/am/devportal/v3/applications", get(list).post(create))
        .route("/api/am/devportal/v3/applications/{id}", delete(remove))
        .route(
            "/api/am/devportal/v3/applications/{id}/generate-keys",
            post(generate_keys),
        )
        .route("/api/am/devportal/v3/subscriptions", post(subscribe))
        .route(
            "/api/am/devportal/v3/subscriptions/{id}",
            delete(unsubscribe),
        )
}

fn json_body(body: &Bytes) -> Result<Value, Response> {
    serde_json::from_slice(body)
        .map_err(|_| wso2_error(StatusCode::BAD_REQUEST, "Malformed request body"))
}

async fn create(State(s): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let mut st = s.0.lock().unwrap();
    if let Err(r) = portal_bearer(&st, &headers) {
        return r;
    }
    let v = match json_body(&body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let (Some(name), Some(_)) = (v["name"].as_str(), v["throttlingPolicy"].as_str()) else {
        return wso2_error(
            StatusCode::BAD_REQUEST,
            "name and throttlingPolicy are required",
        );
    };
    if st.proof.applications.iter().any(|a| a.name == name) {
        return wso2_error(
            StatusCode::CONFLICT,
            format!("A duplicate application already exists by the name - {name}"),
        );
    }
    let id = new_id();
    st.proof.applications.push(App {
        id: id.clone(),
        name: name.to_string(),
        keys: None,
    });
    (
        StatusCode::CREATED,
        axum::Json(json!({"applicationId": id, "name": name, "status": "APPROVED"})),
    )
        .into_response()
}

async fn list(State(s): State<Shared>, headers: HeaderMap) -> Response {
    let st = s.0.lock().unwrap();
    if let Err(r) = portal_bearer(&st, &headers) {
        return r;
    }
    let list: Vec<Value> = st
        .proof
        .applications
        .iter()
        .map(|a| json!({"applicationId": a.id, "name": a.name}))
        .collect();
    axum::Json(json!({"count": list.len(), "list": list})).into_response()
}

async fn generate_keys(
    State(s): State<Shared>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    body: Bytes,
) -> Response {
    let mut st = s.0.lock().unwrap();
    if let Err(r) = portal_bearer(&st, &headers) {
        return r;
    }
    let v = match json_body(&body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let km = v["keyManager"].as_str().unwrap_or_default().to_string();
    if !st.key_managers.iter().any(|k| k["name"] == km.as_str()) {
        return wso2_error(
            StatusCode::BAD_REQUEST,
            format!("Key Manager {km} not found"),
        );
    }
    let grants_ok = v["grantTypesToBeSupported"]
        .as_array()
        .is_some_and(|g| g.iter().any(|x| x == "client_credentials"));
    if !grants_ok {
        return wso2_error(
            StatusCode::BAD_REQUEST,
            "grantTypesToBeSupported must name the grants",
        );
    }
    if st.proof.is_refuses_dcr {
        // API-M's IS 7 connector could not create the OAuth client at IS
        return wso2_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error occurred while executing SP registration request: IS answered 401 Unauthorized",
        );
    }
    let Some(i) = st.proof.applications.iter().position(|a| a.id == id) else {
        return wso2_error(
            StatusCode::NOT_FOUND,
            format!("Application not found: {id}"),
        );
    };
    if st.proof.applications[i].keys.is_some() {
        return wso2_error(
            StatusCode::CONFLICT,
            "Keys are already generated for this application",
        );
    }
    let (key, secret) = (random_hex(), random_hex());
    st.proof.is_clients.insert(key.clone(), secret.clone());
    st.issued_secrets.push(secret.clone());
    st.proof.applications[i].keys = Some((key.clone(), km.clone()));
    axum::Json(json!({
        "keyMappingId": new_id(), "keyManager": km, "consumerKey": key, "consumerSecret": secret,
        "keyType": "PRODUCTION", "supportedGrantTypes": ["client_credentials"], "keyState": "COMPLETED",
    }))
    .into_response()
}

async fn remove(
    State(s): State<Shared>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> Response {
    let mut st = s.0.lock().unwrap();
    if let Err(r) = portal_bearer(&st, &headers) {
        return r;
    }
    let Some(i) = st.proof.applications.iter().position(|a| a.id == id) else {
        return wso2_error(
            StatusCode::NOT_FOUND,
            format!("Application not found: {id}"),
        );
    };
    // API-M removes the application's subscriptions and its OAuth clients at the key manager
    let app = st.proof.applications.remove(i);
    st.proof.subscriptions.retain(|x| x.app != id);
    if let Some((key, _)) = app.keys {
        st.proof.is_clients.remove(&key);
    }
    StatusCode::OK.into_response()
}

async fn subscribe(State(s): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let mut st = s.0.lock().unwrap();
    if let Err(r) = portal_bearer(&st, &headers) {
        return r;
    }
    let v = match json_body(&body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let (api, app) = (
        v["apiId"].as_str().unwrap_or_default().to_string(),
        v["applicationId"].as_str().unwrap_or_default().to_string(),
    );
    if !st.proof.applications.iter().any(|a| a.id == app) {
        return wso2_error(
            StatusCode::NOT_FOUND,
            format!("Application not found: {app}"),
        );
    }
    match st.proof.apis.iter().find(|a| a.id == api) {
        Some(a) if a.published => {}
        Some(_) => {
            return wso2_error(
                StatusCode::BAD_REQUEST,
                "Subscriptions are allowed only for APIs in Published state",
            );
        }
        None => return wso2_error(StatusCode::NOT_FOUND, format!("API not found: {api}")),
    }
    let id = new_id();
    st.proof.subscriptions.push(Subscription {
        id: id.clone(),
        api,
        app,
    });
    (
        StatusCode::CREATED,
        axum::Json(json!({"subscriptionId": id, "status": "UNBLOCKED"})),
    )
        .into_response()
}

async fn unsubscribe(
    State(s): State<Shared>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> Response {
    let mut st = s.0.lock().unwrap();
    if let Err(r) = portal_bearer(&st, &headers) {
        return r;
    }
    let before = st.proof.subscriptions.len();
    st.proof.subscriptions.retain(|x| x.id != id);
    if st.proof.subscriptions.len() == before {
        return wso2_error(
            StatusCode::NOT_FOUND,
            format!("Subscription not found: {id}"),
        );
    }
    StatusCode::OK.into_response()
}

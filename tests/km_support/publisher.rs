//! The STAND-IN's Publisher REST API v4 (the calls the proof makes, as carbon-apimgt's
//! publisher-api.yaml of API-M 4.5–4.7 declares them): create an API, a revision, deploy it,
//! publish, list, delete — refusing a duplicate context, an unknown key manager, a deletion
//! while subscriptions exist, and (IS without the system-role prefix) the role creation that
//! publishing with role creation on asks IS for.

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde_json::{Value, json};

use super::proof_state::{Api, new_id, portal_bearer};
use super::{Shared, wso2_error};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/am/publisher/v4/apis", get(list).post(create))
        .route("/api/am/publisher/v4/apis/{id}", delete(remove))
        .route("/api/am/publisher/v4/apis/{id}/revisions", post(revision))
        .route(
            "/api/am/publisher/v4/apis/{id}/deploy-revision",
            post(deploy),
        )
        .route(
            "/api/am/publisher/v4/apis/change-lifecycle",
            post(lifecycle),
        )
}

async fn create(State(s): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let mut st = s.0.lock().unwrap();
    if let Err(r) = portal_bearer(&st, &headers) {
        return r;
    }
    let Ok(v) = serde_json::from_slice::<Value>(&body) else {
        return wso2_error(StatusCode::BAD_REQUEST, "Malformed request body");
    };
    let f = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let (name, context, version) = (f("name"), f("context"), f("version"));
    if name.is_empty() || context.is_empty() || version.is_empty() {
        return wso2_error(
            StatusCode::BAD_REQUEST,
            "name, context and version are required",
        );
    }
    if st.proof.apis.iter().any(|a| a.context == context) {
        return wso2_error(
            StatusCode::CONFLICT,
            format!("A duplicate API already exists with context {context}"),
        );
    }
    let kms: Vec<String> = v["keyManagers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|k| k.as_str().map(str::to_string))
        .collect();
    for k in &kms {
        if k != "all" && !st.key_managers.iter().any(|m| m["name"] == k.as_str()) {
            return wso2_error(
                StatusCode::BAD_REQUEST,
                format!("Key Manager {k} not found"),
            );
        }
    }
    let id = new_id();
    st.proof.apis.push(Api {
        id: id.clone(),
        name: name.clone(),
        context: context.clone(),
        version: version.clone(),
        key_managers: kms,
        revisions: Vec::new(),
        deployed: Vec::new(),
        published: false,
    });
    (
        StatusCode::CREATED,
        axum::Json(json!({"id": id, "name": name, "context": context, "version": version, "lifeCycleStatus": "CREATED"})),
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
        .apis
        .iter()
        .map(|a| json!({"id": a.id, "name": a.name, "context": a.context, "version": a.version}))
        .collect();
    axum::Json(json!({"count": list.len(), "list": list})).into_response()
}

async fn revision(
    State(s): State<Shared>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> Response {
    let mut st = s.0.lock().unwrap();
    if let Err(r) = portal_bearer(&st, &headers) {
        return r;
    }
    let Some(api) = st.proof.apis.iter_mut().find(|a| a.id == id) else {
        return wso2_error(StatusCode::NOT_FOUND, format!("API not found: {id}"));
    };
    let rev = new_id();
    api.revisions.push(rev.clone());
    (StatusCode::CREATED, axum::Json(json!({"id": rev}))).into_response()
}

async fn deploy(
    State(s): State<Shared>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let mut st = s.0.lock().unwrap();
    if let Err(r) = portal_bearer(&st, &headers) {
        return r;
    }
    let Some(api) = st.proof.apis.iter_mut().find(|a| a.id == id) else {
        return wso2_error(StatusCode::NOT_FOUND, format!("API not found: {id}"));
    };
    if !q
        .get("revisionId")
        .is_some_and(|r| api.revisions.contains(r))
    {
        return wso2_error(
            StatusCode::BAD_REQUEST,
            "revisionId is not a revision of this API",
        );
    }
    let Ok(Value::Array(envs)) = serde_json::from_slice::<Value>(&body) else {
        return wso2_error(StatusCode::BAD_REQUEST, "a list of deployments is expected");
    };
    for e in &envs {
        if e["name"] != "Default" {
            return wso2_error(
                StatusCode::BAD_REQUEST,
                format!("Gateway environment {} not found", e["name"]),
            );
        }
        if let Some(v) = e["vhost"].as_str() {
            api.deployed.push(v.to_string());
        }
    }
    (StatusCode::CREATED, axum::Json(Value::Array(envs))).into_response()
}

async fn lifecycle(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut st = s.0.lock().unwrap();
    if let Err(r) = portal_bearer(&st, &headers) {
        return r;
    }
    let id = q.get("apiId").cloned().unwrap_or_default();
    if q.get("action").map(String::as_str) != Some("Publish") {
        return wso2_error(StatusCode::BAD_REQUEST, "unsupported lifecycle action");
    }
    // publishing with IS 7 role creation on asks IS for Internal/... roles
    let roles = st
        .key_managers
        .iter()
        .any(|k| k["additionalProperties"]["enable_roles_creation"] == Value::Bool(true));
    if roles && st.proof.is_refuses_system_roles {
        return wso2_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Failed to create role: Internal/subscriber",
        );
    }
    let Some(api) = st.proof.apis.iter_mut().find(|a| a.id == id) else {
        return wso2_error(StatusCode::NOT_FOUND, format!("API not found: {id}"));
    };
    api.published = true;
    axum::Json(json!({"lifecycleState": {"state": "Published"}})).into_response()
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
    if st.proof.subscriptions.iter().any(|x| x.api == id) {
        return wso2_error(
            StatusCode::CONFLICT,
            "Cannot remove the API as active subscriptions exist",
        );
    }
    let before = st.proof.apis.len();
    st.proof.apis.retain(|a| a.id != id);
    if st.proof.apis.len() == before {
        return wso2_error(StatusCode::NOT_FOUND, format!("API not found: {id}"));
    }
    StatusCode::OK.into_response()
}

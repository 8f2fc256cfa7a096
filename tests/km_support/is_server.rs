//! The STAND-IN FOR WSO2 IDENTITY SERVER 7 that runs as a pod on the real test node
//! (`examples/standin_km/ is …`): not IS, only the part of it kmpilot and API-M meet before
//! any token is issued. Over TLS on its port (9443, as IS's `servlet-https`), with the
//! certificate kmpilot generated for IS:
//!
//! - `/oauth2/token/.well-known/openid-configuration`: the OpenID document IS 7 publishes, its
//!   URLs on the public base IS is configured with (IS publishes its public hostname, which is
//!   why kmpilot moves the server-to-server endpoints onto the in-cluster Service);
//! - `/oauth2/jwks`: the JWK set of the certificate's RSA key (`kid`, `n`, `e`, `x5c`);
//! - `/api/health-check/v1.0/health`: IS's health check, the readiness probe's path;
//! - anything else under `/oauth2` or `/api`: 401 without credentials, as IS answers the
//!   introspection, revoke, userinfo, DCR, scope and role endpoints.

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use serde_json::{Value, json};

/// The IS stand-in's routes, publishing `public_base` (e.g. `https://is.example.test`) and the
/// JWK set `jwks`.
pub fn router(public_base: String, jwks: Value) -> Router {
    let doc = well_known(&public_base);
    Router::new()
        .route(
            "/oauth2/token/.well-known/openid-configuration",
            get(move || {
                let doc = doc.clone();
                async move { axum::Json(doc) }
            }),
        )
        .route(
            "/oauth2/jwks",
            get(move || {
                let jwks = jwks.clone();
                async move { axum::Json(jwks) }
            }),
        )
        .route(
            "/api/health-check/v1.0/health",
            get(|| async { axum::Json(json!({"health": [{"key": "ready", "value": "true"}]})) }),
        )
        .fallback(unauthenticated)
}

/// IS 7's OpenID document for `base` (the endpoints kmpilot derives from the hostname).
pub fn well_known(base: &str) -> Value {
    json!({
        "issuer": format!("{base}/oauth2/token"),
        "token_endpoint": format!("{base}/oauth2/token"),
        "authorization_endpoint": format!("{base}/oauth2/authorize"),
        "introspection_endpoint": format!("{base}/oauth2/introspect"),
        "revocation_endpoint": format!("{base}/oauth2/revoke"),
        "userinfo_endpoint": format!("{base}/oauth2/userinfo"),
        "jwks_uri": format!("{base}/oauth2/jwks"),
        "registration_endpoint": format!("{base}/api/identity/oauth2/dcr/v1.1/register"),
        "end_session_endpoint": format!("{base}/oidc/logout"),
        "grant_types_supported": ["authorization_code", "client_credentials", "password", "refresh_token"],
    })
}

/// The JWK set of an RSA certificate: modulus and exponent, its SHA-256 thumbprint as `kid`,
/// the certificate itself in `x5c`.
pub fn jwks(cert_der: &[u8], n: &[u8], e: &[u8]) -> Value {
    use sha2::Digest;
    let b64u = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let kid = b64u(&sha2::Sha256::digest(cert_der));
    json!({"keys": [{
        "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
        "n": b64u(n), "e": b64u(e),
        "x5c": [base64::engine::general_purpose::STANDARD.encode(cert_der)],
    }]})
}

async fn unauthenticated() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        axum::Json(json!({"error": "invalid_client", "error_description": "Client Authentication failed."})),
    )
        .into_response()
}

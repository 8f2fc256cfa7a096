//! Test support for the key-manager HTTP tests.
//!
//! [`StandIn`] is a STAND-IN FOR WSO2 API MANAGER written for these tests, not API-M itself: an
//! HTTPS server (axum behind a tokio-rustls accept loop, certificate from rcgen, signed by a
//! test CA) that implements the three API-M endpoints kmpilot calls and validates requests the
//! way WSO2's admin-v4 OpenAPI and the DCR/token endpoints do:
//!
//! - `POST /client-registration/v0.17/register`: Basic auth with the admin credentials, a JSON
//!   body with `callbackUrl`, `clientName`, `owner` (= the admin), `grantType` (naming
//!   password, client_credentials and refresh_token) and a boolean `saasApp`; the same
//!   clientName and owner get the same client back.
//! - `POST /oauth2/token`: a form body, Basic auth with a client it registered,
//!   `grant_type=password` with the admin's username and password; grants the requested
//!   admin scopes (`default` when none is requested, as API-M does).
//! - `/api/am/admin/v4/key-managers` (GET, POST) and `/{id}` (GET, PUT, DELETE): `Authorization:
//!   Bearer <a token it issued>` carrying one of apim:admin, apim:admin_operations,
//!   apim:keymanagers_manage (401/403 otherwise); POST/PUT bodies checked against the
//!   KeyManager schema (required `name` 1–100 and `type` 1–45 characters, string/boolean/array
//!   types of the fields, `certificates.type` JWKS|PEM, `tokenType` EXCHANGED|DIRECT|BOTH,
//!   `endpoints[]` items with string name and value, the IS 7 connector's
//!   `additionalProperties.enable_roles_creation` a JSON boolean); 409 on POST of an existing
//!   name; stored in memory. DELETE answers 200 with an empty body, and 404 "Requested
//!   KeyManager not found" for an unknown id, as carbon-apimgt's
//!   `KeyManagersApiServiceImpl.keyManagersKeyManagerIdDelete` does (it looks the
//!   configuration up first and throws KEY_MANAGER_NOT_FOUND when there is none).
//! - The IS 7 connector of the API-M line it plays ([`StandInState::connector`], from
//!   `kmpilot::chart_lines`), as carbon-apimgt's `APIAdminImpl.validateKeyManagerConfiguration`
//!   runs it on POST/PUT: connector 2.0.4 (API-M 4.5) requires the connection fields
//!   `Username`, `Password`, `api_resource_management_endpoint`, `is7_roles_endpoint` as keys
//!   (400 "Key Manager Configuration value for … is/are required"); 2.0.8+ (4.6, 4.7) requires
//!   the two endpoints, then validates the `Authentication` choice: `BasicAuth` needs non-empty
//!   `Username` and `Password` (a missing one is a `null.toString()` in the connector: 500),
//!   `MutualTLS` needs `MutualTLSOptions` and `IdentityUser`, and a body without
//!   `Authentication` (the old flat shape) is ACCEPTED — the connector reads it as `BasicAuth`
//!   (`processConnectorConfigurations`, which the stand-in applies when answering a GET) — and
//!   noted in [`StandInState::findings`] so a test can say which shape it was sent
//!   (apim-km-wso2is v2.0.4/v2.0.8 `WSO2IS7ConnectorConfiguration`).
//! - `/oauth2/token/.well-known/openid-configuration`: a small OpenID document, so discovery
//!   can be tested over HTTPS.
//!
//! It can answer 503 to the first N requests (API-M starting behind its ingress).
//!
//! With a [`ClusterDns`] (the REAL test cluster's API and the namespace API-M's pod runs in)
//! it also does what API-M's pod will do with a saved key manager: call every server-to-server
//! endpoint of it (client registration, introspection, token, revoke, userinfo, scopes, JWKS,
//! API resources, roles). Before storing a POST/PUT it resolves each endpoint's host as the
//! pod's resolver would: `<svc>`, `<svc>.<ns>`, `<svc>.<ns>.svc[.cluster.local]` against the
//! cluster's real Services (and the Service must expose the URL's port), anything else
//! through public DNS — never this machine's hosts file, which a pod does not see. When one
//! does not resolve there it REFUSES the registration (400) naming the endpoint. Run as a pod
//! on the real test node (`examples/standin_km/`, `tests/real_node/standins.rs`) it does the
//! same for real instead ([`pod_network`]): the pod's resolver (CoreDNS), a TCP connection and
//! a TLS session verified against the truststore kmpilot made for API-M.
//!
//! Also here: [`Oidc`], a REAL OpenID provider (the `oidc-provider` npm package under node,
//! `tests/oidc/server.js`), and helpers to assert that no secret leaked.

#![allow(dead_code, clippy::result_large_err)]

mod devportal;
mod gateway;
mod is_oauth;
pub mod is_server;
pub mod pod_network;
pub mod proof_state;
mod publisher;

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use serde_json::{Value, json};

use kmpilot::chart_lines::KmAuthShape;
use kmpilot::plan::Action;
use kmpilot::plan::key_manager::Registration;
use kmpilot::profile::Profile;
use kmpilot::profile::sections::key_manager::TlsPolicy;

pub const ADMIN_USER: &str = "admin";
pub const ADMIN_PASSWORD: &str = "Adm1n-pa55-7f3c9e";
pub const CONNECTOR_PASSWORD: &str = "C0nnect0r-secret-51ad2b";
pub const ADMIN_SCOPES: [&str; 3] = [
    "apim:admin",
    "apim:admin_operations",
    "apim:keymanagers_manage",
];

fn random_hex() -> String {
    let a = RandomState::new().build_hasher().finish();
    let mut h = RandomState::new().build_hasher();
    h.write_u64(a);
    format!("{a:016x}{:016x}", h.finish())
}

fn uuid_like() -> String {
    let h = random_hex();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

// ---------------------------------------------------------------------------------------------
// certificates

/// A test CA and a server certificate it signed.
pub struct Pki {
    pub ca_pem: String,
    pub ca_der: Vec<u8>,
    pub leaf_der: Vec<u8>,
    pub leaf_key_der: Vec<u8>,
    pub leaf_cn: String,
    pub sans: Vec<String>,
}

pub fn pki(ca_cn: &str, leaf_cn: &str, sans: &[&str]) -> Pki {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    };
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca.distinguished_name.push(DnType::CommonName, ca_cn);
    ca.distinguished_name
        .push(DnType::OrganizationName, "kmpilot tests");
    let ca_cert = ca.self_signed(&ca_key).expect("CA certificate");
    let issuer = Issuer::new(ca, ca_key);

    let leaf_key = KeyPair::generate().expect("leaf key");
    let mut leaf = CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        .expect("leaf params");
    leaf.distinguished_name.push(DnType::CommonName, leaf_cn);
    let leaf_cert = leaf
        .signed_by(&leaf_key, &issuer)
        .expect("leaf certificate");
    Pki {
        ca_pem: ca_cert.pem(),
        ca_der: ca_cert.der().to_vec(),
        leaf_der: leaf_cert.der().to_vec(),
        leaf_key_der: leaf_key.serialize_der(),
        leaf_cn: leaf_cn.to_string(),
        sans: sans.iter().map(|s| s.to_string()).collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// the HTTPS accept loop

struct TlsListener {
    rx: tokio::sync::mpsc::Receiver<(
        tokio_rustls::server::TlsStream<tokio::net::TcpStream>,
        SocketAddr,
    )>,
    local: SocketAddr,
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<tokio::net::TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.rx.recv().await {
            Some(x) => x,
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.local)
    }
}

/// Serves `app` over HTTPS on 127.0.0.1 with `pki`'s server certificate; returns the address.
/// Failed handshakes (a client that does not trust the certificate) are dropped.
pub async fn serve_tls(app: Router, pki: &Pki) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    serve_tls_on(
        app,
        "127.0.0.1:0",
        vec![pki.leaf_der.clone(), pki.ca_der.clone()],
        pki.leaf_key_der.clone(),
    )
    .await
}

/// Serves `app` over HTTPS on `bind` with the certificate `chain` (leaf first, DER) and its
/// PKCS#8 key (the stand-in images serve the keystores kmpilot made this way).
pub async fn serve_tls_on(
    app: Router,
    bind: &str,
    chain: Vec<Vec<u8>>,
    key_pkcs8: Vec<u8>,
) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(
            chain.into_iter().map(CertificateDer::from).collect(),
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_pkcs8)),
        )
        .expect("server certificate");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let tcp = tokio::net::TcpListener::bind(bind)
        .await
        .unwrap_or_else(|e| panic!("bind {bind}: {e}"));
    let local = tcp.local_addr().expect("local addr");
    let (tx, rx) = tokio::sync::mpsc::channel(64);
    tokio::spawn(async move {
        loop {
            let Ok((sock, addr)) = tcp.accept().await else {
                continue;
            };
            let acceptor = acceptor.clone();
            let tx = tx.clone();
            tokio::spawn(async move {
                if let Ok(s) = acceptor.accept(sock).await {
                    let _ = tx.send((s, addr)).await;
                }
            });
        }
    });
    let handle = tokio::spawn(async move {
        let _ = axum::serve(TlsListener { rx, local }, app).await;
    });
    (local, handle)
}

// ---------------------------------------------------------------------------------------------
// the API-M stand-in

/// The IS 7 connector of the API-M line the stand-in plays; by default the current line's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Connector(pub KmAuthShape);

impl Default for Connector {
    fn default() -> Self {
        Connector(kmpilot::chart_lines::current_apim().km_auth_shape)
    }
}

#[derive(Default)]
pub struct StandInState {
    pub admin_user: String,
    pub admin_password: String,
    /// Answer 503 to this many more requests.
    pub unavailable: usize,
    /// clientId → (clientSecret, owner, clientName)
    pub clients: HashMap<String, (String, String, String)>,
    /// access token → granted scopes
    pub tokens: HashMap<String, Vec<String>>,
    /// Every secret the stand-in handed out (client secrets, tokens).
    pub issued_secrets: Vec<String>,
    /// Stored key managers, as received (with the real connector password) plus `id`.
    pub key_managers: Vec<Value>,
    /// "METHOD path → status" for every request.
    pub log: Vec<String>,
    /// The issuer its well-known document announces.
    pub issuer: String,
    /// Grant only `default` on the password grant (an admin without the admin role).
    pub deny_scopes: bool,
    /// When set, saved key managers must have every server-to-server endpoint reachable
    /// from API-M's pod: looked up through the cluster's API ([`ClusterDns`]), or really
    /// resolved and connected to from inside a pod ([`pod_network::PodNetwork`]).
    pub cluster: Option<Reachability>,
    /// "endpoint → how the pod reaches it" for the last key manager checked.
    pub resolved: Vec<String>,
    /// The shape of the IS 7 connector of the API-M line played (see the module's doc).
    pub connector: Connector,
    /// What the stand-in accepted that real API-M accepts only for backward compatibility.
    pub findings: Vec<String>,
    /// The Publisher, Developer Portal, gateway and IS of the proof (`proof_state`).
    pub proof: proof_state::ProofState,
}

#[derive(Clone)]
pub struct Shared(pub Arc<Mutex<StandInState>>);

pub struct StandIn {
    pub addr: SocketAddr,
    pub base: String,
    pub state: Shared,
    pub pki: Pki,
    pub dir: tempfile::TempDir,
    handle: tokio::task::JoinHandle<()>,
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

impl StandIn {
    /// Starts the stand-in with the default admin credentials, answering 503 to the first
    /// `unavailable` requests.
    pub async fn start(unavailable: usize) -> StandIn {
        let pki = pki(
            "kmpilot stand-in test CA",
            "apim.standin.test",
            &["apim.standin.test", "localhost", "127.0.0.1"],
        );
        StandIn::start_with(pki, unavailable).await
    }

    /// As [`StandIn::start`], playing the API-M line of `chart_version` (its IS 7 connector).
    pub async fn start_line(chart_version: &str, unavailable: usize) -> StandIn {
        let s = StandIn::start(unavailable).await;
        let line = kmpilot::chart_lines::apim(chart_version).expect("a line kmpilot knows");
        s.state.0.lock().unwrap().connector = Connector(line.km_auth_shape);
        s
    }

    /// As [`StandIn::start`], with the given certificates. It plays the current API-M line.
    pub async fn start_with(pki: Pki, unavailable: usize) -> StandIn {
        let state = Shared(Arc::new(Mutex::new(StandInState {
            admin_user: ADMIN_USER.into(),
            admin_password: ADMIN_PASSWORD.into(),
            unavailable,
            ..Default::default()
        })));
        let app = router(state.clone());
        let (addr, handle) = serve_tls(app, &pki).await;
        let base = format!("https://127.0.0.1:{}", addr.port());
        state.0.lock().unwrap().issuer = format!("{base}/oauth2/token");
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("standin-ca.pem"), &pki.ca_pem).expect("write CA");
        StandIn {
            addr,
            base,
            state,
            pki,
            dir,
            handle,
        }
    }

    /// The stand-in CA's PEM file (absolute path).
    /// The TLS policy that trusts the stand-in's CA (verification on).
    pub fn trust(&self) -> TlsPolicy {
        TlsPolicy {
            ca_file: Some(self.ca_file()),
            insecure: false,
        }
    }

    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("standin-ca.pem")
    }

    pub fn key_managers(&self) -> Vec<Value> {
        self.state.0.lock().unwrap().key_managers.clone()
    }

    pub fn log(&self) -> Vec<String> {
        self.state.0.lock().unwrap().log.clone()
    }

    pub fn findings(&self) -> Vec<String> {
        self.state.0.lock().unwrap().findings.clone()
    }

    pub fn issued_secrets(&self) -> Vec<String> {
        self.state.0.lock().unwrap().issued_secrets.clone()
    }

    /// The planner's registration for `p`, pointed at the stand-in.
    pub fn registration(&self, p: &Profile, tls: TlsPolicy) -> Registration {
        let mut r = planned_registration(p);
        r.apim_base_url = self.base.clone();
        r.dcr_url = format!("{}/client-registration/v0.17/register", self.base);
        r.token_url = format!("{}/oauth2/token", self.base);
        r.key_managers_url = format!("{}/api/am/admin/v4/key-managers", self.base);
        r.tls = tls;
        r.timeout_seconds = 30;
        r
    }
}

/// `reg` registered with the stand-in's passwords, as a run of kmpilot would; the test fails
/// when the stand-in refuses.
pub async fn register_ok(reg: &Registration) -> kmpilot::http::Outcome {
    kmpilot::http::register(
        reg,
        &std::env::temp_dir(),
        ADMIN_PASSWORD,
        CONNECTOR_PASSWORD,
        None,
        &mut |_| {},
    )
    .await
    .unwrap_or_else(|e| panic!("the stand-in refused the registration: {e}"))
}

/// The `RegisterKeyManager` action the planner makes for `p`.
pub fn planned_registration(p: &Profile) -> Registration {
    let step =
        kmpilot::steps::key_manager::plan(p, &mut Vec::new()).expect("keyManager.register is on");
    step.actions
        .iter()
        .find_map(|a| match a {
            Action::RegisterKeyManager(r) => Some((**r).clone()),
            _ => None,
        })
        .expect("a RegisterKeyManager action")
}

/// The API-M stand-in's routes on `state`.
pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/client-registration/v0.17/register", post(dcr))
        .route("/oauth2/token", post(token))
        .route(
            "/oauth2/token/.well-known/openid-configuration",
            get(well_known),
        )
        .route(
            "/api/am/admin/v4/key-managers",
            get(list_kms).post(create_km),
        )
        .route(
            "/api/am/admin/v4/key-managers/{id}",
            get(get_km).put(update_km).delete(delete_km),
        )
        .merge(publisher::routes())
        .merge(devportal::routes())
        .merge(is_oauth::routes())
        .fallback(gateway::fallback)
        .layer(middleware::from_fn_with_state(state.clone(), gate))
        .with_state(state)
}

async fn gate(State(s): State<Shared>, req: Request, next: Next) -> Response {
    let line = format!("{} {}", req.method(), req.uri().path());
    let unavailable = {
        let mut st = s.0.lock().unwrap();
        if st.unavailable > 0 {
            st.unavailable -= 1;
            true
        } else {
            false
        }
    };
    let resp = if unavailable {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/html")],
            "<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>",
        )
            .into_response()
    } else {
        next.run(req).await
    };
    s.0.lock()
        .unwrap()
        .log
        .push(format!("{line} → {}", resp.status().as_u16()));
    resp
}

fn wso2_error(status: StatusCode, description: impl Into<String>) -> Response {
    let body = json!({
        "code": status.as_u16(),
        "message": status.canonical_reason().unwrap_or(""),
        "description": description.into(),
        "moreInfo": "",
        "error": [],
    });
    (status, axum::Json(body)).into_response()
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        axum::Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let b64 = v.strip_prefix("Basic ")?;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    let s = String::from_utf8(raw).ok()?;
    let (u, p) = s.split_once(':')?;
    Some((u.to_string(), p.to_string()))
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

async fn dcr(State(s): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let mut st = s.0.lock().unwrap();
    match basic(&headers) {
        Some((u, p)) if u == st.admin_user && p == st.admin_password => {}
        _ => {
            return wso2_error(
                StatusCode::UNAUTHORIZED,
                "Authentication failed for the request",
            );
        }
    }
    if !is_json(&headers) {
        return wso2_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json",
        );
    }
    let Ok(v) = serde_json::from_slice::<Value>(&body) else {
        return wso2_error(StatusCode::BAD_REQUEST, "Malformed request body");
    };
    let s_field = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let (Some(callback), Some(name), Some(owner), Some(grants)) = (
        s_field("callbackUrl"),
        s_field("clientName"),
        s_field("owner"),
        s_field("grantType"),
    ) else {
        return wso2_error(
            StatusCode::BAD_REQUEST,
            "callbackUrl, clientName, owner and grantType are required strings",
        );
    };
    let Some(saas) = v.get("saasApp").and_then(Value::as_bool) else {
        return wso2_error(StatusCode::BAD_REQUEST, "saasApp must be a boolean");
    };
    if name.is_empty() {
        return wso2_error(StatusCode::BAD_REQUEST, "clientName is empty");
    }
    if owner != st.admin_user {
        return wso2_error(
            StatusCode::FORBIDDEN,
            format!(
                "User {} is not allowed to register an application for {owner}",
                st.admin_user
            ),
        );
    }
    let g: Vec<&str> = grants.split(' ').collect();
    for needed in ["password", "client_credentials", "refresh_token"] {
        if !g.contains(&needed) {
            return wso2_error(StatusCode::BAD_REQUEST, format!("grantType lacks {needed}"));
        }
    }
    let existing = st
        .clients
        .iter()
        .find(|(_, (_, o, n))| *o == owner && *n == name)
        .map(|(id, (sec, _, _))| (id.clone(), sec.clone()));
    let (id, secret) = existing.unwrap_or_else(|| {
        let id = random_hex();
        let secret = random_hex();
        st.clients
            .insert(id.clone(), (secret.clone(), owner.clone(), name.clone()));
        st.issued_secrets.push(secret.clone());
        (id, secret)
    });
    axum::Json(json!({
        "clientId": id,
        "clientName": format!("{owner}_{name}"),
        "callBackURL": callback,
        "clientSecret": secret,
        "isSaasApplication": saas,
        "appOwner": owner,
        "jsonString": "{}",
        "jsonAppAttribute": "{}",
        "tokenType": null,
    }))
    .into_response()
}

async fn token(State(s): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let mut st = s.0.lock().unwrap();
    let ct_ok = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !ct_ok {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "form body expected",
        );
    }
    match basic(&headers) {
        Some((id, sec)) if st.clients.get(&id).is_some_and(|(s, _, _)| *s == sec) => {}
        _ => {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Client Authentication failed.",
            );
        }
    }
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    if form.get("grant_type").map(String::as_str) != Some("password") {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Unsupported grant_type value",
        );
    }
    if form.get("username") != Some(&st.admin_user)
        || form.get("password") != Some(&st.admin_password)
    {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "Authentication failed for the user",
        );
    }
    let requested: Vec<String> = form
        .get("scope")
        .map(|s| s.split(' ').map(str::to_string).collect())
        .unwrap_or_default();
    let mut granted: Vec<String> = requested
        .into_iter()
        .filter(|s| {
            ADMIN_SCOPES.contains(&s.as_str()) || proof_state::PORTAL_SCOPES.contains(&s.as_str())
        })
        .collect();
    if st.deny_scopes {
        granted.clear();
    }
    if granted.is_empty() {
        granted.push("default".into());
    }
    let access = uuid_like();
    let refresh = uuid_like();
    st.tokens.insert(access.clone(), granted.clone());
    st.issued_secrets.push(access.clone());
    st.issued_secrets.push(refresh.clone());
    axum::Json(json!({
        "access_token": access,
        "refresh_token": refresh,
        "scope": granted.join(" "),
        "token_type": "Bearer",
        "expires_in": 3600,
    }))
    .into_response()
}

async fn well_known(State(s): State<Shared>) -> Response {
    let issuer = s.0.lock().unwrap().issuer.clone();
    let base = issuer.trim_end_matches("/oauth2/token").to_string();
    axum::Json(json!({
        "issuer": issuer,
        "token_endpoint": format!("{base}/oauth2/token"),
        "authorization_endpoint": format!("{base}/oauth2/authorize"),
        "jwks_uri": format!("{base}/oauth2/jwks"),
    }))
    .into_response()
}

/// 401 without a known bearer token, 403 without one of the admin scopes.
fn bearer_ok(st: &StandInState, headers: &HeaderMap) -> Result<(), Response> {
    bearer_with(st, headers, &ADMIN_SCOPES)
}

/// 401 without a token the stand-in issued, 403 without one of `allowed` (API-M answers the
/// Admin, Publisher and Developer Portal APIs alike, each with its own scopes).
pub fn bearer_with(
    st: &StandInState,
    headers: &HeaderMap,
    allowed: &[&str],
) -> Result<(), Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let Some(scopes) = token.and_then(|t| st.tokens.get(t)) else {
        return Err(wso2_error(
            StatusCode::UNAUTHORIZED,
            "Unauthenticated request",
        ));
    };
    if !scopes.iter().any(|s| allowed.contains(&s.as_str())) {
        return Err(wso2_error(
            StatusCode::FORBIDDEN,
            "You cannot access API as scope validation failed",
        ));
    }
    Ok(())
}

async fn list_kms(State(s): State<Shared>, headers: HeaderMap) -> Response {
    let st = s.0.lock().unwrap();
    if let Err(r) = bearer_ok(&st, &headers) {
        return r;
    }
    let list: Vec<Value> = st
        .key_managers
        .iter()
        .map(|k| {
            json!({
                "id": k["id"], "name": k["name"], "type": k["type"], "displayName": k.get("displayName"),
                "description": k.get("description"), "enabled": k.get("enabled"), "tokenType": k.get("tokenType"),
            })
        })
        .collect();
    axum::Json(json!({"count": list.len(), "list": list})).into_response()
}

async fn get_km(
    State(s): State<Shared>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> Response {
    let st = s.0.lock().unwrap();
    if let Err(r) = bearer_ok(&st, &headers) {
        return r;
    }
    match st.key_managers.iter().find(|k| k["id"] == id.as_str()) {
        Some(k) => axum::Json(as_connector_reads(st.connector.0, k.clone())).into_response(),
        None => wso2_error(
            StatusCode::NOT_FOUND,
            format!("Key Manager not found with id {id}"),
        ),
    }
}

fn parse_km(headers: &HeaderMap, body: &Bytes) -> Result<Value, Response> {
    if !is_json(headers) {
        return Err(wso2_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json",
        ));
    }
    let v: Value = serde_json::from_slice(body)
        .map_err(|_| wso2_error(StatusCode::BAD_REQUEST, "Malformed request body"))?;
    if let Err(problem) = validate_key_manager(&v) {
        // like Jackson's messages, the description quotes the source it read (this is how a
        // real server can echo a secret back)
        let source: String = String::from_utf8_lossy(body).chars().take(1500).collect();
        return Err(wso2_error(
            StatusCode::BAD_REQUEST,
            format!("{problem} at [Source: (String)\"{source}\"; line: 1]"),
        ));
    }
    Ok(v)
}

/// The bearer check and the schema check, then (with a cluster) the reachability check; the
/// lock is not held across the cluster lookups.
async fn accept_km(s: &Shared, headers: &HeaderMap, body: &Bytes) -> Result<Value, Response> {
    let cluster = {
        let st = s.0.lock().unwrap();
        bearer_ok(&st, headers)?;
        st.cluster.clone()
    };
    let v = parse_km(headers, body)?;
    let connector = s.0.lock().unwrap().connector.0;
    match connector_check(connector, &v) {
        Err((status, why)) => return Err(wso2_error(status, why)),
        Ok(Some(finding)) => s.0.lock().unwrap().findings.push(finding),
        Ok(None) => {}
    }
    if let Some(c) = cluster {
        let mut lines = Vec::new();
        for (field, url) in server_to_server_of(&v) {
            match c.reach(&url).await {
                Ok(how) => lines.push(format!("{field} {url} → {how}")),
                Err(why) => {
                    lines.push(format!("{field} {url} → UNREACHABLE: {why}"));
                    s.0.lock().unwrap().resolved = lines;
                    return Err(wso2_error(
                        StatusCode::BAD_REQUEST,
                        format!("{field} {url} is not reachable from {}: {why}", c.from()),
                    ));
                }
            }
        }
        s.0.lock().unwrap().resolved = lines;
    }
    Ok(v)
}

async fn create_km(State(s): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let mut v = match accept_km(&s, &headers, &body).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let mut st = s.0.lock().unwrap();
    let name = v["name"].as_str().unwrap_or_default().to_string();
    if st.key_managers.iter().any(|k| k["name"] == name.as_str()) {
        return wso2_error(
            StatusCode::CONFLICT,
            format!("Key Manager Already Exists: {name}"),
        );
    }
    let id = uuid_like();
    v["id"] = Value::String(id.clone());
    st.key_managers.push(v.clone());
    let mut shown = v;
    shown["additionalProperties"]["Password"] = Value::String("********".into());
    (
        StatusCode::CREATED,
        [(
            header::LOCATION,
            format!("/api/am/admin/v4/key-managers/{id}"),
        )],
        axum::Json(shown),
    )
        .into_response()
}

async fn update_km(
    State(s): State<Shared>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    body: Bytes,
) -> Response {
    let mut v = match accept_km(&s, &headers, &body).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let mut st = s.0.lock().unwrap();
    let Some(pos) = st.key_managers.iter().position(|k| k["id"] == id.as_str()) else {
        return wso2_error(
            StatusCode::NOT_FOUND,
            format!("Key Manager not found with id {id}"),
        );
    };
    if st
        .key_managers
        .iter()
        .any(|k| k["id"] != id.as_str() && k["name"] == v["name"])
    {
        return wso2_error(StatusCode::CONFLICT, "Key Manager Already Exists");
    }
    v["id"] = Value::String(id);
    st.key_managers[pos] = v.clone();
    let mut shown = v;
    shown["additionalProperties"]["Password"] = Value::String("********".into());
    axum::Json(shown).into_response()
}

async fn delete_km(
    State(s): State<Shared>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> Response {
    let mut st = s.0.lock().unwrap();
    if let Err(r) = bearer_ok(&st, &headers) {
        return r;
    }
    let Some(pos) = st.key_managers.iter().position(|k| k["id"] == id.as_str()) else {
        return wso2_error(StatusCode::NOT_FOUND, "Requested KeyManager not found");
    };
    st.key_managers.remove(pos);
    StatusCode::OK.into_response()
}

async fn not_found(method: Method) -> Response {
    let _ = method;
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html")],
        "<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>",
    )
        .into_response()
}

/// carbon-apimgt's connector-configuration check of a `WSO2-IS-7` key manager on POST/PUT, with
/// the connector of the line played: `Err` is the answer real API-M gives, `Ok(Some)` a body it
/// accepts only for backward compatibility.
pub fn connector_check(
    connector: KmAuthShape,
    v: &Value,
) -> Result<Option<String>, (StatusCode, String)> {
    if v["type"] != "WSO2-IS-7" {
        return Ok(None);
    }
    let empty = serde_json::Map::new();
    let ap = v["additionalProperties"].as_object().unwrap_or(&empty);
    let required: &[&str] = match connector {
        KmAuthShape::Flat => &[
            "Username",
            "Password",
            "api_resource_management_endpoint",
            "is7_roles_endpoint",
        ],
        KmAuthShape::BasicAuth => &["api_resource_management_endpoint", "is7_roles_endpoint"],
    };
    let mut missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|k| !ap.contains_key(*k))
        .collect();
    let mut finding = None;
    if connector == KmAuthShape::BasicAuth {
        let text = |k: &str| {
            ap.get(k)
                .map(|x| x.as_str().map(str::to_string).unwrap_or(x.to_string()))
        };
        match ap.get("Authentication").and_then(Value::as_str) {
            Some("BasicAuth") => {
                for k in ["Username", "Password"] {
                    match text(k) {
                        // WSO2IS7ConnectorConfiguration calls toString() on the missing value
                        None => {
                            return Err((
                                StatusCode::INTERNAL_SERVER_ERROR,
                                "Error while adding key manager configuration".into(),
                            ));
                        }
                        Some(t) if t.is_empty() => missing.push(k),
                        Some(_) => {}
                    }
                }
            }
            Some("MutualTLS") => {
                for k in ["MutualTLSOptions", "IdentityUser"] {
                    if text(k).is_none_or(|t| t.is_empty()) {
                        missing.push(k);
                    }
                }
            }
            Some(_) => {}
            None => {
                finding = Some(
                    "stored without `Authentication` (the flat shape of connector 2.0.4); \
                     connector 2.0.8+ reads it as BasicAuth"
                        .to_string(),
                );
            }
        }
    }
    if !missing.is_empty() {
        return Err((
            StatusCode::BAD_REQUEST,
            format!(
                "Key Manager Configuration value for {} is/are required",
                missing.join(",")
            ),
        ));
    }
    Ok(finding)
}

/// A stored key manager as API-M answers for it: connector 2.0.8+ fills a missing
/// `Authentication` with `BasicAuth` when the configuration is read.
fn as_connector_reads(connector: KmAuthShape, mut k: Value) -> Value {
    if connector == KmAuthShape::BasicAuth
        && let Some(ap) = k["additionalProperties"].as_object_mut()
    {
        ap.entry("Authentication")
            .or_insert_with(|| Value::String("BasicAuth".into()));
    }
    k
}

/// The admin-v4 `KeyManager` schema, as far as kmpilot's body uses it, plus the IS 7
/// connector's requirement that `enable_roles_creation` be a JSON boolean.
pub fn validate_key_manager(v: &Value) -> Result<(), String> {
    let o = v.as_object().ok_or("the body is not a JSON object")?;
    let len_ok = |k: &str, max: usize| -> Result<(), String> {
        match o.get(k) {
            Some(Value::String(s)) if !s.is_empty() && s.chars().count() <= max => Ok(()),
            Some(Value::String(_)) => Err(format!("`{k}` must be 1 to {max} characters")),
            Some(_) => Err(format!("`{k}` must be a string")),
            None => Err(format!("`{k}` is required")),
        }
    };
    len_ok("name", 100)?;
    len_ok("type", 45)?;
    for k in [
        "id",
        "displayName",
        "description",
        "wellKnownEndpoint",
        "introspectionEndpoint",
        "clientRegistrationEndpoint",
        "tokenEndpoint",
        "displayTokenEndpoint",
        "revokeEndpoint",
        "displayRevokeEndpoint",
        "userInfoEndpoint",
        "authorizeEndpoint",
        "scopeManagementEndpoint",
        "issuer",
        "alias",
        "consumerKeyClaim",
        "scopesClaim",
    ] {
        if let Some(x) = o.get(k)
            && !x.is_string()
        {
            return Err(format!(
                "Cannot deserialize value of type `java.lang.String` for `{k}`"
            ));
        }
    }
    for k in [
        "enableTokenGeneration",
        "enableTokenEncryption",
        "enableTokenHashing",
        "enableMapOAuthConsumerApps",
        "enableOAuthAppCreation",
        "enableSelfValidationJWT",
        "enabled",
        "global",
    ] {
        if let Some(x) = o.get(k)
            && !x.is_boolean()
        {
            return Err(format!(
                "Cannot deserialize value of type `java.lang.Boolean` for `{k}` from {x}"
            ));
        }
    }
    if let Some(x) = o.get("tokenType") {
        match x.as_str() {
            Some("EXCHANGED" | "DIRECT" | "BOTH") => {}
            _ => return Err("`tokenType` must be one of EXCHANGED, DIRECT, BOTH".into()),
        }
    }
    if let Some(x) = o.get("availableGrantTypes") {
        let ok = x.as_array().is_some_and(|a| a.iter().all(Value::is_string));
        if !ok {
            return Err("`availableGrantTypes` must be an array of strings".into());
        }
    }
    if let Some(x) = o.get("endpoints") {
        let a = x.as_array().ok_or("`endpoints` must be an array")?;
        for e in a {
            let ok = e.get("name").is_some_and(Value::is_string)
                && e.get("value").is_some_and(Value::is_string);
            if !ok {
                return Err(format!(
                    "`endpoints[]` items need a string `name` and `value`: {e}"
                ));
            }
        }
    }
    if let Some(x) = o.get("certificates") {
        let c = x.as_object().ok_or("`certificates` must be an object")?;
        match c.get("type").and_then(Value::as_str) {
            Some("JWKS" | "PEM") => {}
            _ => return Err("`certificates.type` must be JWKS or PEM".into()),
        }
        if let Some(val) = c.get("value")
            && !val.is_string()
        {
            return Err("`certificates.value` must be a string".into());
        }
    }
    if let Some(x) = o.get("claimMapping") {
        let ok = x.as_array().is_some_and(|a| {
            a.iter().all(|m| {
                m.get("remoteClaim").is_some_and(Value::is_string)
                    && m.get("localClaim").is_some_and(Value::is_string)
            })
        });
        if !ok {
            return Err("`claimMapping[]` items need string `remoteClaim` and `localClaim`".into());
        }
    }
    if let Some(x) = o.get("additionalProperties") {
        let ap = x
            .as_object()
            .ok_or("`additionalProperties` must be an object")?;
        if let Some(r) = ap.get("enable_roles_creation")
            && !r.is_boolean()
        {
            return Err("`additionalProperties.enable_roles_creation` must be a JSON boolean (the IS 7 connector ignores anything else)".into());
        }
        for k in ["Username", "Password"] {
            if let Some(x) = ap.get(k)
                && !x.is_string()
            {
                return Err(format!("`additionalProperties.{k}` must be a string"));
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// what API-M's pod can resolve

/// The endpoints of a saved key manager that API-M (its IS 7 connector and the gateway) calls
/// from its pod, read from the body as API-M reads them: the top-level endpoint fields, the
/// `endpoints[]` entries of the same, the JWKS certificate URL and the connector's
/// `api_resource_management_endpoint` / `is7_roles_endpoint`. Not the well-known URL, the
/// issuer, authorize or the display endpoints: people and outside clients use those.
pub fn server_to_server_of(v: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut add = |field: String, x: Option<&Value>| {
        if let Some(u) = x.and_then(Value::as_str)
            && !u.is_empty()
        {
            out.push((field, u.to_string()));
        }
    };
    for k in [
        "clientRegistrationEndpoint",
        "introspectionEndpoint",
        "tokenEndpoint",
        "revokeEndpoint",
        "userInfoEndpoint",
        "scopeManagementEndpoint",
    ] {
        add(k.to_string(), v.get(k));
    }
    for e in v
        .get("endpoints")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = e.get("name").and_then(Value::as_str).unwrap_or_default();
        if [
            "client_registration_endpoint",
            "introspection_endpoint",
            "token_endpoint",
            "revoke_endpoint",
            "userinfo_endpoint",
            "scope_endpoint",
        ]
        .contains(&name)
        {
            add(format!("endpoints[{name}]"), e.get("value"));
        }
    }
    if v["certificates"]["type"] == "JWKS" {
        add(
            "certificates.value (JWKS)".into(),
            v["certificates"].get("value"),
        );
    }
    for k in ["api_resource_management_endpoint", "is7_roles_endpoint"] {
        add(
            format!("additionalProperties.{k}"),
            v["additionalProperties"].get(k),
        );
    }
    out
}

/// How the stand-in decides whether API-M's pod reaches an endpoint.
#[derive(Clone)]
pub enum Reachability {
    /// Looked up through the cluster's API (the stand-in runs outside the cluster).
    Api(ClusterDns),
    /// Resolved and connected to from where the stand-in runs: a pod on the real node.
    Pod(pod_network::PodNetwork),
}

impl Reachability {
    pub async fn reach(&self, url: &str) -> Result<String, String> {
        match self {
            Reachability::Api(c) => c.reach(url).await,
            Reachability::Pod(p) => p.reach(url).await,
        }
    }

    /// Whose view the answer is, for the refusal's text.
    fn from(&self) -> String {
        match self {
            Reachability::Api(c) => format!("API-M's pod in namespace {}", c.namespace),
            Reachability::Pod(_) => "the stand-in API-M's pod (cluster DNS, TLS)".into(),
        }
    }
}

/// The resolver of a pod in `namespace` of the cluster `client` talks to: cluster DNS for
/// Services (looked up through the real API), public DNS for the rest.
#[derive(Clone)]
pub struct ClusterDns {
    pub client: kube::Client,
    pub namespace: String,
}

impl ClusterDns {
    /// How the pod reaches `url` ("Service ns/name:port", "public DNS", "address"), or why
    /// it cannot.
    pub async fn reach(&self, url: &str) -> Result<String, String> {
        use k8s_openapi::api::core::v1::Service;
        let u = url::Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
        let port = u.port_or_known_default().ok_or("no port for this scheme")?;
        let host = match u.host() {
            Some(url::Host::Domain(d)) => d.trim_end_matches('.').to_ascii_lowercase(),
            Some(_) => return Ok("an IP address".into()),
            None => return Err("no host".into()),
        };
        // the pod's search path: <ns>.svc.cluster.local svc.cluster.local cluster.local
        let short = host.strip_suffix(".cluster.local").unwrap_or(&host);
        let labels: Vec<&str> = short.split('.').collect();
        let service = match labels.as_slice() {
            [svc] => Some((svc.to_string(), self.namespace.clone(), false)),
            [svc, ns] => Some((svc.to_string(), ns.to_string(), false)),
            [svc, ns, "svc"] => Some((svc.to_string(), ns.to_string(), true)),
            _ => None,
        };
        if let Some((svc, ns, explicit)) = service {
            let api: kube::Api<Service> = kube::Api::namespaced(self.client.clone(), &ns);
            match api.get_opt(&svc).await {
                Ok(Some(found)) => {
                    let ports: Vec<i32> = found
                        .spec
                        .and_then(|s| s.ports)
                        .unwrap_or_default()
                        .iter()
                        .map(|p| p.port)
                        .collect();
                    return if ports.contains(&i32::from(port)) {
                        Ok(format!("Service {ns}/{svc}:{port}"))
                    } else {
                        Err(format!(
                            "Service {ns}/{svc} has no port {port} (it has {ports:?})"
                        ))
                    };
                }
                Ok(None) if explicit => {
                    return Err(format!(
                        "the cluster has no Service {svc} in namespace {ns}"
                    ));
                }
                Ok(None) => {}
                Err(e) => return Err(format!("cannot look up Service {ns}/{svc}: {e}")),
            }
        }
        if hosts_file_names(&host) {
            return Err(format!(
                "{host} is only in this machine's hosts file; a pod resolves through cluster DNS"
            ));
        }
        let lookup = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            tokio::net::lookup_host((host.as_str(), port)),
        )
        .await;
        match lookup.map(|r| r.map(|mut a| a.next().is_some())) {
            Ok(Ok(true)) => Ok("public DNS".into()),
            _ => Err(format!(
                "{host} is not a Service of the cluster and does not resolve in public DNS"
            )),
        }
    }
}

/// Whether /etc/hosts names `host` (what kmpilot's dns step writes, and no pod sees).
fn hosts_file_names(host: &str) -> bool {
    std::fs::read_to_string("/etc/hosts")
        .unwrap_or_default()
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default())
        .any(|l| {
            l.split_whitespace()
                .skip(1)
                .any(|n| n.eq_ignore_ascii_case(host))
        })
}

impl StandIn {
    /// Checks every saved key manager against what API-M's pod in `namespace` of the cluster
    /// can resolve.
    pub fn in_cluster(&self, client: kube::Client, namespace: &str) {
        self.state.0.lock().unwrap().cluster = Some(Reachability::Api(ClusterDns {
            client,
            namespace: namespace.to_string(),
        }));
    }

    /// How each endpoint of the last checked key manager resolved.
    pub fn resolved(&self) -> Vec<String> {
        self.state.0.lock().unwrap().resolved.clone()
    }
}

// ---------------------------------------------------------------------------------------------
// secrets

/// Panics when any of `secrets` occurs in `text`.
pub fn assert_no_secret(what: &str, text: &str, secrets: &[String]) {
    for s in secrets {
        assert!(!s.is_empty());
        assert!(
            !text.contains(s.as_str()),
            "{what} leaks a secret ({}…): {text}",
            &s[..s.len().min(4)]
        );
    }
}

/// The admin and connector passwords plus everything the stand-in issued.
pub fn all_secrets(standin: &StandIn) -> Vec<String> {
    let mut v = vec![ADMIN_PASSWORD.to_string(), CONNECTOR_PASSWORD.to_string()];
    v.extend(standin.issued_secrets());
    v
}

// ---------------------------------------------------------------------------------------------
// the real OpenID provider

/// A running `tests/oidc/server.js` (oidc-provider under node). Killed on drop.
pub struct Oidc {
    pub port: u16,
    child: std::process::Child,
}

impl Drop for Oidc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn oidc_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc")
}

/// Whether the provider can run. Without `tests/oidc/node_modules`: under CI=true this panics
/// with what to run; otherwise it prints `SKIPPED: …` and returns false.
pub fn oidc_available(test: &str) -> bool {
    let dir = oidc_dir();
    if dir.join("node_modules/oidc-provider").is_dir() {
        return true;
    }
    let msg = format!(
        "{test}: tests/oidc/node_modules is missing; run `npm ci --prefix tests/oidc` (needs node ≥ 20)"
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}");
    }
    println!("SKIPPED: {msg}");
    false
}

impl Oidc {
    /// Starts the provider on a free port. `issuer` may contain `{port}`; `routes` is "wso2"
    /// or "default" (see server.js). Waits for "listening <port>".
    pub fn start(issuer: &str, routes: &str) -> Oidc {
        use std::io::{BufRead, BufReader};
        use std::process::{Command, Stdio};
        let mut child = Command::new("node")
            .arg(oidc_dir().join("server.js"))
            .arg("0")
            .arg(issuer)
            .arg(routes)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            // its start-up warnings (node version, dev keys) would clutter the test output;
            // they are kept and shown if it fails to start
            .stderr(Stdio::piped())
            .spawn()
            .expect("node is installed (tests/oidc needs it)");
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        let errors = Arc::new(Mutex::new(String::new()));
        let sink = errors.clone();
        std::thread::spawn(move || {
            for l in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut e = sink.lock().unwrap();
                e.push_str(&l);
                e.push('\n');
            }
        });
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            while let Some(Ok(l)) = lines.next() {
                if let Some(p) = l.strip_prefix("listening ") {
                    let _ = tx.send(p.trim().parse::<u16>().ok());
                }
            }
        });
        match rx.recv_timeout(std::time::Duration::from_secs(30)) {
            Ok(Some(port)) => Oidc { port, child },
            other => {
                let _ = child.kill();
                panic!(
                    "tests/oidc/server.js did not print `listening <port>` within 30 s: {other:?}"
                );
            }
        }
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

//! STAND-IN FOR WSO2 API MANAGER AND IDENTITY SERVER 7, one binary for the pods of the real
//! test node (`scripts/build-standin-image` packs it into the images `kmpilot.local/standin-km`,
//! `standin-apim` and `standin-is`). Not WSO2 software: the test stand-ins of
//! `tests/km_support` (the same code the in-process tests use), served over TLS with the
//! keystores kmpilot generated, mounted from the keystore Secrets kmpilot created.
//!
//!   standin_km apim --keystore /ks/wso2tls.jks --truststore /ks/client-truststore.jks
//!              [--alias wso2carbon] [--port 9443] [--line 4.7.0-1]
//!     the API-M stand-in: DCR, the password grant, the Admin REST API's key managers (as
//!     tests/km_support checks them), and before it saves a key manager it resolves every
//!     server-to-server endpoint through the pod's resolver (CoreDNS) and opens a TLS session
//!     to it verified against the truststore — refusing the registration when one fails.
//!     `GET /standin/state` (the stand-in's own, no real API-M has it) answers the saved key
//!     managers and how each endpoint was reached, for the tests to read.
//!   standin_km is --keystore /ks/tls.p12 --public-base https://is.example.test
//!              [--alias wso2carbon] [--port 9443]
//!     the IS stand-in: the OpenID document, JWKS, the health check (tests/km_support/is_server.rs).
//!     Environment for both: KEYSTORE_PASSWORD (store and key password, as kmpilot's
//!     quickstart sets them), APIM_ADMIN_PASSWORD (the admin's, API-M role).
//!   standin_km apim-image | is-image
//!     what the images `standin-apim` and `standin-is` start with no arguments, as the WSO2
//!     images do under their charts: the configuration is read where the charts mount it
//!     (`image.rs`), and the probes the charts declare find what they probe.
//!   nc -z HOST PORT   (the binary called as `nc`: the IS chart's start-up probe, `nc.rs`)

#[path = "../../tests/km_support/mod.rs"]
mod km_support;

mod image;
mod nc;

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::routing::get;
use km_support::pod_network::PodNetwork;
use km_support::{Reachability, Shared, StandInState};
use kmpilot_keystore::Identity;
use serde_json::json;

fn usage(why: &str) -> ! {
    eprintln!(
        "standin_km: {why}\nusage: standin_km apim|is --keystore FILE [--truststore FILE] [--public-base URL] [--alias A] [--port P] [--line V]\n       standin_km apim-image|is-image"
    );
    std::process::exit(2)
}

/// What a stand-in server needs to start, however it was told (arguments or the mounted
/// configuration).
pub struct Start {
    pub identity: Identity,
    pub port: u16,
    pub role: Role,
}

pub enum Role {
    Apim {
        /// The certificates of its client truststore (DER).
        trusted: Vec<Vec<u8>>,
        admin_user: String,
        admin_password: String,
        line: Option<String>,
    },
    Is {
        public_base: String,
    },
}

/// A keystore file: PKCS#12 when `pkcs12`, JKS otherwise; the key `alias` opened with
/// `key_password`.
pub fn identity(
    path: &str,
    pkcs12: bool,
    alias: &str,
    password: &str,
    key_password: &str,
) -> Result<Identity, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let id = if pkcs12 {
        kmpilot_keystore::pkcs12::read(&bytes, password).and_then(|s| s.identity(alias))
    } else {
        kmpilot_keystore::jks::read(&bytes, password).and_then(|s| s.identity(alias, key_password))
    };
    id.map_err(|e| format!("{path}: no key {alias}: {e}"))
}

pub fn trusted(path: &str, password: &str) -> Result<Vec<Vec<u8>>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let store =
        kmpilot_keystore::jks::read(&bytes, password).map_err(|e| format!("{path}: {e}"))?;
    Ok(store.trusted_certs().map(|(_, der)| der.to_vec()).collect())
}

fn main() {
    let argv0 = std::env::args().next().unwrap_or_default();
    if argv0.rsplit('/').next() == Some("nc") {
        std::process::exit(nc::main(std::env::args().skip(1).collect()));
    }
    let mut args = std::env::args().skip(1);
    let mode = args
        .next()
        .unwrap_or_else(|| usage("apim, is, apim-image or is-image?"));
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    match mode.as_str() {
        "apim-image" | "is-image" => rt.block_on(image::run(&mode)),
        _ => {
            let start = from_args(&mode, args.collect());
            rt.block_on(serve_with(start, axum::Router::new()))
        }
    }
}

/// The start the arguments describe (the pods tests/real_node/standins.rs writes itself).
fn from_args(role: &str, args: Vec<String>) -> Start {
    let mut opt = std::collections::HashMap::new();
    let mut it = args.into_iter();
    while let Some(k) = it.next() {
        let Some(name) = k.strip_prefix("--") else {
            usage(&format!("unexpected {k}"))
        };
        let v = it
            .next()
            .unwrap_or_else(|| usage(&format!("{k} needs a value")));
        opt.insert(name.to_string(), v);
    }
    let arg = |k: &str| opt.get(k).cloned();
    let need = |k: &str| arg(k).unwrap_or_else(|| usage(&format!("--{k} is required")));
    let env =
        |name: &str| std::env::var(name).unwrap_or_else(|_| usage(&format!("${name} is not set")));
    let alias = arg("alias").unwrap_or_else(|| "wso2carbon".into());
    let port = arg("port").map_or(9443, |p| {
        p.parse().unwrap_or_else(|_| usage("--port: a number"))
    });
    let password = env("KEYSTORE_PASSWORD");
    let ks = need("keystore");
    let identity = identity(&ks, ks.ends_with(".p12"), &alias, &password, &password)
        .unwrap_or_else(|e| usage(&e));
    let role = match role {
        "apim" => Role::Apim {
            trusted: trusted(&need("truststore"), &password).unwrap_or_else(|e| usage(&e)),
            admin_user: km_support::ADMIN_USER.into(),
            admin_password: env("APIM_ADMIN_PASSWORD"),
            line: arg("line"),
        },
        "is" => Role::Is {
            public_base: need("public-base"),
        },
        other => usage(&format!("unknown role {other}")),
    };
    Start {
        identity,
        port,
        role,
    }
}

/// Serve `start` over TLS until the process is stopped; `extra` routes are added (the image
/// mode's probe targets).
pub async fn serve_with(start: Start, extra: axum::Router) {
    let chain = start.identity.chain_der().to_vec();
    let key = start.identity.private_key_pkcs8_der().to_vec();
    let (name, app) = match start.role {
        Role::Apim {
            trusted,
            admin_user,
            admin_password,
            line,
        } => {
            let mut st = StandInState {
                admin_user,
                admin_password,
                cluster: Some(Reachability::Pod(PodNetwork::trusting(trusted))),
                ..Default::default()
            };
            if let Some(v) = line {
                let line = kmpilot::chart_lines::apim(&v)
                    .unwrap_or_else(|| usage(&format!("line {v}: not a line kmpilot knows")));
                st.connector = km_support::Connector(line.km_auth_shape);
            }
            let state = Shared(Arc::new(Mutex::new(st)));
            let app = km_support::router(state.clone()).merge(
                axum::Router::new()
                    .route("/standin/state", get(inspect))
                    .with_state(state),
            );
            ("apim", app)
        }
        Role::Is { public_base } => {
            use rsa::traits::PublicKeyParts;
            let pk = start
                .identity
                .public_key()
                .unwrap_or_else(|e| usage(&format!("not an RSA key: {e}")));
            let jwks = km_support::is_server::jwks(
                start.identity.certificate_der(),
                &pk.n().to_bytes_be(),
                &pk.e().to_bytes_be(),
            );
            ("is", km_support::is_server::router(public_base, jwks))
        }
    };
    let (addr, server) = km_support::serve_tls_on(
        extra.merge(app),
        &format!("0.0.0.0:{}", start.port),
        chain,
        key,
    )
    .await;
    println!("standin_km {name}: serving TLS on {addr}");
    let _ = server.await;
}

/// The stand-in's own view for the tests: the saved key managers (id, name, endpoints) and
/// how the last checked one's endpoints were reached, the request log.
async fn inspect(State(s): State<Shared>) -> axum::Json<serde_json::Value> {
    let st = s.0.lock().unwrap();
    let kms: Vec<_> = st
        .key_managers
        .iter()
        .map(|k| json!({"id": k["id"], "name": k["name"], "tokenEndpoint": k["tokenEndpoint"]}))
        .collect();
    axum::Json(json!({"keyManagers": kms, "resolved": st.resolved, "log": st.log}))
}

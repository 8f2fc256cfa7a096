//! STAND-IN FOR WSO2 API MANAGER AND IDENTITY SERVER 7, one binary for the pods of the real
//! test node (`scripts/build-standin-image` packs it into the image
//! `kmpilot.local/standin-km:<hash>`). Not WSO2 software: the test stand-ins of
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
//!
//! Environment: KEYSTORE_PASSWORD (store and key password, as kmpilot's quickstart sets them),
//! APIM_ADMIN_PASSWORD (the admin's, API-M role).

#[path = "../tests/km_support/mod.rs"]
mod km_support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::routing::get;
use km_support::pod_network::PodNetwork;
use km_support::{Reachability, Shared, StandInState};
use kmpilot_keystore::Identity;
use serde_json::json;

fn usage(why: &str) -> ! {
    eprintln!(
        "standin_km: {why}\nusage: standin_km apim|is --keystore FILE [--truststore FILE] [--public-base URL] [--alias A] [--port P] [--line V]"
    );
    std::process::exit(2)
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| usage(&format!("${name} is not set")))
}

/// A keystore file kmpilot wrote: PKCS#12 for `.p12` (IS 7.1), JKS otherwise (API-M).
fn identity(path: &str, alias: &str, password: &str) -> Identity {
    let bytes = std::fs::read(path).unwrap_or_else(|e| usage(&format!("{path}: {e}")));
    let id = if path.ends_with(".p12") {
        kmpilot_keystore::pkcs12::read(&bytes, password).and_then(|s| s.identity(alias))
    } else {
        kmpilot_keystore::jks::read(&bytes, password).and_then(|s| s.identity(alias, password))
    };
    id.unwrap_or_else(|e| usage(&format!("{path}: no key {alias}: {e}")))
}

fn trusted(path: &str, password: &str) -> Vec<Vec<u8>> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| usage(&format!("{path}: {e}")));
    let store = kmpilot_keystore::jks::read(&bytes, password)
        .unwrap_or_else(|e| usage(&format!("{path}: {e}")));
    store.trusted_certs().map(|(_, der)| der.to_vec()).collect()
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let role = args.next().unwrap_or_else(|| usage("apim or is?"));
    let mut opt: HashMap<String, String> = HashMap::new();
    while let Some(k) = args.next() {
        let Some(name) = k.strip_prefix("--") else {
            usage(&format!("unexpected {k}"))
        };
        let v = args
            .next()
            .unwrap_or_else(|| usage(&format!("{k} needs a value")));
        opt.insert(name.to_string(), v);
    }
    let arg = |k: &str| opt.get(k).cloned();
    let need = |k: &str| arg(k).unwrap_or_else(|| usage(&format!("--{k} is required")));
    let alias = arg("alias").unwrap_or_else(|| "wso2carbon".into());
    let port = arg("port").unwrap_or_else(|| "9443".into());
    let password = env("KEYSTORE_PASSWORD");
    let id = identity(&need("keystore"), &alias, &password);
    let chain = id.chain_der().to_vec();
    let key = id.private_key_pkcs8_der().to_vec();

    let app = match role.as_str() {
        "apim" => {
            let roots = trusted(&need("truststore"), &password);
            let mut st = StandInState {
                admin_user: km_support::ADMIN_USER.into(),
                admin_password: env("APIM_ADMIN_PASSWORD"),
                cluster: Some(Reachability::Pod(PodNetwork::trusting(roots))),
                ..Default::default()
            };
            if let Some(v) = arg("line") {
                let line = kmpilot::chart_lines::apim(&v)
                    .unwrap_or_else(|| usage(&format!("--line {v}: not a line kmpilot knows")));
                st.connector = km_support::Connector(line.km_auth_shape);
            }
            let state = Shared(Arc::new(Mutex::new(st)));
            km_support::router(state.clone()).merge(
                axum::Router::new()
                    .route("/standin/state", get(inspect))
                    .with_state(state),
            )
        }
        "is" => {
            use rsa::traits::PublicKeyParts;
            let pk = id
                .public_key()
                .unwrap_or_else(|e| usage(&format!("not an RSA key: {e}")));
            let jwks = km_support::is_server::jwks(
                id.certificate_der(),
                &pk.n().to_bytes_be(),
                &pk.e().to_bytes_be(),
            );
            km_support::is_server::router(need("public-base"), jwks)
        }
        other => usage(&format!("unknown role {other}")),
    };
    let (addr, server) =
        km_support::serve_tls_on(app, &format!("0.0.0.0:{port}"), chain, key).await;
    println!("standin_km {role}: serving TLS on {addr}");
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

//! Key-manager discovery (`kmpilot::http::discover`) against a REAL OpenID provider: the
//! `oidc-provider` npm package run under node by tests/oidc/server.js on 127.0.0.1 (plain
//! http). TLS verification of discovery is tested against the HTTPS stand-in for API-M in
//! tests/km_support, which also serves a small well-known document.
//!
//! Without tests/oidc/node_modules the provider tests print `SKIPPED: …` and pass, except
//! under CI=true, where they fail and say to run `npm ci --prefix tests/oidc`.

mod km_support;

use std::path::Path;
use std::time::{Duration, Instant};

use km_support::*;
use kmpilot::http::{Discovered, Endpoint, ErrorKind, KmError, apply_discovered, diff, discover};
use kmpilot::profile::Profile;
use kmpilot::profile::sections::key_manager::TlsPolicy;
use kmpilot::steps::key_manager::fields;

/// `discover` of `url` (relative paths from here), waiting at most `secs`: the answer and the
/// progress lines.
async fn fetch(
    url: &str,
    tls: &TlsPolicy,
    secs: u64,
) -> (Result<Discovered, KmError>, Vec<String>) {
    let mut lines = Vec::new();
    let mut progress = |l: String| lines.push(l);
    let r = discover(
        url,
        tls,
        Path::new("."),
        Duration::from_secs(secs),
        &mut progress,
    )
    .await;
    (r, lines)
}

/// The quickstart profile with its key-manager endpoints derived from `base`.
fn profile_on(base: &str) -> Profile {
    let mut p = Profile::quickstart("km");
    p.key_manager.base_url = Some(base.to_string());
    p
}

#[tokio::test]
async fn oidc_provider_at_wso2_paths_matches_the_derived_fields() {
    if !oidc_available("oidc_provider_at_wso2_paths_matches_the_derived_fields") {
        return;
    }
    let op = Oidc::start("http://127.0.0.1:{port}/oauth2/token", "wso2");
    let p = profile_on(&op.base());
    let f = fields(&p);
    assert_eq!(
        f.well_known,
        format!(
            "{}/oauth2/token/.well-known/openid-configuration",
            op.base()
        )
    );
    let (r, lines) = fetch(&f.well_known, &TlsPolicy::default(), 20).await;
    let d = r.unwrap_or_else(|e| panic!("{e}"));
    // the provider publishes its public URLs; the server-to-server ones move onto the IS
    // Service, as the executor does (API-M's pods call those inside the cluster)
    let (public, in_cluster) = kmpilot::steps::key_manager::origin_swap(&p).unwrap();
    assert_eq!(public, op.base());
    let m = d.server_calls_at(&public, &in_cluster);
    assert_eq!(d.token, Some(format!("{}/oauth2/token", op.base())));
    assert_eq!(m.issuer.as_deref(), Some(f.issuer.as_str()));
    assert_eq!(m.token.as_deref(), Some(f.token.as_str()));
    assert!(f.token.starts_with(&in_cluster), "{}", f.token);
    assert_eq!(m.display_token.as_deref(), Some(f.display_token.as_str()));
    assert_eq!(m.authorize.as_deref(), Some(f.authorize.as_str()));
    assert_eq!(m.introspection.as_deref(), Some(f.introspection.as_str()));
    assert_eq!(m.revoke.as_deref(), Some(f.revoke.as_str()));
    assert_eq!(m.jwks.as_deref(), Some(f.jwks.as_str()));
    assert_eq!(
        m.client_registration.as_deref(),
        Some(f.client_registration.as_str())
    );
    // read, but the connector's user-info field stays /scim2/Me
    assert_eq!(d.userinfo, Some(format!("{}/oauth2/userinfo", op.base())));
    assert!(d.issuer_matches_location());
    assert_eq!(
        diff(&f, &m),
        vec![],
        "same host, same paths: nothing differs"
    );
    assert_eq!(apply_discovered(&f, &m, &p.key_manager.endpoints), f);
    assert!(lines.iter().any(|l| l.starts_with("GET ")), "{lines:?}");

    // the endpoints it announced are the provider's live ones
    let jwks: serde_json::Value = reqwest::get(d.jwks.as_deref().unwrap())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        jwks["keys"].as_array().is_some_and(|k| !k.is_empty()),
        "{jwks}"
    );
}

#[tokio::test]
async fn oidc_provider_with_another_issuer_is_reported_by_diff() {
    if !oidc_available("oidc_provider_with_another_issuer_is_reported_by_diff") {
        return;
    }
    // the issuer names another host (as IS does when its hostname differs from the ingress's)
    let op = Oidc::start("https://is.internal.example:9443/oauth2/token", "wso2");
    let p = profile_on(&op.base());
    let f = fields(&p);
    let (r, _) = fetch(&f.well_known, &TlsPolicy::default(), 20).await;
    let d = r.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        d.issuer.as_deref(),
        Some("https://is.internal.example:9443/oauth2/token")
    );
    assert!(!d.issuer_matches_location());
    let (public, in_cluster) = kmpilot::steps::key_manager::origin_swap(&p).unwrap();
    let d = d.server_calls_at(&public, &in_cluster);
    let diffs = diff(&f, &d);
    assert_eq!(diffs.len(), 1, "{diffs:#?}");
    assert_eq!(diffs[0].field, Endpoint::Issuer);
    assert_eq!(diffs[0].derived, format!("{}/oauth2/token", op.base()));
    assert_eq!(
        diffs[0].discovered,
        "https://is.internal.example:9443/oauth2/token"
    );

    let applied = apply_discovered(&f, &d, &p.key_manager.endpoints);
    assert_eq!(
        applied.issuer,
        "https://is.internal.example:9443/oauth2/token"
    );
    // an explicit issuer in the profile wins over the document
    let mut p2 = p.clone();
    p2.key_manager.endpoints.issuer = Some("https://is.wso2.com/oauth2/token".into());
    let f2 = fields(&p2);
    assert_eq!(
        apply_discovered(&f2, &d, &p2.key_manager.endpoints).issuer,
        "https://is.wso2.com/oauth2/token"
    );
}

#[tokio::test]
async fn oidc_provider_with_its_own_paths_differs_in_every_endpoint() {
    if !oidc_available("oidc_provider_with_its_own_paths_differs_in_every_endpoint") {
        return;
    }
    let op = Oidc::start("http://127.0.0.1:{port}", "default");
    let mut p = profile_on(&op.base());
    p.key_manager.endpoints.well_known =
        Some(format!("{}/.well-known/openid-configuration", op.base()));
    p.key_manager.endpoints.token = Some("https://gateway.example/token".into());
    let f = fields(&p);
    let (r, _) = fetch(&f.well_known, &TlsPolicy::default(), 20).await;
    let d = r.unwrap_or_else(|e| panic!("{e}"));
    let b = op.base();
    assert_eq!(d.token, Some(format!("{b}/token")));
    assert_eq!(d.authorize, Some(format!("{b}/auth")));
    assert_eq!(d.introspection, Some(format!("{b}/token/introspection")));
    assert_eq!(d.revoke, Some(format!("{b}/token/revocation")));
    assert_eq!(d.jwks, Some(format!("{b}/jwks")));
    assert_eq!(d.client_registration, Some(format!("{b}/reg")));
    let fields_differing: Vec<Endpoint> = diff(&f, &d).iter().map(|x| x.field).collect();
    assert_eq!(fields_differing, Endpoint::ALL.to_vec());

    let a = apply_discovered(&f, &d, &p.key_manager.endpoints);
    assert_eq!(a.token, "https://gateway.example/token", "override kept");
    assert_eq!(
        a.display_token, "https://gateway.example/token",
        "display follows the overridden token"
    );
    assert_eq!(a.authorize, format!("{b}/auth"));
    assert_eq!(a.revoke, format!("{b}/token/revocation"));
    assert_eq!(a.display_revoke, format!("{b}/token/revocation"));
    assert_eq!(a.user_info, f.user_info);
}

#[tokio::test]
async fn oidc_provider_wrong_well_known_path_is_404_with_hint() {
    if !oidc_available("oidc_provider_wrong_well_known_path_is_404_with_hint") {
        return;
    }
    let op = Oidc::start("http://127.0.0.1:{port}/oauth2/token", "wso2");
    let url = format!(
        "{}/oauth2/oidcdiscovery/.well-known/openid-configuration",
        op.base()
    );
    let (r, _) = fetch(&url, &TlsPolicy::default(), 20).await;
    let e = r.unwrap_err();
    assert_eq!(e.status(), Some(404), "{e}");
    assert!(e.to_string().contains(&format!("GET {url}")), "{e}");
    assert!(
        e.hint().unwrap().contains("keyManager.endpoints.wellKnown"),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_https_discovery_verifies_tls() {
    let standin = StandIn::start(0).await;
    let url = format!(
        "{}/oauth2/token/.well-known/openid-configuration",
        standin.base
    );

    // trusted through the CA file: read
    let tls = TlsPolicy {
        ca_file: Some(standin.ca_file()),
        insecure: false,
    };
    let (r, _) = fetch(&url, &tls, 10).await;
    let d = r.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.issuer, Some(format!("{}/oauth2/token", standin.base)));
    assert!(d.introspection.is_none(), "absent from the document");

    // default policy: the test CA is not trusted, and the error says what the server showed
    let (r, _) = fetch(&url, &TlsPolicy::default(), 10).await;
    let e = r.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Tls, "{e}");
    assert_eq!(
        e.presented.as_ref().map(|c| c.subject.as_str()),
        Some("CN=apim.standin.test")
    );
    assert!(e.to_string().contains("keyManager.tls.caFile"), "{e}");

    // insecure: read without verification
    let (r, lines) = fetch(
        &url,
        &TlsPolicy {
            ca_file: None,
            insecure: true,
        },
        10,
    )
    .await;
    assert!(r.is_ok(), "{r:?}");
    assert!(lines[0].contains("TLS NOT VERIFIED"), "{lines:?}");
}

#[tokio::test]
async fn discovery_of_a_closed_port_gives_up_within_the_timeout() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/oauth2/token/.well-known/openid-configuration");
    let t = Instant::now();
    let (r, lines) = fetch(&url, &TlsPolicy::default(), 2).await;
    let e = r.unwrap_err();
    assert!(t.elapsed() < Duration::from_secs(8), "{:?}", t.elapsed());
    assert_eq!(e.kind, ErrorKind::Connect, "{e}");
    assert!(e.to_string().contains("gave up after"), "{e}");
    assert!(lines.iter().any(|l| l.contains("retrying")), "{lines:?}");
}

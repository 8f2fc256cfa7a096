//! Key-manager registration (`kmpilot::http::register`) against a STAND-IN FOR API-M: a local
//! HTTPS server written for these tests (tests/km_support) that implements API-M's DCR,
//! token and Admin REST API v4 key-manager endpoints and validates requests as WSO2's
//! admin-v4 OpenAPI does. It is not API-M; test names say `standin_apim_`.

mod km_support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use km_support::*;
use kmpilot::http::{Discovered, ErrorKind, KmError, Outcome, register};
use kmpilot::profile::Profile;
use kmpilot::profile::sections::key_manager::TlsPolicy;
use serde_json::Value;

fn base_dir() -> PathBuf {
    std::env::temp_dir()
}

/// Runs `register`, returning its result and the progress lines.
async fn run(
    reg: &kmpilot::plan::key_manager::Registration,
    admin_password: &str,
    discovered: Option<&Discovered>,
) -> (Result<Outcome, KmError>, Vec<String>) {
    run_in(reg, &base_dir(), admin_password, discovered).await
}

async fn run_in(
    reg: &kmpilot::plan::key_manager::Registration,
    dir: &std::path::Path,
    admin_password: &str,
    discovered: Option<&Discovered>,
) -> (Result<Outcome, KmError>, Vec<String>) {
    let mut lines = Vec::new();
    let mut progress = |l: String| lines.push(l);
    let r = register(
        reg,
        dir,
        admin_password,
        CONNECTOR_PASSWORD,
        discovered,
        &mut progress,
    )
    .await;
    (r, lines)
}

fn assert_clean(standin: &StandIn, lines: &[String], err: Option<&KmError>) {
    let secrets = all_secrets(standin);
    for l in lines {
        assert_no_secret("a progress line", l, &secrets);
    }
    if let Some(e) = err {
        assert_no_secret("the error", &e.to_string(), &secrets);
        assert_no_secret("the error (Debug)", &format!("{e:?}"), &secrets);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_apim_creates_then_updates_without_duplicate() {
    let standin = StandIn::start(0).await;
    let p = Profile::quickstart("km");
    let reg = standin.registration(&p, standin.trust());

    let (r, lines) = run(&reg, ADMIN_PASSWORD, None).await;
    let first = r.unwrap_or_else(|e| panic!("{e}"));
    let Outcome::Created { id } = &first else {
        panic!("expected Created, got {first:?}")
    };
    assert_clean(&standin, &lines, None);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("POST") && l.contains("/client-registration/v0.17/register")),
        "{lines:#?}"
    );

    let kms = standin.key_managers();
    assert_eq!(kms.len(), 1);
    let km = &kms[0];
    assert_eq!(km["id"], id.as_str());
    assert_eq!(km["name"], "WSO2IS7");
    assert_eq!(km["type"], "WSO2-IS-7");
    // the real connector password went into the request, and only there
    assert_eq!(km["additionalProperties"]["Password"], CONNECTOR_PASSWORD);
    assert_eq!(
        km["additionalProperties"]["enable_roles_creation"],
        Value::Bool(false)
    );
    assert_eq!(
        reg.body["additionalProperties"]["Password"], "********",
        "the plan's body stays masked"
    );

    // second run: the same key manager is updated, not duplicated
    let (r, lines) = run(&reg, ADMIN_PASSWORD, None).await;
    assert_eq!(
        r.unwrap_or_else(|e| panic!("{e}")),
        Outcome::Updated { id: id.clone() }
    );
    assert_clean(&standin, &lines, None);
    assert_eq!(standin.key_managers().len(), 1, "no duplicate");
    let log = standin.log();
    assert!(
        log.iter()
            .any(|l| l == &format!("PUT /api/am/admin/v4/key-managers/{id} → 200")),
        "{log:#?}"
    );
    assert_eq!(
        log.iter()
            .filter(|l| l.starts_with("POST /api/am/admin/v4/key-managers"))
            .count(),
        1,
        "{log:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_apim_takes_discovered_values_except_overrides() {
    let standin = StandIn::start(0).await;
    let mut p = Profile::quickstart("km");
    p.key_manager.endpoints.revoke = Some("https://revoke.example/oauth2/revoke".into());
    let reg = standin.registration(&p, standin.trust());
    let doc = serde_json::json!({
        "issuer": "https://is.internal:9443/oauth2/token",
        "token_endpoint": "https://is.internal:9443/oauth2/token",
        "revocation_endpoint": "https://is.internal:9443/oauth2/revoke",
        "jwks_uri": "https://is.internal:9443/oauth2/jwks",
    });
    let d = Discovered::from_document(
        "https://is.wso2.com/oauth2/token/.well-known/openid-configuration",
        &doc,
    )
    .unwrap();
    let (r, lines) = run(
        &reg,
        ADMIN_PASSWORD,
        Some(&d.respecting(&p.key_manager.endpoints)),
    )
    .await;
    r.unwrap_or_else(|e| panic!("{e}"));
    assert_clean(&standin, &lines, None);
    let km = &standin.key_managers()[0];
    assert_eq!(km["issuer"], "https://is.internal:9443/oauth2/token");
    assert_eq!(km["tokenEndpoint"], "https://is.internal:9443/oauth2/token");
    assert_eq!(
        km["displayTokenEndpoint"],
        "https://is.internal:9443/oauth2/token"
    );
    assert_eq!(
        km["certificates"]["value"],
        "https://is.internal:9443/oauth2/jwks"
    );
    assert_eq!(
        km["revokeEndpoint"], "https://revoke.example/oauth2/revoke",
        "the override wins"
    );
    assert_eq!(
        km["authorizeEndpoint"], "https://is.wso2.com/oauth2/authorize",
        "absent from the document: derived"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_apim_wrong_admin_password_is_401_with_credentials_hint() {
    let standin = StandIn::start(0).await;
    let p = Profile::quickstart("km");
    let reg = standin.registration(&p, standin.trust());
    let wrong = "Wr0ng-admin-pw-9d8e";
    let (r, lines) = run(&reg, wrong, None).await;
    let e = r.unwrap_err();
    eprintln!("{e}");
    assert_eq!(e.kind, ErrorKind::Status(401), "{e}");
    let text = e.to_string();
    assert!(text.contains("401"), "{text}");
    assert!(
        text.contains(&format!(
            "POST {}/client-registration/v0.17/register",
            standin.base
        )),
        "{text}"
    );
    assert!(
        e.hint()
            .unwrap()
            .contains("admin credentials (apiManager.admin"),
        "{text}"
    );
    assert!(
        text.contains("Authentication failed"),
        "the body excerpt is shown: {text}"
    );
    assert_clean(&standin, &lines, Some(&e));
    assert_no_secret("the error", &text, &[wrong.to_string()]);
    assert!(standin.key_managers().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_apim_wrong_base_path_is_404_with_host_and_path_hint() {
    let standin = StandIn::start(0).await;
    let p = Profile::quickstart("km");
    let mut reg = standin.registration(&p, standin.trust());
    reg.key_managers_url = format!("{}/api/am/admin/v3/key-managers", standin.base);
    let (r, lines) = run(&reg, ADMIN_PASSWORD, None).await;
    let e = r.unwrap_err();
    eprintln!("{e}");
    assert_eq!(e.status(), Some(404), "{e}");
    let text = e.to_string();
    assert!(
        text.contains(&format!(
            "GET {}/api/am/admin/v3/key-managers",
            standin.base
        )),
        "{text}"
    );
    assert!(text.contains("404 Not Found"), "{text}");
    let hint = e.hint().unwrap();
    assert!(
        hint.contains("management hostname") && hint.contains("/api/am/admin/v4"),
        "{hint}"
    );
    assert!(hint.contains("chart version"), "{hint}");
    assert_clean(&standin, &lines, Some(&e));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_apim_503_while_starting_then_success() {
    let standin = StandIn::start(3).await;
    let p = Profile::quickstart("km");
    let reg = standin.registration(&p, standin.trust());
    let (r, lines) = run(&reg, ADMIN_PASSWORD, None).await;
    assert!(matches!(r, Ok(Outcome::Created { .. })), "{r:?}");
    let retries: Vec<_> = lines
        .iter()
        .filter(|l| l.contains("503") && l.contains("retrying"))
        .collect();
    assert_eq!(retries.len(), 3, "{lines:#?}");
    let log = standin.log();
    assert_eq!(
        log.iter().filter(|l| l.ends_with("→ 503")).count(),
        3,
        "{log:#?}"
    );
    assert_clean(&standin, &lines, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_apim_still_503_gives_up_within_the_timeout() {
    let standin = StandIn::start(usize::MAX).await;
    let p = Profile::quickstart("km");
    let mut reg = standin.registration(&p, standin.trust());
    reg.timeout_seconds = 3;
    let t = Instant::now();
    let (r, lines) = run(&reg, ADMIN_PASSWORD, None).await;
    let e = r.unwrap_err();
    eprintln!("{e}");
    assert!(
        t.elapsed() < Duration::from_secs(10),
        "bounded by timeout_seconds: {:?}",
        t.elapsed()
    );
    assert_eq!(e.status(), Some(503), "{e}");
    let text = e.to_string();
    assert!(text.contains("gave up after"), "{text}");
    assert!(
        e.hint().unwrap().contains("keyManager.timeoutSeconds"),
        "{text}"
    );
    assert!(lines.len() >= 3, "{lines:#?}");
    assert_clean(&standin, &lines, Some(&e));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_apim_connection_refused_is_retried_then_reported() {
    // a port nobody listens on
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let p = Profile::quickstart("km");
    let mut reg = planned_registration(&p);
    reg.dcr_url = format!("https://127.0.0.1:{port}/client-registration/v0.17/register");
    reg.tls = TlsPolicy::default();
    reg.timeout_seconds = 2;
    let mut lines = Vec::new();
    let mut progress = |l: String| lines.push(l);
    let e = register(
        &reg,
        &base_dir(),
        ADMIN_PASSWORD,
        CONNECTOR_PASSWORD,
        None,
        &mut progress,
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Connect, "{e}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("refused the connection") && l.contains("retrying")),
        "{lines:#?}"
    );
    assert!(e.to_string().contains("gave up after"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_apim_untrusted_ca_names_the_presented_certificate() {
    let standin = StandIn::start(0).await;
    let p = Profile::quickstart("km");
    let other = pki("some other CA", "other.test", &["other.test"]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("other-ca.pem"), &other.ca_pem).unwrap();
    let reg = standin.registration(
        &p,
        TlsPolicy {
            ca_file: Some("other-ca.pem".into()),
            insecure: false,
        },
    );
    let (r, lines) = run_in(&reg, dir.path(), ADMIN_PASSWORD, None).await;
    let e = r.unwrap_err();
    eprintln!("{e}");
    assert_eq!(e.kind, ErrorKind::Tls, "{e}");
    let presented = e.presented.as_ref().expect("the presented certificate");
    assert!(
        presented.subject.contains("CN=apim.standin.test"),
        "{presented:?}"
    );
    assert!(
        presented.issuer.contains("kmpilot stand-in test CA"),
        "{presented:?}"
    );
    assert_eq!(
        presented.sans,
        vec!["apim.standin.test", "localhost", "127.0.0.1"]
    );
    assert_eq!(presented.requested_host, "127.0.0.1");
    assert!(presented.names_host);
    let text = e.to_string();
    for needle in [
        "apim.standin.test",
        "127.0.0.1",
        "keyManager.tls.caFile",
        "insecure",
        "TLS handshake failed",
    ] {
        assert!(text.contains(needle), "missing {needle}: {text}");
    }
    assert!(lines.len() == 1, "no retry on TLS failures: {lines:#?}");
    assert_clean(&standin, &lines, Some(&e));
    assert!(standin.key_managers().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_apim_certificate_for_another_host_is_reported() {
    // trusted CA, but the certificate names only apim.standin.test while kmpilot calls 127.0.0.1
    let standin = StandIn::start_with(
        pki(
            "kmpilot stand-in test CA",
            "apim.standin.test",
            &["apim.standin.test"],
        ),
        0,
    )
    .await;
    let p = Profile::quickstart("km");
    let reg = standin.registration(&p, standin.trust());
    let (r, lines) = run(&reg, ADMIN_PASSWORD, None).await;
    let e = r.unwrap_err();
    eprintln!("{e}");
    assert_eq!(e.kind, ErrorKind::Tls, "{e}");
    let presented = e.presented.as_ref().expect("the presented certificate");
    assert!(!presented.names_host);
    let text = e.to_string();
    assert!(text.contains("does NOT name it"), "{text}");
    assert!(
        e.hint().unwrap().contains("does not name 127.0.0.1"),
        "{text}"
    );
    assert_clean(&standin, &lines, Some(&e));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_apim_without_ca_file_is_not_trusted() {
    let standin = StandIn::start(0).await;
    let p = Profile::quickstart("km");
    let reg = standin.registration(&p, TlsPolicy::default());
    let (r, _) = run(&reg, ADMIN_PASSWORD, None).await;
    let e = r.unwrap_err();
    eprintln!("{e}");
    assert_eq!(e.kind, ErrorKind::Tls, "verified by default: {e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_apim_ca_file_relative_to_the_base_dir_is_trusted() {
    let standin = StandIn::start(0).await;
    let p = Profile::quickstart("km");
    let reg = standin.registration(
        &p,
        TlsPolicy {
            ca_file: Some("standin-ca.pem".into()),
            insecure: false,
        },
    );
    let (r, lines) = run_in(&reg, standin.dir.path(), ADMIN_PASSWORD, None).await;
    assert!(matches!(r, Ok(Outcome::Created { .. })), "{r:?}");
    assert_clean(&standin, &lines, None);

    // a missing CA file is a set-up error naming the path
    let (r, _) = run_in(
        &reg,
        &standin.dir.path().join("nowhere"),
        ADMIN_PASSWORD,
        None,
    )
    .await;
    let e = r.unwrap_err();
    eprintln!("{e}");
    assert_eq!(e.kind, ErrorKind::Config, "{e}");
    assert!(e.to_string().contains("nowhere/standin-ca.pem"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_apim_insecure_skips_verification() {
    let standin = StandIn::start(0).await;
    let p = Profile::quickstart("km");
    let reg = standin.registration(
        &p,
        TlsPolicy {
            ca_file: None,
            insecure: true,
        },
    );
    let (r, lines) = run(&reg, ADMIN_PASSWORD, None).await;
    assert!(matches!(r, Ok(Outcome::Created { .. })), "{r:?}");
    assert!(lines[0].contains("TLS NOT VERIFIED"), "{lines:#?}");
    assert_clean(&standin, &lines, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_apim_schema_rejection_is_shown_without_the_echoed_password() {
    let standin = StandIn::start(0).await;
    let p = Profile::quickstart("km");
    let mut reg = standin.registration(&p, standin.trust());
    // a string where the schema wants a boolean; the stand-in echoes the body, password and all
    // (additionalProperties first, so the password falls inside the excerpt)
    let mut reordered = serde_json::Map::new();
    reordered.insert(
        "additionalProperties".into(),
        reg.body["additionalProperties"].clone(),
    );
    for (k, v) in reg.body.as_object().unwrap() {
        reordered.entry(k.clone()).or_insert_with(|| v.clone());
    }
    reg.body = Value::Object(reordered);
    reg.body["enabled"] = Value::String("true".into());
    let (r, lines) = run(&reg, ADMIN_PASSWORD, None).await;
    let e = r.unwrap_err();
    eprintln!("{e}");
    assert_eq!(e.status(), Some(400), "{e}");
    let text = e.to_string();
    assert!(
        text.contains("java.lang.Boolean") && text.contains("enabled"),
        "{text}"
    );
    assert!(e.hint().unwrap().contains("key-manager body"), "{text}");
    assert!(
        text.contains("********"),
        "the echoed password is masked: {text}"
    );
    assert_clean(&standin, &lines, Some(&e));
    assert!(standin.key_managers().is_empty());

    // and the IS 7 connector's flag must be a JSON boolean
    reg.body["enabled"] = Value::Bool(true);
    reg.body["additionalProperties"]["enable_roles_creation"] = Value::String("Enable".into());
    let (r, _) = run(&reg, ADMIN_PASSWORD, None).await;
    let e = r.unwrap_err();
    eprintln!("{e}");
    assert!(e.to_string().contains("enable_roles_creation"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_apim_token_without_admin_scopes_gets_a_scopes_hint() {
    let standin = StandIn::start(0).await;
    standin.state.0.lock().unwrap().deny_scopes = true;
    let p = Profile::quickstart("km");
    let reg = standin.registration(&p, standin.trust());
    let (r, lines) = run(&reg, ADMIN_PASSWORD, None).await;
    let e = r.unwrap_err();
    eprintln!("{e}");
    let text = e.to_string();
    assert!(text.contains("\"default\""), "{text}");
    let hint = e.hint().unwrap();
    assert!(
        hint.contains("scopes") && hint.contains("apim:keymanagers_manage"),
        "{hint}"
    );
    assert_clean(&standin, &lines, Some(&e));
}

#[test]
fn standin_apim_schema_check_accepts_the_planned_body_and_can_fail() {
    // the stand-in's validator is itself tested: the planned body passes, broken ones do not
    let p = Profile::quickstart("km");
    let body = kmpilot::steps::key_manager::body(&p);
    validate_key_manager(&body).unwrap();
    let mut b = body.clone();
    b["name"] = Value::String(String::new());
    assert!(validate_key_manager(&b).is_err());
    let mut b = body.clone();
    b["type"] = Value::String("x".repeat(46));
    assert!(validate_key_manager(&b).is_err());
    let mut b = body.clone();
    b["certificates"]["type"] = Value::String("X509".into());
    assert!(validate_key_manager(&b).is_err());
    let mut b = body.clone();
    b["endpoints"][0] = serde_json::json!({"name": "token_endpoint"});
    assert!(validate_key_manager(&b).is_err());
    let mut b = body;
    b.as_object_mut().unwrap().remove("name");
    assert!(validate_key_manager(&b).is_err());
}

/// Each line's body is the one its connector stores: 4.5 flat, 4.6 and 4.7 with
/// `Authentication: BasicAuth`, so the stand-in of each line takes it without a backward-
/// compatibility note; the stand-in of 4.6 takes the old flat shape too (as real API-M does)
/// but notes it, and refuses what the real connector refuses.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_apim_each_line_gets_the_credentials_shape_its_connector_stores() {
    for (version, basic) in [("4.5.0-10", false), ("4.6.0-5", true), ("4.7.0-1", true)] {
        let standin = StandIn::start_line(version, 0).await;
        let mut p = Profile::quickstart("km");
        p.api_manager.chart_version = version.into();
        let reg = standin.registration(&p, standin.trust());
        register_ok(&reg).await;
        let ap = standin.key_managers()[0]["additionalProperties"].clone();
        assert_eq!(
            ap.get("Authentication").and_then(Value::as_str),
            basic.then_some("BasicAuth"),
            "{version}: {ap}"
        );
        assert_eq!(ap["Username"], "admin", "{version}");
        assert_eq!(ap["Password"], CONNECTOR_PASSWORD, "{version}");
        assert_eq!(standin.findings(), Vec::<String>::new(), "{version}");
    }

    // the 4.6 connector still accepts a 4.5 body and reads it as BasicAuth
    let standin = StandIn::start_line("4.6.0-5", 0).await;
    let mut p = Profile::quickstart("km");
    p.api_manager.chart_version = "4.5.0-10".into();
    let reg = standin.registration(&p, standin.trust());
    register_ok(&reg).await;
    assert_eq!(standin.findings().len(), 1, "{:?}", standin.findings());
    let live = kmpilot::http::registered_via(
        &reg,
        &base_dir(),
        ADMIN_PASSWORD,
        &kmpilot::http::Reach::direct(),
        &mut |_| {},
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(live["additionalProperties"]["Authentication"], "BasicAuth");

    // what the real connectors refuse
    let body = |ap: Value| serde_json::json!({"name": "k", "type": "WSO2-IS-7", "additionalProperties": ap});
    let ends = serde_json::json!({"api_resource_management_endpoint": "https://is/a", "is7_roles_endpoint": "https://is/r"});
    let with = |extra: Value| {
        let mut m = ends.as_object().unwrap().clone();
        m.extend(extra.as_object().unwrap().clone());
        body(Value::Object(m))
    };
    use kmpilot::chart_lines::KmAuthShape::{BasicAuth, Flat};
    let e = connector_check(Flat, &with(serde_json::json!({"Username": "a"}))).unwrap_err();
    assert!(e.1.contains("Password is/are required"), "{e:?}");
    let e = connector_check(
        BasicAuth,
        &with(serde_json::json!({"Authentication": "BasicAuth", "Username": "a", "Password": ""})),
    )
    .unwrap_err();
    assert_eq!(e.0.as_u16(), 400, "{e:?}");
    let e = connector_check(
        BasicAuth,
        &with(serde_json::json!({"Authentication": "BasicAuth", "Password": "x"})),
    )
    .unwrap_err();
    assert_eq!(e.0.as_u16(), 500, "{e:?}");
    let e = connector_check(
        BasicAuth,
        &body(serde_json::json!({"Authentication": "BasicAuth", "Username": "a", "Password": "x"})),
    )
    .unwrap_err();
    assert!(e.1.contains("api_resource_management_endpoint"), "{e:?}");
}

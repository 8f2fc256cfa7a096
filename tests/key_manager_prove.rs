//! The key manager proven end to end (`kmpilot::http::prove_via`, the `prove` step) against the
//! STAND-IN FOR API-M and IS in `km_support` (Publisher v4, Developer Portal v3, the gateway,
//! IS's token and revoke endpoints): the quickstart of every chart line passes, each failure
//! stage says its cause and fix, and nothing the proof created is left behind.

mod km_support;

use std::time::Duration;

use km_support::*;
use kmpilot::http::key_manager::prove::{STAGE_CALL, STAGE_KEYS, STAGE_PUBLISH, STAGE_REFUSED};
use kmpilot::http::{KmError, Proved, prove_via};
use kmpilot::plan::prove::Proof;
use kmpilot::profile::Profile;

/// A stand-in of `line` with the quickstart's key manager registered, and the proof for it.
async fn registered(line: &str) -> (StandIn, Proof) {
    let standin = StandIn::start_line(line, 0).await;
    let mut p = Profile::quickstart("km");
    p.api_manager.chart_version = line.into();
    register_ok(&standin.registration(&p, standin.trust())).await;
    let proof = standin.proof(&p);
    (standin, proof)
}

async fn run(standin: &StandIn, proof: &Proof) -> (Result<Proved, KmError>, Vec<String>) {
    let mut lines = Vec::new();
    let r = prove_via(
        proof,
        &std::env::temp_dir(),
        ADMIN_PASSWORD,
        &kmpilot::http::Reach::direct(),
        &mut |l| lines.push(l),
    )
    .await;
    for l in &lines {
        assert_no_secret("a progress line", l, &all_secrets(standin));
    }
    (r, lines)
}

/// Nothing the proof created is in the Publisher or the Developer Portal any more.
fn nothing_left(standin: &StandIn) {
    assert_eq!(
        standin.portal_items(),
        (Vec::new(), Vec::new(), 0),
        "the proof left something behind"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quickstart_of_every_line_is_proven_and_leaves_nothing_behind() {
    for line in ["4.5.0-10", "4.6.0-5", "4.7.0-1"] {
        let (standin, proof) = registered(line).await;
        standin.with_proof(|s| s.notification_delay = Duration::from_millis(1200));
        // before: the portals are empty
        assert_eq!(standin.portal_items(), (Vec::new(), Vec::new(), 0));
        let (r, lines) = run(&standin, &proof).await;
        let proved = r.unwrap_or_else(|e| panic!("{line}: {e}\n{}", lines.join("\n")));
        assert!(proved.revocation >= Duration::from_millis(1200), "{line}");
        assert!(proved.left_behind.is_empty(), "{line}");
        // the seconds are the measured time, rounded up (on a loaded machine it may be 3)
        assert_eq!(
            proved.headline(),
            format!(
                "working: token from IS accepted by the gateway; revocation reached the gateway in {} s",
                proved.revocation.as_secs_f64().ceil() as u64
            ),
            "{line}"
        );
        // it did publish, key, subscribe and call before removing it all again
        let log = standin.log();
        for want in [
            "POST /api/am/publisher/v4/apis → 201",
            "POST /api/am/devportal/v3/subscriptions → 201",
            "GET /kmpilot-proof/1.0.0 → 200",
            "GET /kmpilot-proof/1.0.0 → 401",
            "DELETE /api/am/devportal/v3/subscriptions/",
        ] {
            assert!(
                log.iter().any(|l| l.starts_with(want) || l.contains(want)),
                "{line}: no {want} in {log:#?}"
            );
        }
        nothing_left(&standin);
    }
}

/// The stand-in's gateway refuses what API-M's refuses: no token, a token IS did not issue
/// (API-M's own admin token: an unknown issuer), and an application that is not subscribed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_standin_gateway_refuses_unknown_tokens_and_unsubscribed_applications() {
    let (standin, mut proof) = registered("4.7.0-1").await;
    // the subscription never reaches the gateway: to it, the application is not subscribed
    standin.with_proof(|s| s.gateway_misses_subscriptions = true);
    proof.gateway_seconds = 1;
    let (r, _) = run(&standin, &proof).await;
    let e = r.expect_err("an unsubscribed application must be refused");
    assert_eq!(e.stage, STAGE_CALL, "{e}");
    assert_eq!(e.status(), Some(403), "{e}");
    assert!(
        e.to_string().contains("Subscription validation failed"),
        "{e}"
    );
    nothing_left(&standin);

    // a token from another issuer (API-M's own admin token) is not accepted
    let http = reqwest::Client::builder()
        .add_root_certificate(
            reqwest::Certificate::from_pem(standin.pki.ca_pem.as_bytes()).unwrap(),
        )
        .build()
        .unwrap();
    let admin_token = standin
        .state
        .0
        .lock()
        .unwrap()
        .tokens
        .keys()
        .next()
        .cloned()
        .unwrap();
    standin
        .state
        .0
        .lock()
        .unwrap()
        .proof
        .apis
        .push(km_support::proof_state::Api {
            id: "x".into(),
            name: "x".into(),
            context: "/x".into(),
            version: "1".into(),
            key_managers: vec!["all".into()],
            revisions: vec![],
            deployed: vec!["gw".into()],
            published: true,
        });
    let url = format!("{}/x/1", standin.base);
    let s = http
        .get(&url)
        .bearer_auth(&admin_token)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(s, 401);
    let s = http.get(&url).send().await.unwrap().status();
    assert_eq!(s, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dcr_refused_by_is_names_the_key_stage_and_the_connector() {
    let (standin, proof) = registered("4.6.0-5").await;
    standin.with_proof(|s| s.is_refuses_dcr = true);
    let (r, _) = run(&standin, &proof).await;
    let e = r.expect_err("IS refused DCR");
    assert_eq!(e.stage, STAGE_KEYS, "{e}");
    let hint = e.hint().unwrap();
    assert!(
        hint.contains("DCR") && hint.contains("keyManager.connector"),
        "{hint}"
    );
    assert!(kmpilot::http::missing_headline(&e).starts_with("not working: generate keys"));
    nothing_left(&standin);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_creation_refused_by_is_points_at_allow_system_prefix_for_role() {
    let standin = StandIn::start_line("4.5.0-10", 0).await;
    let mut p = Profile::quickstart("km");
    p.api_manager.chart_version = "4.5.0-10".into();
    p.key_manager.create_roles = true;
    register_ok(&standin.registration(&p, standin.trust())).await;
    let proof = standin.proof(&p);
    standin.with_proof(|s| s.is_refuses_system_roles = true);
    let (r, _) = run(&standin, &proof).await;
    let e = r.expect_err("IS refused the role");
    assert_eq!(e.stage, STAGE_PUBLISH, "{e}");
    assert!(e.to_string().contains("Failed to create role"), "{e}");
    assert!(
        e.hint()
            .unwrap()
            .contains("[role_mgt] allow_system_prefix_for_role = true"),
        "{e}"
    );
    nothing_left(&standin);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_not_trusting_is_names_the_jwks_and_the_issuer() {
    for broken in ["jwks", "issuer"] {
        let (standin, proof) = registered("4.7.0-1").await;
        standin.with_proof(|s| match broken {
            "jwks" => s.gateway_distrusts_is = true,
            _ => s.is_issuer = "https://somewhere-else.example/oauth2/token".into(),
        });
        let (r, _) = run(&standin, &proof).await;
        let e = r.expect_err("the gateway refuses");
        assert_eq!(
            (e.stage, e.status()),
            (STAGE_CALL, Some(401)),
            "{broken}: {e}"
        );
        let hint = e.hint().unwrap();
        assert!(
            hint.contains("JWKS") && hint.contains("issuer"),
            "{broken}: {hint}"
        );
        nothing_left(&standin);
    }
}

/// A 401 the backend wrote (the gateway forwarded IS's token to API-M's own REST API) is not
/// reported as the gateway distrusting IS: the gateway's faults carry a 9009xx code, this one
/// does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backend_refusing_the_forwarded_token_is_not_blamed_on_the_gateway() {
    let (standin, proof) = registered("4.6.0-5").await;
    standin.with_proof(|s| s.backend_refuses_token = true);
    let (r, _) = run(&standin, &proof).await;
    let e = r.expect_err("the backend refuses");
    assert_eq!((e.stage, e.status()), (STAGE_CALL, Some(401)), "{e}");
    let hint = e.hint().unwrap();
    assert!(
        hint.contains("backend") && hint.contains("enableOutboundAuthHeader"),
        "{hint}"
    );
    assert!(!hint.contains("JWKS"), "{hint}");
    nothing_left(&standin);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_that_never_reaches_the_gateway_names_the_notification_path() {
    let (standin, mut proof) = registered("4.7.0-1").await;
    standin.with_proof(|s| s.notification_lost = true);
    proof.revocation_seconds = 2;
    let (r, _) = run(&standin, &proof).await;
    let e = r.expect_err("the gateway still accepts the revoked token");
    assert_eq!(e.stage, STAGE_REFUSED, "{e}");
    let hint = e.hint().unwrap();
    for want in [
        "notification handler",
        "X-WSO2-KEY-MANAGER: WSO2IS7",
        "/internal/data/v1/notify",
    ] {
        assert!(hint.contains(want), "{want}: {hint}");
    }
    assert_eq!(
        kmpilot::http::missing_headline(&e).split(" — ").next(),
        Some("not working: revocation reaching the gateway failed")
    );
    nothing_left(&standin);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_hostname_that_does_not_resolve_says_so_and_cleans_up() {
    let (standin, mut proof) = registered("4.7.0-1").await;
    proof.gateway_url = format!("https://gw.kmpilot-proof.invalid:{}", standin.addr.port());
    let (r, _) = run(&standin, &proof).await;
    let e = r.expect_err("the name does not resolve");
    assert_eq!(e.stage, STAGE_CALL, "{e}");
    let hint = e.hint().unwrap();
    assert!(
        hint.contains("gw.kmpilot-proof.invalid does not resolve") && hint.contains("dns step"),
        "{hint}"
    );
    nothing_left(&standin);
}

/// What an earlier proof left (killed before its clean-up) would make API-M answer 409 to
/// the next proof's API and application: the proof removes them first and passes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_an_earlier_proof_left_is_removed_before_the_next_one() {
    let (standin, proof) = registered("4.7.0-1").await;
    standin.with_proof(|s| {
        s.apis.push(km_support::proof_state::Api {
            id: "left-api".into(),
            name: proof.api.name.clone(),
            context: proof.api.context.clone(),
            version: proof.api.version.clone(),
            key_managers: vec![proof.key_manager.clone()],
            revisions: Vec::new(),
            deployed: Vec::new(),
            published: true,
        });
        s.applications.push(km_support::proof_state::App {
            id: "left-app".into(),
            name: proof.api.application.clone(),
            keys: None,
        });
    });
    let (r, lines) = run(&standin, &proof).await;
    r.unwrap_or_else(|e| panic!("{e}\n{}", lines.join("\n")));
    assert!(
        lines.iter().any(|l| l.contains("an earlier proof left")),
        "{lines:#?}"
    );
    nothing_left(&standin);
}

//! Removing kmpilot's key-manager registration (`kmpilot::http::deregister_via`, what
//! `kmpilot destroy` calls) against the STAND-IN FOR API-M in tests/km_support, which answers
//! DELETE as API-M's Admin REST API v4 does (200, 404 for an unknown id, 401 without a token it
//! issued: a wrong admin password gets no token, so nothing is deleted). It is not API-M; test names say `standin_apim_`.

mod km_support;

use km_support::*;
use kmpilot::http::{Outcome, Reach, Removed, deregister_via, register};
use kmpilot::profile::Profile;
use kmpilot::steps::key_manager::TlsPolicy;

fn trust(standin: &StandIn) -> TlsPolicy {
    TlsPolicy {
        ca_file: Some(standin.ca_file()),
        insecure: false,
    }
}

async fn deregister(
    reg: &kmpilot::steps::key_manager::Registration,
    password: &str,
    dry_run: bool,
) -> (Result<Removed, kmpilot::http::KmError>, Vec<String>) {
    let mut lines = Vec::new();
    let mut progress = |l: String| lines.push(l);
    let r = deregister_via(
        reg,
        &std::env::temp_dir(),
        password,
        &Reach::direct(),
        dry_run,
        &mut progress,
    )
    .await;
    (r, lines)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_apim_registration_is_deleted_once_then_reported_gone() {
    let standin = StandIn::start(0).await;
    let p = Profile::quickstart("km");
    let reg = standin.registration(&p, trust(&standin));
    let mut sink = |_l: String| {};
    let created = register(
        &reg,
        &std::env::temp_dir(),
        ADMIN_PASSWORD,
        CONNECTOR_PASSWORD,
        None,
        &mut sink,
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let Outcome::Created { id } = created else {
        panic!("expected Created, got {created:?}")
    };
    assert_eq!(standin.key_managers().len(), 1);

    // a dry run lists it and deletes nothing
    let (r, _) = deregister(&reg, ADMIN_PASSWORD, true).await;
    assert_eq!(
        r.unwrap_or_else(|e| panic!("{e}")),
        Removed::WouldDelete { id: id.clone() }
    );
    assert_eq!(standin.key_managers().len(), 1);

    let (r, lines) = deregister(&reg, ADMIN_PASSWORD, false).await;
    assert_eq!(
        r.unwrap_or_else(|e| panic!("{e}")),
        Removed::Deleted { id: id.clone() }
    );
    assert!(standin.key_managers().is_empty());
    assert!(
        standin
            .log()
            .iter()
            .any(|l| l == &format!("DELETE /api/am/admin/v4/key-managers/{id} → 200")),
        "{:#?}",
        standin.log()
    );
    let secrets = all_secrets(&standin);
    for l in &lines {
        assert_no_secret("a progress line", l, &secrets);
    }
    assert!(lines.iter().any(|l| l.contains("it will be deleted")), "{lines:#?}");

    // again: nothing to delete, no DELETE sent
    let (r, _) = deregister(&reg, ADMIN_PASSWORD, false).await;
    assert_eq!(r.unwrap_or_else(|e| panic!("{e}")), Removed::NotRegistered);
    assert_eq!(
        standin
            .log()
            .iter()
            .filter(|l| l.starts_with("DELETE "))
            .count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_apim_wrong_admin_password_deletes_nothing() {
    let standin = StandIn::start(0).await;
    let p = Profile::quickstart("km");
    let reg = standin.registration(&p, trust(&standin));
    let mut sink = |_l: String| {};
    register(
        &reg,
        &std::env::temp_dir(),
        ADMIN_PASSWORD,
        CONNECTOR_PASSWORD,
        None,
        &mut sink,
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let (r, _) = deregister(&reg, "not-the-password", false).await;
    let e = r.expect_err("a wrong admin password is refused");
    assert!(e.to_string().contains("401"), "{e}");
    assert_eq!(standin.key_managers().len(), 1, "nothing was deleted");
}

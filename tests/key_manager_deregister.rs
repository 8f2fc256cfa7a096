//! Removing kmpilot's key-manager registration (`kmpilot::http::deregister_via`, what
//! `kmpilot destroy` calls) against the STAND-IN FOR API-M in tests/km_support, which answers
//! DELETE as API-M's Admin REST API v4 does (200, 404 for an unknown id, 401 without a token it
//! issued: a wrong admin password gets no token, so nothing is deleted). It is not API-M; test names say `standin_apim_`.

mod km_support;

use km_support::*;
use kmpilot::http::{Outcome, Reach, Removed, deregister_via};
use kmpilot::profile::Profile;

async fn deregister(
    reg: &kmpilot::plan::key_manager::Registration,
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
    let reg = standin.registration(&p, standin.trust());
    let created = register_ok(&reg).await;
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
    assert!(
        lines.iter().any(|l| l.contains("it will be deleted")),
        "{lines:#?}"
    );

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
    let reg = standin.registration(&p, standin.trust());
    register_ok(&reg).await;
    let (r, _) = deregister(&reg, "not-the-password", false).await;
    let e = r.expect_err("a wrong admin password is refused");
    assert!(e.to_string().contains("401"), "{e}");
    assert_eq!(standin.key_managers().len(), 1, "nothing was deleted");
}

/// Runs `plan` through the executor (as `apply` and `destroy` do) with `state` as the state
/// directory; returns whether it succeeded and every output line.
async fn execute(plan: &kmpilot::plan::Plan, state: &std::path::Path) -> (bool, Vec<String>) {
    use kmpilot::exec::{self, RunOptions, events::Event, secrets::Secrets};
    let opts = RunOptions {
        dry_run: false,
        resume: false,
        from: None,
        only: None,
        work_dir: state.join("work"),
        state_dir: state.to_path_buf(),
        base_dir: state.to_path_buf(),
        concurrency: 1,
        skip: Vec::new(),
        allow_upgrade: false,
    };
    let uses = exec::secrets_needed(plan, &opts);
    let secrets = Secrets::resolve(&uses, state, None).expect("literal secrets");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let (_cancel_tx, cancel_rx) = tokio::sync::watch::channel(false);
    let ok = exec::run(plan, &opts, &secrets, tx, cancel_rx).await;
    let mut lines = Vec::new();
    while let Ok(ev) = rx.try_recv() {
        match ev {
            Event::Output { line, .. } => lines.push(line),
            Event::StepFailed { error, hint, .. } => {
                lines.push(format!("FAILED: {error} {}", hint.unwrap_or_default()))
            }
            _ => {}
        }
    }
    (ok, lines)
}

/// Through the executor: a key manager kmpilot's registration created goes into the creation
/// ledger and destroy deletes it; one that existed before (the registration only updated it)
/// is not kmpilot's, and destroy leaves it and says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_apim_destroy_deletes_only_the_key_manager_kmpilot_created() {
    use kmpilot::plan::{Action, Plan, Step, StepId, destroy};
    use kmpilot::profile::secret::SecretRef;
    let standin = StandIn::start(0).await;
    let state = tempfile::tempdir().unwrap();
    let mut p = Profile::quickstart("km-destroy");
    p.api_manager.admin.password = SecretRef::Literal(ADMIN_PASSWORD.into());
    let mut reg = standin.registration(&p, standin.trust());
    reg.connector.password = SecretRef::Literal(CONNECTOR_PASSWORD.into());
    reg.apim_route = None;
    let apply = Plan {
        profile: p.name.clone(),
        cluster: kmpilot::steps::cluster_target(&p),
        steps: vec![Step::new(
            StepId::KeyManager,
            vec![Action::RegisterKeyManager(Box::new(reg.clone()))],
        )],
        artifacts: Vec::new(),
        console_urls: Vec::new(),
        journal: None,
    };
    let (ok, lines) = execute(&apply, state.path()).await;
    assert!(ok, "{lines:#?}");
    assert_eq!(standin.key_managers().len(), 1);
    let teardown = destroy::from_apply(&p, &apply, false);
    assert_eq!(teardown.journal.as_deref(), Some("km-destroy.destroy"));
    let (ok, lines) = execute(&teardown, state.path()).await;
    assert!(ok, "{lines:#?}");
    assert!(standin.key_managers().is_empty(), "{lines:#?}");
    assert!(
        lines.iter().any(|l| l.contains("deleted (id")),
        "{lines:#?}"
    );

    // someone registered it first: kmpilot's run updates it, and destroy leaves it
    register_ok(&reg).await;
    let (ok, lines) = execute(&apply, state.path()).await;
    assert!(ok, "{lines:#?}");
    assert!(lines.iter().any(|l| l.contains("updated")), "{lines:#?}");
    let (ok, lines) = execute(&teardown, state.path()).await;
    assert!(ok, "{lines:#?}");
    assert_eq!(standin.key_managers().len(), 1, "{lines:#?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("left alone: key manager WSO2IS7")),
        "{lines:#?}"
    );
}

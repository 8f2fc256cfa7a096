//! The wizard's runner against the real test cluster: the Pods pane follows the profile the
//! run is for. A run for namespace A shows A's pods; after the namespace (or context) changed
//! in the wizard, the next run's pane shows B's and no longer A's; and watchers that gave up
//! (the kubeconfig did not exist yet) are started again by the next run. A destroy started from
//! the wizard runs the destroy plan, not the apply plan the cluster's answers would make.
//! Its tests share one temporary KMPILOT_STATE_DIR, set once before either reads it.

mod support;

use std::sync::Arc;
use std::time::Duration;

use kmpilot::kube::snapshot::{SyncState, WatchUpdate};
use kmpilot::plan::Plan;
use kmpilot::profile::Profile;
use kmpilot::tui::Msg;
use kmpilot::tui::runner::{ExecRunner, RunRequest, Runner, Sink};
use tokio::sync::mpsc;

/// The binary's state directory: set once, by whichever test comes first, before anything of
/// kmpilot's reads the variable (the other test waits on the `OnceLock`).
fn state_dir() -> &'static std::path::Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        // SAFETY: the tests of this binary call this first, and only here is it written
        unsafe { std::env::set_var("KMPILOT_STATE_DIR", d.path()) };
        d
    })
    .path()
}

fn request(p: &Profile) -> RunRequest {
    // no steps: only the runner's watchers are under test here
    run_request(
        p,
        Plan {
            profile: p.name.clone(),
            cluster: kmpilot::steps::cluster_target(p),
            steps: Vec::new(),
            artifacts: Vec::new(),
            console_urls: Vec::new(),
            journal: None,
        },
    )
}

fn run_request(p: &Profile, plan: Plan) -> RunRequest {
    RunRequest {
        profile: p.clone(),
        plan: Arc::new(plan),
        profile_path: None,
        resume: false,
        from: None,
        only: None,
        skip: Vec::new(),
    }
}

/// Waits for a pods snapshot that satisfies `ok`; returns the pod names of the last one seen.
async fn pods_until(
    rx: &mut mpsc::UnboundedReceiver<Msg>,
    what: &str,
    ok: impl Fn(&[String], &SyncState) -> bool,
) -> Vec<String> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut last = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(Msg::Watch(WatchUpdate::Pods(s)))) => {
                last = s.rows.iter().map(|r| r.name.clone()).collect();
                if ok(&last, &s.state) {
                    return last;
                }
            }
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => panic!("never saw {what}; last pods: {last:?}"),
        }
    }
}

fn add_pod(ns: &str, name: &str) {
    support::apply_yaml(&format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: {ns}}}\nspec: {{containers: [{{name: c, image: busybox}}]}}\n"
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pods_pane_follows_the_namespace_and_recovers_from_a_missing_kubeconfig() {
    let state = state_dir();
    let Some(tc) = support::test_cluster() else {
        return;
    };
    let a = tc.namespace("runner-pane-a");
    let b = tc.namespace("runner-pane-b");
    add_pod(&a.name, "pod-in-a");
    add_pod(&b.name, "pod-in-b");

    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut runner = ExecRunner::default();
    let mut p = Profile::quickstart("runner-pane");
    p.cluster.kubeconfig = Some(tc.kubeconfig.clone());
    p.cluster.namespace = a.name.clone();
    runner.start(request(&p), Sink(tx.clone()));
    pods_until(&mut rx, "pod-in-a", |pods, _| {
        pods.iter().any(|n| n == "pod-in-a")
    })
    .await;

    // the namespace changed in the wizard: the next run watches B, and A's pod goes away
    p.cluster.namespace = b.name.clone();
    runner.start(request(&p), Sink(tx.clone()));
    let shown = pods_until(&mut rx, "only pod-in-b", |pods, _| {
        pods.iter().any(|n| n == "pod-in-b") && !pods.iter().any(|n| n == "pod-in-a")
    })
    .await;
    assert_eq!(shown, ["pod-in-b"]);

    // watchers that gave up (no kubeconfig there yet) start again with the next run, even
    // though the profile did not change
    let later = state.join("later-kubeconfig");
    p.cluster.kubeconfig = Some(later.clone());
    runner.start(request(&p), Sink(tx.clone()));
    pods_until(&mut rx, "a re-syncing pane", |_, s| {
        matches!(s, SyncState::Resyncing { .. })
    })
    .await;
    std::fs::copy(&tc.kubeconfig, &later).unwrap();
    // no pause needed: the failed watchers let go of their stop signal before they report
    runner.start(request(&p), Sink(tx.clone()));
    pods_until(&mut rx, "pod-in-b after recovery", |pods, _| {
        pods.iter().any(|n| n == "pod-in-b")
    })
    .await;
    drop(runner);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_destroy_from_the_wizard_runs_the_destroy_plan() {
    state_dir();
    let Some(tc) = support::test_cluster() else {
        return;
    };
    let ns = tc.namespace("runner-destroy");
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut runner = ExecRunner::default();
    // the PrivateJet track alone: it installs neither server, so the runner has nothing to
    // ask the cluster and always plans an apply again (with no decisions); a destroy must not
    // be (before the fix, this ran the apply plan's steps, prerequisites first)
    let mut p = kmpilot::profile::load::from_path(
        std::path::Path::new("profiles/privatejet.yaml"),
        kmpilot::steps::validate,
    )
    .unwrap()
    .profile;
    p.cluster.kubeconfig = Some(tc.kubeconfig.clone());
    p.cluster.namespace = ns.name.clone();
    let destroy = kmpilot::steps::destroy_plan(&p, false);
    let want: Vec<_> = destroy.steps.iter().map(|s| s.id).collect();
    assert_ne!(
        want,
        kmpilot::steps::plan(&p)
            .steps
            .iter()
            .map(|s| s.id)
            .collect::<Vec<_>>(),
        "the two plans must be told apart by their steps"
    );
    runner.start(run_request(&p, destroy), Sink(tx.clone()));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    let started = loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(Msg::Exec(kmpilot::exec::events::Event::RunStarted { steps }))) => break steps,
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => panic!("the run never started"),
        }
    };
    runner.abort();
    assert_eq!(started, want, "the run is the destroy plan's");
    drop(runner);
}

//! The live panes' watchers against a real API server that is restarted under them: rows keep
//! showing while the pane says re-syncing, the pane comes back live on its own, and changes
//! after the restart arrive. No other file's test runs beside it (`support::one_file`): it
//! stops the API server.

use crate::support;

use std::time::{Duration, Instant};

use kmpilot::kube::snapshot::{IngressRow, PodRow, Snapshot, SyncState, WatchUpdate};
use kmpilot::kube::{Kube, spawn_watchers};
use serde_json::json;
use tokio::sync::mpsc;

/// The latest snapshot of each pane, and every pod-pane state seen, in order.
struct Panes {
    rx: mpsc::Receiver<WatchUpdate>,
    pods: Snapshot<PodRow>,
    ingresses: Snapshot<IngressRow>,
    pod_states: Vec<SyncState>,
    updates: usize,
}

impl Panes {
    fn take(&mut self, u: WatchUpdate) {
        self.updates += 1;
        match u {
            WatchUpdate::Pods(s) => {
                if self.pod_states.last() != Some(&s.state) {
                    self.pod_states.push(s.state.clone());
                }
                self.pods = s;
            }
            WatchUpdate::Ingresses(s) => self.ingresses = s,
            // the route watchers are started separately (Gateway API exposure only)
            WatchUpdate::Gateways(_) | WatchUpdate::HttpRoutes(_) => {
                panic!("the pod/ingress watchers sent a route update")
            }
        }
    }

    /// Receives until `done` holds for the current panes; panics after `timeout`.
    async fn until(&mut self, what: &str, timeout: Duration, done: impl Fn(&Panes) -> bool) {
        let deadline = tokio::time::Instant::now() + timeout;
        while !done(self) {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(u)) => self.take(u),
                Ok(None) => panic!("watchers stopped while waiting for {what}"),
                Err(_) => panic!(
                    "timed out after {timeout:?} waiting for {what}; pods pane: {:?}; ingresses: {:?}",
                    self.pods, self.ingresses
                ),
            }
        }
    }
}

fn running(p: &Snapshot<PodRow>, n: usize) -> bool {
    p.rows.len() == n
        && p.rows
            .iter()
            .all(|r| r.status == "Running" && r.ready == "1/1")
}

fn deployment(ns: &str, replicas: u32) -> serde_json::Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": ns},
        "spec": {"replicas": replicas,
                 "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "c", "image": "example.invalid/web:1"}]}}}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panes_resync_across_an_api_server_restart() {
    let _turn = support::one_file::turn(module_path!());
    let Some(tc) = support::test_cluster() else {
        return;
    };
    let ns = tc.namespace("kube-watch-restart");
    let kube: Kube = tc.kube().await;

    let (tx, rx) = mpsc::channel(64);
    let watchers = spawn_watchers(kube.client(), vec![ns.name.clone()], tx);
    let mut panes = Panes {
        rx,
        pods: Snapshot::default(),
        ingresses: Snapshot::default(),
        pod_states: vec![SyncState::Syncing],
        updates: 0,
    };
    panes
        .until("both panes live and empty", Duration::from_secs(20), |p| {
            p.pods.state == SyncState::Live && p.ingresses.state == SyncState::Live
        })
        .await;
    assert!(panes.pods.rows.is_empty());

    let t = Instant::now();
    kube.apply(&deployment(&ns.name, 2), false).await.unwrap();
    panes
        .until("2 running pods", Duration::from_secs(30), |p| {
            running(&p.pods, 2)
        })
        .await;
    eprintln!("2 pods Running on screen {:?} after the apply", t.elapsed());
    let row = &panes.pods.rows[0];
    assert_eq!(row.namespace, ns.name);
    assert!(row.name.starts_with("web-"));
    assert_eq!(row.restarts, 0);
    assert!(
        row.created.as_deref().is_some_and(|c| c.ends_with('Z')),
        "{row:?}"
    );
    let before: Vec<String> = panes.pods.rows.iter().map(|r| r.name.clone()).collect();

    kube.apply(
        &json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                "metadata": {"name": "apim", "namespace": ns.name},
                "spec": {"rules": [{"host": "am.wso2.com"}]}}),
        false,
    )
    .await
    .unwrap();
    panes
        .until("the ingress row", Duration::from_secs(20), |p| {
            p.ingresses.rows.len() == 1 && p.ingresses.rows[0].hosts == ["am.wso2.com"]
        })
        .await;
    assert_eq!(panes.ingresses.rows[0].address, "");

    // a wait that starts before the outage and is satisfied after it
    let late_secret = {
        let kube = kube.clone();
        let ns = ns.name.clone();
        tokio::spawn(async move {
            kube.wait_secret_key(&ns, "late", "k", Duration::from_secs(90))
                .await
        })
    };

    // stop the API server for 3 s, start it again; the script returns once it is usable
    let restart = {
        let tc = tc.clone();
        tokio::task::spawn_blocking(move || {
            let started = Instant::now();
            let out = tc.script(&["restart-apiserver", "--down-for", "3"]);
            (out, started.elapsed())
        })
    };
    let t = Instant::now();
    panes
        .until("the pods pane to re-sync", Duration::from_secs(30), |p| {
            matches!(p.pods.state, SyncState::Resyncing { .. })
        })
        .await;
    eprintln!(
        "pods pane Resyncing {:?} after the restart began: {:?}",
        t.elapsed(),
        panes.pods.state
    );
    let names: Vec<String> = panes.pods.rows.iter().map(|r| r.name.clone()).collect();
    assert_eq!(names, before, "rows are kept while re-syncing");
    // an apply issued while the API server is away is retried until it is back
    let during_outage = {
        let kube = kube.clone();
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
                        "metadata": {"name": "during-outage", "namespace": ns.name},
                        "data": {"k": "v"}});
        tokio::spawn(async move { kube.apply(&cm, false).await })
    };

    let (out, took) = restart.await.unwrap();
    assert!(
        out.status.success(),
        "restart-apiserver failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("restart-apiserver took {took:?}");
    let t = Instant::now();
    panes
        .until("both panes live again", Duration::from_secs(30), |p| {
            p.pods.state == SyncState::Live && p.ingresses.state == SyncState::Live
        })
        .await;
    eprintln!(
        "panes Live {:?} after the API server was usable again",
        t.elapsed()
    );
    let names: Vec<String> = panes.pods.rows.iter().map(|r| r.name.clone()).collect();
    assert_eq!(names, before, "the same pods after the re-list");
    assert_eq!(panes.ingresses.rows.len(), 1);
    assert!(
        matches!(
            panes.pod_states.as_slice(),
            [
                SyncState::Syncing,
                SyncState::Live,
                SyncState::Resyncing { .. },
                ..,
                SyncState::Live
            ]
        ),
        "{:?}",
        panes.pod_states
    );

    let applied = during_outage
        .await
        .unwrap()
        .expect("apply rides out the restart");
    eprintln!("apply issued during the outage: {applied}");
    kube.apply_secret(
        &ns.name,
        "late",
        None,
        [("k".to_string(), b"v".to_vec())].into(),
        false,
    )
    .await
    .unwrap();
    let got = tokio::time::timeout(Duration::from_secs(20), late_secret)
        .await
        .expect("the wait sees the secret created after the restart")
        .unwrap()
        .unwrap();
    assert_eq!(got, b"v");

    // changes after recovery arrive; a burst is coalesced (≤ one update per 50 ms per pane)
    let t = Instant::now();
    let updates_before = panes.updates;
    // controllers need a few seconds after an API server outage; the wait is on the condition
    kube.apply(&deployment(&ns.name, 40), false).await.unwrap();
    panes
        .until("40 running pods", Duration::from_secs(60), |p| {
            running(&p.pods, 40)
        })
        .await;
    let elapsed = t.elapsed();
    let updates = panes.updates - updates_before;
    eprintln!("40 pods Running on screen after {elapsed:?}, in {updates} updates");
    let ceiling = (elapsed.as_millis() / 50) as usize * 2 + 4;
    assert!(updates <= ceiling, "{updates} updates in {elapsed:?}");
    assert!(
        panes.pods.rows.windows(2).all(|w| w[0].name < w[1].name),
        "sorted"
    );

    kube.apply(&deployment(&ns.name, 1), false).await.unwrap();
    let out = tc.kubectl(&["-n", &ns.name, "delete", "ingress", "apim"]);
    assert!(out.status.success());
    panes
        .until(
            "scale-down and ingress deletion",
            Duration::from_secs(60),
            |p| running(&p.pods, 1) && p.ingresses.rows.is_empty(),
        )
        .await;

    drop(watchers);
    let t = Instant::now();
    // once the watchers are gone the channel closes
    while let Some(u) = tokio::time::timeout(Duration::from_secs(5), panes.rx.recv())
        .await
        .expect("channel closes after the watchers are dropped")
    {
        panes.take(u);
    }
    assert!(t.elapsed() < Duration::from_secs(5));
}

//! Live panes: watchers over pods and ingresses of the profile's namespaces, turned into whole
//! `Snapshot`s on a channel.
//!
//! Why it is built this way:
//! - One watcher per namespace and kind, each with its own back-off (a failing namespace does
//!   not stall the others; cf. kube-rs lessons in the design notes).
//! - Objects become rows as they arrive; no Pod is kept, so 10,000 pods cost rows, not specs.
//! - On any watch error the watcher is dropped, the pane turns `Resyncing { reason }` with its
//!   last rows, and after a back-off a fresh watcher re-lists. kube's watcher would resume by
//!   itself, but a resumed watch emits nothing until something changes, so the pane could not
//!   tell it has recovered; a completed re-list is an unambiguous `Live` (and catches deletions
//!   made while the API server was away).
//! - A per-pane aggregator sends at most one snapshot per `coalesce` interval (leading edge: a
//!   lone change goes out at once), and nothing when a change does not alter any row.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::time::Duration;

use ::kube::api::Api;
use ::kube::runtime::watcher::{self, Event, watcher};
use ::kube::{Client, Resource};
use futures::StreamExt;
use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::networking::v1::Ingress;
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::backoff::Backoff;
use super::rows::{ingress_row, pod_row};
use super::snapshot::{Snapshot, SyncState, WatchUpdate};
use super::wait::describe_watcher_error;

type Key = (String, String);

#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// Label selector for both kinds (e.g. `app.kubernetes.io/instance=apim`); all when `None`.
    pub label_selector: Option<String>,
    /// Minimum time between two snapshots of one pane.
    pub coalesce: Duration,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            label_selector: None,
            coalesce: Duration::from_millis(50),
        }
    }
}

/// The running watcher tasks. Dropping this (or `abort`) stops them; they also stop by
/// themselves once the receiving end of the channel is gone.
#[must_use = "dropping Watchers stops the watchers"]
pub struct Watchers {
    tasks: Vec<JoinHandle<()>>,
}

impl Watchers {
    pub fn abort(&self) {
        for t in &self.tasks {
            t.abort();
        }
    }

    pub(crate) fn from_tasks(tasks: Vec<JoinHandle<()>>) -> Self {
        Watchers { tasks }
    }

    /// True once every task ended (the receiver was dropped, or `abort`).
    pub fn is_finished(&self) -> bool {
        self.tasks.iter().all(JoinHandle::is_finished)
    }
}

impl Drop for Watchers {
    fn drop(&mut self) {
        self.abort();
    }
}

/// Watches pods and ingresses in `namespaces` (every namespace when empty) and sends
/// `WatchUpdate::Pods` / `WatchUpdate::Ingresses` snapshots on `tx`. Must be called inside a
/// tokio runtime.
pub fn spawn_watchers(
    client: Client,
    namespaces: Vec<String>,
    tx: mpsc::Sender<WatchUpdate>,
) -> Watchers {
    spawn_watchers_with(client, namespaces, WatchOptions::default(), tx)
}

pub fn spawn_watchers_with(
    client: Client,
    namespaces: Vec<String>,
    options: WatchOptions,
    tx: mpsc::Sender<WatchUpdate>,
) -> Watchers {
    let mut namespaces = namespaces;
    namespaces.sort();
    namespaces.dedup();
    let mut tasks = spawn_pane::<Pod, _>(
        &client,
        &namespaces,
        &options,
        pod_row,
        WatchUpdate::Pods,
        tx.clone(),
    );
    tasks.extend(spawn_pane::<Ingress, _>(
        &client,
        &namespaces,
        &options,
        ingress_row,
        WatchUpdate::Ingresses,
        tx,
    ));
    Watchers { tasks }
}

/// What a source (one namespace's watcher) tells its pane's aggregator.
enum SourceMsg<R> {
    /// A complete list finished: these are all the rows.
    Synced(BTreeMap<Key, R>),
    Upsert(Key, R),
    Remove(Key),
    /// The watch failed; rows stay, a fresh list follows after a back-off.
    Broken(String),
}

pub(crate) fn spawn_pane<K, R>(
    client: &Client,
    namespaces: &[String],
    options: &WatchOptions,
    to_row: fn(&K) -> R,
    wrap: fn(Snapshot<R>) -> WatchUpdate,
    tx: mpsc::Sender<WatchUpdate>,
) -> Vec<JoinHandle<()>>
where
    K: Resource<DynamicType = (), Scope = NamespaceResourceScope>
        + Clone
        + DeserializeOwned
        + Debug
        + Send
        + 'static,
    R: Clone + PartialEq + Send + 'static,
{
    let mut config = watcher::Config::default();
    if let Some(sel) = &options.label_selector {
        config = config.labels(sel);
    }
    let (src_tx, src_rx) = mpsc::channel::<(usize, SourceMsg<R>)>(1024);
    let mut tasks = Vec::new();
    let labels: Vec<String> = if namespaces.is_empty() {
        vec!["all namespaces".into()]
    } else {
        namespaces.to_vec()
    };
    let apis: Vec<Api<K>> = if namespaces.is_empty() {
        vec![Api::all(client.clone())]
    } else {
        namespaces
            .iter()
            .map(|ns| Api::namespaced(client.clone(), ns))
            .collect()
    };
    for (idx, api) in apis.into_iter().enumerate() {
        tasks.push(tokio::spawn(run_source(
            idx,
            api,
            config.clone(),
            to_row,
            src_tx.clone(),
        )));
    }
    drop(src_tx);
    tasks.push(tokio::spawn(run_pane(
        labels,
        src_rx,
        options.coalesce,
        wrap,
        tx,
    )));
    tasks
}

fn key_of<K: Resource>(o: &K) -> Key {
    (
        o.meta().namespace.clone().unwrap_or_default(),
        o.meta().name.clone().unwrap_or_default(),
    )
}

async fn run_source<K, R>(
    idx: usize,
    api: Api<K>,
    config: watcher::Config,
    to_row: fn(&K) -> R,
    tx: mpsc::Sender<(usize, SourceMsg<R>)>,
) where
    K: Resource<DynamicType = ()> + Clone + DeserializeOwned + Debug + Send + 'static,
    R: Send + 'static,
{
    let mut backoff = Backoff::for_watches();
    loop {
        let mut stream = watcher(api.clone(), config.clone()).boxed();
        let mut pending: Option<BTreeMap<Key, R>> = None;
        let reason = loop {
            let msg = match stream.next().await {
                Some(Ok(Event::Init)) => {
                    pending = Some(BTreeMap::new());
                    None
                }
                Some(Ok(Event::InitApply(o))) => {
                    pending
                        .get_or_insert_default()
                        .insert(key_of(&o), to_row(&o));
                    None
                }
                Some(Ok(Event::InitDone)) => {
                    backoff.reset();
                    Some(SourceMsg::Synced(pending.take().unwrap_or_default()))
                }
                Some(Ok(Event::Apply(o))) => Some(SourceMsg::Upsert(key_of(&o), to_row(&o))),
                Some(Ok(Event::Delete(o))) => Some(SourceMsg::Remove(key_of(&o))),
                // 410 Gone: the resume point was compacted away. Routine, not an outage: the
                // watcher re-lists by itself (Init … InitDone), so the pane stays live.
                Some(Err(watcher::Error::WatchError(s))) if s.code == 410 => None,
                Some(Err(e)) => break describe_watcher_error(&e),
                None => break "watch stream ended".to_string(),
            };
            if let Some(m) = msg
                && tx.send((idx, m)).await.is_err()
            {
                return; // the pane is gone
            }
        };
        drop(stream);
        tracing::debug!(%reason, "watch broke; re-listing after a back-off");
        if tx.send((idx, SourceMsg::Broken(reason))).await.is_err() {
            return;
        }
        tokio::time::sleep(backoff.next_delay()).await;
    }
}

enum SourceState {
    Syncing,
    Live,
    Broken(String),
}

struct Source<R> {
    label: String,
    state: SourceState,
    rows: BTreeMap<Key, R>,
}

struct Pane<R> {
    sources: Vec<Source<R>>,
}

impl<R: Clone + PartialEq> Pane<R> {
    /// Applies one message; true when the snapshot changed.
    fn apply(&mut self, idx: usize, msg: SourceMsg<R>) -> bool {
        let Some(src) = self.sources.get_mut(idx) else {
            return false;
        };
        match msg {
            SourceMsg::Synced(rows) => {
                let changed = !matches!(src.state, SourceState::Live) || src.rows != rows;
                src.rows = rows;
                src.state = SourceState::Live;
                changed
            }
            SourceMsg::Upsert(k, r) => src.rows.insert(k, r.clone()).is_none_or(|old| old != r),
            SourceMsg::Remove(k) => src.rows.remove(&k).is_some(),
            SourceMsg::Broken(reason) => {
                let changed = !matches!(&src.state, SourceState::Broken(r) if *r == reason);
                src.state = SourceState::Broken(reason);
                changed
            }
        }
    }

    fn snapshot(&self) -> Snapshot<R> {
        let many = self.sources.len() > 1;
        let broken = self.sources.iter().find_map(|s| match &s.state {
            SourceState::Broken(r) if many => Some(format!("{}: {r}", s.label)),
            SourceState::Broken(r) => Some(r.clone()),
            _ => None,
        });
        let state = match broken {
            Some(reason) => SyncState::Resyncing { reason },
            None if self
                .sources
                .iter()
                .any(|s| matches!(s.state, SourceState::Syncing)) =>
            {
                SyncState::Syncing
            }
            None => SyncState::Live,
        };
        // sources are in namespace order and each one's keys are (namespace, name), so the
        // concatenation is sorted
        let rows = self
            .sources
            .iter()
            .flat_map(|s| s.rows.values().cloned())
            .collect();
        Snapshot { state, rows }
    }
}

async fn run_pane<R>(
    labels: Vec<String>,
    mut rx: mpsc::Receiver<(usize, SourceMsg<R>)>,
    coalesce: Duration,
    wrap: fn(Snapshot<R>) -> WatchUpdate,
    tx: mpsc::Sender<WatchUpdate>,
) where
    R: Clone + PartialEq + Send + 'static,
{
    let mut pane = Pane {
        sources: labels
            .into_iter()
            .map(|label| Source {
                label,
                state: SourceState::Syncing,
                rows: BTreeMap::new(),
            })
            .collect(),
    };
    let mut last_sent: Option<Instant> = None;
    let mut dirty = false;
    loop {
        let due = last_sent.map_or_else(Instant::now, |t| t + coalesce);
        tokio::select! {
            biased;
            () = tx.closed() => return,
            () = tokio::time::sleep_until(due), if dirty => {
                if tx.send(wrap(pane.snapshot())).await.is_err() {
                    return;
                }
                last_sent = Some(Instant::now());
                dirty = false;
            }
            msg = rx.recv() => match msg {
                Some((idx, m)) => dirty |= pane.apply(idx, m),
                None => return,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pane() -> Pane<String> {
        Pane {
            sources: ["a", "b"]
                .into_iter()
                .map(|l| Source {
                    label: l.into(),
                    state: SourceState::Syncing,
                    rows: BTreeMap::new(),
                })
                .collect(),
        }
    }

    fn key(ns: &str, n: &str) -> Key {
        (ns.into(), n.into())
    }

    #[test]
    fn state_is_syncing_until_every_namespace_listed_then_resyncing_on_error() {
        let mut p = pane();
        assert!(p.apply(
            0,
            SourceMsg::Synced(BTreeMap::from([(key("a", "x"), "ax".into())]))
        ));
        assert_eq!(p.snapshot().state, SyncState::Syncing);
        assert!(p.apply(
            1,
            SourceMsg::Synced(BTreeMap::from([(key("b", "y"), "by".into())]))
        ));
        assert_eq!(p.snapshot().state, SyncState::Live);
        assert_eq!(p.snapshot().rows, ["ax", "by"]);

        assert!(p.apply(1, SourceMsg::Broken("connection refused".into())));
        let s = p.snapshot();
        assert_eq!(
            s.state,
            SyncState::Resyncing {
                reason: "b: connection refused".into()
            }
        );
        assert_eq!(s.rows, ["ax", "by"], "rows are kept while re-syncing");
        assert!(!p.apply(1, SourceMsg::Broken("connection refused".into())));
        // the re-list drops what was deleted meanwhile
        assert!(p.apply(1, SourceMsg::Synced(BTreeMap::new())));
        assert_eq!(p.snapshot().state, SyncState::Live);
        assert_eq!(p.snapshot().rows, ["ax"]);
    }

    /// 10,000 pod events in a burst reach the view as a handful of snapshots, the last one
    /// complete; a lone change after a quiet spell goes out at once.
    #[tokio::test]
    async fn bursts_are_coalesced() {
        let (src_tx, src_rx) = mpsc::channel(1024);
        let (tx, mut rx) = mpsc::channel(16);
        let started = Instant::now();
        let pane = tokio::spawn(run_pane(
            vec!["ns".into()],
            src_rx,
            Duration::from_millis(300),
            |s: Snapshot<String>| {
                WatchUpdate::Ingresses(Snapshot {
                    state: s.state,
                    rows: s
                        .rows
                        .into_iter()
                        .map(|name| crate::kube::snapshot::IngressRow {
                            namespace: "ns".into(),
                            name,
                            hosts: vec![],
                            address: String::new(),
                        })
                        .collect(),
                })
            },
            tx,
        ));
        src_tx
            .send((0, SourceMsg::Synced(BTreeMap::new())))
            .await
            .unwrap();
        for i in 0..10_000 {
            src_tx
                .send((
                    0,
                    SourceMsg::Upsert(key("ns", &format!("p{i:05}")), format!("p{i:05}")),
                ))
                .await
                .unwrap();
        }
        let mut updates = 0;
        let last = loop {
            let Some(WatchUpdate::Ingresses(s)) = rx.recv().await else {
                panic!()
            };
            updates += 1;
            if s.rows.len() == 10_000 {
                break s;
            }
        };
        let elapsed = started.elapsed();
        assert_eq!(last.state, SyncState::Live);
        assert_eq!(last.rows[9_999].name, "p09999");
        let ceiling = (elapsed.as_millis() / 300) as usize + 2;
        assert!(updates <= ceiling, "{updates} updates in {elapsed:?}");

        tokio::time::sleep(Duration::from_millis(400)).await;
        let t = Instant::now();
        src_tx
            .send((0, SourceMsg::Remove(key("ns", "p00000"))))
            .await
            .unwrap();
        let Some(WatchUpdate::Ingresses(s)) = rx.recv().await else {
            panic!()
        };
        assert_eq!(s.rows.len(), 9_999);
        // well before the 300 ms interval: not held back
        assert!(
            t.elapsed() < Duration::from_millis(250),
            "{:?}",
            t.elapsed()
        );
        drop(rx);
        drop(src_tx);
        pane.await.unwrap();
    }

    #[test]
    fn unchanged_rows_do_not_mark_the_pane_dirty() {
        let mut p = pane();
        p.apply(0, SourceMsg::Synced(BTreeMap::new()));
        assert!(p.apply(0, SourceMsg::Upsert(key("a", "x"), "1".into())));
        assert!(!p.apply(0, SourceMsg::Upsert(key("a", "x"), "1".into())));
        assert!(p.apply(0, SourceMsg::Upsert(key("a", "x"), "2".into())));
        assert!(p.apply(0, SourceMsg::Remove(key("a", "x"))));
        assert!(!p.apply(0, SourceMsg::Remove(key("a", "x"))));
        assert!(!p.apply(0, SourceMsg::Synced(BTreeMap::new())));
    }
}

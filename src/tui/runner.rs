//! The boundary between the wizard and the executor. The event loop calls a `Runner` when
//! `update` returns `Cmd::StartRun`, `Retry`, `Skip` or `Abort`; the runner reports back only
//! through `Sink` (executor `Event`s and watcher `WatchUpdate`s), so tests and demos can plug
//! in their own runner and the screen is the same.
//!
//! `ExecRunner` is the real one. What it needs from the rest of kmpilot is in the two small
//! functions at the bottom, `spawn_executor` and `spawn_watchers`.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::{mpsc, watch};

use crate::exec::events::Event;
use crate::exec::secrets::Prompter;
use crate::kube::snapshot::WatchUpdate;
use crate::plan::{Plan, StepId};
use crate::profile::Profile;
use crate::tui::msg::Msg;

/// Where a runner reports.
#[derive(Clone)]
pub struct Sink(pub mpsc::UnboundedSender<Msg>);

impl Sink {
    pub fn event(&self, e: Event) {
        let _ = self.0.send(Msg::Exec(e));
    }
    pub fn watch(&self, w: WatchUpdate) {
        let _ = self.0.send(Msg::Watch(w));
    }
    /// A channel of executor events forwarded into the wizard (what `exec::run` takes).
    pub fn event_sender(&self) -> mpsc::UnboundedSender<Event> {
        let (tx, mut rx) = mpsc::unbounded_channel::<Event>();
        let out = self.0.clone();
        tokio::spawn(async move {
            while let Some(e) = rx.recv().await {
                if out.send(Msg::Exec(e)).is_err() {
                    break;
                }
            }
        });
        tx
    }
    /// A channel of watcher updates forwarded into the wizard.
    pub fn watch_sender(&self) -> mpsc::UnboundedSender<WatchUpdate> {
        let (tx, mut rx) = mpsc::unbounded_channel::<WatchUpdate>();
        let out = self.0.clone();
        tokio::spawn(async move {
            while let Some(w) = rx.recv().await {
                if out.send(Msg::Watch(w)).is_err() {
                    break;
                }
            }
        });
        tx
    }
}

/// One run request: the profile as edited, its plan, and how much of it to run.
#[derive(Debug, Clone)]
pub struct RunRequest {
    pub profile: Profile,
    pub plan: Arc<Plan>,
    pub profile_path: Option<PathBuf>,
    /// Skip steps the journal records as done (retry and skip continue a run this way).
    pub resume: bool,
    /// Start at this step.
    pub from: Option<StepId>,
    /// Run this step alone (the wizard's proof on demand); retries and skips keep it.
    pub only: Option<StepId>,
    /// Steps the person skipped after they failed: not run; what needs them runs.
    pub skip: Vec<StepId>,
}

pub trait Runner: Send {
    /// Start running; called from inside the tokio runtime.
    fn start(&mut self, req: RunRequest, sink: Sink);
    fn retry(&mut self, step: StepId, sink: Sink);
    fn skip(&mut self, step: StepId, sink: Sink);
    fn abort(&mut self);
    /// Another profile is opened: stop everything that belongs to this one.
    fn close(&mut self) {
        self.abort();
    }
}

/// Runs plans with the real executor and watches the namespace's pods and ingresses.
#[derive(Default)]
pub struct ExecRunner {
    last: Option<RunRequest>,
    /// `prompt: true` answers of the current run (retry and skip do not ask again).
    answers: Arc<std::sync::Mutex<std::collections::HashMap<String, crate::util::secret::Secret>>>,
    cancel: Option<watch::Sender<bool>>,
    /// The running watchers and what they watch (kubeconfig, context, namespace).
    watchers: Option<(watch::Sender<bool>, WatchTarget)>,
}

type WatchTarget = (Option<PathBuf>, Option<String>, String);

fn watch_target(p: &Profile) -> WatchTarget {
    (
        p.cluster.kubeconfig.clone(),
        p.cluster.context.clone(),
        p.cluster.namespace.clone(),
    )
}

impl ExecRunner {
    /// Watchers for this profile's namespace: kept while they watch the same place and are
    /// alive, replaced when the cluster or namespace changed (a picked context, another
    /// profile) or when they gave up (the cluster did not answer at first).
    fn ensure_watchers(&mut self, profile: &Profile, sink: &Sink) {
        let target = watch_target(profile);
        if let Some((stop, t)) = &self.watchers
            && *t == target
            && !stop.is_closed()
        {
            return;
        }
        if let Some((stop, _)) = self.watchers.take() {
            let _ = stop.send(true);
        }
        let (stop_tx, stop_rx) = watch::channel(false);
        spawn_watchers(profile, sink.watch_sender(), stop_rx);
        self.watchers = Some((stop_tx, target));
    }
}

impl Runner for ExecRunner {
    fn start(&mut self, req: RunRequest, sink: Sink) {
        // a new run (or a resumed one, perhaps of another profile) asks again; only the
        // retries and skips of this run reuse its answers
        self.answers = Arc::default();
        self.launch(req, sink);
    }

    /// Retry and skip continue the run as a resumed one: the journal passes every finished
    /// step, and every step that failed or was blocked runs again (several may have, side by
    /// side), the skipped ones excepted.
    fn retry(&mut self, _step: StepId, sink: Sink) {
        if let Some(mut req) = self.last.clone() {
            req.resume = true;
            req.from = None;
            self.launch(req, sink);
        }
    }

    fn skip(&mut self, step: StepId, sink: Sink) {
        let Some(mut req) = self.last.clone() else {
            return;
        };
        req.resume = true;
        req.from = None;
        if !req.skip.contains(&step) {
            req.skip.push(step);
        }
        self.launch(req, sink);
    }

    fn abort(&mut self) {
        if let Some(c) = self.cancel.take() {
            let _ = c.send(true);
        }
    }

    fn close(&mut self) {
        self.abort();
        if let Some((w, _)) = self.watchers.take() {
            let _ = w.send(true);
        }
        self.answers = Arc::default();
    }
}

impl ExecRunner {
    fn launch(&mut self, req: RunRequest, sink: Sink) {
        self.abort();
        let (cancel_tx, cancel_rx) = watch::channel(false);
        self.cancel = Some(cancel_tx);
        self.ensure_watchers(&req.profile, &sink);
        let prompter = crate::tui::executor_questions::WizardPrompter {
            to_screen: sink.0.clone(),
            answers: self.answers.clone(),
        };
        let asker = crate::tui::executor_questions::WizardAsker {
            to_screen: sink.0.clone(),
        };
        spawn_executor_asking(
            req.clone(),
            sink.event_sender(),
            cancel_rx,
            Some(Arc::new(prompter)),
            Some(Arc::new(asker)),
        );
        self.last = Some(req);
    }
}

impl Drop for ExecRunner {
    fn drop(&mut self) {
        self.close();
    }
}

/// Starts the executor on `req`, sending its `Event`s to `events` until `cancel` turns true.
/// `prompt: true` secrets are asked through `prompter` (the wizard's dialog); without one such
/// a secret fails the run with a hint to use env or file.
pub fn spawn_executor(
    req: RunRequest,
    events: mpsc::UnboundedSender<Event>,
    cancel: watch::Receiver<bool>,
    prompter: Option<Arc<dyn Prompter>>,
) {
    spawn_executor_asking(req, events, cancel, prompter, None)
}

/// `spawn_executor`, with `asker` answering the executor's questions mid-run (the wizard's
/// dialog for sudo and for recovering a pending release).
pub fn spawn_executor_asking(
    req: RunRequest,
    events: mpsc::UnboundedSender<Event>,
    cancel: watch::Receiver<bool>,
    prompter: Option<Arc<dyn Prompter>>,
    asker: Option<Arc<dyn crate::exec::ask::Asker>>,
) {
    use crate::exec::secrets::{SecretError, Secrets};
    use crate::exec::{self, RunOptions};
    let base_dir = exec::base_dir(req.profile_path.as_deref());
    let state_dir = crate::profile::store::state_dir();
    let opts = RunOptions {
        dry_run: false,
        resume: req.resume,
        from: req.from,
        only: req.only,
        work_dir: state_dir.join("work").join(&req.profile.name),
        state_dir,
        base_dir,
        concurrency: exec::DEFAULT_CONCURRENCY,
        skip: req.skip.clone(),
        allow_upgrade: false,
    };
    tokio::spawn(async move {
        let uses = exec::secrets_needed(&req.plan, &opts);
        let base = opts.base_dir.clone();
        // a prompt waits for the person at the keyboard: on a blocking thread, not a worker
        let resolved = tokio::task::spawn_blocking(move || {
            Secrets::resolve(
                &uses,
                &base,
                prompter.as_deref().map(|p| p as &dyn Prompter),
            )
        })
        .await;
        let resolved = match resolved {
            Ok(r) => r,
            Err(e) => Err(SecretError::Prompt {
                what: "secrets".into(),
                message: e.to_string(),
            }),
        };
        let secrets = match resolved {
            Ok(s) => s,
            Err(e) => {
                let hint = match &e {
                    SecretError::Prompt { .. } => "press r to be asked again",
                    SecretError::File { .. } => {
                        "fix the file (or the profile) and press r to retry"
                    }
                    _ => "export the variable and press r to retry",
                };
                let steps: Vec<StepId> = req.plan.steps.iter().map(|s| s.id).collect();
                let first = req.from.or(steps.first().copied());
                let _ = events.send(Event::RunStarted { steps });
                if let Some(step) = first {
                    let _ = events.send(Event::StepStarted { step });
                    let _ = events.send(Event::StepFailed {
                        step,
                        error: e.to_string(),
                        hint: Some(hint.into()),
                    });
                }
                let _ = events.send(Event::RunFinished { ok: false });
                return;
            }
        };
        let plan = if req.plan.journal.is_some() {
            // a destroy (its own journal): it removes what the ledger recorded, whatever the
            // cluster would decide now; `kmpilot destroy` does not adapt either
            (*req.plan).clone()
        } else {
            // an apply meets the cluster: its kind, nodes and ingress classes decide the `auto`
            // answers; the steps stay those the wizard showed, their actions follow the
            // decisions
            let prepared = exec::adapt::prepare(&req.profile, true).await;
            match prepared.decisions {
                Ok(_) => prepared.plan(),
                Err(_) => (*req.plan).clone(),
            }
        };
        exec::run_asking(&plan, &opts, &secrets, events, cancel, asker).await;
    });
}

/// Starts the pods and ingresses watchers of the profile's namespace, sending whole snapshots
/// to `updates` until `stop` turns true.
pub fn spawn_watchers(
    profile: &Profile,
    updates: mpsc::UnboundedSender<WatchUpdate>,
    mut stop: watch::Receiver<bool>,
) {
    let kubeconfig = profile.cluster.kubeconfig.clone();
    let context = profile.cluster.context.clone();
    let namespaces = vec![profile.cluster.namespace.clone()];
    let gateway_api = profile.gateway_api();
    tokio::spawn(async move {
        let kube = match crate::kube::Kube::connect(kubeconfig.as_deref(), context.as_deref()).await
        {
            Ok(k) => k,
            Err(e) => {
                // give up before telling: once the pane shows the failure, the runner already
                // sees these watchers as gone and the next run starts new ones
                drop(stop);
                let reason = e.to_string();
                let _ = updates.send(WatchUpdate::Pods(crate::kube::snapshot::Snapshot {
                    state: crate::kube::snapshot::SyncState::Resyncing {
                        reason: reason.clone(),
                    },
                    rows: Vec::new(),
                }));
                let _ = updates.send(WatchUpdate::Ingresses(crate::kube::snapshot::Snapshot {
                    state: crate::kube::snapshot::SyncState::Resyncing { reason },
                    rows: Vec::new(),
                }));
                return;
            }
        };
        let (tx, mut rx) = mpsc::channel(64);
        // Gateway API exposure: the Gateways and HTTPRoutes take the ingress pane's place
        let routes = gateway_api.then(|| {
            crate::kube::watch_routes::spawn_route_watchers(
                kube.client(),
                namespaces.clone(),
                tx.clone(),
            )
        });
        let watchers = crate::kube::spawn_watchers(kube.client(), namespaces, tx);
        loop {
            tokio::select! {
                u = rx.recv() => match u {
                    Some(u) => if updates.send(u).is_err() { break },
                    None => break,
                },
                _ = stop.changed() => if *stop.borrow() { break },
            }
        }
        watchers.abort();
        if let Some(r) = routes {
            r.abort();
        }
    });
}

//! The executor: runs a plan's actions in order, with side effects (processes, Kubernetes API,
//! HTTP, files), reporting `Event`s over a channel any front end can consume, and recording
//! each step's outcome in the journal so a failed or killed run can resume. Nothing outside
//! this module changes the world.

mod actions;
pub mod adapt;
pub mod ask;
pub mod bundle;
pub mod diff;
pub mod elevate;
pub mod events;
pub mod gateway_api;
mod helm_recover;
pub mod hosts;
mod http_actions;
pub mod journal;
pub mod keystores;
mod kube_actions;
mod overlay;
pub mod ownership;
pub mod preflight;
pub mod process;
pub mod secrets;
mod served_kinds;
mod undo;
pub mod verify;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use tokio::sync::{mpsc, watch};

use crate::plan::{Plan, StepId};
use crate::profile::Profile;
use events::{Event, Stream};
use journal::{Journal, Status};
use secrets::Secrets;

#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Server-side dry runs where the API allows it; nothing is changed.
    pub dry_run: bool,
    /// Skip steps the journal records as done (and unchanged since).
    pub resume: bool,
    pub from: Option<StepId>,
    pub only: Option<StepId>,
    /// Where artifacts are written and commands run.
    pub work_dir: PathBuf,
    /// Journal and logs.
    pub state_dir: PathBuf,
    /// The profile's directory, for relative paths in the profile.
    pub base_dir: PathBuf,
}

impl RunOptions {
    /// `--from`/`--only`: whether `id` is selected. `--only` wins.
    pub fn selects(&self, plan: &Plan, id: StepId) -> bool {
        if let Some(only) = self.only {
            return only == id;
        }
        match self.from {
            Some(from) => {
                let pos = |s: StepId| plan.steps.iter().position(|x| x.id == s);
                pos(id) >= pos(from)
            }
            None => true,
        }
    }
}

/// The secrets a run with `opts` will use: those of the selected steps (`--from`/`--only`),
/// without the steps a resumed run skips because the journal records them as done — a
/// resumed run does not ask again for what it will not use.
pub fn secrets_needed(
    plan: &Plan,
    _profile: &Profile,
    opts: &RunOptions,
) -> Vec<crate::plan::secrets::SecretUse> {
    let journal = opts
        .resume
        .then(|| Journal::load(&opts.state_dir, plan.journal_name()));
    crate::plan::secrets::uses_where(plan, |id| {
        opts.selects(plan, id)
            && !journal
                .as_ref()
                .zip(plan.step(id))
                .is_some_and(|(j, step)| j.is_done(step))
    })
}

/// The directory relative paths in a profile are read from: the profile's own, else the
/// working directory (a profile not saved yet).
pub fn base_dir(profile_path: Option<&std::path::Path>) -> PathBuf {
    profile_path
        .and_then(|p| p.parent().map(std::path::Path::to_path_buf))
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| std::env::current_dir().unwrap_or_default())
}

/// The state directory: `KMPILOT_STATE_DIR`, else the OS state/data dir for kmpilot.
pub fn state_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("KMPILOT_STATE_DIR") {
        return PathBuf::from(d);
    }
    directories::ProjectDirs::from("", "", "kmpilot")
        .map(|d| {
            d.state_dir()
                .unwrap_or_else(|| d.data_local_dir())
                .to_path_buf()
        })
        .unwrap_or_else(|| PathBuf::from(".kmpilot-state"))
}

pub(crate) struct Ctx<'a> {
    pub plan: &'a Plan,
    pub profile: &'a Profile,
    pub opts: &'a RunOptions,
    pub secrets: &'a Secrets,
    pub tx: &'a mpsc::UnboundedSender<Event>,
    pub cancel: watch::Receiver<bool>,
    pub mem: keystores::MemoryFiles,
    pub kube: HashMap<Option<String>, crate::kube::Kube>,
    pub discovered: Option<crate::http::Discovered>,
    pub step: StepId,
    /// Who answers questions mid-run (sudo for the hosts file, recovering a pending
    /// release); nobody in checks and in runs started without one.
    pub asker: Option<std::sync::Arc<dyn ask::Asker>>,
    /// The running action's index within its step.
    pub index: usize,
    /// Charts verified before the first step (`verify::verify_ahead`), by (step, action).
    pub verified: HashMap<(StepId, usize), crate::verify::Report>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        plan: &'a Plan,
        profile: &'a Profile,
        opts: &'a RunOptions,
        secrets: &'a Secrets,
        tx: &'a mpsc::UnboundedSender<Event>,
        cancel: watch::Receiver<bool>,
    ) -> Self {
        Ctx {
            plan,
            profile,
            opts,
            secrets,
            tx,
            cancel,
            mem: keystores::MemoryFiles::default(),
            kube: HashMap::new(),
            discovered: None,
            step: StepId::Prerequisites,
            asker: None,
            index: 0,
            verified: HashMap::new(),
        }
    }

    pub fn info(&self, line: impl Into<String>) {
        let _ = self.tx.send(Event::Output {
            step: self.step,
            stream: Stream::Info,
            line: self.secrets.scrub(&line.into()),
        });
    }
}

/// A failed action: what went wrong and, where kmpilot knows, what to do about it.
#[derive(Debug, Clone)]
pub struct Failure {
    pub error: String,
    pub hint: Option<String>,
}

impl Failure {
    pub fn new(error: impl Into<String>) -> Self {
        Failure {
            error: error.into(),
            hint: None,
        }
    }
    pub fn hint(mut self, h: impl Into<String>) -> Self {
        self.hint = Some(h.into());
        self
    }
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::new(e.to_string())
    }
}

/// Runs the plan; returns whether every selected step succeeded.
pub async fn run(
    plan: &Plan,
    profile: &Profile,
    opts: &RunOptions,
    secrets: &Secrets,
    tx: mpsc::UnboundedSender<Event>,
    cancel: watch::Receiver<bool>,
) -> bool {
    run_asking(plan, profile, opts, secrets, tx, cancel, None).await
}

/// `run`, with `asker` to answer questions mid-run (see `ask`).
pub async fn run_asking(
    plan: &Plan,
    profile: &Profile,
    opts: &RunOptions,
    secrets: &Secrets,
    tx: mpsc::UnboundedSender<Event>,
    cancel: watch::Receiver<bool>,
    asker: Option<std::sync::Arc<dyn ask::Asker>>,
) -> bool {
    // the one rustls provider (ring) must be installed before any TLS client is built
    crate::kube::ensure_crypto_provider();
    let mut journal = Journal::load(&opts.state_dir, plan.journal_name());
    let _ = std::fs::create_dir_all(&opts.work_dir);
    let _ = tx.send(Event::RunStarted {
        steps: plan.steps.iter().map(|s| s.id).collect(),
    });
    let mut ctx = Ctx::new(plan, profile, opts, secrets, &tx, cancel);
    ctx.asker = asker;
    // render and verify every chart the run will install before anything changes
    if !verify::before_run(&mut ctx, &mut journal).await {
        return false;
    }
    for step in &plan.steps {
        if !opts.selects(plan, step.id) {
            let _ = tx.send(Event::StepSkipped {
                step: step.id,
                reason: "not selected (--from/--only)".into(),
            });
            continue;
        }
        if opts.resume && journal.is_done(step) {
            let _ = tx.send(Event::StepSkipped {
                step: step.id,
                reason: "done in an earlier run (journal)".into(),
            });
            continue;
        }
        ctx.step = step.id;
        let started = Instant::now();
        let _ = tx.send(Event::StepStarted { step: step.id });
        let mut failure = None;
        for (index, action) in step.actions.iter().enumerate() {
            let _ = tx.send(Event::ActionStarted {
                step: step.id,
                index,
                summary: secrets.scrub(&action.summary()),
            });
            tracing::debug!(
                step = step.id.as_str(),
                index,
                action = action.verb(),
                "action started"
            );
            if *ctx.cancel.borrow() {
                failure = Some(Failure::new("cancelled"));
                break;
            }
            ctx.index = index;
            match actions::execute(&mut ctx, action).await {
                Ok(()) => {
                    let _ = tx.send(Event::ActionFinished {
                        step: step.id,
                        index,
                    });
                }
                Err(f) => {
                    failure = Some(Failure {
                        error: secrets.scrub(&f.error),
                        hint: f.hint.map(|h| secrets.scrub(&h)),
                    });
                    break;
                }
            }
        }
        match failure {
            None => {
                if !opts.dry_run {
                    journal.record(step.id, step, Status::Done, None);
                }
                let _ = tx.send(Event::StepFinished {
                    step: step.id,
                    elapsed: started.elapsed(),
                });
            }
            Some(f) => {
                tracing::warn!(step = step.id.as_str(), error = %f.error, "step failed");
                if !opts.dry_run {
                    journal.record(step.id, step, Status::Failed, Some(f.error.clone()));
                    let _ = journal.save(&opts.state_dir);
                }
                let _ = tx.send(Event::StepFailed {
                    step: step.id,
                    error: f.error,
                    hint: f.hint,
                });
                let _ = tx.send(Event::RunFinished { ok: false });
                return false;
            }
        }
        if !opts.dry_run
            && let Err(e) = journal.save(&opts.state_dir)
        {
            let _ = tx.send(Event::Output {
                step: step.id,
                stream: Stream::Stderr,
                line: format!("cannot save the journal: {e}"),
            });
        }
    }
    let _ = tx.send(Event::RunFinished { ok: true });
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::secret::SecretRef;

    /// A resumed run asks only for the secrets of the steps it will run: with every step but
    /// the DNS one done before, it needs none.
    #[test]
    fn a_resumed_run_needs_no_secret_of_a_step_done_before() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Profile::quickstart("resume-secrets");
        p.keystores.store_password = SecretRef::Prompt(true);
        let plan = crate::plan::plan(&p);
        let mut opts = RunOptions {
            dry_run: false,
            resume: true,
            from: None,
            only: None,
            work_dir: dir.path().join("work"),
            state_dir: dir.path().to_path_buf(),
            base_dir: dir.path().to_path_buf(),
        };
        let vars = |opts: &RunOptions| -> Vec<String> {
            let mut v: Vec<String> = secrets_needed(&plan, &p, opts)
                .into_iter()
                .map(|u| u.var)
                .collect();
            v.sort();
            v
        };
        assert_eq!(vars(&opts), ["APIM_ADMIN_PASSWORD", "KEYSTORE_PASSWORD"]);
        let mut j = Journal::load(dir.path(), &p.name);
        for s in plan.steps.iter().filter(|s| s.id != StepId::Dns) {
            j.record(s.id, s, Status::Done, None);
        }
        j.save(dir.path()).unwrap();
        assert!(vars(&opts).is_empty(), "{:?}", vars(&opts));
        opts.resume = false;
        assert_eq!(vars(&opts).len(), 2, "a fresh run needs them all");
    }
}

//! What every action runs with: the run's options (`RunOptions`), the context an action is
//! handed (`Ctx`: the plan, the secrets, the event channel, the clients and what earlier steps
//! left) and the failure it returns (`Failure`). The run loop (`exec`'s front door) makes
//! them; the action files import them from here.

use std::collections::HashMap;
use std::path::PathBuf;

use tokio::sync::{mpsc, watch};

use super::events::{Event, Stream};
use super::journal::Journal;
use super::secrets::Secrets;
use super::{ask, keystores};
use crate::plan::{Plan, StepId};

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
    /// How many steps may run side by side (`--concurrency`); 1 runs them in the plan's
    /// order, one after another. 0 counts as 1.
    pub concurrency: usize,
    /// Steps the person chose to skip after they failed: not run, and what needs them runs.
    pub skip: Vec<StepId>,
    /// Upgrade a running release to another chart line in place (`apply --allow-upgrade`);
    /// refused otherwise, before anything changes (`upgrade_guard`).
    pub allow_upgrade: bool,
}

/// Steps run side by side unless told otherwise: the image build, IS and API-M wait on
/// different things (a download, two start-up probes), and three bound what starts at once.
pub const DEFAULT_CONCURRENCY: usize = 3;

impl RunOptions {
    pub fn concurrency_limit(&self) -> usize {
        self.concurrency.max(1)
    }

    /// `--from`/`--only`: whether `id` is selected. `--only` wins.
    pub fn selects(&self, plan: &Plan, id: StepId) -> bool {
        if self.skip.contains(&id) {
            return false;
        }
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
pub fn secrets_needed(plan: &Plan, opts: &RunOptions) -> Vec<crate::plan::secrets::SecretUse> {
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

pub(crate) struct Ctx<'a> {
    pub plan: &'a Plan,
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
        opts: &'a RunOptions,
        secrets: &'a Secrets,
        tx: &'a mpsc::UnboundedSender<Event>,
        cancel: watch::Receiver<bool>,
    ) -> Self {
        Ctx {
            plan,
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

    /// A context of its own for step `id`, running beside others: what earlier steps left
    /// (keystores in memory, clients, discovery) is copied in, and `absorb` takes back what
    /// this one adds.
    pub(super) fn fork(&mut self, id: StepId) -> Ctx<'a> {
        let keys: Vec<(StepId, usize)> = self
            .verified
            .keys()
            .filter(|(s, _)| *s == id)
            .copied()
            .collect();
        let verified = keys
            .into_iter()
            .filter_map(|k| self.verified.remove(&k).map(|r| (k, r)))
            .collect();
        Ctx {
            plan: self.plan,
            opts: self.opts,
            secrets: self.secrets,
            tx: self.tx,
            cancel: self.cancel.clone(),
            mem: self.mem.clone(),
            kube: self.kube.clone(),
            discovered: self.discovered.clone(),
            step: id,
            asker: self.asker.clone(),
            index: 0,
            verified,
        }
    }

    /// Whether the run was cancelled (the borrow of the channel ends here, not in a caller's
    /// loop body).
    pub(super) fn cancelled(&self) -> bool {
        *self.cancel.borrow()
    }

    /// What a finished step learnt, for the steps that need it.
    pub(super) fn absorb(&mut self, child: Ctx<'a>) {
        self.mem.extend(child.mem);
        for (k, v) in child.kube {
            self.kube.entry(k).or_insert(v);
        }
        if child.discovered.is_some() {
            self.discovered = child.discovered;
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

//! The executor: runs a plan's actions in order, with side effects (processes, Kubernetes API,
//! HTTP, files), reporting `Event`s over a channel any front end can consume, and recording
//! each step's outcome in the journal so a failed or killed run can resume. Nothing outside
//! this module changes the world.

mod actions;
pub mod adapt;
pub mod ask;
pub mod bundle;
mod cluster_client;
mod ctx;
pub mod diff;
pub mod elevate;
pub mod events;
pub mod gateway_api;
mod helm_recover;
pub mod helm_version;
pub mod hosts;
pub mod journal;
mod kept;
mod key_manager_actions;
pub mod keystores;
mod kube_actions;
pub mod line_change;
mod overlay;
pub mod ownership;
pub mod preflight;
pub mod process;
mod run_command;
pub mod schedule;
pub mod secrets;
mod served_kinds;
mod undo;
mod upgrade_guard;
pub mod verify;

use std::time::Instant;

use tokio::sync::{mpsc, watch};

use crate::plan::{Plan, StepId};
use events::{Event, Stream};
use journal::{Journal, Status};
use secrets::Secrets;

pub(crate) use ctx::Ctx;
pub use ctx::{DEFAULT_CONCURRENCY, Failure, RunOptions, base_dir, secrets_needed};

/// Runs the plan; returns whether every selected step succeeded.
pub async fn run(
    plan: &Plan,
    opts: &RunOptions,
    secrets: &Secrets,
    tx: mpsc::UnboundedSender<Event>,
    cancel: watch::Receiver<bool>,
) -> bool {
    run_asking(plan, opts, secrets, tx, cancel, None).await
}

/// `run`, with `asker` to answer questions mid-run (see `ask`).
///
/// Every step whose needs (`Plan::needs`) are met starts, up to `opts.concurrency` at a time,
/// in the plan's order. A failed step blocks what needs it; the others go on. The journal
/// records each step as it ends, so a run killed with steps in flight resumes those.
pub async fn run_asking(
    plan: &Plan,
    opts: &RunOptions,
    secrets: &Secrets,
    tx: mpsc::UnboundedSender<Event>,
    cancel: watch::Receiver<bool>,
    asker: Option<std::sync::Arc<dyn ask::Asker>>,
) -> bool {
    use futures::stream::{FuturesUnordered, StreamExt};
    // the one rustls provider (ring) must be installed before any TLS client is built
    crate::kube::ensure_crypto_provider();
    let mut journal = Journal::load(&opts.state_dir, plan.journal_name());
    let _ = std::fs::create_dir_all(&opts.work_dir);
    let _ = tx.send(Event::RunStarted {
        steps: plan.steps.iter().map(|s| s.id).collect(),
    });
    let mut ctx = Ctx::new(plan, opts, secrets, &tx, cancel);
    ctx.asker = asker;
    // render and verify every chart the run will install before anything changes
    if !verify::before_run(&mut ctx, &mut journal).await {
        return false;
    }
    // and refuse an in-place upgrade to another chart line unless asked for
    let to_run: Vec<StepId> = plan
        .steps
        .iter()
        .filter(|s| {
            !opts.skip.contains(&s.id)
                && opts.selects(plan, s.id)
                && !(opts.resume && journal.is_done(s))
        })
        .map(|s| s.id)
        .collect();
    if !upgrade_guard::before_run(&mut ctx, &to_run).await {
        return false;
    }
    let mut schedule = schedule::Schedule::new(plan, opts.concurrency_limit());
    // the steps this run executes, so far in the plan's order (which lists needs first)
    let mut executes: Vec<StepId> = Vec::new();
    for step in &plan.steps {
        let (reason, why) = if opts.skip.contains(&step.id) {
            ("left out after failing", events::Skip::LeftOut)
        } else if !opts.selects(plan, step.id) {
            (
                "not selected for this run (--from, --only, or the proof alone)",
                events::Skip::NotSelected,
            )
        } else if opts.resume && journal.is_done(step) {
            // done before, on top of what was there then: a step upstream that runs again
            // (changed or failed since) may change what this one built on, so it runs again
            let again: Vec<&str> = schedule
                .upstream(step.id)
                .into_iter()
                .filter(|u| executes.contains(u))
                .map(|u| u.as_str())
                .collect();
            if again.is_empty() {
                ("done in an earlier run (journal)", events::Skip::DoneBefore)
            } else {
                let _ = tx.send(Event::Output {
                    step: step.id,
                    stream: Stream::Info,
                    line: format!(
                        "done in an earlier run, but runs again: {} upstream of it run again",
                        again.join(", ")
                    ),
                });
                executes.push(step.id);
                continue;
            }
        } else {
            executes.push(step.id);
            continue;
        };
        schedule.pass(step.id);
        let _ = tx.send(Event::StepSkipped {
            step: step.id,
            reason: reason.into(),
            why,
        });
    }
    let mut running = FuturesUnordered::new();
    loop {
        // a cancelled run starts nothing more; what runs sees the cancel at its next action
        while !ctx.cancelled()
            && let Some(id) = schedule.next()
        {
            let Some(step) = plan.step(id) else { break };
            schedule.started(id);
            let _ = tx.send(Event::StepStarted { step: id });
            running.push(run_step(ctx.fork(id), step));
        }
        let Some((child, elapsed, failure)) = running.next().await else {
            break;
        };
        let step = plan
            .step(child.step)
            .expect("a running step is in the plan");
        ctx.absorb(child);
        schedule.finished(step.id, failure.is_none());
        match failure {
            None => {
                if !opts.dry_run {
                    journal.record(step.id, step, Status::Done, None);
                }
                let _ = tx.send(Event::StepFinished {
                    step: step.id,
                    elapsed,
                });
            }
            Some(f) => {
                tracing::warn!(step = step.id.as_str(), error = %f.error, "step failed");
                if !opts.dry_run {
                    journal.record(step.id, step, Status::Failed, Some(f.error.clone()));
                }
                let _ = tx.send(Event::StepFailed {
                    step: step.id,
                    error: f.error,
                    hint: f.hint,
                });
                for (blocked, needs) in schedule.block() {
                    let _ = tx.send(Event::StepBlocked {
                        step: blocked,
                        needs,
                    });
                }
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
    let ok = schedule.all_ok();
    let _ = tx.send(Event::RunFinished { ok });
    ok
}

/// One step's actions in order, with its own context; returns the context (what it learnt:
/// keystores in memory, clients, discovery), its time, and its failure if it failed.
async fn run_step<'a>(
    mut ctx: Ctx<'a>,
    step: &'a crate::plan::Step,
) -> (Ctx<'a>, std::time::Duration, Option<Failure>) {
    let (tx, secrets) = (ctx.tx, ctx.secrets);
    let started = Instant::now();
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
            return (ctx, started.elapsed(), Some(Failure::new("cancelled")));
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
                let f = Failure {
                    error: secrets.scrub(&f.error),
                    hint: f.hint.map(|h| secrets.scrub(&h)),
                };
                return (ctx, started.elapsed(), Some(f));
            }
        }
    }
    (ctx, started.elapsed(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run of nothing but defaults, with its work, state and profile directory in `dir`.
    fn opts_in(dir: &std::path::Path) -> RunOptions {
        RunOptions {
            dry_run: false,
            resume: false,
            from: None,
            only: None,
            work_dir: dir.join("work"),
            state_dir: dir.to_path_buf(),
            base_dir: dir.to_path_buf(),
            concurrency: DEFAULT_CONCURRENCY,
            skip: Vec::new(),
            allow_upgrade: false,
        }
    }

    /// Runs `plan` without secrets; whether it succeeded, and every event it sent.
    async fn run_collecting(plan: Plan, opts: RunOptions) -> (bool, Vec<Event>) {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let (_c, cancel) = watch::channel(false);
        let ok = run(&plan, &opts, &Secrets::none(), tx, cancel).await;
        let mut evs = Vec::new();
        while let Ok(e) = rx.try_recv() {
            evs.push(e);
        }
        (ok, evs)
    }
    use crate::profile::Profile;
    use crate::profile::secret::SecretRef;

    /// A resumed run asks only for the secrets of the steps it will run: with every step but
    /// the DNS one done before, it needs none.
    #[test]
    fn a_resumed_run_needs_no_secret_of_a_step_done_before() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Profile::quickstart("resume-secrets");
        p.keystores.store_password = SecretRef::Prompt(true);
        let plan = crate::steps::plan(&p);
        let mut opts = RunOptions {
            resume: true,
            ..opts_in(dir.path())
        };
        let vars = |opts: &RunOptions| -> Vec<String> {
            let mut v: Vec<String> = secrets_needed(&plan, opts)
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

    /// A plan of its own (the executor takes any plan): keystores fails (a tool that is not
    /// there), so the IS install that needs it is blocked, while the image, which does not
    /// need it, finishes. A resumed run runs only the failed step and what it blocked.
    #[tokio::test]
    async fn a_failure_blocks_what_needs_it_and_resume_runs_only_those() {
        use crate::plan::{Action, Check, Step};
        let dir = tempfile::tempdir().unwrap();
        let note = || Action::Note {
            text: "nothing to do".into(),
        };
        let step = |id, needs: &[StepId], a: Action| Step {
            needs: Some(needs.to_vec()),
            ..Step::new(id, vec![a])
        };
        let plan = Plan {
            profile: "graph".into(),
            cluster: Default::default(),
            steps: vec![
                step(StepId::Prerequisites, &[], note()),
                step(
                    StepId::Keystores,
                    &[StepId::Prerequisites],
                    Action::Check(Check::Tool {
                        name: "kmpilot-no-such-tool".into(),
                    }),
                ),
                step(StepId::IsImage, &[StepId::Prerequisites], note()),
                step(StepId::IdentityServer, &[StepId::Keystores], note()),
            ],
            artifacts: Vec::new(),
            console_urls: Vec::new(),
            journal: None,
        };
        let opts = RunOptions {
            concurrency: 3,
            ..opts_in(dir.path())
        };
        let run_once = |opts: RunOptions| run_collecting(plan.clone(), opts);
        let (ok, evs) = run_once(opts.clone()).await;
        assert!(!ok);
        let started: Vec<StepId> = evs
            .iter()
            .filter_map(|e| match e {
                Event::StepStarted { step } => Some(*step),
                _ => None,
            })
            .collect();
        assert_eq!(
            started,
            [StepId::Prerequisites, StepId::Keystores, StepId::IsImage]
        );
        assert!(evs.contains(&Event::StepBlocked {
            step: StepId::IdentityServer,
            needs: vec![StepId::Keystores],
        }));
        assert!(evs.iter().any(|e| matches!(
            e,
            Event::StepFinished {
                step: StepId::IsImage,
                ..
            }
        )));
        assert_eq!(evs.last(), Some(&Event::RunFinished { ok: false }));

        // resumed: what finished is passed, the failed step runs again (and fails again)
        let (_, evs) = run_once(RunOptions {
            resume: true,
            ..opts.clone()
        })
        .await;
        let started: Vec<StepId> = evs
            .iter()
            .filter_map(|e| match e {
                Event::StepStarted { step } => Some(*step),
                _ => None,
            })
            .collect();
        // what needs it runs again too: it was done on top of what the failed step left
        assert_eq!(started, [StepId::Keystores]);

        // skipped by the person: what needs it runs
        let (ok, evs) = run_once(RunOptions {
            resume: true,
            skip: vec![StepId::Keystores],
            ..opts
        })
        .await;
        assert!(ok, "{evs:?}");
        assert!(evs.iter().any(|e| matches!(
            e,
            Event::StepFinished {
                step: StepId::IdentityServer,
                ..
            }
        )));
    }

    /// Resuming runs again a step upstream (it changed or failed since): the steps the
    /// journal has done below it run again, each saying why, and nothing starts before what
    /// is upstream of it in this run has finished, even through a step that is passed.
    #[tokio::test]
    async fn resume_reruns_below_a_step_that_runs_again_and_waits_for_all_upstream() {
        use crate::plan::{Action, Step};
        let dir = tempfile::tempdir().unwrap();
        let note = || Action::Note {
            text: "nothing to do".into(),
        };
        let step = |id, needs: &[StepId]| Step {
            needs: Some(needs.to_vec()),
            ..Step::new(id, vec![note()])
        };
        use StepId::*;
        let plan = Plan {
            profile: "chain".into(),
            cluster: Default::default(),
            steps: vec![
                step(Prerequisites, &[]),
                step(Keystores, &[Prerequisites]),
                step(IdentityServer, &[Keystores]),
                step(Dns, &[IdentityServer]),
                step(KeyManager, &[Dns]),
            ],
            artifacts: Vec::new(),
            console_urls: Vec::new(),
            journal: None,
        };
        // an earlier run did everything but keystores and key-manager
        let mut j = Journal::load(dir.path(), &plan.profile);
        for s in plan
            .steps
            .iter()
            .filter(|s| [Prerequisites, IdentityServer, Dns].contains(&s.id))
        {
            j.record(s.id, s, Status::Done, None);
        }
        j.save(dir.path()).unwrap();
        let opts = RunOptions {
            resume: true,
            concurrency: 3,
            ..opts_in(dir.path())
        };
        let run_once = |opts: RunOptions| run_collecting(plan.clone(), opts);
        let at = |evs: &[Event], want: &dyn Fn(&Event) -> bool| evs.iter().position(want);
        let started = |evs: &[Event]| -> Vec<StepId> {
            evs.iter()
                .filter_map(|e| match e {
                    Event::StepStarted { step } => Some(*step),
                    _ => None,
                })
                .collect()
        };
        let (ok, evs) = run_once(opts.clone()).await;
        assert!(ok, "{evs:?}");
        assert_eq!(started(&evs), [Keystores, IdentityServer, Dns, KeyManager]);
        assert!(evs.iter().any(
            |e| matches!(e, Event::Output { step: IdentityServer, line, .. }
            if line.contains("runs again: keystores upstream of it"))
        ));
        // each starts after its upstream finished
        for (up, down) in [
            (Keystores, IdentityServer),
            (IdentityServer, Dns),
            (Dns, KeyManager),
        ] {
            let f = at(
                &evs,
                &|e| matches!(e, Event::StepFinished { step, .. } if *step == up),
            );
            let s = at(
                &evs,
                &|e| matches!(e, Event::StepStarted { step } if *step == down),
            );
            assert!(f < s, "{down:?} started before {up:?} finished: {evs:?}");
        }

        // IS and DNS passed by the person: key-manager still waits for keystores upstream
        let (ok, evs) = run_once(RunOptions {
            resume: false,
            skip: vec![IdentityServer, Dns],
            ..opts
        })
        .await;
        assert!(ok, "{evs:?}");
        let f = at(&evs, &|e| {
            matches!(
                e,
                Event::StepFinished {
                    step: Keystores,
                    ..
                }
            )
        });
        let s = at(&evs, &|e| {
            matches!(e, Event::StepStarted { step: KeyManager })
        });
        assert!(f < s, "key-manager started beside keystores: {evs:?}");
    }
}

//! `kmpilot apply`: headless replay of a profile with a progress display, for scripts and CI.

use std::io::IsTerminal;

use tokio::sync::{mpsc, watch};

use super::args::{Cli, Format};
use super::support::{EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, load_profile};
use crate::exec::events::{Event, Stream};
use crate::exec::secrets::{Secrets, TerminalPrompter};
use crate::exec::{self, RunOptions};
use crate::plan::{StepId, describe};

pub struct ApplyArgs<'a> {
    pub file: &'a str,
    pub dry_run: bool,
    pub resume: bool,
    pub from: Option<&'a str>,
    pub only: Option<&'a str>,
    pub skip: Vec<&'a str>,
    pub yes: bool,
    pub output: Format,
    pub concurrency: usize,
    pub allow_upgrade: bool,
}

fn step_arg(s: Option<&str>, flag: &str) -> Result<Option<StepId>, u8> {
    match s {
        None => Ok(None),
        Some(s) => StepId::parse(s).map(Some).ok_or_else(|| {
            let names: Vec<&str> = StepId::all().map(|s| s.as_str()).collect();
            eprintln!(
                "error: {flag} {s}: no such step\n    expected: one of {}",
                names.join(", ")
            );
            EXIT_BAD_INPUT
        }),
    }
}

pub fn run(cli: &Cli, a: ApplyArgs<'_>) -> u8 {
    let (path, loaded) = match load_profile(cli, a.file) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let (from, only) = match (step_arg(a.from, "--from"), step_arg(a.only, "--only")) {
        (Ok(f), Ok(o)) => (f, o),
        _ => return EXIT_BAD_INPUT,
    };
    let mut skip = Vec::new();
    for s in &a.skip {
        match step_arg(Some(s), "--skip") {
            Ok(Some(id)) => skip.push(id),
            _ => return EXIT_BAD_INPUT,
        }
    }
    let Some(runtime) = super::support::runtime() else {
        return EXIT_FAILED;
    };
    // meet the cluster first: its kind, nodes and ingress classes decide the `auto` answers
    // (a dry run does not start the AppArmor probe pod)
    let prepared = runtime.block_on(crate::exec::adapt::prepare(&loaded.profile, !a.dry_run));
    report_decisions(&prepared.decisions, a.output);
    let plan = prepared.plan();
    let profile = prepared.profile;
    for (flag, id) in [("--from", from), ("--only", only)] {
        if let Some(id) = id
            && plan.step(id).is_none()
        {
            eprintln!(
                "error: {flag} {}: this profile has no such step (it is disabled)",
                id.as_str()
            );
            return EXIT_BAD_INPUT;
        }
    }
    let interactive = std::io::stdin().is_terminal();
    if !a.yes && !a.dry_run {
        if !interactive {
            eprintln!(
                "error: refusing to change the cluster without --yes when not run from a terminal"
            );
            eprintln!(
                "    hint: review with `kmpilot plan -f {}`, then pass --yes (or use --dry-run)",
                path.display()
            );
            return EXIT_BAD_INPUT;
        }
        print!("{}", describe::text(&plan, false));
        // name what it will change: support engineers switch contexts all day
        eprint!(
            "\nApply this plan to {}? [y/N] ",
            crate::kube::target::describe_cluster(&plan.cluster)
        );
        let mut answer = String::new();
        if std::io::stdin().read_line(&mut answer).is_err()
            || !matches!(answer.trim(), "y" | "Y" | "yes")
        {
            eprintln!("nothing changed");
            return EXIT_OK;
        }
    }
    let base_dir = exec::base_dir(Some(&path));
    let state_dir = crate::profile::store::state_dir();
    let _log = super::logging::init(&state_dir);
    let opts = RunOptions {
        dry_run: a.dry_run,
        resume: a.resume,
        from,
        only,
        work_dir: state_dir.join("work").join(&profile.name),
        state_dir,
        base_dir,
        concurrency: a.concurrency,
        skip,
        allow_upgrade: a.allow_upgrade,
    };
    let secrets = match resolve_secrets(&plan, &opts, interactive) {
        Ok(s) => s,
        Err(code) => return code,
    };
    tracing::info!(profile = %profile.name, dry_run = a.dry_run, "apply started");
    let ok = run_headless(
        &runtime,
        &plan,
        &opts,
        &secrets,
        a.output,
        a.yes,
        interactive,
    );
    if ok {
        if a.output == Format::Text && !a.dry_run {
            println!("\nConsoles:");
            for u in &plan.console_urls {
                println!("  {:<16} {}", u.name, u.url);
            }
            if profile.gateway_api() {
                println!("\nGateway & routes:");
                for l in runtime.block_on(exec::gateway_api::summary_lines(&plan.cluster)) {
                    println!("{l}");
                }
            }
        }
        EXIT_OK
    } else {
        if a.output == Format::Text {
            eprintln!("resume with: kmpilot apply -f {} --resume", path.display());
        }
        EXIT_FAILED
    }
}

/// The secrets `plan` uses, asked for on the terminal when there is one; `Err` with the exit
/// code of bad input once what is missing was said.
pub(super) fn resolve_secrets(
    plan: &crate::plan::Plan,
    opts: &RunOptions,
    interactive: bool,
) -> Result<Secrets, u8> {
    let prompter = TerminalPrompter;
    let uses = crate::exec::secrets_needed(plan, opts);
    Secrets::resolve(&uses, &opts.base_dir, interactive.then_some(&prompter as _)).map_err(|e| {
        eprintln!("error: {e}");
        EXIT_BAD_INPUT
    })
}

pub(super) async fn report(
    mut rx: mpsc::UnboundedReceiver<Event>,
    output: Format,
    steps: Vec<StepId>,
) {
    let total = steps.len();
    let pos = |s: StepId| {
        steps
            .iter()
            .position(|x| *x == s)
            .map(|i| i + 1)
            .unwrap_or(0)
    };
    let mut headline = None;
    while let Some(ev) = rx.recv().await {
        if output != Format::Text {
            println!("{}", serde_json::to_string(&ev).unwrap_or_default());
            continue;
        }
        match ev {
            Event::StepStarted { step } => println!(
                "[{}/{total}] {} — {}",
                pos(step),
                step.as_str(),
                step.title()
            ),
            // steps run side by side: every line says whose it is
            Event::ActionStarted { step, summary, .. } => {
                println!("      {} → {summary}", tag(step))
            }
            Event::Output { step, stream, line } => match stream {
                Stream::Stderr => eprintln!("        {} {line}", tag(step)),
                _ => println!("        {} {line}", tag(step)),
            },
            Event::StepFinished { step, elapsed } => {
                println!("      ✓ {} ({:.1}s)", step.as_str(), elapsed.as_secs_f64())
            }
            Event::StepSkipped { step, reason, .. } => println!(
                "[{}/{total}] {} — skipped: {reason}",
                pos(step),
                step.as_str()
            ),
            Event::StepFailed { step, error, hint } => {
                eprintln!("      ✗ {} failed: {error}", step.as_str());
                if let Some(h) = hint {
                    eprintln!("        hint: {h}");
                }
            }
            Event::StepBlocked { step, needs } => println!(
                "[{}/{total}] {} — not started: needs {}, which did not finish",
                pos(step),
                step.as_str(),
                needs
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Event::Headline { step, text, .. } => {
                println!("        {} {text}", tag(step));
                headline = Some(text);
            }
            Event::RunFinished { ok } => {
                // the deployment's headline last, where a person looks
                if let Some(h) = headline.take() {
                    println!("Key manager: {h}");
                }
                println!("{}", if ok { "done" } else { "stopped" })
            }
            Event::RunStarted { .. } | Event::ActionFinished { .. } => {}
        }
    }
}

/// `[identity-server]`: the step a progress line belongs to.
fn tag(step: StepId) -> String {
    format!("[{}]", step.as_str())
}

/// What kmpilot decided from the cluster, before the plan.
fn report_decisions(d: &Result<Vec<crate::steps::adapt::Decision>, String>, output: Format) {
    if output != Format::Text {
        let v = match d {
            Ok(d) => serde_json::json!({"type": "decisions", "decisions": d}),
            Err(e) => serde_json::json!({"type": "decisions", "error": e}),
        };
        println!("{v}");
        return;
    }
    // decisions are the first notes of the prerequisites step; only a miss is said here
    match d {
        Ok(_) => {}
        Err(e) => println!(
            "Cluster: not reached ({e}); the auto answers stay auto and the checks will say why"
        ),
    }
}

/// Runs `plan` with the terminal as its only view: Ctrl-C cancels the current action, the
/// reporter prints the events (`--output`), questions mid-run (sudo for the hosts file, a
/// pending release) are asked on the terminal, answered by `--yes` for a release, refused
/// without a terminal. `apply` and `destroy` both run this way.
pub(super) fn run_headless(
    runtime: &tokio::runtime::Runtime,
    plan: &crate::plan::Plan,
    opts: &RunOptions,
    secrets: &Secrets,
    output: Format,
    yes: bool,
    interactive: bool,
) -> bool {
    runtime.block_on(async {
        let (tx, rx) = mpsc::unbounded_channel();
        let (cancel_tx, cancel_rx) = watch::channel(false);
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("\ninterrupted: stopping the current action");
                let _ = cancel_tx.send(true);
            }
        });
        let reporter = tokio::spawn(report(
            rx,
            output,
            plan.steps.iter().map(|s| s.id).collect(),
        ));
        let asker = exec::ask::TerminalAsker { yes, interactive };
        let ok = exec::run_asking(
            plan,
            opts,
            secrets,
            tx,
            cancel_rx,
            Some(std::sync::Arc::new(asker)),
        )
        .await;
        let _ = reporter.await;
        ok
    })
}

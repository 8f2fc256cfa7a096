//! `kmpilot destroy`: removes what kmpilot created for a profile, and only that. The destroy
//! plan (`plan::destroy`) runs through the same executor as apply, with its own journal, so a
//! killed destroy resumes where it stopped.

use std::io::IsTerminal;

use super::args::{Cli, Format};
use super::support::{EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, load_profile};
use crate::exec::journal;
use crate::exec::{self, RunOptions};
use crate::plan::{describe, destroy};

pub struct DestroyArgs<'a> {
    pub file: &'a str,
    pub dry_run: bool,
    pub yes: bool,
    pub keep_secrets: bool,
    pub output: Format,
}

/// Whether a run resumes an interrupted destroy: only when no apply ran since (the destroy
/// plan's first step removes apply's journal, so its presence means the deployment was made
/// again).
pub fn resumes(state_dir: &std::path::Path, profile: &str) -> bool {
    let apply = journal::path(state_dir, profile);
    let mine = journal::path(state_dir, &destroy::journal_name(profile));
    !apply.exists() && mine.exists()
}

pub fn run(cli: &Cli, a: DestroyArgs<'_>) -> u8 {
    let (path, loaded) = match load_profile(cli, a.file) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let profile = loaded.profile;
    let plan = crate::steps::destroy_plan(&profile, a.keep_secrets);
    let interactive = std::io::stdin().is_terminal();
    if !a.yes && !a.dry_run {
        if !interactive {
            eprintln!(
                "error: refusing to destroy without --yes when not run from a terminal (destroy asks for the profile name to be typed)"
            );
            eprintln!(
                "    hint: see what would go with `kmpilot destroy -f {} --dry-run`, then pass --yes",
                path.display()
            );
            return EXIT_BAD_INPUT;
        }
        print!("{}", describe::text(&plan, false));
        eprintln!(
            "\nThis removes what kmpilot created for profile {name} on {target}; objects it did not create are listed and left alone.",
            name = profile.name,
            target = crate::kube::target::describe_cluster(&plan.cluster)
        );
        eprint!("Type the profile name ({}) to go on: ", profile.name);
        let mut answer = String::new();
        if std::io::stdin().read_line(&mut answer).is_err() || answer.trim() != profile.name {
            eprintln!("not the profile's name: nothing changed");
            return EXIT_OK;
        }
    }
    let Some(runtime) = super::support::runtime() else {
        return EXIT_FAILED;
    };
    let state_dir = crate::profile::store::state_dir();
    let _log = super::logging::init(&state_dir);
    let resume = resumes(&state_dir, &profile.name);
    if !a.dry_run {
        if resume {
            if a.output == Format::Text {
                println!("resuming an interrupted destroy (steps it finished are skipped)");
            }
        } else {
            // an older destroy's record says nothing about what a later apply made
            let _ = std::fs::remove_file(journal::path(&state_dir, plan.journal_name()));
        }
    }
    let opts = RunOptions {
        dry_run: a.dry_run,
        resume,
        from: None,
        only: None,
        // apply's work directory: the CA kmpilot's HTTPS calls trust is there
        work_dir: state_dir.join("work").join(&profile.name),
        base_dir: exec::base_dir(Some(&path)),
        state_dir,
        // removals run in their listed (reverse) order: the destroy plan declares no graph
        concurrency: 1,
        skip: Vec::new(),
        allow_upgrade: false,
    };
    let secrets = match super::apply::resolve_secrets(&plan, &opts, interactive) {
        Ok(s) => s,
        Err(code) => return code,
    };
    tracing::info!(profile = %profile.name, dry_run = a.dry_run, "destroy started");
    let ok = super::apply::run_headless(
        &runtime,
        &plan,
        &opts,
        &secrets,
        a.output,
        a.yes,
        interactive,
    );
    if !ok {
        if a.output == Format::Text {
            eprintln!(
                "run again to finish: kmpilot destroy -f {} (finished steps are skipped)",
                path.display()
            );
        }
        return EXIT_FAILED;
    }
    if !a.dry_run {
        // finished: a later destroy starts from the cluster as it is then
        let _ = std::fs::remove_file(journal::path(&opts.state_dir, plan.journal_name()));
        let ledger = exec::ownership::Ledger::load(&opts.state_dir, &profile.name);
        if ledger.is_empty() {
            let _ = std::fs::remove_file(exec::ownership::path(&opts.state_dir, &profile.name));
        }
    }
    EXIT_OK
}

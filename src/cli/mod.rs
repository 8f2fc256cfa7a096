//! Command line: the front door. The clap definitions are `args.rs`, what the commands share
//! `support.rs`; this parses and dispatches to one module per command.

mod apply;
mod args;
mod candidates;
mod completion;
mod destroy;
mod diff;
mod doctor;
mod export;
mod import_cmd;
mod logging;
mod plan_cmd;
mod profiles;
mod support;
mod tui_cmd;
mod validate;
mod verify_cmd;
mod versions;

use std::process::ExitCode;

use clap::Parser;

pub use args::{Cli, Command, Format, ProfilesCommand};
pub use support::{EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK};

pub fn main() -> ExitCode {
    // a shell asking for completions gets its answer and nothing else
    completion::answer_if_asked();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                EXIT_BAD_INPUT
            } else {
                EXIT_OK
            });
        }
    };
    ExitCode::from(run(cli))
}

pub fn run(cli: Cli) -> u8 {
    let Some(command) = &cli.command else {
        return tui_cmd::run(&cli, None);
    };
    match command {
        Command::Tui { file } => tui_cmd::run(&cli, file.as_deref()),
        Command::Validate { file, output } => validate::run(&cli, file, *output),
        Command::Plan {
            file,
            output,
            brief,
            verify,
        } => plan_cmd::run(&cli, file, *output, *brief, *verify),
        Command::Verify { file, output } => verify_cmd::run(&cli, file, *output),
        Command::Export { file, output_dir } => export::run(&cli, file, output_dir),
        Command::Apply {
            file,
            dry_run,
            resume,
            from,
            only,
            skip,
            yes,
            output,
            concurrency,
            allow_upgrade,
        } => apply::run(
            &cli,
            apply::ApplyArgs {
                file,
                dry_run: *dry_run,
                resume: *resume,
                from: from.as_deref(),
                only: only.as_deref(),
                skip: skip.iter().map(String::as_str).collect(),
                yes: *yes,
                output: *output,
                concurrency: usize::from(*concurrency),
                allow_upgrade: *allow_upgrade,
            },
        ),
        Command::Doctor {
            file,
            output,
            bundle,
            log_lines,
            prove,
        } => {
            let code = doctor::run(&cli, file, *output, bundle.as_deref(), *log_lines);
            if !*prove {
                return code;
            }
            // the proof is the plan's own step, run alone as `apply --only prove` would
            let proved = apply::run(
                &cli,
                apply::ApplyArgs {
                    file,
                    dry_run: false,
                    resume: false,
                    from: None,
                    only: Some(crate::plan::StepId::Prove.as_str()),
                    skip: Vec::new(),
                    yes: true,
                    output: *output,
                    concurrency: 1,
                    allow_upgrade: false,
                },
            );
            code.max(proved)
        }
        Command::Profiles {
            command:
                ProfilesCommand::Import {
                    from_cluster,
                    force,
                    hosts_file,
                    output,
                    admin_url,
                    ca_file,
                    skip_key_manager,
                },
        } => import_cmd::run(
            &cli,
            import_cmd::ImportArgs {
                name: from_cluster,
                force: *force,
                hosts_file,
                output: *output,
                admin_url: admin_url.as_deref(),
                ca_file: ca_file.as_deref(),
                skip_key_manager: *skip_key_manager,
            },
        ),
        Command::Profiles { command } => profiles::run(command),
        Command::Completion { shell } => completion::run(*shell),
        Command::Man { dir } => completion::man(dir.as_deref()),
        Command::Versions { output } => versions::run(*output),
        Command::Diff { file, output } => diff::run(&cli, file, *output),
        Command::Destroy {
            file,
            dry_run,
            yes,
            keep_secrets,
            output,
        } => destroy::run(
            &cli,
            destroy::DestroyArgs {
                file,
                dry_run: *dry_run,
                yes: *yes,
                keep_secrets: *keep_secrets,
                output: *output,
            },
        ),
    }
}

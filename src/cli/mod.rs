//! Command line: clap definitions and the dispatch to one module per command. Exit codes follow
//! the convention kubectl users expect: 0 ok, 1 a step failed, 2 bad input.

mod apply;
mod completion;
mod destroy;
mod diff;
mod doctor;
mod export;
mod import_cmd;
mod logging;
mod plan_cmd;
mod profiles;
mod tui_cmd;
mod validate;
mod verify_cmd;
mod versions;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter};

use crate::profile::diagnostics::Issue;
use crate::profile::load::{self, LoadError, Loaded};
use crate::profile::{Profile, store};

pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_BAD_INPUT: u8 = 2;

#[derive(Debug, Parser)]
#[command(name = "kmpilot", version, about = "Deploy WSO2 API Manager 4.5 with Identity Server 7 as key manager on Kubernetes, from a replayable profile", long_about = None)]
pub struct Cli {
    /// kubeconfig context to use instead of the profile's (as kubectl's --context).
    #[arg(long, global = true, add = ArgValueCandidates::new(completion::kube_contexts))]
    pub context: Option<String>,
    /// Namespace to use instead of the profile's (as kubectl's -n).
    #[arg(short = 'n', long, global = true)]
    pub namespace: Option<String>,
    /// Disable colours (also: NO_COLOR).
    #[arg(long, global = true, env = "NO_COLOR", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_color: bool,
    /// Without a command: the wizard on the last profile, or on the quickstart defaults.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The full-screen wizard on a profile (a path or a name in the store).
    Tui {
        #[arg(short = 'f', long = "file", add = ArgValueCompleter::new(completion::profile_or_path))]
        file: Option<String>,
    },
    /// Check a profile offline: every problem with its YAML path, line and column.
    Validate {
        /// Profile file, or a name in the profile store.
        #[arg(short = 'f', long = "file", add = ArgValueCompleter::new(completion::profile_or_path))]
        file: String,
        #[arg(short = 'o', long, value_enum, default_value_t = Format::Text)]
        output: Format,
    },
    /// Show the exact steps, commands and manifests, secrets masked.
    Plan {
        #[arg(short = 'f', long = "file", add = ArgValueCompleter::new(completion::profile_or_path))]
        file: String,
        #[arg(short = 'o', long, value_enum, default_value_t = Format::Text)]
        output: Format,
        /// One line per action, without manifests and files.
        #[arg(long)]
        brief: bool,
        /// Also render both charts with helm and check them (as `kmpilot verify`); exit 2 on
        /// an error finding.
        #[arg(long)]
        verify: bool,
    },
    /// Write every artifact and a runbook.sh of the equivalent commands into a directory.
    Export {
        #[arg(short = 'f', long = "file", add = ArgValueCompleter::new(completion::profile_or_path))]
        file: String,
        /// Output directory (created; an earlier export there is replaced).
        #[arg(short = 'o', long = "output-dir")]
        output_dir: PathBuf,
    },
    /// Run the plan headless, with progress; resumable from its journal.
    Apply {
        #[arg(short = 'f', long = "file", add = ArgValueCompleter::new(completion::profile_or_path))]
        file: String,
        /// Ask the API server to validate everything without changing anything.
        #[arg(long)]
        dry_run: bool,
        /// Skip steps an earlier run finished (and that are unchanged since).
        #[arg(long)]
        resume: bool,
        /// Start at this step (e.g. api-manager).
        #[arg(long, value_name = "STEP", add = ArgValueCandidates::new(completion::step_ids))]
        from: Option<String>,
        /// Run only this step.
        #[arg(long, value_name = "STEP", add = ArgValueCandidates::new(completion::step_ids))]
        only: Option<String>,
        /// Leave this step out of this run (repeatable), e.g. `--skip prove`; what needs it
        /// still runs, and the summary says what the deployment lacks without it.
        #[arg(long, value_name = "STEP", add = ArgValueCandidates::new(completion::step_ids))]
        skip: Vec<String>,
        /// Do not ask for confirmation (required when not run from a terminal).
        #[arg(short = 'y', long)]
        yes: bool,
        /// `json`: one event per line, for scripts.
        #[arg(short = 'o', long, value_enum, default_value_t = Format::Text)]
        output: Format,
        /// How many steps may run side by side once what they need is done (1: one after
        /// another, in the plan's order).
        #[arg(long, value_name = "N", default_value_t = crate::exec::DEFAULT_CONCURRENCY as u16,
              value_parser = clap::value_parser!(u16).range(1..=64))]
        concurrency: u16,
        /// Upgrade a running release to another chart line (API-M 4.5 → 4.6) in place. Refused
        /// without it: WSO2 upgrades a minor version by migration, and H2 data does not
        /// migrate itself.
        #[arg(long)]
        allow_upgrade: bool,
    },
    /// Render the charts (helm template, the install's exact values; no cluster needed) and
    /// check what they render: deployment.toml, keystores, hostnames, ingress, images.
    Verify {
        #[arg(short = 'f', long = "file")]
        file: String,
        #[arg(short = 'o', long, value_enum, default_value_t = Format::Text)]
        output: Format,
    },
    /// Is the deployment healthy and reachable? Pods, ingress addresses, DNS, console URLs.
    Doctor {
        #[arg(short = 'f', long = "file", add = ArgValueCompleter::new(completion::profile_or_path))]
        file: String,
        #[arg(short = 'o', long, value_enum, default_value_t = Format::Text)]
        output: Format,
        /// Also write a redacted support bundle (.tar.gz): versions, nodes, events, pods,
        /// logs, Helm history and values, rendered deployment.toml files, profile, log, journal.
        #[arg(long, value_name = "FILE")]
        bundle: Option<PathBuf>,
        /// Last lines of each container log in the bundle.
        #[arg(long, value_name = "N", default_value_t = 2000)]
        log_lines: i64,
        /// Also prove the key manager (the plan's `prove` step): publish a sample API, call it
        /// through the gateway with a token from IS, revoke the token, see the gateway refuse
        /// it; everything created is removed again.
        #[arg(long)]
        prove: bool,
    },
    /// The profile store.
    Profiles {
        #[command(subcommand)]
        command: ProfilesCommand,
    },
    /// Print the shell hook for completions: `source <(kmpilot completion bash)`; profile names
    /// after `-f` come from the store.
    Completion {
        #[arg(value_enum)]
        shell: completion::Shell,
    },
    /// What `apply` would change in the live cluster, per step: chart versions and values per
    /// release, manifests (server-side dry run, only the fields kmpilot manages), secret keys
    /// (by hash), the key-manager registration, the hosts block. Secret values are never shown.
    /// Exit 0: no changes, 1: changes, 2: bad input, 3: a comparison failed.
    Diff {
        #[arg(short = 'f', long = "file", add = ArgValueCompleter::new(completion::profile_or_path))]
        file: String,
        #[arg(short = 'o', long, value_enum, default_value_t = Format::Text)]
        output: Format,
    },
    /// Remove what kmpilot created for the profile, and only that (proven from its records,
    /// labels and field manager); everything else is listed and left alone. Resumable.
    Destroy {
        #[arg(short = 'f', long = "file", add = ArgValueCompleter::new(completion::profile_or_path))]
        file: String,
        /// List what would go (and what stays, and why); change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Do not ask for the profile name (required when not run from a terminal).
        #[arg(short = 'y', long)]
        yes: bool,
        /// Keep the keystore and TLS secrets, for a reinstall.
        #[arg(long)]
        keep_secrets: bool,
        /// `json`: one event per line, for scripts.
        #[arg(short = 'o', long, value_enum, default_value_t = Format::Text)]
        output: Format,
    },
    /// The WSO2 lines kmpilot knows (API-M 4.5, 4.6, 4.7; IS 7.1): chart and image defaults,
    /// key-manager connector and body shape, notification handler, encryption key, exposure
    /// default, and where each fact was read.
    Versions {
        #[arg(short = 'o', long, value_enum, default_value_t = Format::Text)]
        output: Format,
    },
    /// Print the manual page (roff), or write one page per command into a directory.
    Man {
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProfilesCommand {
    /// Names of the stored profiles.
    List {
        #[arg(short = 'o', long, value_enum, default_value_t = Format::Text)]
        output: Format,
    },
    /// Print a stored profile (or any profile file) as kmpilot reads it, defaults filled in.
    Show {
        #[arg(add = ArgValueCompleter::new(completion::profile_or_path))]
        name: String,
    },
    /// Create a profile in the store from the quickstart defaults.
    New {
        name: String,
        /// Replace an existing profile of that name.
        #[arg(long)]
        force: bool,
    },
    /// Build a profile NAME from a running deployment (helm releases and values, hostnames,
    /// hosts-file block, PrivateJet objects labelled by kmpilot) in --context / -n (default
    /// namespace wso2). Secrets become `prompt: true`; what could not be mapped is listed.
    Import {
        /// Name of the new profile in the store.
        #[arg(long = "from-cluster", value_name = "NAME")]
        from_cluster: String,
        /// Replace an existing profile of that name.
        #[arg(long)]
        force: bool,
        /// The hosts file to look for kmpilot's block in (DNS mode).
        #[arg(long, value_name = "FILE", default_value = "/etc/hosts", value_hint = clap::ValueHint::FilePath)]
        hosts_file: PathBuf,
        /// The report: text, or json/yaml for scripts.
        #[arg(short = 'o', long, value_enum, default_value_t = Format::Text)]
        output: Format,
        /// API-M's address for reading the key-manager registration (Admin REST API);
        /// https://<management hostname> when absent.
        #[arg(long, value_name = "URL")]
        admin_url: Option<String>,
        /// A PEM CA to verify API-M with; the ingresses' certificate from the cluster when absent.
        #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
        ca_file: Option<PathBuf>,
        /// Do not ask API-M for the key-manager registration.
        #[arg(long)]
        skip_key_manager: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Yaml,
}

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

/// Loads `-f`, applies `--context`/`-n`, and prints the problems of a bad profile. `Err`
/// carries the exit code.
pub(crate) fn load_profile(cli: &Cli, file: &str) -> Result<(PathBuf, Loaded), u8> {
    let path = store::resolve(file);
    match load::from_path(&path, crate::steps::validate) {
        Ok(mut loaded) => {
            apply_overrides(cli, &mut loaded.profile);
            // overrides are input too
            let issues = crate::steps::validate(&loaded.profile);
            if issues.has_errors() {
                print_issues(&path.display().to_string(), &issues.list);
                return Err(EXIT_BAD_INPUT);
            }
            print_issues(&path.display().to_string(), &loaded.warnings);
            Ok((path, loaded))
        }
        Err(LoadError::Io { path, source }) => {
            eprintln!("error: cannot read profile {path}: {source}");
            if source.kind() == std::io::ErrorKind::NotFound {
                eprintln!("    hint: give a path, or a name from `kmpilot profiles list`");
            }
            Err(EXIT_BAD_INPUT)
        }
        Err(e) => {
            print_issues(&path.display().to_string(), e.issues());
            Err(EXIT_BAD_INPUT)
        }
    }
}

pub(crate) fn apply_overrides(cli: &Cli, p: &mut Profile) {
    if let Some(c) = &cli.context {
        p.cluster.context = Some(c.clone());
    }
    if let Some(n) = &cli.namespace {
        p.cluster.namespace = n.clone();
    }
}

pub(crate) fn print_issues(source: &str, issues: &[Issue]) {
    for i in issues {
        eprintln!("{}", i.render(source));
    }
}

/// The multi-threaded runtime the commands that talk to the cluster run on; `None` once the
/// reason it could not start was said.
pub(crate) fn runtime() -> Option<tokio::runtime::Runtime> {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => Some(r),
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            None
        }
    }
}

//! The command line as clap reads it: the global flags, the commands and their arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter};

use super::candidates;

#[derive(Debug, Parser)]
#[command(name = "kmpilot", version, about = "Deploy WSO2 API Manager 4.5 with Identity Server 7 as key manager on Kubernetes, from a replayable profile", long_about = None)]
pub struct Cli {
    /// kubeconfig context to use instead of the profile's (as kubectl's --context).
    #[arg(long, global = true, add = ArgValueCandidates::new(candidates::kube_contexts))]
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
        #[arg(short = 'f', long = "file", add = ArgValueCompleter::new(candidates::profile_or_path))]
        file: Option<String>,
    },
    /// Check a profile offline: every problem with its YAML path, line and column.
    Validate {
        /// Profile file, or a name in the profile store.
        #[arg(short = 'f', long = "file", add = ArgValueCompleter::new(candidates::profile_or_path))]
        file: String,
        #[arg(short = 'o', long, value_enum, default_value_t = Format::Text)]
        output: Format,
    },
    /// Show the exact steps, commands and manifests, secrets masked.
    Plan {
        #[arg(short = 'f', long = "file", add = ArgValueCompleter::new(candidates::profile_or_path))]
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
        #[arg(short = 'f', long = "file", add = ArgValueCompleter::new(candidates::profile_or_path))]
        file: String,
        /// Output directory (created; an earlier export there is replaced).
        #[arg(short = 'o', long = "output-dir")]
        output_dir: PathBuf,
    },
    /// Run the plan headless, with progress; resumable from its journal.
    Apply {
        #[arg(short = 'f', long = "file", add = ArgValueCompleter::new(candidates::profile_or_path))]
        file: String,
        /// Ask the API server to validate everything without changing anything.
        #[arg(long)]
        dry_run: bool,
        /// Skip steps an earlier run finished (and that are unchanged since).
        #[arg(long)]
        resume: bool,
        /// Start at this step (e.g. api-manager).
        #[arg(long, value_name = "STEP", add = ArgValueCandidates::new(candidates::step_ids))]
        from: Option<String>,
        /// Run only this step.
        #[arg(long, value_name = "STEP", add = ArgValueCandidates::new(candidates::step_ids))]
        only: Option<String>,
        /// Leave this step out of this run (repeatable), e.g. `--skip prove`; what needs it
        /// still runs, and the summary says what the deployment lacks without it.
        #[arg(long, value_name = "STEP", add = ArgValueCandidates::new(candidates::step_ids))]
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
        #[arg(short = 'f', long = "file", add = ArgValueCompleter::new(candidates::profile_or_path))]
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
        shell: candidates::Shell,
    },
    /// What `apply` would change in the live cluster, per step: chart versions and values per
    /// release, manifests (server-side dry run, only the fields kmpilot manages), secret keys
    /// (by hash), the key-manager registration, the hosts block. Secret values are never shown.
    /// Exit 0: no changes, 1: changes, 2: bad input, 3: a comparison failed.
    Diff {
        #[arg(short = 'f', long = "file", add = ArgValueCompleter::new(candidates::profile_or_path))]
        file: String,
        #[arg(short = 'o', long, value_enum, default_value_t = Format::Text)]
        output: Format,
    },
    /// Remove what kmpilot created for the profile, and only that (proven from its records,
    /// labels and field manager); everything else is listed and left alone. Resumable.
    Destroy {
        #[arg(short = 'f', long = "file", add = ArgValueCompleter::new(candidates::profile_or_path))]
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
        #[arg(add = ArgValueCompleter::new(candidates::profile_or_path))]
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

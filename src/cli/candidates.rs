//! What the arguments complete with (clap_complete's dynamic engine asks the binary): the
//! shells, the profile store's names and files for `-f`, the step ids, the kubeconfig's
//! contexts.

use std::ffi::OsStr;

use clap::ValueEnum;
use clap_complete::engine::{CompletionCandidate, PathCompleter, ValueCompleter};

use crate::profile::store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

impl Shell {
    pub fn name(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
            Shell::Elvish => "elvish",
            Shell::Powershell => "powershell",
        }
    }
}

/// `-f`: names in the profile store that start with what was typed, then matching files
/// (`-f` takes either, see `store::resolve`).
pub fn profile_or_path(current: &OsStr) -> Vec<CompletionCandidate> {
    let typed = current.to_string_lossy();
    let mut out: Vec<CompletionCandidate> = store::list()
        .unwrap_or_default()
        .into_iter()
        .filter(|n| n.starts_with(typed.as_ref()))
        .map(|n| CompletionCandidate::new(n).help(Some("profile in the store".into())))
        .collect();
    out.extend(PathCompleter::file().complete(current));
    out
}

/// `--from`/`--only`: the step ids, with their titles as help.
pub fn step_ids() -> Vec<CompletionCandidate> {
    crate::plan::StepId::all()
        .map(|id| CompletionCandidate::new(id.as_str()).help(Some(id.title().into())))
        .collect()
}

/// `--context`: the kubeconfig's contexts (as kubectl reads it), with their servers as help.
pub fn kube_contexts() -> Vec<CompletionCandidate> {
    crate::kube::list_contexts(None)
        .map(|k| {
            k.contexts
                .into_iter()
                .map(|c| CompletionCandidate::new(c.name).help(Some(c.server.into())))
                .collect()
        })
        .unwrap_or_default()
}

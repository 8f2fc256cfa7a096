//! What `kmpilot diff` reports, as data: each action's change, its items and their lines, the
//! report's exit code; and the two helpers every comparison uses (a secret's digest, a
//! unified text diff). The per-kind comparisons (`helm`, `manifests`, `secrets`, …) fill these
//! in; `diff` (the folder's front door) runs them.

use serde::Serialize;

use crate::plan::StepId;

/// What an action would do to what it touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// Missing from the cluster: `apply` creates (or installs) it.
    Create,
    /// Present and different in a field kmpilot manages.
    Update,
    /// Present and as `apply` would leave it.
    None,
    /// kmpilot cannot tell (a secret not available here, a command it does not model).
    NotCompared,
    /// The comparison failed (the cluster or API-M did not answer).
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Op {
    Add,
    Remove,
    Context,
    /// A secret value that changes (shown as `~ key: (secret) changed`, never the value).
    Secret,
    /// `@@ … @@` between hunks.
    Hunk,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffLine {
    pub op: Op,
    pub text: String,
}

impl DiffLine {
    pub fn new(op: Op, text: impl Into<String>) -> Self {
        DiffLine {
            op,
            text: text.into(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    /// `manifest`, `helm-release`, `secret`, `hosts`, `key-manager`, `command`.
    pub kind: &'static str,
    /// `Namespace wso2`, `helm release wso2/is`, …
    pub what: String,
    pub change: Change,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<DiffLine>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Item {
    pub fn new(kind: &'static str, what: impl Into<String>, change: Change) -> Self {
        Item {
            kind,
            what: what.into(),
            change,
            lines: Vec::new(),
            detail: None,
        }
    }
    pub fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }
    pub fn lines(mut self, lines: Vec<DiffLine>) -> Self {
        self.lines = lines;
        self
    }
    pub fn error(kind: &'static str, what: impl Into<String>, e: impl Into<String>) -> Self {
        Item::new(kind, what, Change::Error).detail(e)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StepDiff {
    pub step: StepId,
    pub title: String,
    pub items: Vec<Item>,
}

impl StepDiff {
    pub fn changes(&self) -> usize {
        self.items
            .iter()
            .filter(|i| matches!(i.change, Change::Create | Change::Update))
            .count()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    pub profile: String,
    /// Set when nothing could be compared (the cluster did not answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub steps: Vec<StepDiff>,
}

/// Exit codes as `kubectl diff`: 0 nothing would change, 1 something would, above 1 an error
/// (2 is kmpilot's bad input; 3 a comparison that failed).
pub const EXIT_CHANGES: u8 = 1;
pub const EXIT_DIFF_ERROR: u8 = 3;

impl DiffReport {
    pub fn changes(&self) -> usize {
        self.steps.iter().map(StepDiff::changes).sum()
    }
    pub fn errors(&self) -> usize {
        self.steps
            .iter()
            .flat_map(|s| &s.items)
            .filter(|i| i.change == Change::Error)
            .count()
            + usize::from(self.error.is_some())
    }
    pub fn step(&self, id: StepId) -> Option<&StepDiff> {
        self.steps.iter().find(|s| s.step == id)
    }
    pub fn exit_code(&self) -> u8 {
        if self.errors() > 0 {
            EXIT_DIFF_ERROR
        } else if self.changes() > 0 {
            EXIT_CHANGES
        } else {
            0
        }
    }
}

/// What the keystores step would do with the keystores the cluster holds: reuse them (then
/// the files it would store are exactly these), make new ones (something missing), or stop
/// (they do not open with the profile's password).
#[derive(Default)]
pub(super) struct KeystoreState {
    /// The files the keystores step would store, when it reuses the cluster's.
    pub(super) reused: Option<crate::exec::keystores::MemoryFiles>,
    /// The store password is not available here: the generated files are not compared.
    pub(super) unknown: bool,
    /// Why `apply` would stop at the keystores step.
    pub(super) problem: Option<String>,
}

/// The SHA-256 of a value, for comparing secrets without holding both in one place longer
/// than needed; never shown.
pub(crate) fn digest(b: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(b).into()
}

/// Lines of a unified diff of two texts (3 lines of context, `@@` between hunks).
pub(crate) fn unified(old: &str, new: &str) -> Vec<DiffLine> {
    let d = similar::TextDiff::from_lines(old, new);
    let mut out = Vec::new();
    for (i, group) in d.grouped_ops(3).iter().enumerate() {
        if i > 0 {
            out.push(DiffLine::new(Op::Hunk, "@@"));
        }
        for op in group {
            for change in d.iter_changes(op) {
                let op = match change.tag() {
                    similar::ChangeTag::Delete => Op::Remove,
                    similar::ChangeTag::Insert => Op::Add,
                    similar::ChangeTag::Equal => Op::Context,
                };
                out.push(DiffLine::new(
                    op,
                    change.value().trim_end_matches('\n').to_string(),
                ));
            }
        }
    }
    out
}

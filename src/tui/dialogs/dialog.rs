//! What every dialog is to the wizard, and the little the wizard tells a dialog.
//!
//! A dialog owns its state, its keys and its drawing (one file each, as gitui's popups). It reads
//! the wizard through [`Ctx`], a snapshot built once per key or frame, and changes nothing but
//! itself: what it decided comes back as [`Effect`]s that the wizard applies in order
//! (`tui/dialog_effects.rs`), the way gitui's popups push internal events onto a queue. So a
//! dialog knows neither `App` nor `Cmd`, and a new one is its file plus one line in the
//! registry (`dialogs/mod.rs`) — a new kind of effect aside.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::plan::{Plan, StepId};
use crate::profile::Profile;
use crate::profile::diagnostics::Issue;
use crate::steps::form::{Field, Value};
use crate::tui::widgets::theme::Theme;

/// The wizard as a dialog sees it.
pub struct Ctx<'a> {
    pub theme: &'a Theme,
    /// The terminal's size (columns, rows).
    pub size: (u16, u16),
    pub profile: &'a Profile,
    /// The fields of the step on screen (a dialog opened on a field names it by index).
    pub fields: &'a [Field],
    pub issues: &'a [Issue],
    /// Unsaved changes.
    pub dirty: bool,
    /// A plan runs now.
    pub running: bool,
    pub store_dir: &'a Path,
    /// The environment variables set (a secret read from one says whether it is there).
    pub env_names: &'a BTreeSet<String>,
    /// The cluster a run would change, as the kubeconfig says it now.
    pub target_line: String,
    /// Steps of the profile's plan.
    pub plan_steps: usize,
    /// The review's verification: errors in the rendered charts, and whether the person
    /// acknowledged them.
    pub verify_errors: usize,
    pub verify_acknowledged: bool,
    /// Failed checks of the Cluster step.
    pub preflight_failures: usize,
}

impl Ctx<'_> {
    /// Errors in the profile now.
    pub fn errors(&self) -> usize {
        self.issues.iter().filter(|i| i.is_error()).count()
    }

    /// The label of field `i` of the step on screen.
    pub fn label(&self, i: usize) -> String {
        self.fields
            .get(i)
            .map(|f| f.label.clone())
            .unwrap_or_default()
    }
}

/// What a dialog asks of the wizard once it decided.
pub enum Effect {
    /// The status line says this (`true`: as an error).
    Status(String, bool),
    /// Field `i` takes the value; an error goes to the status line.
    SetField(usize, Value),
    /// Field `i` takes the value as it is typed in the dialog; an error goes back to the
    /// dialog (`Dialog::field_result`).
    EditField(usize, Value),
    /// The profile as it was (a dialog's edit undone).
    RestoreProfile(Box<Profile>),
    Quit,
    SaveAndQuit,
    /// Saving was cancelled: quitting after it no longer follows.
    CancelQuitAfterSave,
    /// Save the profile there (a name in the store renames the profile).
    SaveTo(PathBuf),
    OpenProfile(PathBuf),
    /// The review's verification errors are acknowledged.
    AcknowledgeVerify,
    /// The profile's plan runs (`resume`: what the journal has done is skipped).
    StartRun {
        resume: bool,
    },
    /// This plan runs (a destroy plan).
    BeginRun(Arc<Plan>),
    /// PrivateJet cluster `i` goes.
    RemoveCluster(usize),
    RetryStep(StepId),
    SkipStep(StepId),
    AbortRun,
    /// The failed step's dialog is put away; the run screen's `r` brings it back.
    DismissFailure,
    /// Typing into the field on screen instead.
    TypeByHand,
    /// The run log is searched for this (empty: the search is cleared).
    SearchLog(String),
    /// The executor's questions answered.
    AnswerSecret(
        crate::tui::state::executor_question::SecretQuestion,
        Result<crate::util::secret::Secret, String>,
    ),
    Reply(
        crate::tui::state::executor_question::Asked,
        crate::exec::ask::Reply,
    ),
}

/// A dialog's answer to a key: whether it stays open, and what the wizard should do.
pub struct Reply {
    pub close: bool,
    pub effects: Vec<Effect>,
}

impl Reply {
    pub fn stay() -> Self {
        Reply {
            close: false,
            effects: Vec::new(),
        }
    }

    pub fn close() -> Self {
        Reply {
            close: true,
            effects: Vec::new(),
        }
    }

    /// Stays open; the status line says `warning` if there is one.
    pub fn stay_warning(warning: Option<String>) -> Self {
        let mut r = Reply::stay();
        r.effects.extend(warning.map(|w| Effect::Status(w, true)));
        r
    }

    pub fn with(mut self, e: Effect) -> Self {
        self.effects.push(e);
        self
    }
}

pub trait Dialog {
    /// A key while the dialog is in front: it decides from its own state.
    fn on_key(&mut self, cx: &Ctx, k: KeyEvent) -> Reply;
    fn draw(&self, cx: &Ctx, f: &mut Frame, area: Rect);
    /// The hint bar while it is in front; `None`: the bar of the screen behind.
    fn hints(&self, _cx: &Ctx) -> Option<&'static [(&'static str, &'static str)]> {
        None
    }
    /// Pasted text (bracketed paste).
    fn on_paste(&mut self, _text: &str) -> Vec<Effect> {
        Vec::new()
    }
    /// The outcome of an `Effect::EditField` it asked for.
    fn field_result(&mut self, _error: Option<String>) {}
}

/// The first line of a paste, for one-line inputs.
pub fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

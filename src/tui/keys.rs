//! Every key binding of the wizard's screens, in one table (as k9s keeps one per view). The
//! router (`update`) dispatches through it, the hint bar lists it and the help overlay is
//! generated from it, so a binding is written once. Dialogs keep their few keys in their own
//! files, next to their drawing.
//!
//! Order matters twice: dispatch takes the first binding of the scope that matches the key and
//! is available (so `←` changes a choice before it leaves the form), and the hint bar shows the
//! bindings with a hint in table order.

use crate::plan::StepId;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::steps::form::Kind;
use crate::tui::app::{App, Focus, Screen, WizardStep};

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Any screen, unless a field is being typed into or a dialog is open.
    Global,
    /// The wizard's step list.
    Steps,
    /// A step's fields.
    Form,
    /// Typing into a one-line field.
    Edit,
    Review,
    Run,
    /// The run summary over the run screen.
    Summary,
}

impl Scope {
    /// The heading of the scope's section in the help.
    pub fn title(self) -> &'static str {
        match self {
            Scope::Global => "Everywhere",
            Scope::Steps => "Step list",
            Scope::Form => "Fields",
            Scope::Edit => "Typing into a field",
            Scope::Review => "Review & run",
            Scope::Run => "Run",
            Scope::Summary => "Run summary",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// The key whatever the modifiers (Shift is part of the character).
    Code(KeyCode),
    Ctrl(char),
}

impl Key {
    fn matches(self, k: &KeyEvent) -> bool {
        match self {
            Key::Code(c) => k.code == c,
            Key::Ctrl(c) => {
                k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char(c)
            }
        }
    }

    /// How the help writes the key.
    pub fn name(self) -> String {
        match self {
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Code(c) => match c {
                KeyCode::Up => "↑".into(),
                KeyCode::Down => "↓".into(),
                KeyCode::Left => "←".into(),
                KeyCode::Right => "→".into(),
                KeyCode::PageUp => "PgUp".into(),
                KeyCode::PageDown => "PgDn".into(),
                KeyCode::BackTab => "S-Tab".into(),
                KeyCode::Char(' ') => "Space".into(),
                KeyCode::Char(ch) => ch.to_string(),
                KeyCode::F(n) => format!("F{n}"),
                other => other.to_string(),
            },
        }
    }
}

/// What a key does; `update` performs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Save,
    Open,
    Help,
    Quit,
    SaveAs,
    Destroy,
    StepPrev,
    StepNext,
    StepFirst,
    StepLast,
    EnterForm,
    FieldPrev,
    FieldNext,
    FieldPageUp,
    FieldPageDown,
    FieldFirst,
    FieldLast,
    PickContext,
    Edit,
    Toggle,
    ChoiceNext,
    ChoicePrev,
    ChooseSource,
    EditLines,
    CheckCluster,
    Discover,
    Adopt,
    AddCluster,
    RemoveCluster,
    NextStep,
    PrevStep,
    BackToSteps,
    Accept,
    Cancel,
    AcceptAndMove,
    /// Cursor keys of a text input: the input takes them.
    Cursor,
    /// Empties the field being typed into.
    ClearField,
    ReviewPrev,
    ReviewNext,
    ReviewFirst,
    ReviewLast,
    PreviewUp,
    PreviewDown,
    Run,
    NextPane,
    PrevPane,
    ScrollUp,
    ScrollDown,
    ScrollPageUp,
    ScrollPageDown,
    ScrollTop,
    ScrollBottom,
    Search,
    NextMatch,
    PrevMatch,
    BackToWizard,
    Summary,
    /// The failed step's dialog again (retry, skip, abort), after Esc closed it.
    Decide,
    /// What the pane cuts, whole (the Review's row, findings and diff; the log's lines).
    Details,
    /// The selected pod's logs (followed), its description, its events.
    PodLogs,
    PodDescribe,
    PodEvents,
    /// The log of one step, the next, then all again.
    FilterLog,
    CloseSummary,
    /// The plan's proof step alone, against what is deployed now.
    Prove,
}

pub struct Binding {
    pub scope: Scope,
    pub keys: &'static [Key],
    /// The keys as the hint bar writes them.
    pub label: &'static str,
    /// The hint bar's word for it; empty: not in the bar (the help still lists it).
    pub hint: &'static str,
    /// The help's sentence for it.
    pub help: &'static str,
    pub act: Act,
}

use Key::{Code as K, Ctrl};
use KeyCode::{BackTab, Down, End, Enter, Esc, F, Home, Left, PageDown, PageUp, Right, Tab, Up};

const fn b(
    scope: Scope,
    keys: &'static [Key],
    label: &'static str,
    hint: &'static str,
    help: &'static str,
    act: Act,
) -> Binding {
    Binding {
        scope,
        keys,
        label,
        hint,
        help,
        act,
    }
}

const fn c(ch: char) -> Key {
    K(KeyCode::Char(ch))
}

const PROVE_HELP: &str = "prove the deployed key manager works, the plan's proof step alone (as doctor --prove): a sample API, a token from IS accepted by the gateway, refused once revoked; what it made is removed";

#[rustfmt::skip]
pub const BINDINGS: &[Binding] = &[
    // -- everywhere (the bar keeps what fits in 80 columns; the rest is in the help)
    b(Scope::Global, &[Ctrl('s')], "^S", "save", "save the profile (asks for a name the first time)", Act::Save),
    b(Scope::Global, &[Ctrl('o')], "^O", "open", "open another profile", Act::Open),
    b(Scope::Global, &[c('?'), K(F(1))], "?", "help", "this help", Act::Help),
    b(Scope::Global, &[c('q'), Ctrl('c')], "q", "quit", "quit (asks when changes are unsaved or a plan runs)", Act::Quit),
    b(Scope::Global, &[c('S')], "S", "", "save as: a name in the profile store, or a path", Act::SaveAs),
    b(Scope::Global, &[c('X')], "X", "", "destroy what kmpilot created for this profile (asks for its name)", Act::Destroy),
    // -- the step list
    b(Scope::Steps, &[K(Up), c('k')], "↑↓", "step", "previous step", Act::StepPrev),
    b(Scope::Steps, &[K(Down), c('j')], "", "", "next step", Act::StepNext),
    b(Scope::Steps, &[K(Home)], "", "", "first step", Act::StepFirst),
    b(Scope::Steps, &[K(End)], "", "", "last step (Review & run)", Act::StepLast),
    b(Scope::Steps, &[K(Enter), K(Right), c('l'), K(Tab)], "Enter/→", "fields", "open the step's fields", Act::EnterForm),
    // -- a step's fields
    b(Scope::Form, &[K(Up), c('k')], "↑↓", "field", "previous field", Act::FieldPrev),
    b(Scope::Form, &[K(Down), c('j')], "", "", "next field", Act::FieldNext),
    b(Scope::Form, &[K(PageUp)], "", "", "ten fields up", Act::FieldPageUp),
    b(Scope::Form, &[K(PageDown)], "", "", "ten fields down", Act::FieldPageDown),
    b(Scope::Form, &[K(Home)], "", "", "first field", Act::FieldFirst),
    b(Scope::Form, &[K(End)], "", "", "last field; again: the checks below it (Cluster)", Act::FieldLast),
    b(Scope::Form, &[K(Enter)], "Enter", "pick context", "pick a kubeconfig context", Act::PickContext),
    b(Scope::Form, &[K(Enter)], "Enter", "edit", "edit a text or a number", Act::Edit),
    b(Scope::Form, &[c(' '), K(Enter)], "Space", "toggle", "toggle a yes/no", Act::Toggle),
    b(Scope::Form, &[K(Right), c('l'), c(' '), K(Enter)], "←→/Space", "change", "next choice", Act::ChoiceNext),
    b(Scope::Form, &[K(Left), c('h')], "", "", "previous choice", Act::ChoicePrev),
    b(Scope::Form, &[K(Enter)], "Enter", "choose source", "where a secret comes from", Act::ChooseSource),
    b(Scope::Form, &[K(Enter)], "Enter", "edit lines", "edit a multi-line (YAML, TOML) field", Act::EditLines),
    b(Scope::Form, &[c('c')], "c", "check again", "Cluster: run the cluster checks again", Act::CheckCluster),
    b(Scope::Form, &[c('D')], "D", "discover", "Key manager: read IS's well-known document", Act::Discover),
    b(Scope::Form, &[c('A')], "A", "adopt", "Key manager: adopt what IS publishes as overrides", Act::Adopt),
    b(Scope::Form, &[c('a')], "a", "add cluster", "PrivateJet: add a cluster", Act::AddCluster),
    b(Scope::Form, &[c('d')], "d", "remove cluster", "PrivateJet: remove the cluster under the cursor", Act::RemoveCluster),
    b(Scope::Form, &[c(']')], "", "", "next step", Act::NextStep),
    b(Scope::Form, &[c('[')], "", "", "previous step", Act::PrevStep),
    b(Scope::Form, &[K(Tab), K(BackTab), K(Esc), K(Left), c('h')], "Tab", "steps", "back to the step list", Act::BackToSteps),
    // -- typing into a field (it takes every other key)
    b(Scope::Edit, &[K(Enter)], "Enter", "accept", "accept the value", Act::Accept),
    b(Scope::Edit, &[K(Esc)], "Esc", "cancel", "put back the value it had", Act::Cancel),
    b(Scope::Edit, &[K(Tab), K(Up), K(Down)], "Tab/↑↓", "accept and move", "accept and go to the next / previous field", Act::AcceptAndMove),
    b(Scope::Edit, &[K(Left), K(Right), K(Home), K(End)], "←→ Home End", "cursor", "move the cursor", Act::Cursor),
    b(Scope::Edit, &[Ctrl('u')], "^U", "clear", "empty the field (Esc puts back the value it had)", Act::ClearField),
    // -- review & run
    b(Scope::Review, &[K(Up), c('k')], "↑↓", "select", "previous action", Act::ReviewPrev),
    b(Scope::Review, &[K(Down), c('j')], "", "", "next action", Act::ReviewNext),
    b(Scope::Review, &[K(Home)], "", "", "first action", Act::ReviewFirst),
    b(Scope::Review, &[K(End)], "", "", "last row", Act::ReviewLast),
    b(Scope::Review, &[K(PageUp), c('K')], "PgUp/PgDn", "preview", "scroll the preview up", Act::PreviewUp),
    b(Scope::Review, &[K(PageDown), c('J')], "", "", "scroll the preview down", Act::PreviewDown),
    b(Scope::Review, &[c('r')], "r", "run", "run the plan (asks first; R there resumes)", Act::Run),
    b(Scope::Review, &[c('p')], "p", "prove", PROVE_HELP, Act::Prove),
    b(Scope::Review, &[K(Enter)], "Enter", "details", "the selected row, the verification's findings and the live diff, whole", Act::Details),
    b(Scope::Review, &[K(Tab), K(BackTab), K(Esc), K(Left), c('h')], "Tab", "steps", "back to the step list", Act::BackToSteps),
    // -- the run screen
    b(Scope::Run, &[K(Tab)], "Tab", "pane", "next pane (log, pods, ingresses)", Act::NextPane),
    b(Scope::Run, &[K(BackTab)], "", "", "previous pane", Act::PrevPane),
    b(Scope::Run, &[K(Up), c('k')], "↑↓ PgUp PgDn", "scroll", "scroll the pane up", Act::ScrollUp),
    b(Scope::Run, &[K(Down), c('j')], "", "", "scroll the pane down", Act::ScrollDown),
    b(Scope::Run, &[K(PageUp)], "", "", "a page up", Act::ScrollPageUp),
    b(Scope::Run, &[K(PageDown)], "", "", "a page down", Act::ScrollPageDown),
    b(Scope::Run, &[K(Home)], "", "", "the top", Act::ScrollTop),
    b(Scope::Run, &[K(End)], "", "", "the bottom (the log follows again)", Act::ScrollBottom),
    b(Scope::Run, &[c('/')], "/", "search", "search the log", Act::Search),
    b(Scope::Run, &[c('n')], "n N", "match", "next match", Act::NextMatch),
    b(Scope::Run, &[c('N')], "", "", "previous match", Act::PrevMatch),
    b(Scope::Run, &[K(Esc), c('w')], "Esc", "wizard", "back to the wizard (the run goes on)", Act::BackToWizard),
    b(Scope::Run, &[c('s')], "s", "summary", "the summary, once the run finished", Act::Summary),
    b(Scope::Run, &[c('r')], "r", "retry/skip/abort", "a step failed: retry it, skip it or abort (its dialog again)", Act::Decide),
    b(Scope::Run, &[c('f')], "", "", "the log of one step, the next step's, then all again", Act::FilterLog),
    b(Scope::Run, &[K(Enter)], "Enter", "whole lines", "the log from the top of the view, each line whole (wrapped)", Act::Details),
    b(Scope::Run, &[c('l')], "l d e", "pod logs/describe/events", "Pods pane: the selected pod's logs (followed)", Act::PodLogs),
    b(Scope::Run, &[c('d')], "", "", "Pods pane: describe the selected pod (containers, states, conditions)", Act::PodDescribe),
    b(Scope::Run, &[c('e')], "", "", "Pods pane: the selected pod's events", Act::PodEvents),
    b(Scope::Run, &[c('p')], "p", "prove", PROVE_HELP, Act::Prove),
    b(Scope::Summary, &[K(Enter), K(Esc)], "Enter/Esc", "close", "close the summary", Act::CloseSummary),
    b(Scope::Summary, &[c('p')], "p", "prove", PROVE_HELP, Act::Prove),
];

/// Where the keys go now (no dialog open).
pub fn scope_of(app: &App) -> Scope {
    if app.editing.is_some() {
        return Scope::Edit;
    }
    match app.screen {
        Screen::Run if app.run.summary_open => Scope::Summary,
        Screen::Run => Scope::Run,
        Screen::Wizard => match app.focus {
            Focus::Steps => Scope::Steps,
            Focus::Form if app.wizard_step() == WizardStep::Review => Scope::Review,
            Focus::Form => Scope::Form,
        },
    }
}

fn field_kind(app: &App) -> Option<(&Kind, bool)> {
    app.fields
        .get(app.field)
        .map(|f| (&f.kind, f.picks_context))
}

/// Whether the binding does something here (dispatch skips it otherwise).
pub fn available(app: &App, act: Act) -> bool {
    let step = app.wizard_step();
    match act {
        Act::PickContext => matches!(field_kind(app), Some((Kind::Text, true))),
        Act::Edit => matches!(
            field_kind(app),
            Some((Kind::Text, false)) | Some((Kind::Number, _))
        ),
        Act::Toggle => matches!(field_kind(app), Some((Kind::Bool, _))),
        Act::ChoiceNext | Act::ChoicePrev => matches!(field_kind(app), Some((Kind::Choice(_), _))),
        Act::ChooseSource => matches!(field_kind(app), Some((Kind::Secret { .. }, _))),
        Act::EditLines => matches!(field_kind(app), Some((Kind::MultiLine, _))),
        Act::CheckCluster => step == WizardStep::Step(StepId::Prerequisites),
        Act::Discover | Act::Adopt => step == WizardStep::Step(StepId::KeyManager),
        Act::AddCluster | Act::RemoveCluster => step == WizardStep::Step(StepId::PrivateJet),
        // a failed step waits for a decision: there is no summary of a run not over
        Act::Summary => app.run.finished.is_some() && app.run.failed.is_none(),
        Act::Decide => app.run.failed.is_some() && app.run.finished.is_some(),
        // against what is deployed: not while a run changes it; only a plan with the step
        Act::Prove => {
            !(app.run.active && app.run.finished.is_none())
                && app
                    .review
                    .plan
                    .as_ref()
                    .is_some_and(|p| p.step(StepId::Prove).is_some())
        }
        Act::PodLogs | Act::PodDescribe | Act::PodEvents => {
            app.run.pane == Some(crate::tui::state::run_state::Pane::Pods)
                && !app.run.pods.rows.is_empty()
        }
        _ => true,
    }
}

/// Whether the hint bar offers it (available, and useful right now).
fn offered(app: &App, act: Act) -> bool {
    available(app, act)
        && match act {
            Act::Adopt => app.discovered.is_some(),
            Act::RemoveCluster => app.focused_cluster().is_some(),
            _ => true,
        }
}

/// The action of key `k` in `scope`: the screen's own binding, else (outside a text input) a
/// binding that applies everywhere — global keys are looked at first, as `q` quits from any
/// screen.
pub fn lookup(app: &App, scope: Scope, k: &KeyEvent) -> Option<Act> {
    let find = |s: Scope| {
        BINDINGS
            .iter()
            .filter(|b| b.scope == s && b.keys.iter().any(|key| key.matches(k)))
            .find(|b| available(app, b.act))
            .map(|b| b.act)
    };
    if scope == Scope::Edit {
        return find(Scope::Edit);
    }
    find(Scope::Global).or_else(|| find(scope))
}

/// The keys of the dialog in front, for the hint bar (the bar must not offer the screen's
/// keys behind it: they do not reach it).
fn dialog_hints(app: &App) -> Option<Vec<(&'static str, &'static str)>> {
    use crate::tui::app::Modal;
    let keys: &'static [(&'static str, &'static str)] = match app.modal.as_ref()? {
        Modal::StepFailed { .. } => crate::tui::dialogs::step_failed::KEYS,
        Modal::ConfirmRun => crate::tui::dialogs::confirm_run::KEYS,
        Modal::QuitGuard if !app.dirty() => crate::tui::dialogs::quit_guard::KEYS_CLEAN,
        Modal::QuitGuard if app.has_errors() => crate::tui::dialogs::quit_guard::KEYS_DIRTY_ERRORS,
        Modal::QuitGuard => crate::tui::dialogs::quit_guard::KEYS_DIRTY,
        Modal::ConfirmRemoveCluster(_) => crate::tui::dialogs::private_jet_clusters::KEYS,
        Modal::MultiLine(_) => crate::tui::dialogs::multiline_editor::KEYS,
        Modal::Detail(_) => crate::tui::dialogs::detail::KEYS,
        _ => return None,
    };
    Some(keys.to_vec())
}

/// The hint bar of the screen in front, or of the dialog over it (the run summary keeps the
/// run screen's bar).
pub fn hints(app: &App) -> Vec<(&'static str, &'static str)> {
    if let Some(v) = dialog_hints(app) {
        return v;
    }
    let scope = match scope_of(app) {
        Scope::Summary => Scope::Run,
        s => s,
    };
    let of = |s: Scope| {
        BINDINGS
            .iter()
            .filter(move |b| b.scope == s && !b.hint.is_empty() && offered(app, b.act))
            .map(|b| (b.label, b.hint))
    };
    let mut v: Vec<_> = of(scope).collect();
    match scope {
        // a field being typed into takes every other key
        Scope::Edit => {}
        // the run screen's bar has no room for save / open (they work there all the same)
        Scope::Run => v.extend(of(Scope::Global).filter(|(l, _)| *l == "?" || *l == "q")),
        _ => v.extend(of(Scope::Global)),
    }
    v
}

/// The help's sections: each scope with its bindings (all keys written out) in table order.
pub fn help_sections() -> Vec<(&'static str, Vec<(String, &'static str)>)> {
    [
        Scope::Steps,
        Scope::Form,
        Scope::Edit,
        Scope::Review,
        Scope::Run,
        Scope::Summary,
        Scope::Global,
    ]
    .into_iter()
    .map(|s| {
        let rows = BINDINGS
            .iter()
            .filter(|b| b.scope == s)
            .map(|b| {
                let keys: Vec<String> = b.keys.iter().map(|k| k.name()).collect();
                (keys.join(" "), b.help)
            })
            .collect();
        (s.title(), rows)
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bindings whose availability depends on the field or the step: they may share a key.
    fn conditional(a: Act) -> bool {
        matches!(
            a,
            Act::PickContext
                | Act::Edit
                | Act::Toggle
                | Act::ChoiceNext
                | Act::ChoicePrev
                | Act::ChooseSource
                | Act::EditLines
                | Act::CheckCluster
                | Act::Discover
                | Act::Adopt
                | Act::AddCluster
                | Act::RemoveCluster
                | Act::Summary
                | Act::Decide
                | Act::PodLogs
                | Act::PodDescribe
                | Act::PodEvents
        )
    }

    #[test]
    fn no_binding_is_shadowed() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                let shared = a.keys.iter().any(|k| b.keys.contains(k));
                if !shared {
                    continue;
                }
                // the later binding would never run: dispatch takes the first that matches
                assert!(
                    a.scope != b.scope || conditional(a.act) || conditional(b.act),
                    "{:?} and {:?} share a key in {:?}",
                    a.act,
                    b.act,
                    a.scope
                );
                // global keys are looked at first, outside text inputs
                let global = |x: &Binding| x.scope == Scope::Global;
                assert!(
                    !(global(a) ^ global(b)) || a.scope == Scope::Edit || b.scope == Scope::Edit,
                    "{:?} ({:?}) is hidden by the global {:?}",
                    b.act,
                    b.scope,
                    a.act
                );
            }
        }
    }

    #[test]
    fn every_binding_is_in_the_help_and_every_hint_names_its_keys() {
        let help: Vec<_> = help_sections().into_iter().flat_map(|(_, r)| r).collect();
        assert_eq!(help.len(), BINDINGS.len());
        for b in BINDINGS {
            assert!(!b.help.is_empty(), "{:?} has no help", b.act);
            assert!(!b.keys.is_empty(), "{:?} has no key", b.act);
            assert!(b.hint.is_empty() || !b.label.is_empty(), "{:?}", b.act);
        }
    }
}

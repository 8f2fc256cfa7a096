//! Every key binding of the wizard's screens, in one table (as k9s keeps one per view): what a
//! key is, where it applies, what the hint bar and the help say for it and which act it is.
//! `keys.rs` dispatches through it and builds the hint bar; the help overlay lists it. It knows
//! nothing of the wizard's state, so the help (a dialog) can read it.
//!
//! Order matters twice: dispatch takes the first binding of the scope that matches the key and
//! is available (so `←` changes a choice before it leaves the form), and the hint bar shows the
//! bindings with a hint in table order.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
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
    pub fn matches(self, k: &KeyEvent) -> bool {
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
    // not in the Review's bar: it would push `? help` and `q quit` out of 100 columns
    b(Scope::Review, &[c('p')], "p", "", PROVE_HELP, Act::Prove),
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

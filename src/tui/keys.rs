//! The wizard's keys at work: which scope a key goes to now, whether a binding of the table
//! (`key_table.rs`) does something here, dispatch, and the hint bar of the screen or of the
//! dialog in front. Dialogs keep their few keys in their own files, next to their drawing.

use crate::plan::StepId;
use crossterm::event::KeyEvent;

use crate::steps::form::Kind;
use crate::tui::app::{App, Focus, Screen, WizardStep};
pub use crate::tui::key_table::{Act, BINDINGS, Binding, Key, Scope, help_sections};

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
    let keys = app.modal.as_ref()?.dialog().hints(&app.dialog_ctx())?;
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

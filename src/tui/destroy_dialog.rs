//! `X`: destroy what kmpilot created for the open profile, from the wizard. The dialog says
//! what goes (the destroy plan's removals, counted per step) and that what kmpilot did not
//! create stays, and asks for the profile's name to be typed, as `kmpilot destroy` does on a
//! terminal. The run itself is the ordinary run screen with the destroy plan: the same executor,
//! events and panes; every removal proves ownership first and says what it left alone.

use std::sync::Arc;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::app::{App, Modal, Screen};
use super::msg::Cmd;
use crate::plan::{Action, Plan, destroy};

#[derive(Debug)]
pub struct DestroyDialog {
    pub plan: Arc<Plan>,
    /// What the user typed so far.
    pub typed: String,
}

pub fn open(app: &mut App) -> Option<Cmd> {
    if app.run.active && app.run.finished.is_none() {
        app.status = Some((
            "a run is in progress: destroy after it has finished".into(),
            true,
        ));
        return None;
    }
    app.modal = Some(Modal::Destroy(DestroyDialog {
        plan: Arc::new(crate::steps::destroy_plan(&app.profile, false)),
        typed: String::new(),
    }));
    None
}

pub fn on_key(app: &mut App, k: KeyEvent) -> Option<Cmd> {
    let Some(Modal::Destroy(d)) = &mut app.modal else {
        return None;
    };
    match k.code {
        KeyCode::Esc => {
            app.modal = None;
            None
        }
        KeyCode::Backspace => {
            d.typed.pop();
            None
        }
        KeyCode::Char(c) => {
            d.typed.push(c);
            None
        }
        KeyCode::Enter if d.typed == app.profile.name => {
            let plan = d.plan.clone();
            app.modal = None;
            app.run.begin(plan.clone(), Instant::now());
            app.screen = Screen::Run;
            // every removal is idempotent: a destroy started again simply finds less to do
            Some(Cmd::StartRun {
                profile: Box::new(app.profile.clone()),
                plan,
                profile_path: app.profile_path.clone(),
                resume: false,
            })
        }
        KeyCode::Enter => {
            app.status = Some((
                format!(
                    "type the profile's name ({}) to destroy, Esc to keep everything",
                    app.profile.name
                ),
                true,
            ));
            None
        }
        _ => None,
    }
}

/// One line per step that removes something: the step and how many removals it tries.
fn summary(plan: &Plan) -> Vec<String> {
    plan.steps
        .iter()
        .filter_map(|s| {
            let n = s
                .actions
                .iter()
                .filter(|a| {
                    matches!(a, Action::Undo(u) if !matches!(u.as_ref(), destroy::Undo::ForgetApply))
                })
                .count();
            (n > 0).then(|| format!("  {:<22} {n} removal{}", s.id.title(), if n == 1 { "" } else { "s" }))
        })
        .collect()
}

pub fn draw(app: &App, d: &DestroyDialog, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let mut lines: Vec<Line> = vec![
        Line::from(format!(
            "Remove what kmpilot created for profile {} (namespace {}):",
            app.profile.name, app.profile.cluster.namespace
        )),
        Line::from(""),
    ];
    lines.extend(summary(&d.plan).into_iter().map(Line::from));
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "Only what kmpilot's records prove it created goes; everything else is listed and left alone.",
        t.dim(),
    )));
    lines.push(Line::from(""));
    lines.push(Line::from(vec![
        Span::styled("Type the profile name › ", t.label()),
        Span::styled(format!("{}▏", d.typed), t.input()),
    ]));
    lines.push(Line::from(""));
    lines.push(super::widgets::key_line(
        t,
        &[("Enter", "destroy"), ("Esc", "keep everything")],
    ));
    let h = (lines.len() as u16 + 2).min(area.height);
    let w = area.width.saturating_sub(4).min(96);
    let r = super::widgets::centered(area, w, h);
    super::widgets::dialog(&app.theme, f, r, "Destroy", lines);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyEventKind, KeyEventState, KeyModifiers};

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent {
            code,
            modifiers: KeyModifiers::NONE,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        }
    }

    #[test]
    fn only_the_typed_profile_name_starts_the_destroy_run() {
        let mut app = App::new(crate::profile::Profile::quickstart("lab"), None, true);
        open(&mut app);
        assert!(matches!(app.modal, Some(Modal::Destroy(_))));
        for c in "lax".chars() {
            on_key(&mut app, key(KeyCode::Char(c)));
        }
        assert!(
            on_key(&mut app, key(KeyCode::Enter)).is_none(),
            "a wrong name"
        );
        assert!(matches!(app.modal, Some(Modal::Destroy(_))));
        on_key(&mut app, key(KeyCode::Backspace));
        on_key(&mut app, key(KeyCode::Char('b')));
        match on_key(&mut app, key(KeyCode::Enter)) {
            Some(Cmd::StartRun { plan, resume, .. }) => {
                assert_eq!(plan.journal.as_deref(), Some("lab.destroy"));
                assert!(!resume);
            }
            other => panic!("expected the destroy run, got {other:?}"),
        }
        assert!(app.modal.is_none());
        assert_eq!(app.screen, Screen::Run);
    }

    #[test]
    fn esc_keeps_everything() {
        let mut app = App::new(crate::profile::Profile::quickstart("lab"), None, true);
        open(&mut app);
        assert!(on_key(&mut app, key(KeyCode::Esc)).is_none());
        assert!(app.modal.is_none());
    }
}

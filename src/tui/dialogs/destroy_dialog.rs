//! `X`: destroy what kmpilot created for the open profile, from the wizard. The dialog says
//! what goes (the destroy plan's removals, counted per step) and that what kmpilot did not
//! create stays, and asks for the profile's name to be typed, as `kmpilot destroy` does on a
//! terminal. The run itself is the ordinary run screen with the destroy plan: the same executor,
//! events and panes; every removal proves ownership first and says what it left alone. The
//! dialog decides on its keys from its own state; the router starts the run.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::plan::{Action, Plan, destroy};
use crate::profile::Profile;
use crate::tui::dialogs::dialog::{Ctx, Dialog, Effect, Reply};
use crate::tui::widgets::theme::Theme;

#[derive(Debug)]
pub struct DestroyDialog {
    pub plan: Arc<Plan>,
    /// What the user typed so far.
    pub typed: String,
}

/// The dialog for profile `p`, or why it does not open now.
pub fn open(running: bool, p: &Profile) -> Result<DestroyDialog, String> {
    if running {
        return Err("a run is in progress: destroy after it has finished".into());
    }
    Ok(DestroyDialog {
        plan: Arc::new(crate::steps::destroy_plan(p, false)),
        typed: String::new(),
    })
}

/// What a key decided.
#[derive(Debug)]
pub enum Outcome {
    /// Still open, with what the status line should say (Enter on a wrong name).
    Open(Option<String>),
    /// Esc: everything stays.
    Close,
    /// The name matches: run this destroy plan. Every removal is idempotent, so a destroy
    /// started again simply finds less to do.
    Destroy(Arc<Plan>),
}

/// `profile_name`: the name to be typed (the profile open now).
pub fn on_key(d: &mut DestroyDialog, k: KeyEvent, profile_name: &str) -> Outcome {
    match k.code {
        KeyCode::Esc => Outcome::Close,
        KeyCode::Backspace => {
            d.typed.pop();
            Outcome::Open(None)
        }
        KeyCode::Char(c) => {
            d.typed.push(c);
            Outcome::Open(None)
        }
        KeyCode::Enter if d.typed == profile_name => Outcome::Destroy(d.plan.clone()),
        KeyCode::Enter => Outcome::Open(Some(format!(
            "type the profile's name ({profile_name}) to destroy, Esc to keep everything"
        ))),
        _ => Outcome::Open(None),
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

/// `p`: the profile open now (its name and namespace are shown).
/// `target`: the context, its server and the namespace (`App::target_line`).
pub fn draw(t: &Theme, d: &DestroyDialog, p: &Profile, target: &str, f: &mut Frame, area: Rect) {
    let mut lines: Vec<Line> = vec![
        Line::from(format!(
            "Remove what kmpilot created for profile {}",
            p.name
        )),
        Line::from(format!("on {target}:")),
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
    lines.push(crate::tui::widgets::blocks::key_line(
        t,
        &[("Enter", "destroy"), ("Esc", "keep everything")],
    ));
    let h = (lines.len() as u16 + 2).min(area.height);
    let w = area.width.saturating_sub(4).min(96);
    let r = crate::tui::widgets::blocks::centered(area, w, h);
    crate::tui::widgets::blocks::dialog(t, f, r, "Destroy", lines);
}

impl Dialog for DestroyDialog {
    fn on_key(&mut self, cx: &Ctx, k: KeyEvent) -> Reply {
        match on_key(self, k, &cx.profile.name) {
            Outcome::Open(warning) => Reply::stay_warning(warning),
            Outcome::Close => Reply::close(),
            Outcome::Destroy(plan) => Reply::close().with(Effect::BeginRun(plan)),
        }
    }

    fn draw(&self, cx: &Ctx, f: &mut Frame, area: Rect) {
        draw(cx.theme, self, cx.profile, &cx.target_line, f, area)
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use crate::tui::app::{App, Modal, Screen};
    use crate::tui::msg::{Cmd, Msg};
    use crate::tui::update::update;

    fn key(app: &mut App, code: KeyCode) -> Option<Cmd> {
        update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    #[test]
    fn only_the_typed_profile_name_starts_the_destroy_run() {
        let mut app = App::new(crate::profile::Profile::quickstart("lab"), None, true);
        key(&mut app, KeyCode::Char('X'));
        assert!(matches!(app.modal, Some(Modal::Destroy(_))));
        for c in "lax".chars() {
            key(&mut app, KeyCode::Char(c));
        }
        assert!(key(&mut app, KeyCode::Enter).is_none(), "a wrong name");
        assert!(matches!(app.modal, Some(Modal::Destroy(_))));
        assert!(app.status.as_ref().is_some_and(|s| s.1), "{:?}", app.status);
        key(&mut app, KeyCode::Backspace);
        key(&mut app, KeyCode::Char('b'));
        match key(&mut app, KeyCode::Enter) {
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
        key(&mut app, KeyCode::Char('X'));
        assert!(matches!(app.modal, Some(Modal::Destroy(_))));
        // (the Cluster step's checks may start again once the dialog is gone)
        let cmd = key(&mut app, KeyCode::Esc);
        assert!(!matches!(cmd, Some(Cmd::StartRun { .. })), "{cmd:?}");
        assert!(app.modal.is_none());
        assert_eq!(app.screen, Screen::Wizard);
    }
}

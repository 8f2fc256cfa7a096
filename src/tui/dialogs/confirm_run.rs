//! "Run the plan": the last question before a run, with what could make it fail (verification
//! errors ask twice; failed prerequisite checks are repeated).

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::tui::dialogs::dialog::{Ctx, Dialog, Effect, Reply};
use crate::tui::widgets::blocks::{centered, dialog, key_line};
use crate::tui::widgets::theme::Theme;

pub const KEYS: &[(&str, &str)] = &[
    ("y/Enter", "run"),
    ("R", "resume: skip steps done before"),
    ("Esc", "not now"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Run,
    Resume,
    /// The first "y" with verification errors: the dialog asks again.
    Acknowledge,
    Close,
}

/// `unacknowledged_errors`: verification found errors the user has not yet confirmed.
pub fn on_key(k: KeyEvent, unacknowledged_errors: bool) -> Choice {
    match k.code {
        KeyCode::Char('y') | KeyCode::Char('R') | KeyCode::Enter if unacknowledged_errors => {
            Choice::Acknowledge
        }
        KeyCode::Char('y') | KeyCode::Enter => Choice::Run,
        KeyCode::Char('R') => Choice::Resume,
        _ => Choice::Close,
    }
}

/// What the dialog says.
pub struct View<'a> {
    pub steps: usize,
    pub profile_name: &'a str,
    /// The context, its server and the namespace (`App::target_line`).
    pub target: String,
    pub verify_errors: usize,
    pub acknowledged: bool,
    pub preflight_failures: usize,
}

pub fn draw(t: &Theme, v: View, f: &mut Frame, area: Rect) {
    // wide enough for a long context name and server URL
    let r = centered(area, 96.min(area.width.saturating_sub(2)), 9);
    let lines = vec![
        Line::from(format!(
            "Run {} steps of profile `{}`",
            v.steps, v.profile_name
        )),
        Line::from(format!("on {}?", v.target)),
        match (v.verify_errors, v.acknowledged) {
            (0, _) => Line::from(""),
            (n, false) => Line::from(Span::styled(
                format!("{n} verification error(s) in the rendered charts (see Review)"),
                t.error(),
            )),
            (n, true) => Line::from(Span::styled(
                format!("{n} verification error(s): press y again to run anyway"),
                t.error(),
            )),
        },
        match v.preflight_failures {
            0 => Line::from(""),
            n => Line::from(Span::styled(
                format!("{n} prerequisite check(s) failed when last checked (Cluster step)"),
                t.warn(),
            )),
        },
        Line::from(""),
        key_line(t, KEYS),
    ];
    dialog(t, f, r, "Run the plan", lines);
}

/// The open dialog.
pub struct ConfirmRun;

impl Dialog for ConfirmRun {
    fn on_key(&mut self, cx: &Ctx, k: KeyEvent) -> Reply {
        let unacknowledged = cx.verify_errors > 0 && !cx.verify_acknowledged;
        match on_key(k, unacknowledged) {
            Choice::Acknowledge => Reply::stay().with(Effect::AcknowledgeVerify),
            Choice::Run => Reply::close().with(Effect::StartRun { resume: false }),
            Choice::Resume => Reply::close().with(Effect::StartRun { resume: true }),
            Choice::Close => Reply::close(),
        }
    }

    fn draw(&self, cx: &Ctx, f: &mut Frame, area: Rect) {
        let v = View {
            steps: cx.plan_steps,
            profile_name: &cx.profile.name,
            target: cx.target_line.clone(),
            verify_errors: cx.verify_errors,
            acknowledged: cx.verify_acknowledged,
            preflight_failures: cx.preflight_failures,
        };
        draw(cx.theme, v, f, area)
    }

    fn hints(&self, _cx: &Ctx) -> Option<&'static [(&'static str, &'static str)]> {
        Some(KEYS)
    }
}

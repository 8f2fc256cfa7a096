//! The "Step failed" dialog of a run: retry, skip or abort.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::plan::StepId;
use crate::tui::dialogs::dialog::{Ctx, Dialog, Effect, Reply};
use crate::tui::widgets::blocks::{centered, dialog, key_line};
use crate::tui::widgets::theme::Theme;

pub const KEYS: &[(&str, &str)] = &[
    ("r", "retry the step"),
    ("s", "skip it and go on"),
    ("a", "abort the run"),
    ("Esc", "read the log (r: back here)"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Retry,
    Skip,
    Abort,
    /// Closed to read the log behind it; the run waits for the decision.
    Close,
}

pub fn on_key(k: KeyEvent) -> Option<Choice> {
    match k.code {
        KeyCode::Char('r') => Some(Choice::Retry),
        KeyCode::Char('s') => Some(Choice::Skip),
        KeyCode::Char('a') => Some(Choice::Abort),
        KeyCode::Esc => Some(Choice::Close),
        _ => None,
    }
}

pub fn draw(
    t: &Theme,
    (step, error, hint): (StepId, &str, Option<&str>),
    f: &mut Frame,
    area: Rect,
) {
    let r = centered(area, 76, 12);
    let mut lines = vec![
        Line::from(Span::styled(
            format!("{} — {}", step.as_str(), step.title()),
            t.title(),
        )),
        Line::from(Span::styled(error.to_string(), t.error())),
    ];
    if let Some(h) = hint {
        lines.push(Line::from(vec![
            Span::styled("hint ", t.dim()),
            Span::raw(h.to_string()),
        ]));
    }
    lines.push(Line::from(""));
    lines.push(key_line(t, KEYS));
    dialog(t, f, r, "Step failed", lines);
}

/// The open dialog: the step that failed, why, and what might fix it.
pub struct StepFailed {
    pub step: StepId,
    pub error: String,
    pub hint: Option<String>,
}

impl Dialog for StepFailed {
    fn on_key(&mut self, _cx: &Ctx, k: KeyEvent) -> Reply {
        match on_key(k) {
            Some(Choice::Retry) => Reply::close().with(Effect::RetryStep(self.step)),
            Some(Choice::Skip) => Reply::close().with(Effect::SkipStep(self.step)),
            Some(Choice::Abort) => Reply::close().with(Effect::AbortRun),
            // the log behind it can be read and scrolled; `r` on the run screen reopens it
            Some(Choice::Close) => Reply::close().with(Effect::DismissFailure),
            None => Reply::stay(),
        }
    }

    fn draw(&self, cx: &Ctx, f: &mut Frame, area: Rect) {
        draw(
            cx.theme,
            (self.step, &self.error, self.hint.as_deref()),
            f,
            area,
        )
    }

    fn hints(&self, _cx: &Ctx) -> Option<&'static [(&'static str, &'static str)]> {
        Some(KEYS)
    }
}

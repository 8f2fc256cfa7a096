//! The run screen's log search: `/` types a query, `n` / `N` go to the next / previous match.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Clear, Paragraph};
use ratatui_textarea::TextArea;

use crate::tui::dialogs::dialog::{Ctx, Dialog, Effect, Reply, first_line};
use crate::tui::widgets::blocks::block;
use crate::tui::widgets::text_input::is_line_break;
use crate::tui::widgets::theme::Theme;

pub enum Outcome {
    Cancel,
    /// Enter: search for this (empty clears the search).
    Find(String),
    Open,
}

pub fn on_key(input: &mut TextArea<'static>, k: KeyEvent) -> Outcome {
    match k.code {
        KeyCode::Esc => Outcome::Cancel,
        KeyCode::Enter => Outcome::Find(input.lines().join("")),
        _ => {
            if !is_line_break(&k) {
                input.input(k);
            }
            Outcome::Open
        }
    }
}

/// The line of the log nearest to `top` (the first visible one) matching, forward or back;
/// `matches` are the matching line indices in order, `h` the visible height.
pub fn next_match(
    matches: &[usize],
    top: usize,
    h: usize,
    forward: bool,
    include_current: bool,
) -> Option<usize> {
    if forward {
        let from = if include_current { top } else { top + 1 };
        matches.iter().copied().find(|&i| i >= from)
    } else {
        let below = if include_current { top + h } else { top };
        matches.iter().copied().rev().find(|&i| i < below)
    }
}

/// Drawn over the bottom of the log pane `log`.
pub fn draw(t: &Theme, input: &TextArea<'static>, log: Rect, f: &mut Frame) {
    let r = Rect::new(
        log.x + 2,
        log.y + log.height.saturating_sub(4),
        log.width.saturating_sub(4).min(60),
        3,
    );
    f.render_widget(Clear, r);
    let b = block(t, "Search log (Enter find · Esc cancel)", true);
    let inner = b.inner(r);
    f.render_widget(b, r);
    let [slash, text] =
        Layout::horizontal([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    f.render_widget(Paragraph::new("/"), slash);
    f.render_widget(input, text);
}

/// The open search: what is typed.
pub struct LogSearch {
    pub input: TextArea<'static>,
}

impl Dialog for LogSearch {
    fn on_key(&mut self, _cx: &Ctx, k: KeyEvent) -> Reply {
        match on_key(&mut self.input, k) {
            Outcome::Cancel => Reply::close(),
            Outcome::Find(q) => Reply::close().with(Effect::SearchLog(q)),
            Outcome::Open => Reply::stay(),
        }
    }

    /// Over the run log's pane, where the matches are.
    fn draw(&self, cx: &Ctx, f: &mut Frame, area: Rect) {
        draw(cx.theme, &self.input, crate::tui::layout::run(area).log, f)
    }

    fn on_paste(&mut self, text: &str) -> Vec<Effect> {
        self.input.insert_str(first_line(text));
        Vec::new()
    }
}

//! The run screen's log search: `/` types a query, `n` / `N` go to the next / previous match.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Clear, Paragraph};
use ratatui_textarea::TextArea;

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

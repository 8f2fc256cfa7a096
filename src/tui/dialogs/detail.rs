//! Whatever the wizard cuts to fit (a verification finding, a diff entry, the selected plan
//! action, log lines), opened whole: a dialog as large as the terminal allows, the text
//! wrapped, scrolled with the keys the panes use. Enter on the Review or the run screen.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::tui::dialogs::dialog::{Ctx, Dialog, Reply};
use crate::tui::widgets::blocks::{block, centered, key_line};
use crate::tui::widgets::theme::Theme;

pub const KEYS: &[(&str, &str)] = &[("↑↓ PgUp PgDn", "scroll"), ("Esc/Enter", "close")];

#[derive(Debug, Clone)]
pub struct Detail {
    pub title: String,
    pub lines: Vec<Line<'static>>,
    /// First line shown.
    pub scroll: usize,
    /// A pod's logs, description or events: read from the cluster (the logs again every few
    /// seconds while open).
    pub pod: Option<PodSource>,
}

/// Which pod view a details dialog shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodView {
    Logs,
    Describe,
    Events,
}

impl PodView {
    pub fn word(self) -> &'static str {
        match self {
            PodView::Logs => "logs",
            PodView::Describe => "describe",
            PodView::Events => "events",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodSource {
    pub view: PodView,
    pub namespace: String,
    pub name: String,
    /// When it was last asked for (wall clock): the logs follow.
    pub asked_at: i64,
}

pub fn open(title: impl Into<String>, lines: Vec<Line<'static>>) -> Detail {
    Detail {
        title: title.into(),
        lines,
        scroll: 0,
        pod: None,
    }
}

/// The lines the dialog shows at once on a terminal of `size` (its frame, title and key line
/// taken off).
pub fn body_height(size: (u16, u16)) -> usize {
    size.1.saturating_sub(2 + 2 + 1).max(1) as usize
}

/// The first line shown when the view is at its end.
pub fn end_scroll(d: &Detail, size: (u16, u16)) -> usize {
    d.lines.len().saturating_sub(body_height(size))
}

/// Whether the view shows its last line (the logs keep following it then).
pub fn at_end(d: &Detail, size: (u16, u16)) -> bool {
    d.scroll >= end_scroll(d, size)
}

/// Scrolls; `true`: the dialog closes.
pub fn on_key(d: &mut Detail, k: KeyEvent) -> bool {
    match k.code {
        KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => return true,
        KeyCode::Down | KeyCode::Char('j') => d.scroll += 1,
        KeyCode::Up | KeyCode::Char('k') => d.scroll = d.scroll.saturating_sub(1),
        KeyCode::PageDown | KeyCode::Char(' ') => d.scroll += 20,
        KeyCode::PageUp => d.scroll = d.scroll.saturating_sub(20),
        KeyCode::Home => d.scroll = 0,
        KeyCode::End => d.scroll = d.lines.len().saturating_sub(1),
        _ => {}
    }
    d.scroll = d.scroll.min(d.lines.len().saturating_sub(1));
    false
}

pub fn draw(t: &Theme, d: &Detail, f: &mut Frame, area: Rect) {
    let r = centered(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2),
    );
    f.render_widget(Clear, r);
    let b = block(t, d.title.as_str(), true);
    let inner = b.inner(r);
    f.render_widget(b, r);
    let body = Rect {
        height: inner.height.saturating_sub(1),
        ..inner
    };
    f.render_widget(
        Paragraph::new(d.lines.clone())
            .wrap(Wrap { trim: false })
            .scroll((d.scroll.min(u16::MAX as usize) as u16, 0)),
        body,
    );
    f.render_widget(
        Paragraph::new(key_line(t, KEYS)),
        Rect {
            y: inner.y + inner.height.saturating_sub(1),
            height: 1,
            ..inner
        },
    );
}

impl Dialog for Detail {
    fn on_key(&mut self, _cx: &Ctx, k: KeyEvent) -> Reply {
        if on_key(self, k) {
            Reply::close()
        } else {
            Reply::stay()
        }
    }

    fn draw(&self, cx: &Ctx, f: &mut Frame, area: Rect) {
        draw(cx.theme, self, f, area)
    }

    fn hints(&self, _cx: &Ctx) -> Option<&'static [(&'static str, &'static str)]> {
        Some(KEYS)
    }
}

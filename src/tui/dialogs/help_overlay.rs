//! The help overlay (`?`): every binding of the key table, by screen, then the keys of the
//! dialogs (from the dialogs' own key lists). It scrolls when the terminal is short.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::tui::dialogs::dialog::{Ctx, Dialog, Reply};
use crate::tui::key_table as keys;
use crate::tui::widgets::blocks::{block, centered};
use crate::tui::widgets::theme::Theme;

/// The dialogs' keys, as each dialog lists them under itself.
fn dialog_sections() -> Vec<(&'static str, &'static [(&'static str, &'static str)])> {
    vec![
        ("Secret editor", crate::tui::dialogs::secret_editor::KEYS),
        (
            "Multi-line editor",
            crate::tui::dialogs::multiline_editor::KEYS,
        ),
        ("Run the plan", crate::tui::dialogs::confirm_run::KEYS),
        ("A failed step", crate::tui::dialogs::step_failed::KEYS),
    ]
}

/// The keys' column.
const KEYS_W: usize = 24;

/// Every line of the help for an overlay `width` columns wide inside: a sentence longer than
/// the line wraps under itself, so nothing is cut at any width.
fn lines(t: &Theme, width: usize) -> Vec<Line<'static>> {
    let text_w = width.saturating_sub(KEYS_W).max(16);
    let row = |keys: String, what: &str| -> Vec<Line<'static>> {
        crate::tui::state::cluster_step::wrap(what, text_w)
            .into_iter()
            .enumerate()
            .map(|(i, piece)| {
                let k = if i == 0 { keys.clone() } else { String::new() };
                Line::from(vec![
                    Span::styled(format!("  {k:<w$}", w = KEYS_W - 2), t.key()),
                    Span::raw(piece),
                ])
            })
            .collect()
    };
    let mut v = Vec::new();
    for (title, rows) in keys::help_sections() {
        v.push(Line::from(Span::styled(title, t.title())));
        v.extend(rows.into_iter().flat_map(|(k, what)| row(k, what)));
    }
    for (title, rows) in dialog_sections() {
        v.push(Line::from(Span::styled(title, t.title())));
        v.extend(rows.iter().flat_map(|(k, what)| row(k.to_string(), what)));
    }
    v.extend(row(
        String::new(),
        "mouse: click a step, a field or a pane; the wheel scrolls",
    ));
    v
}

/// The overlay: the terminal less a margin, up to a width where lines stay readable.
fn area_of(area: Rect) -> Rect {
    centered(
        area,
        area.width.saturating_sub(4).min(110),
        area.height.saturating_sub(2),
    )
}

/// The width inside the overlay on a terminal of `size`.
fn inner_width(size: (u16, u16)) -> usize {
    area_of(Rect::new(0, 0, size.0, size.1))
        .width
        .saturating_sub(2) as usize
}

/// Lines that fit inside the overlay on a terminal of `size`.
fn visible(size: (u16, u16)) -> usize {
    area_of(Rect::new(0, 0, size.0, size.1))
        .height
        .saturating_sub(2) as usize
}

/// Scrolls, or says that the help closes.
pub fn on_key(scroll: &mut usize, size: (u16, u16), k: KeyEvent) -> bool {
    let max = lines(&Theme::new(true), inner_width(size))
        .len()
        .saturating_sub(visible(size));
    match k.code {
        KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::Enter | KeyCode::F(1) => {
            return true;
        }
        KeyCode::Down | KeyCode::Char('j') => *scroll += 1,
        KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
        KeyCode::PageDown | KeyCode::Char(' ') => *scroll += visible(size),
        KeyCode::PageUp => *scroll = scroll.saturating_sub(visible(size)),
        KeyCode::Home => *scroll = 0,
        KeyCode::End => *scroll = max,
        _ => {}
    }
    *scroll = (*scroll).min(max);
    false
}

pub fn draw(t: &Theme, scroll: usize, f: &mut Frame, area: Rect) {
    let r = area_of(area);
    let all = lines(t, inner_width((area.width, area.height)));
    let more = all.len() > scroll + visible((area.width, area.height));
    let title = if more || scroll > 0 {
        "Help — ↑↓ PgDn scroll · Esc or ? closes this help"
    } else {
        "Help — Esc or ? closes this help"
    };
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(all)
            .scroll((scroll as u16, 0))
            .block(block(t, title, true)),
        r,
    );
}

/// The open help, scrolled this many lines.
#[derive(Default)]
pub struct HelpOverlay {
    pub scroll: usize,
}

impl Dialog for HelpOverlay {
    fn on_key(&mut self, cx: &Ctx, k: KeyEvent) -> Reply {
        if on_key(&mut self.scroll, cx.size, k) {
            Reply::close()
        } else {
            Reply::stay()
        }
    }

    fn draw(&self, cx: &Ctx, f: &mut Frame, area: Rect) {
        draw(cx.theme, self.scroll, f, area)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn scrolls_to_the_dialogs_keys_and_no_further_then_closes() {
        let size = (100, 30);
        let total = lines(&Theme::new(true), inner_width(size)).len();
        assert!(
            total > visible(size),
            "the help is longer than a 30-line terminal"
        );
        let mut scroll = 0;
        assert!(!on_key(&mut scroll, size, key(KeyCode::End)));
        assert_eq!(scroll, total - visible(size));
        assert!(!on_key(&mut scroll, size, key(KeyCode::Down)));
        assert_eq!(scroll, total - visible(size), "not past the last line");
        assert!(!on_key(&mut scroll, size, key(KeyCode::Home)));
        assert_eq!(scroll, 0);
        assert!(on_key(&mut scroll, size, key(KeyCode::Esc)));
    }

    /// At 80 columns every sentence of the help is there whole, wrapped, none cut.
    #[test]
    fn every_sentence_is_whole_at_any_width() {
        for w in [80u16, 100, 160] {
            let width = inner_width((w, 30));
            let all: String = lines(&Theme::new(true), width)
                .iter()
                .map(|l| {
                    assert!(l.width() <= width, "{w}: {l:?}");
                    l.spans[1..]
                        .iter()
                        .map(|s| s.content.as_ref())
                        .collect::<String>()
                })
                .collect::<Vec<_>>()
                .join(" ");
            let all = all.split_whitespace().collect::<Vec<_>>().join(" ");
            for b in keys::BINDINGS {
                assert!(all.contains(b.help), "{w}: {}", b.help);
            }
        }
    }
}

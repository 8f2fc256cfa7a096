//! The "Save as" dialog: a name in the profile store, or a path.

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui_textarea::TextArea;

use super::text_input::is_line_break;
use super::theme::Theme;
use super::widgets::{block, centered};
use crate::profile::store;

pub enum Outcome {
    Cancel,
    Save(PathBuf),
    /// Still typing (or Enter on an empty name).
    Open,
}

/// A store name, or a path when it looks like one.
pub fn save_as_path(input: &str) -> PathBuf {
    let t = input.trim();
    if t.contains('/') || t.ends_with(".yaml") || t.ends_with(".yml") {
        PathBuf::from(t)
    } else {
        store::path_for(t)
    }
}

pub fn on_key(input: &mut TextArea<'static>, k: KeyEvent) -> Outcome {
    match k.code {
        KeyCode::Esc => Outcome::Cancel,
        KeyCode::Enter => {
            let name = input.lines().join("");
            if name.trim().is_empty() {
                Outcome::Open
            } else {
                Outcome::Save(save_as_path(&name))
            }
        }
        _ => {
            if !is_line_break(&k) {
                input.input(k);
            }
            Outcome::Open
        }
    }
}

pub fn draw(t: &Theme, input: &TextArea<'static>, store_dir: &Path, f: &mut Frame, area: Rect) {
    let r = centered(area, 70, 7);
    f.render_widget(Clear, r);
    let b = block(t, "Save as", true);
    let inner = b.inner(r);
    f.render_widget(b, r);
    let [l1, l2, _, l4] = Layout::vertical([Constraint::Length(1); 4]).areas(inner);
    f.render_widget(
        Paragraph::new("A name in the profile store, or a path (…/x.yaml):"),
        l1,
    );
    f.render_widget(input, l2);
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("store ", t.dim()),
            Span::raw(store_dir.display().to_string()),
        ])),
        l4,
    );
}

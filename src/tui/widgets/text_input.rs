//! Small helpers every one-line text input of the wizard shares (fields, dialogs, search).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

/// Ctrl plus a letter.
pub fn ctrl(k: &KeyEvent, c: char) -> bool {
    k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char(c)
}

/// Keys a one-line field must not take: a TextArea would add a line (Ctrl-M, Ctrl-J) or an
/// invisible tab.
pub fn is_line_break_or_tab(k: &KeyEvent) -> bool {
    matches!(k.code, KeyCode::Tab | KeyCode::BackTab) || is_line_break(k)
}

/// Ctrl-M and Ctrl-J: a TextArea would break the line.
pub fn is_line_break(k: &KeyEvent) -> bool {
    ctrl(k, 'm') || ctrl(k, 'j')
}

/// A one-line input holding `text`, the cursor at its end.
pub fn single_line(text: &str) -> TextArea<'static> {
    let mut t = TextArea::new(vec![text.to_string()]);
    t.move_cursor(ratatui_textarea::CursorMove::End);
    t
}

/// A one-line input that shows `•` for every typed character (a secret, a password).
pub fn masked() -> TextArea<'static> {
    let mut t = TextArea::default();
    t.set_mask_char('•');
    t
}

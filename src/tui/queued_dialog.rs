//! What the dialogs the executor asks for mid-run share (the secret prompt, the sudo and
//! recovery questions): they queue until no other dialog is open, and a typed secret is
//! masked.

use ratatui_textarea::TextArea;

use super::app::{App, Modal};

/// Whether a queued dialog may open now: help gives way, any other open dialog does not.
pub fn may_open(app: &mut App) -> bool {
    if matches!(app.modal, Some(Modal::Help(_))) {
        app.modal = None;
    }
    app.modal.is_none()
}

/// A one-line input that shows `•` for every typed character.
pub fn masked_input() -> TextArea<'static> {
    let mut t = TextArea::default();
    t.set_mask_char('•');
    t
}

//! The dialogs the executor asks for mid-run (the secret prompt, the sudo and recovery
//! questions) wait in the run's queues until no other dialog is open, then open one at a time,
//! secrets first. The router calls this after every message; the dialogs themselves know
//! nothing of the queue or of `App`.

use crate::tui::app::{App, Modal};
use crate::tui::dialogs::ask_dialog;
use crate::tui::dialogs::secret_prompt;

/// Opens the next waiting question when no other dialog is in the way (help gives way).
pub fn show_next(app: &mut App) {
    if !app.run.questions.is_empty()
        && may_open(app)
        && let Some(q) = app.run.questions.pop_front()
    {
        app.modal = Some(Modal::SecretPrompt(secret_prompt::open(q)));
    }
    if !app.run.asks.is_empty()
        && may_open(app)
        && let Some(a) = app.run.asks.pop_front()
    {
        app.modal = Some(Modal::Ask(ask_dialog::open(a)));
    }
}

/// Whether a queued dialog may open now: help gives way, any other open dialog does not.
fn may_open(app: &mut App) -> bool {
    if matches!(app.modal, Some(Modal::Help(_))) {
        app.modal = None;
    }
    app.modal.is_none()
}

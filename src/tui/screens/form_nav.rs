//! Moving through the wizard: choosing a step, moving between a step's fields and keeping the
//! focused field in view. Screens and dialogs that change the form (adding a PrivateJet cluster,
//! picking a context) call these rather than the key router, so no feature depends on `update`.

use crate::steps::form::Value;
use crate::tui::app::{App, FormLine, WizardStep, form_lines};
use crate::tui::layout;

pub fn select_step(app: &mut App, idx: usize) {
    let idx = idx.min(WizardStep::ALL.len() - 1);
    if idx != app.step {
        app.step = idx;
        app.field = 0;
        app.form_scroll = 0;
    }
    app.visited[idx] = true;
    app.revalidate();
    if app.wizard_step() == WizardStep::Review && app.review.plan.is_none() {
        app.refresh_review();
    }
}

pub fn move_field(app: &mut App, delta: isize) {
    if app.fields.is_empty() {
        return;
    }
    let n = app.fields.len() as isize;
    app.field = (app.field as isize + delta).clamp(0, n - 1) as usize;
    ensure_field_visible(app);
}

/// The form scrolled as far down as it goes: its last rows at the bottom of the list.
pub fn form_bottom(app: &App) -> usize {
    form_lines(app)
        .len()
        .saturating_sub(layout::list_height(app.size, false))
}

pub fn ensure_field_visible(app: &mut App) {
    let h = layout::list_height(app.size, false);
    let lines = form_lines(app);
    let Some(pos) = lines.iter().position(|x| *x == FormLine::Field(app.field)) else {
        return;
    };
    // keep the field's group heading and its issues in view when there is room
    let start = if pos > 0 && matches!(lines[pos - 1], FormLine::Group(_)) {
        pos - 1
    } else {
        pos
    };
    let mut end = pos;
    while end + 1 < lines.len() && matches!(lines[end + 1], FormLine::Issue(..)) {
        end += 1;
    }
    if app.field + 1 == app.fields.len() {
        // the last field brings what follows the fields (the live checks) into view
        end = lines.len() - 1;
    }
    if start < app.form_scroll {
        app.form_scroll = start;
    } else if end >= app.form_scroll + h {
        app.form_scroll = (end + 1).saturating_sub(h).min(start);
    }
    let max = lines.len().saturating_sub(h);
    app.form_scroll = app.form_scroll.min(max.max(start.min(max)));
}

/// Sets field `i` and re-validates; a value the field rejects leaves the profile as it was.
pub fn set_field(app: &mut App, i: usize, v: Value) -> Result<(), String> {
    let Some(f) = app.fields.get(i).cloned() else {
        return Ok(());
    };
    let r = f.set(&mut app.profile, v);
    app.revalidate();
    r
}

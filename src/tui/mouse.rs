//! The mouse: a click selects a step, a field, a review row or a run pane; the wheel moves
//! through the step list, the fields, the preview or the pane under it. Ignored while a dialog
//! is open.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use crate::tui::app::{App, Focus, FormLine, Screen, WizardStep, form_lines};
use crate::tui::layout;
use crate::tui::msg::Cmd;
use crate::tui::screens::form_nav::{move_field, select_step};
use crate::tui::screens::review_nav;
use crate::tui::screens::run_nav;
use crate::tui::state::run_state::Pane;

pub fn on_mouse(app: &mut App, m: MouseEvent) -> Option<Cmd> {
    if app.modal.is_some() {
        return None;
    }
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    if layout::too_small(area) {
        return None;
    }
    let (x, y) = (m.column, m.row);
    match app.screen {
        Screen::Wizard => {
            let review = app.wizard_step() == WizardStep::Review;
            let l = layout::wizard(area, review);
            match m.kind {
                MouseEventKind::Down(MouseButton::Left) => {
                    if layout::contains(l.steps, x, y) {
                        let row = y.saturating_sub(l.steps.y + 1) as usize;
                        if row < WizardStep::ALL.len() {
                            app.editing = None;
                            select_step(app, row);
                            app.focus = Focus::Steps;
                        }
                    } else if layout::contains(l.list, x, y) {
                        let row = (y - l.list.y) as usize;
                        if review {
                            let i = app.review.scroll + row;
                            if let Some(r) = app.review.rows.get(i)
                                && review_nav::selectable(r)
                            {
                                app.review.selected = i;
                                app.review.preview_scroll = 0;
                            }
                            app.focus = Focus::Form;
                        } else {
                            let lines = form_lines(app);
                            if let Some(FormLine::Field(i) | FormLine::Issue(i, _)) =
                                lines.get(app.form_scroll + row)
                            {
                                if app.editing.as_ref().is_some_and(|e| e.error.is_none()) {
                                    app.editing = None;
                                }
                                if app.editing.is_none() {
                                    app.field = *i;
                                }
                                app.focus = Focus::Form;
                            }
                        }
                    }
                }
                MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                    let d = if m.kind == MouseEventKind::ScrollDown {
                        1
                    } else {
                        -1
                    };
                    if layout::contains(l.steps, x, y) {
                        select_step(app, (app.step as isize + d).max(0) as usize);
                    } else if review && layout::contains(l.detail, x, y) {
                        app.review.preview_scroll =
                            (app.review.preview_scroll as isize + 3 * d).max(0) as usize;
                    } else if !review && app.editing.is_none() {
                        move_field(app, d);
                    }
                }
                _ => {}
            }
        }
        Screen::Run => {
            let l = layout::run(area);
            let pane = if layout::contains(l.log, x, y) {
                Some(Pane::Log)
            } else if layout::contains(l.pods, x, y) {
                Some(Pane::Pods)
            } else if layout::contains(l.ingresses, x, y) {
                Some(Pane::Ingresses)
            } else {
                None
            };
            match m.kind {
                MouseEventKind::Down(MouseButton::Left) if pane.is_some() => {
                    app.run.pane = pane;
                }
                MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                    let d = if m.kind == MouseEventKind::ScrollDown {
                        3
                    } else {
                        -3
                    };
                    if let Some(p) = pane {
                        run_nav::scroll_pane(&mut app.run, app.size, p, d);
                    }
                }
                _ => {}
            }
        }
    }
    None
}

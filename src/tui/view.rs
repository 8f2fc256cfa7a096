//! `view(&App, &mut Frame)`: draws the state, changes nothing. It lays out the screen in front
//! and its dialog; the screens' panes and the dialogs draw themselves from their own files.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::app::{App, Focus, Modal, Screen, WizardStep};
use crate::tui::layout::{self, MIN_HEIGHT, MIN_WIDTH};
use crate::tui::widgets::blocks::block;

use crate::tui::chrome::*;
use crate::tui::screens::form_pane::{field_detail, form_list};
use crate::tui::screens::review_pane::review_list;
use crate::tui::screens::run_screen::{run_screen, run_summary};

pub fn view(app: &App, f: &mut Frame) {
    let area = f.area();
    if layout::too_small(area) {
        too_small(app, f, area);
        return;
    }
    match app.screen {
        Screen::Wizard => wizard(app, f, area),
        Screen::Run => {
            run_screen(app, f, area);
            if app.run.summary_open && app.modal.is_none() {
                run_summary(app, f, area);
            }
        }
    }
    if let Some(m) = &app.modal {
        modal(app, m, f, area);
    }
}

fn too_small(app: &App, f: &mut Frame, area: Rect) {
    let msg = vec![
        Line::from(Span::styled("terminal too small", app.theme.error())),
        Line::from(format!(
            "need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{}",
            area.width, area.height
        )),
        Line::from(Span::styled(
            "resize the window, or q to quit",
            app.theme.dim(),
        )),
    ];
    let h = (msg.len() as u16).min(area.height);
    let r = Rect {
        x: area.x,
        y: area.y + area.height.saturating_sub(h) / 2,
        width: area.width,
        height: h,
    };
    f.render_widget(
        Paragraph::new(msg).alignment(ratatui::layout::Alignment::Center),
        r,
    );
}

fn steps_pane(app: &App, f: &mut Frame, r: Rect) {
    let t = &app.theme;
    let focused = app.screen == Screen::Wizard && app.focus == Focus::Steps;
    let inner_w = r.width.saturating_sub(2) as usize;
    let mut lines = Vec::new();
    for (i, s) in WizardStep::ALL.iter().enumerate() {
        let (g, gs, suffix) = status_glyph(t, app.status_of(i));
        let title_w = inner_w.saturating_sub(3 + suffix.chars().count() + 1);
        let mut spans = vec![
            Span::raw(" "),
            Span::styled(g, gs),
            Span::raw(" "),
            Span::raw(fit(s.title(), title_w)),
            Span::styled(format!("{suffix} "), gs),
        ];
        if i == app.step {
            let st = if focused {
                t.selected()
            } else {
                t.selected_unfocused()
            };
            spans = spans.into_iter().map(|s| s.patch_style(st)).collect();
        }
        lines.push(Line::from(spans));
    }
    f.render_widget(Paragraph::new(lines).block(block(t, "Steps", focused)), r);
}

fn wizard(app: &App, f: &mut Frame, area: Rect) {
    let step = app.wizard_step();
    let review = step == WizardStep::Review;
    let l = layout::wizard(area, review);
    title_bar(app, f, l.title, "wizard");
    steps_pane(app, f, l.steps);
    let focused = app.focus == Focus::Form;
    let title = if review {
        match &app.review.plan {
            Some(p) => format!(
                "Review & run — {} steps, {} artifacts",
                p.steps.len(),
                p.artifacts.len()
            ),
            None => "Review & run".into(),
        }
    } else {
        format!(
            "{} {}/{}{}",
            step.title(),
            app.step + 1,
            WizardStep::ALL.len() - 1,
            if app.used(step) {
                ""
            } else {
                " — not used by this profile (its plan has no such step)"
            }
        )
    };
    f.render_widget(block(&app.theme, title, focused), l.main);
    if review {
        review_list(app, f, l.list, l.detail);
    } else {
        form_list(app, f, l.list);
        field_detail(app, f, l.detail);
    }
    status_line(app, f, l.status);
    hints_bar(app, f, l.hints, &crate::tui::keys::hints(app));
}

fn modal(app: &App, m: &Modal, f: &mut Frame, area: Rect) {
    m.dialog().draw(&app.dialog_ctx(), f, area)
}

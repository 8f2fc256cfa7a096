//! Review & run: the plan's actions, artifacts and console URLs, and the preview of the selected
//! one, with the background verification and diff against the live cluster.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::app::{App, Focus};
use crate::tui::state::review_state::ReviewRow;

pub fn review_list(app: &App, f: &mut Frame, list: Rect, detail: Rect) {
    let t = &app.theme;
    let Some(plan) = &app.review.plan else {
        return;
    };
    let h = list.height as usize;
    let focused = app.focus == Focus::Form;
    let mut lines = Vec::new();
    for (i, row) in app
        .review
        .rows
        .iter()
        .enumerate()
        .skip(app.review.scroll)
        .take(h)
    {
        let mut line = match row {
            ReviewRow::Header(s) => Line::from(Span::styled(s.clone(), t.title())),
            ReviewRow::Action(si, ai) => {
                let a = &plan.steps[*si].actions[*ai];
                Line::from(vec![
                    Span::raw("    "),
                    Span::styled(format!("{:<8}", a.verb()), t.key()),
                    Span::raw(a.summary()),
                ])
            }
            ReviewRow::ArtifactsHeader => Line::from(Span::styled(
                "Artifacts (files the plan renders)",
                t.title(),
            )),
            ReviewRow::Artifact(k) => Line::from(vec![
                Span::raw("    "),
                Span::styled("file    ", t.key()),
                Span::raw(plan.artifacts[*k].path.clone()),
            ]),
            ReviewRow::UrlsHeader => Line::from(Span::styled("When it is done", t.title())),
            ReviewRow::Url(k) => {
                let u = &plan.console_urls[*k];
                Line::from(vec![
                    Span::raw("    "),
                    Span::styled(format!("{:<16}", u.name), t.key()),
                    Span::raw(u.url.clone()),
                ])
            }
        };
        if i == app.review.selected {
            line = line.patch_style(if focused {
                t.selected()
            } else {
                t.selected_unfocused()
            });
        }
        lines.push(line);
    }
    f.render_widget(Paragraph::new(lines), list);
    // the verification's findings next to the plan, above the preview
    let w = detail.width as usize;
    let mut found =
        crate::tui::state::review_journal::lines(app.earlier_run.as_ref(), &app.theme, w, app.wall);
    found.extend(crate::tui::state::review_verify::lines(
        &app.review_verify,
        &app.theme,
        w,
        app.wall,
    ));
    found.extend(crate::tui::state::review_diff::lines(
        &app.review_diff,
        &app.theme,
        w,
        app.wall,
    ));
    let vh = (found.len() as u16).min(detail.height / 2);
    let [verified, detail] =
        Layout::vertical([Constraint::Length(vh), Constraint::Min(0)]).areas(detail);
    f.render_widget(Paragraph::new(found), verified);
    let (title, body) = app.review.preview();
    let [head, text] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(detail);
    let total = body.lines().count();
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("── preview ", t.border()),
            Span::styled(title, t.title()),
            Span::styled(
                format!(
                    " ({}-{} of {total} lines) ",
                    (app.review.preview_scroll + 1).min(total),
                    (app.review.preview_scroll + text.height as usize).min(total)
                ),
                t.dim(),
            ),
            Span::styled("─".repeat(detail.width as usize), t.border()),
        ])),
        head,
    );
    let shown: Vec<Line> = body
        .lines()
        .skip(app.review.preview_scroll)
        .take(text.height as usize)
        .map(|l| Line::from(l.to_string()))
        .collect();
    f.render_widget(Paragraph::new(shown), text);
}

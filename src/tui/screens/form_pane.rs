//! The wizard's form: a step's fields with their values, issues and the Cluster step's live
//! checks, and the detail of the focused field.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::profile::diagnostics::Severity;
use crate::steps::form::Kind;
use crate::tui::app::{App, Focus, FormLine, form_lines};

use crate::tui::chrome::*;

const LABEL_W: usize = 24;

pub fn form_list(app: &App, f: &mut Frame, r: Rect) {
    let t = &app.theme;
    let lines = form_lines(app);
    let h = r.height as usize;
    let focused = app.focus == Focus::Form;
    if app.fields.is_empty() {
        f.render_widget(Paragraph::new("(no fields)"), r);
        return;
    }
    let label_w = app
        .fields
        .iter()
        .map(|f| f.label.chars().count())
        .max()
        .unwrap_or(LABEL_W)
        .clamp(10, LABEL_W);
    let mut edit_rect = None;
    for (row, line) in lines.iter().skip(app.form_scroll).take(h).enumerate() {
        let y = r.y + row as u16;
        let lr = Rect::new(r.x, y, r.width, 1);
        match line {
            FormLine::Group(g) => {
                f.render_widget(
                    Paragraph::new(Line::from(Span::styled(
                        format!("── {g} "),
                        t.title().add_modifier(Modifier::BOLD),
                    ))),
                    lr,
                );
            }
            FormLine::Check(c) => {
                f.render_widget(
                    Paragraph::new(crate::tui::state::cluster_step::draw_check_line(
                        &app.theme,
                        &app.preflight,
                        c,
                    )),
                    lr,
                );
            }
            FormLine::Issue(_, k) => {
                let issue = &app.issues[*k];
                let (g, st) = match issue.severity {
                    Severity::Error => ("✗ error: ", t.error()),
                    Severity::Warning => ("! warning: ", t.warn()),
                };
                let mut spans = vec![Span::raw("    "), Span::styled(g, st)];
                if issue.path.0.len()
                    > app.fields[match line {
                        FormLine::Issue(i, _) => *i,
                        _ => 0,
                    }]
                    .path
                    .0
                    .len()
                {
                    spans.push(Span::styled(format!("{}: ", issue.path), st));
                }
                spans.push(Span::styled(issue.message.clone(), st));
                f.render_widget(Paragraph::new(Line::from(spans)), lr);
            }
            FormLine::Field(i) => {
                let field = &app.fields[*i];
                let sel = *i == app.field;
                let marker = if sel { "▸ " } else { "  " };
                let has_err = app
                    .issues
                    .iter()
                    .any(|x| x.is_error() && x.path.0.starts_with(&field.path.0));
                let label_style = if has_err { t.error() } else { t.label() };
                let mut spans = vec![
                    Span::raw(marker),
                    Span::styled(fit(&field.label, label_w), label_style),
                    Span::raw(" "),
                ];
                let editing_here = app.editing.as_ref().is_some_and(|e| e.field == *i);
                if editing_here {
                    edit_rect = Some(Rect::new(
                        r.x + (label_w + 3) as u16,
                        y,
                        r.width.saturating_sub((label_w + 3) as u16),
                        1,
                    ));
                } else {
                    let shown = field.display(&app.profile);
                    if shown.is_empty() {
                        if let Some(d) = field.derived_value(&app.profile) {
                            spans.push(Span::styled(d, t.dim()));
                            spans.push(Span::styled("  (derived)", t.dim()));
                        } else if let Some(d) = app.default_of(field) {
                            spans.push(Span::styled(d, t.dim()));
                        } else {
                            spans.push(Span::styled("(empty)", t.dim()));
                        }
                    } else {
                        let vs = match field.kind {
                            Kind::Bool if shown == "yes" => t.ok(),
                            Kind::Secret { .. } => t.warn(),
                            _ => t.value(),
                        };
                        let shown = match &field.kind {
                            Kind::Choice(o) => format!("‹ {shown} ›  of {}", o.join("|")),
                            Kind::Bool => {
                                format!("[{}] {shown}", if shown == "yes" { "x" } else { " " })
                            }
                            _ => shown,
                        };
                        spans.push(Span::styled(shown, vs));
                        if field.has_derived() {
                            spans.push(Span::styled("  (override)", t.warn()));
                        }
                    }
                }
                let mut line = Line::from(spans);
                if sel {
                    line = line.patch_style(if focused {
                        t.selected()
                    } else {
                        t.selected_unfocused()
                    });
                }
                f.render_widget(Paragraph::new(line), lr);
            }
        }
    }
    if let (Some(er), Some(ed)) = (edit_rect, &app.editing) {
        let mut input = ed.input.clone();
        input.set_cursor_line_style(Style::default());
        input.set_style(app.theme.input());
        f.render_widget(&input, er);
    }
}

pub fn field_detail(app: &App, f: &mut Frame, r: Rect) {
    let t = &app.theme;
    let Some(field) = app.fields.get(app.field) else {
        return;
    };
    let mut lines = vec![Line::from(Span::styled(
        "─".repeat(r.width as usize),
        t.border(),
    ))];
    lines.push(Line::from(vec![
        Span::styled(format!("{}: ", field.label), t.title()),
        Span::raw(field.help.clone()),
    ]));
    let mut meta = vec![
        Span::styled("path ", t.dim()),
        Span::raw(field.path.to_string()),
    ];
    if let Some(d) = field.derived_value(&app.profile) {
        meta.push(Span::styled("  derived ", t.dim()));
        meta.push(Span::raw(d));
    } else if let Some(d) = app.default_of(field) {
        meta.push(Span::styled("  default ", t.dim()));
        meta.push(Span::raw(d));
    }
    lines.push(Line::from(meta));
    if let Some(ed) = &app.editing
        && let Some(e) = &ed.error
    {
        lines.push(Line::from(Span::styled(format!("✗ {e}"), t.error())));
    } else if let Some(issue) = app.field_issues(app.field).first() {
        if let Some(e) = &issue.expected {
            lines.push(Line::from(vec![
                Span::styled("expected ", t.dim()),
                Span::raw(e.clone()),
            ]));
        }
        if let Some(h) = &issue.hint {
            lines.push(Line::from(vec![
                Span::styled("hint ", t.dim()),
                Span::raw(h.clone()),
            ]));
        }
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), r);
}

//! `view(&App, &mut Frame)`: draws the state, changes nothing. Only visible rows are built
//! (the pods pane slices its rows to the viewport).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};

use super::app::{
    App, Focus, FormLine, Modal, ReviewRow, Screen, StepStatus, WizardStep, form_lines,
};
use super::layout::{self, MIN_HEIGHT, MIN_WIDTH};
use super::run_state::{Pane, StepRun, fmt_age, fmt_duration, parse_rfc3339};
use super::theme::Theme;
use super::widgets::{block, centered, dialog, key_line};
use crate::exec::events::Stream;
use crate::kube::snapshot::SyncState;
use crate::profile::diagnostics::Severity;
use crate::steps::form::Kind;

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

fn title_bar(app: &App, f: &mut Frame, r: Rect, what: &str) {
    let t = &app.theme;
    let mut spans = vec![
        Span::styled(" kmpilot ", t.title()),
        Span::styled("│ ", t.dim()),
        Span::raw(what.to_string()),
        Span::styled(" │ profile ", t.dim()),
        Span::raw(app.profile_label()),
    ];
    if app.dirty() {
        spans.push(Span::styled(" ● modified", t.modified()));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), r);
}

fn hints_bar(app: &App, f: &mut Frame, r: Rect, hints: &[(&str, &str)]) {
    let t = &app.theme;
    let mut spans = vec![Span::raw(" ")];
    for (i, (k, what)) in hints.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", t.dim()));
        }
        spans.push(Span::styled(k.to_string(), t.key()));
        spans.push(Span::raw(format!(" {what}")));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), r);
}

fn status_line(app: &App, f: &mut Frame, r: Rect) {
    let t = &app.theme;
    let line = match &app.status {
        Some((s, true)) => Line::from(Span::styled(format!(" {s}"), t.error())),
        Some((s, false)) => Line::from(Span::styled(format!(" {s}"), t.ok())),
        None => {
            let e = app.issues.iter().filter(|i| i.is_error()).count();
            let w = app.issues.len() - e;
            if e > 0 {
                Line::from(vec![
                    Span::styled(format!(" ✗ {e} error(s)"), t.error()),
                    Span::styled(
                        format!(", {w} warning(s) — same checks as `kmpilot validate`"),
                        t.dim(),
                    ),
                ])
            } else {
                Line::from(vec![
                    Span::styled(" ✓ profile valid", t.ok()),
                    Span::styled(format!(" ({w} warning(s))"), t.dim()),
                ])
            }
        }
    };
    f.render_widget(Paragraph::new(line), r);
}

fn status_glyph(t: &Theme, s: StepStatus) -> (String, Style, String) {
    match s {
        StepStatus::Untouched => ("○".into(), t.dim(), String::new()),
        StepStatus::Valid => ("✓".into(), t.ok(), String::new()),
        StepStatus::Warnings(n) => ("!".into(), t.warn(), format!("{n}!")),
        StepStatus::Errors(n) => ("✗".into(), t.error(), format!("{n}✗")),
        StepStatus::Running => ("▶".into(), t.running(), "run".into()),
        StepStatus::Done => ("●".into(), t.ok(), "done".into()),
        StepStatus::Skipped => ("↷".into(), t.dim(), "skip".into()),
        StepStatus::Failed => ("✗".into(), t.error(), "fail".into()),
    }
}

fn fit(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n <= w {
        format!("{s:<w$}")
    } else if w == 0 {
        String::new()
    } else {
        let mut out: String = s.chars().take(w.saturating_sub(1)).collect();
        out.push('…');
        out
    }
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
            "{} {}/{}",
            step.title(),
            app.step + 1,
            WizardStep::ALL.len() - 1
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
    hints_bar(app, f, l.hints, &super::keys::hints(app));
}

const LABEL_W: usize = 24;

fn form_list(app: &App, f: &mut Frame, r: Rect) {
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
                    Paragraph::new(super::cluster_step::draw_check_line(app, c)),
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

fn field_detail(app: &App, f: &mut Frame, r: Rect) {
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

fn review_list(app: &App, f: &mut Frame, list: Rect, detail: Rect) {
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
    let mut found = super::review_verify::lines(app, detail.width as usize);
    found.extend(super::review_diff::lines(app, detail.width as usize));
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

// ---------------------------------------------------------------- run screen

fn run_screen(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let l = layout::run(area);
    let state = match app.run.finished {
        Some(true) => "run finished ✓".to_string(),
        Some(false) => "run finished with failures".to_string(),
        None => match app.run.started {
            Some(s) => format!(
                "running {}",
                fmt_duration(app.now.saturating_duration_since(s))
            ),
            None => "running".into(),
        },
    };
    title_bar(app, f, l.title, &state);
    run_steps(app, f, l.steps);
    log_pane(app, f, l.log);
    pods_pane(app, f, l.pods);
    if !super::routes_pane::draw(app, f, l.ingresses) {
        ingress_pane(app, f, l.ingresses);
    }
    let status = match (&app.status, app.run.failed) {
        (Some((s, err)), _) => Line::from(Span::styled(
            format!(" {s}"),
            if *err { t.error() } else { t.ok() },
        )),
        (None, Some(step)) => Line::from(Span::styled(
            if app.run.finished.is_none() {
                format!(
                    " step {} failed: the steps that do not need it go on",
                    step.as_str()
                )
            } else {
                format!(" step {} failed: r retry · s skip · a abort", step.as_str())
            },
            t.error(),
        )),
        _ => Line::from(Span::styled(
            format!(
                " {} log lines{}",
                app.run.log.len(),
                if app.run.log_dropped > 0 {
                    format!(" ({} older dropped)", app.run.log_dropped)
                } else {
                    String::new()
                }
            ),
            t.dim(),
        )),
    };
    f.render_widget(Paragraph::new(status), l.status);
    hints_bar(app, f, l.hints, &super::keys::hints(app));
}

fn run_steps(app: &App, f: &mut Frame, r: Rect) {
    let t = &app.theme;
    let w = r.width.saturating_sub(2) as usize;
    let mut lines = Vec::new();
    for s in &app.run.steps {
        let (g, st, time) = match &s.state {
            StepRun::Pending => ("·", t.dim(), String::new()),
            StepRun::Running { started } => (
                "▶",
                t.running(),
                fmt_duration(app.now.saturating_duration_since(*started)),
            ),
            StepRun::Done { elapsed } => ("✓", t.ok(), fmt_duration(*elapsed)),
            StepRun::Skipped { .. } => ("↷", t.dim(), "skip".into()),
            StepRun::Failed { elapsed, .. } => ("✗", t.error(), fmt_duration(*elapsed)),
            StepRun::Blocked { .. } => ("⊘", t.dim(), "blocked".into()),
        };
        let name_w = w.saturating_sub(3 + time.chars().count() + 1);
        lines.push(Line::from(vec![
            Span::raw(" "),
            Span::styled(g, st),
            Span::raw(" "),
            Span::styled(fit(run_title(s.id), name_w), st),
            Span::styled(format!("{time} "), st),
        ]));
        if let (StepRun::Running { .. }, Some(cur)) = (&s.state, &s.current) {
            lines.push(Line::from(Span::styled(
                fit(
                    &format!("   {}/{} {cur}", s.done_actions + 1, s.total_actions),
                    w,
                ),
                t.dim(),
            )));
        }
    }
    f.render_widget(Paragraph::new(lines).block(block(t, "Progress", false)), r);
}

/// The wizard's name for a plan step.
fn run_title(id: crate::plan::StepId) -> &'static str {
    id.short_title()
}

fn highlight_line<'a>(text: &'a str, q: Option<&str>, base: Style, hl: Style) -> Line<'a> {
    let Some(q) = q.filter(|q| !q.is_empty()) else {
        return Line::from(Span::styled(text, base));
    };
    let lower = text.to_lowercase();
    let ql = q.to_lowercase();
    // byte offsets only line up when lower-casing kept the lengths (ASCII and most text)
    if lower.len() != text.len() {
        return Line::from(Span::styled(text, base));
    }
    let mut spans = Vec::new();
    let mut at = 0;
    while let Some(pos) = lower[at..].find(&ql) {
        let s = at + pos;
        if s > at {
            spans.push(Span::styled(&text[at..s], base));
        }
        spans.push(Span::styled(&text[s..s + ql.len()], hl));
        at = s + ql.len();
    }
    if at < text.len() {
        spans.push(Span::styled(&text[at..], base));
    }
    Line::from(spans)
}

fn log_pane(app: &App, f: &mut Frame, r: Rect) {
    let t = &app.theme;
    let h = layout::inner_height(r);
    let top = app.run.log_top(h);
    let q = app.run.search.as_deref();
    let lines: Vec<Line> = app
        .run
        .shown_range(top, h)
        .into_iter()
        .map(|l| {
            let st = match l.stream {
                Stream::Stdout => t.base(),
                Stream::Stderr => t.warn(),
                Stream::Info => t.dim(),
            };
            super::run_log::tagged(app, l, highlight_line(&l.text, q, st, t.highlight()))
        })
        .collect();
    let shown = app.run.shown_len();
    let mut title = format!(
        "Log {}-{} of {}",
        (top + 1).min(shown),
        (top + h).min(shown),
        shown
    );
    super::run_log::title(app, &mut title);
    if app.run.log_scroll.is_none() {
        title.push_str(" · following");
    }
    if let Some(q) = q {
        title.push_str(&format!(" · /{q}"));
    }
    let focused = app.run.pane == Some(Pane::Log);
    f.render_widget(Paragraph::new(lines).block(block(t, title, focused)), r);
}

fn sync_title(t: &Theme, what: &str, n: usize, s: &SyncState) -> Line<'static> {
    let (label, st) = match s {
        SyncState::Syncing => ("syncing…".to_string(), t.warn()),
        SyncState::Live => ("● live".to_string(), t.ok()),
        SyncState::Resyncing { reason } => (format!("re-syncing: {reason}"), t.warn()),
    };
    Line::from(vec![
        Span::styled(format!(" {what} ({n}) "), t.title()),
        Span::styled(format!("{label} "), st),
    ])
}

fn pods_pane(app: &App, f: &mut Frame, r: Rect) {
    let t = &app.theme;
    let pods = &app.run.pods;
    let h = layout::table_rows(r);
    let start = app.run.pods_scroll.min(pods.rows.len().saturating_sub(h));
    // only the rows in view are turned into cells
    let rows: Vec<Row> = pods.rows[start..(start + h).min(pods.rows.len())]
        .iter()
        .map(|p| {
            let age = p
                .created
                .as_deref()
                .and_then(parse_rfc3339)
                .map(|c| fmt_age((app.wall - c).max(0) as u64))
                .unwrap_or_else(|| "-".into());
            let st = match p.status.as_str() {
                "Running" | "Succeeded" | "Completed" => t.ok(),
                "Pending" | "ContainerCreating" | "PodInitializing" => t.warn(),
                _ => t.error(),
            };
            Row::new(vec![
                Cell::from(p.name.as_str()),
                Cell::from(p.ready.as_str()),
                Cell::from(Span::styled(p.status.as_str(), st)),
                Cell::from(p.restarts.to_string()),
                Cell::from(age),
            ])
        })
        .collect();
    let focused = app.run.pane == Some(Pane::Pods);
    let table = Table::new(
        rows,
        [
            Constraint::Fill(1),
            Constraint::Length(5),
            Constraint::Length(17),
            Constraint::Length(4),
            Constraint::Length(4),
        ],
    )
    .header(Row::new(["NAME", "READY", "STATUS", "RST", "AGE"]).style(t.dim()))
    .block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(if focused {
                t.border_focused()
            } else {
                t.border()
            })
            .title(sync_title(t, "Pods", pods.rows.len(), &pods.state)),
    );
    f.render_widget(table, r);
}

fn ingress_pane(app: &App, f: &mut Frame, r: Rect) {
    let t = &app.theme;
    let ing = &app.run.ingresses;
    let h = layout::table_rows(r);
    let start = app
        .run
        .ingresses_scroll
        .min(ing.rows.len().saturating_sub(h));
    let rows: Vec<Row> = ing.rows[start..(start + h).min(ing.rows.len())]
        .iter()
        .map(|i| {
            Row::new(vec![
                Cell::from(i.name.as_str()),
                Cell::from(i.hosts.join(",")),
                Cell::from(if i.address.is_empty() {
                    Span::styled("<pending>", t.warn())
                } else {
                    Span::raw(i.address.as_str())
                }),
            ])
        })
        .collect();
    let focused = app.run.pane == Some(Pane::Ingresses);
    let table = Table::new(
        rows,
        [
            Constraint::Percentage(32),
            Constraint::Percentage(46),
            Constraint::Percentage(22),
        ],
    )
    .header(Row::new(["NAME", "HOSTS", "ADDRESS"]).style(t.dim()))
    .block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(if focused {
                t.border_focused()
            } else {
                t.border()
            })
            .title(sync_title(t, "Ingresses", ing.rows.len(), &ing.state)),
    );
    f.render_widget(table, r);
}

fn modal(app: &App, m: &Modal, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let label = |i: usize| {
        app.fields
            .get(i)
            .map(|f| f.label.clone())
            .unwrap_or_default()
    };
    match m {
        Modal::Help(scroll) => super::help::draw(t, *scroll, f, area),
        Modal::QuitGuard => super::quit_guard::draw(
            t,
            super::quit_guard::View {
                running: app.run.active && app.run.finished.is_none(),
                dirty: app.dirty(),
                profile_name: &app.profile.name,
            },
            f,
            area,
        ),
        Modal::SaveAs(input) => super::save_as::draw(t, input, &app.store_dir, f, area),
        Modal::Secret(e) => super::secret_editor::draw(t, e, &label(e.field), f, area),
        Modal::MultiLine(m) => {
            let field = app.fields.get(m.field);
            let issue = field.and_then(|fd| fd.issues(&app.issues).next());
            let view = super::multiline_editor::View {
                label: &label(m.field),
                path: field.map(|f| f.path.to_string()).unwrap_or_default(),
                help: field.map(|f| f.help.as_str()).unwrap_or_default(),
                issue: issue.map(|i| (i.message.as_str(), i.is_error())),
            };
            super::multiline_editor::draw(t, m, view, f, area)
        }
        Modal::ConfirmRun => super::confirm_run::draw(
            t,
            super::confirm_run::View {
                steps: app.review.plan.as_ref().map(|p| p.steps.len()).unwrap_or(0),
                profile_name: &app.profile.name,
                context: app
                    .profile
                    .cluster
                    .context
                    .clone()
                    .unwrap_or_else(|| "the current context".into()),
                namespace: &app.profile.cluster.namespace,
                verify_errors: app.review_verify.errors(),
                acknowledged: app.review_verify.acknowledged,
                preflight_failures: app.preflight.failures(),
            },
            f,
            area,
        ),
        Modal::ConfirmRemoveCluster(i) => {
            let name = app
                .profile
                .private_jet
                .clusters
                .get(*i)
                .map(|c| c.name.clone())
                .unwrap_or_default();
            super::private_jet_clusters::draw_confirm(t, *i, &name, f, area)
        }
        Modal::StepFailed { step, error, hint } => {
            super::step_failed::draw(t, (*step, error, hint.as_deref()), f, area)
        }
        Modal::Open(d) => super::open_profile::draw(app, d, f, area),
        Modal::SecretPrompt(p) => super::secret_prompt::draw(app, p, f, area),
        Modal::Ask(d) => super::ask_dialog::draw(app, d, f, area),
        Modal::ContextPicker(p) => super::cluster_step::draw_picker(app, p, f, area),
        Modal::Destroy(d) => super::destroy_dialog::draw(app, d, f, area),
        Modal::Search(input) => super::log_search::draw(t, input, layout::run(area).log, f),
    }
}

/// The end-of-run summary with the console URLs.
pub fn run_summary(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let Some(ok) = app.run.finished else {
        return;
    };
    let urls = app
        .run
        .plan
        .as_ref()
        .map(|p| p.console_urls.clone())
        .unwrap_or_default();
    let routes = super::routes_pane::summary_lines(app);
    let h = (urls.len() as u16 + 8 + routes.len() as u16).min(area.height);
    let r = centered(area, 76, h);
    let (done, failed, skipped) =
        app.run
            .steps
            .iter()
            .fold((0, 0, 0), |(d, fl, s), x| match x.state {
                StepRun::Done { .. } => (d + 1, fl, s),
                StepRun::Failed { .. } => (d, fl + 1, s),
                StepRun::Skipped { .. } => (d, fl, s + 1),
                _ => (d, fl, s),
            });
    let mut lines = vec![
        Line::from(if ok {
            Span::styled("✓ Every step succeeded.", t.ok())
        } else {
            Span::styled("✗ The run did not complete.", t.error())
        }),
        Line::from(format!("{done} done · {failed} failed · {skipped} skipped")),
        Line::from(""),
        Line::from(Span::styled("Consoles", t.title())),
    ];
    for u in urls {
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<16}", u.name), t.key()),
            Span::raw(u.url),
        ]));
    }
    lines.extend(routes);
    lines.push(Line::from(""));
    lines.push(key_line(t, &[("Enter/Esc", "close"), ("q", "quit")]));
    dialog(&app.theme, f, r, "Run summary", lines);
}

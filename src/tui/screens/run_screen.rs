//! The run screen: the steps with their state and time, the log (tagged and filterable by
//! step, searchable), the live pods and ingress/route panes, and the end-of-run summary. Only
//! visible rows are built (the pods pane slices its rows to the viewport).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use crate::exec::events::Stream;
use crate::kube::snapshot::SyncState;
use crate::tui::app::App;
use crate::tui::layout;
use crate::tui::state::run_state::{Pane, StepRun, fmt_age, fmt_duration, parse_rfc3339};
use crate::tui::widgets::blocks::{block, centered, dialog, key_line};
use crate::tui::widgets::theme::Theme;

use crate::tui::chrome::*;

pub fn run_screen(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let l = layout::run(area);
    let missing = app.run.missing().len();
    let state = match app.run.finished {
        Some(true) if missing == 0 => "run finished ✓".to_string(),
        Some(true) => format!("run finished without {missing} step(s)"),
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
    let gateway_api = app.profile.gateway_api();
    let focused = app.run.pane == Some(Pane::Ingresses);
    if !crate::tui::state::routes_pane::draw(
        &app.run.routes,
        &app.theme,
        (gateway_api, focused),
        f,
        l.ingresses,
    ) {
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
    hints_bar(app, f, l.hints, &crate::tui::keys::hints(app));
}

pub fn run_steps(app: &App, f: &mut Frame, r: Rect) {
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
pub fn run_title(id: crate::plan::StepId) -> &'static str {
    id.short_title()
}

pub fn highlight_line<'a>(text: &'a str, q: Option<&str>, base: Style, hl: Style) -> Line<'a> {
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

pub fn log_pane(app: &App, f: &mut Frame, r: Rect) {
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
            crate::tui::screens::run_log::tagged(
                app,
                l,
                highlight_line(&l.text, q, st, t.highlight()),
            )
        })
        .collect();
    let shown = app.run.shown_len();
    let mut title = format!(
        "Log {}-{} of {}",
        (top + 1).min(shown),
        (top + h).min(shown),
        shown
    );
    crate::tui::screens::run_log::title(app, &mut title);
    if app.run.log_scroll.is_none() {
        title.push_str(" · following");
    }
    if let Some(q) = q {
        title.push_str(&format!(" · /{q}"));
    }
    let focused = app.run.pane == Some(Pane::Log);
    f.render_widget(Paragraph::new(lines).block(block(t, title, focused)), r);
}

pub fn sync_title(t: &Theme, what: &str, n: usize, s: &SyncState) -> Line<'static> {
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

pub fn pods_pane(app: &App, f: &mut Frame, r: Rect) {
    let t = &app.theme;
    let pods = &app.run.pods;
    let h = layout::table_rows(r);
    let start = app.run.pods_scroll.min(pods.rows.len().saturating_sub(h));
    // only the rows in view are turned into cells
    let focused = app.run.pane == Some(Pane::Pods);
    let rows: Vec<Row> = pods.rows[start..(start + h).min(pods.rows.len())]
        .iter()
        .enumerate()
        .map(|(k, p)| {
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
            let row = Row::new(vec![
                Cell::from(p.name.as_str()),
                Cell::from(p.ready.as_str()),
                Cell::from(Span::styled(p.status.as_str(), st)),
                Cell::from(p.restarts.to_string()),
                Cell::from(age),
            ]);
            // the pod `l`, `d` and `e` are about, when the pane has the keys
            if focused && start + k == app.run.pods_selected {
                row.style(t.selected())
            } else {
                row
            }
        })
        .collect();
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
        crate::tui::widgets::blocks::frame(t, focused).title(sync_title(
            t,
            "Pods",
            pods.rows.len(),
            &pods.state,
        )),
    );
    f.render_widget(table, r);
}

pub fn ingress_pane(app: &App, f: &mut Frame, r: Rect) {
    let t = &app.theme;
    let ing = &app.run.ingresses;
    let h = layout::table_rows(r);
    let start = app
        .run
        .ingresses_scroll
        .min(ing.rows.len().saturating_sub(h));
    // name and address columns as wide as they need, up to a share of the pane; the hosts
    // take the rest (inside the borders, less the two column gaps)
    let inner = r.width.saturating_sub(4) as usize;
    let longest = |f: &dyn Fn(&crate::kube::snapshot::IngressRow) -> usize| {
        ing.rows.iter().map(f).max().unwrap_or(0)
    };
    let name_w = longest(&|i| i.name.chars().count()).clamp(12, inner * 2 / 5);
    let addr_w = longest(&|i| i.address.chars().count().max(9)).clamp(9, inner / 4);
    let rows: Vec<Row> = ing.rows[start..(start + h).min(ing.rows.len())]
        .iter()
        .map(|i| {
            Row::new(vec![
                Cell::from(crate::tui::widgets::blocks::keep_end(&i.name, name_w)),
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
            Constraint::Length(name_w as u16),
            Constraint::Fill(1),
            Constraint::Length(addr_w as u16),
        ],
    )
    .header(Row::new(["NAME", "HOSTS", "ADDRESS"]).style(t.dim()))
    .block(
        crate::tui::widgets::blocks::frame(t, focused).title(sync_title(
            t,
            "Ingresses",
            ing.rows.len(),
            &ing.state,
        )),
    );
    f.render_widget(table, r);
}

/// The end-of-run summary: success and the console URLs, or what the deployment lacks and
/// why (a step left out after failing is not a success).
pub fn run_summary(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let Some(ok) = app.run.finished else {
        return;
    };
    let missing = app.run.missing();
    let complete = ok && missing.is_empty();
    let (done, skipped) = app
        .run
        .steps
        .iter()
        .fold((0, 0), |(d, s), x| match x.state {
            StepRun::Done { .. } => (d + 1, s),
            StepRun::Skipped { .. } => (d, s + 1),
            _ => (d, s),
        });
    let mut lines = vec![
        Line::from(if complete {
            Span::styled("✓ Every step succeeded.", t.ok())
        } else {
            Span::styled(
                format!(
                    "✗ The deployment is not complete: {} step(s) did not finish.",
                    missing.len()
                ),
                t.error(),
            )
        }),
        Line::from(format!(
            "{done} done · {} did not finish · {skipped} not run by this run",
            missing.len()
        )),
        Line::from(""),
    ];
    // the proof's headline: what the deployment is for, shown working or not
    if let Some((working, text)) = &app.run.headline {
        lines.insert(
            2,
            Line::from(Span::styled(
                format!("Key manager: {text}"),
                if *working { t.ok() } else { t.error() },
            )),
        );
    }
    let width = 76usize.min(area.width as usize).saturating_sub(2);
    if complete {
        let urls = app
            .run
            .plan
            .as_ref()
            .map(|p| p.console_urls.clone())
            .unwrap_or_default();
        lines.push(Line::from(Span::styled("Consoles", t.title())));
        for u in urls {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<16}", u.name), t.key()),
                Span::raw(u.url),
            ]));
        }
        lines.extend(crate::tui::state::routes_pane::summary_lines(
            &app.run.routes,
            t,
            app.profile.gateway_api(),
        ));
    } else {
        lines.push(Line::from(Span::styled(
            "What the deployment lacks",
            t.title(),
        )));
        for (id, why) in &missing {
            lines.push(Line::from(vec![
                Span::styled(format!("  {} ", id.as_str()), t.key()),
                Span::styled(format!("({})", why.word()), t.dim()),
            ]));
            lines.push(Line::from(Span::styled(
                format!("    {}", id.lacks()),
                t.warn(),
            )));
        }
        lines.push(Line::from(Span::styled(
            "Fix the cause, then run again and resume (R): what finished is not redone.",
            t.dim(),
        )));
    }
    lines.push(Line::from(""));
    lines.push(key_line(t, &[("Enter/Esc", "close"), ("q", "quit")]));
    // long lines wrap inside the dialog: count them as they will be drawn
    let rows: usize = lines
        .iter()
        .map(|l| l.width().max(1).div_ceil(width.max(1)))
        .sum();
    let h = (rows as u16 + 2).min(area.height);
    let r = centered(area, 76, h);
    dialog(&app.theme, f, r, "Run summary", lines);
}

//! What every screen has around it: the title bar, the hint bar, the status line, and the
//! small text helpers they share.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::app::{App, StepStatus};
use crate::tui::widgets::theme::Theme;

pub fn title_bar(app: &App, f: &mut Frame, r: Rect, what: &str) {
    let t = &app.theme;
    let mut spans = vec![
        Span::styled(" kmpilot ", t.title()),
        Span::styled("│ ", t.dim()),
        Span::raw(what.to_string()),
        // what a run would change, first: it is the one thing never to be cut off
        Span::styled(" │ ⎈ ", t.dim()),
        Span::styled(app.target_line(), t.label()),
        Span::styled(" │ profile ", t.dim()),
        Span::raw(app.profile.name.clone()),
    ];
    // before the path, which is the first thing cut on a narrow terminal
    if app.dirty() {
        spans.push(Span::styled(" ● modified", t.modified()));
    }
    spans.push(Span::raw(match &app.profile_path {
        Some(p) => format!(" ({})", p.display()),
        None => " (not saved yet)".into(),
    }));
    f.render_widget(Paragraph::new(Line::from(spans)), r);
}

pub fn hints_bar(app: &App, f: &mut Frame, r: Rect, hints: &[(&str, &str)]) {
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

pub fn status_line(app: &App, f: &mut Frame, r: Rect) {
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
                let mut spans = vec![
                    Span::styled(" ✓ profile valid", t.ok()),
                    Span::styled(format!(" ({w} warning(s))"), t.dim()),
                ];
                // the profile can be valid while the cluster is not ready for it: say both
                let failing = app.preflight.failures();
                if failing > 0 {
                    spans.push(Span::styled(
                        format!(" · ✗ {failing} cluster check(s) failing (Cluster step)"),
                        t.error(),
                    ));
                }
                Line::from(spans)
            }
        }
    };
    f.render_widget(Paragraph::new(line), r);
}

pub fn status_glyph(t: &Theme, s: StepStatus) -> (String, Style, String) {
    match s {
        StepStatus::Untouched => ("○".into(), t.dim(), String::new()),
        StepStatus::Valid => ("✓".into(), t.ok(), String::new()),
        StepStatus::Warnings(n) => ("!".into(), t.warn(), format!("{n}!")),
        StepStatus::Errors(n) => ("✗".into(), t.error(), format!("{n}✗")),
        StepStatus::Running => ("▶".into(), t.running(), "run".into()),
        StepStatus::Done => ("●".into(), t.ok(), "done".into()),
        StepStatus::Skipped => ("↷".into(), t.dim(), "skip".into()),
        StepStatus::Failed => ("✗".into(), t.error(), "fail".into()),
        StepStatus::Unused => ("–".into(), t.dim(), "off".into()),
    }
}

pub fn fit(s: &str, w: usize) -> String {
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

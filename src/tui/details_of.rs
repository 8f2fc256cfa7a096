//! What the details view (Enter) shows for the screen in front: on the Review, the selected
//! row and everything the verification and the live diff found, none of it cut; on the run
//! screen, the log from the top of the view, each line whole.

use ratatui::text::{Line, Span};

use crate::tui::app::{App, Screen};
use crate::tui::dialogs::detail::{Detail, open};
use crate::tui::state::review_state::ReviewRow;

/// How many log lines the details view takes (from the top of the view down).
const LOG_LINES: usize = 2_000;

pub fn details(app: &App) -> Detail {
    match app.screen {
        Screen::Run => log(app),
        Screen::Wizard => review(app),
    }
}

fn review(app: &App) -> Detail {
    let t = &app.theme;
    let mut lines = Vec::new();
    if let Some(plan) = &app.review.plan {
        let row = match app.review.rows.get(app.review.selected) {
            Some(ReviewRow::Header(s)) => s.clone(),
            Some(ReviewRow::Action(si, ai)) => {
                let a = &plan.steps[*si].actions[*ai];
                format!("{} {}", a.verb(), a.summary())
            }
            Some(ReviewRow::Artifact(k)) => format!("file {}", plan.artifacts[*k].path),
            Some(ReviewRow::Url(k)) => {
                let u = &plan.console_urls[*k];
                format!("{} {}", u.name, u.url)
            }
            Some(ReviewRow::ArtifactsHeader | ReviewRow::UrlsHeader) | None => String::new(),
        };
        lines.push(Line::from(Span::styled("Selected", t.title())));
        lines.push(Line::from(row));
        lines.push(Line::from(""));
    }
    lines.push(Line::from(Span::styled("Verification", t.title())));
    let verified =
        crate::tui::state::review_verify::lines(&app.review_verify, t, usize::MAX, app.wall);
    if verified.is_empty() {
        lines.push(Line::from(Span::styled("not run yet", t.dim())));
    }
    lines.extend(verified);
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled("Live cluster", t.title())));
    let diff = crate::tui::state::review_diff::whole(&app.review_diff, t, app.wall);
    if diff.is_empty() {
        let why = match app
            .review_diff
            .report
            .as_ref()
            .and_then(|r| r.error.clone())
        {
            Some(e) => format!("not compared: {e}"),
            None => "not compared yet".into(),
        };
        lines.push(Line::from(Span::styled(why, t.dim())));
    }
    lines.extend(diff);
    open("Review — details", lines)
}

fn log(app: &App) -> Detail {
    let t = &app.theme;
    let height = crate::tui::layout::run(ratatui::layout::Rect::new(0, 0, app.size.0, app.size.1))
        .log
        .height
        .saturating_sub(2) as usize;
    let top = app.run.log_top(height);
    let lines = app
        .run
        .shown_range(top, LOG_LINES)
        .into_iter()
        .map(|l| {
            Line::from(vec![
                Span::styled(format!("{} ", l.step.as_str()), t.dim()),
                Span::raw(l.text.clone()),
            ])
        })
        .collect();
    open(
        format!(
            "Log from line {} — whole lines",
            top + app.run.log_dropped + 1
        ),
        lines,
    )
}

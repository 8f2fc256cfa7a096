//! The review's verification: both charts rendered with helm and checked (`kmpilot verify`),
//! in the background whenever the review is on screen and the profile changed since the last
//! one. Results come back as `Msg::Verified` with the generation they were asked under; an
//! older generation's (a profile edited since) is dropped, as the Cluster step's checks do.

use ratatui::text::{Line, Span};

use super::app::{App, WizardStep};
use super::msg::Cmd;
use super::theme::Theme;
use crate::verify::{Level, Report};

#[derive(Debug, Default)]
pub struct ReviewVerify {
    /// The profile the last verification was asked for (as JSON).
    pub key: Option<String>,
    pub generation: u64,
    pub running: bool,
    pub reports: Vec<Result<Report, String>>,
    /// The run confirmation warned once about the errors; the next "y" runs anyway.
    pub acknowledged: bool,
}

impl ReviewVerify {
    pub fn errors(&self) -> usize {
        self.reports
            .iter()
            .map(|r| r.as_ref().map(Report::errors).unwrap_or(1))
            .sum()
    }
}

/// Starts a verification when the review is on screen and the profile changed since the last.
pub fn maybe_start(app: &mut App) -> Option<Cmd> {
    if app.wizard_step() != WizardStep::Review || app.run.active || app.has_errors() {
        return None;
    }
    let key = serde_json::to_string(&app.profile).ok()?;
    if app.review_verify.key.as_deref() == Some(key.as_str()) {
        return None;
    }
    let v = &mut app.review_verify;
    v.key = Some(key);
    v.generation += 1;
    v.running = true;
    v.acknowledged = false;
    Some(Cmd::Verify {
        generation: v.generation,
        profile: Box::new(app.profile.clone()),
        profile_path: app.profile_path.clone(),
    })
}

pub fn on_results(app: &mut App, generation: u64, reports: Vec<Result<Report, String>>) {
    if generation != app.review_verify.generation {
        return;
    }
    app.review_verify.running = false;
    app.review_verify.reports = reports;
}

/// The lines the review shows above the preview: one per chart, then each finding.
pub fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let t: &Theme = &app.theme;
    let v = &app.review_verify;
    let mut out = Vec::new();
    if v.running && v.reports.is_empty() {
        out.push(Line::from(Span::styled(
            "verifying: rendering the charts with helm …",
            t.dim(),
        )));
        return out;
    }
    let clip = |s: String| -> String {
        if s.chars().count() > width {
            let mut c: String = s.chars().take(width.saturating_sub(1)).collect();
            c.push('…');
            c
        } else {
            s
        }
    };
    for r in &v.reports {
        match r {
            Err(e) => out.push(Line::from(Span::styled(
                clip(format!("✗ chart not rendered: {e}")),
                t.error(),
            ))),
            Ok(r) => {
                let (e, w, n) = crate::exec::verify::counts(&r.findings);
                out.push(Line::from(Span::styled(
                    clip(format!(
                        "{} verified {} {}: {e} error(s), {w} warning(s), {n} notice(s){}",
                        if e == 0 { "✓" } else { "✗" },
                        r.chart.as_str(),
                        r.version,
                        if v.running { " (re-checking …)" } else { "" }
                    )),
                    if e == 0 { t.ok() } else { t.error() },
                )));
                for f in &r.findings {
                    let style = match f.level {
                        Level::Error => t.error(),
                        Level::Warning => t.warn(),
                        Level::Notice => t.dim(),
                    };
                    out.push(Line::from(Span::styled(
                        clip(format!(
                            "  {} {}{}",
                            f.level.as_str(),
                            f.key
                                .as_deref()
                                .map(|k| format!("{k}: "))
                                .unwrap_or_default(),
                            f.message,
                        )),
                        style,
                    )));
                    if f.level != Level::Notice {
                        out.push(Line::from(Span::styled(
                            clip(format!(
                                "      fix {} ({}{})",
                                f.fix,
                                f.object,
                                f.file
                                    .as_deref()
                                    .map(|x| format!(" {x}"))
                                    .unwrap_or_default()
                            )),
                            t.dim(),
                        )));
                    }
                }
            }
        }
    }
    out
}

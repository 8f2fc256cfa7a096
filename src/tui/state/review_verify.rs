//! The review's verification: both charts rendered with helm and checked (`kmpilot verify`),
//! in the background whenever the review is on screen and the profile changed since the last
//! one. Results come back as `Msg::Verified` with the generation they were asked under; an
//! older generation's (a profile edited since) is dropped, as the Cluster step's checks do.

use ratatui::text::{Line, Span};

use crate::tui::state::follows_profile::{Follow, clip};
use crate::tui::widgets::theme::Theme;
use crate::verify::{Level, Report};

#[derive(Debug, Default)]
pub struct ReviewVerify {
    pub follow: Follow,
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

/// The generation to verify `p` under, when it changed since the last verification (the run
/// confirmation warns about the new one's errors again).
pub fn maybe_start(v: &mut ReviewVerify, p: &crate::profile::Profile) -> Option<u64> {
    let generation = v.follow.ask(p)?;
    v.acknowledged = false;
    Some(generation)
}

pub fn on_results(
    v: &mut ReviewVerify,
    generation: u64,
    reports: Vec<Result<Report, String>>,
    wall: i64,
) {
    if v.follow.answered(generation, wall) {
        v.reports = reports;
    }
}

/// The lines the review shows above the preview: one per chart, then each finding (`wall`:
/// now, to say how old they are).
pub fn lines(v: &ReviewVerify, t: &Theme, width: usize, wall: i64) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if v.follow.running && v.reports.is_empty() {
        out.push(Line::from(Span::styled(
            "verifying: rendering the charts with helm …",
            t.dim(),
        )));
        return out;
    }
    let clip = |s: String| clip(s, width);
    for r in &v.reports {
        match r {
            Err(e) => out.push(Line::from(Span::styled(
                clip(format!("✗ chart not rendered{}: {e}", v.follow.age(wall))),
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
                        if v.follow.running {
                            " (re-checking …)".to_string()
                        } else {
                            v.follow.age(wall)
                        }
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

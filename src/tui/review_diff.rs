//! The review's diff against the live cluster (`kmpilot diff`), in the background whenever the
//! review is on screen and the profile changed since the last one, so "run" on an existing
//! deployment says beforehand what it touches. Shown only when the cluster answered: a first
//! run on a cluster not reachable yet has nothing to compare with, and the Cluster step says
//! why. Results come back as `Msg::Diffed` with their generation; older ones are dropped.

use ratatui::text::{Line, Span};

use super::app::{App, WizardStep};
use super::msg::Cmd;
use super::theme::Theme;
use crate::exec::diff::{Change, DiffReport, Op};

/// How many lines of each changed item the review shows (the whole diff: `kmpilot diff`).
const LINES_PER_ITEM: usize = 4;

#[derive(Debug, Default)]
pub struct ReviewDiff {
    /// The profile the last diff was asked for (as JSON).
    pub key: Option<String>,
    pub generation: u64,
    pub running: bool,
    pub report: Option<DiffReport>,
}

/// Starts a diff when the review is on screen and the profile changed since the last one.
pub fn maybe_start(app: &mut App) -> Option<Cmd> {
    if app.wizard_step() != WizardStep::Review || app.run.active || app.has_errors() {
        return None;
    }
    let key = serde_json::to_string(&app.profile).ok()?;
    if app.review_diff.key.as_deref() == Some(key.as_str()) {
        return None;
    }
    let d = &mut app.review_diff;
    d.key = Some(key);
    d.generation += 1;
    d.running = true;
    Some(Cmd::Diff {
        generation: d.generation,
        profile: Box::new(app.profile.clone()),
        profile_path: app.profile_path.clone(),
    })
}

pub fn on_results(app: &mut App, generation: u64, report: DiffReport) {
    if generation != app.review_diff.generation {
        return;
    }
    app.review_diff.running = false;
    app.review_diff.report = Some(report);
}

/// The lines the review shows under the verification: a summary, then each change with the
/// first lines of its diff. Nothing before the first answer or when the cluster did not answer.
pub fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let t: &Theme = &app.theme;
    let Some(r) = &app.review_diff.report else {
        return Vec::new();
    };
    if r.error.is_some() {
        return Vec::new();
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
    let again = if app.review_diff.running {
        " (re-checking …)"
    } else {
        ""
    };
    let mut out = Vec::new();
    let (changes, errors) = (r.changes(), r.errors());
    if changes == 0 && errors == 0 {
        out.push(Line::from(Span::styled(
            clip(format!(
                "= live cluster: run changes nothing (everything compared is as the plan says){again}"
            )),
            t.ok(),
        )));
        return out;
    }
    out.push(Line::from(Span::styled(
        clip(format!(
            "~ live cluster: run changes {changes} thing(s){}{again} — all of it: kmpilot diff",
            if errors > 0 {
                format!(", {errors} could not be compared")
            } else {
                String::new()
            }
        )),
        t.warn(),
    )));
    for step in &r.steps {
        for i in step
            .items
            .iter()
            .filter(|i| matches!(i.change, Change::Create | Change::Update | Change::Error))
        {
            let (sign, words, style) = match i.change {
                Change::Create => ("+", "to be created", t.ok()),
                Change::Update => ("~", "to be changed", t.warn()),
                _ => ("!", "could not compare", t.error()),
            };
            out.push(Line::from(Span::styled(
                clip(format!(
                    "  {sign} {}: {} ({words})",
                    step.step.as_str(),
                    i.what
                )),
                style,
            )));
            let body: Vec<_> = i
                .lines
                .iter()
                .filter(|l| matches!(l.op, Op::Add | Op::Remove | Op::Secret))
                .collect();
            for l in body.iter().take(LINES_PER_ITEM) {
                let sign = match l.op {
                    Op::Add => "+",
                    Op::Remove => "-",
                    _ => "~",
                };
                out.push(Line::from(Span::styled(
                    clip(format!("      {sign} {}", l.text.trim_start())),
                    t.dim(),
                )));
            }
            if body.len() > LINES_PER_ITEM {
                out.push(Line::from(Span::styled(
                    format!("      … {} more", body.len() - LINES_PER_ITEM),
                    t.dim(),
                )));
            }
            if let (Change::Error, Some(d)) = (i.change, &i.detail) {
                out.push(Line::from(Span::styled(
                    clip(format!("      {d}")),
                    t.dim(),
                )));
            }
        }
    }
    out
}

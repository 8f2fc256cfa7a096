//! The review's diff against the live cluster (`kmpilot diff`), in the background whenever the
//! review is on screen and the profile changed since the last one, so "run" on an existing
//! deployment says beforehand what it touches. Shown only when the cluster answered: a first
//! run on a cluster not reachable yet has nothing to compare with, and the Cluster step says
//! why. Results come back as `Msg::Diffed` with their generation; older ones are dropped.

use ratatui::text::{Line, Span};

use crate::exec::diff::{Change, DiffReport, Op};
use crate::tui::state::follows_profile::{Follow, clip};
use crate::tui::widgets::theme::Theme;

/// How many lines of each changed item the review shows (the whole diff: `kmpilot diff`).
const LINES_PER_ITEM: usize = 4;

#[derive(Debug, Default)]
pub struct ReviewDiff {
    pub follow: Follow,
    pub report: Option<DiffReport>,
}

pub fn on_results(d: &mut ReviewDiff, generation: u64, report: DiffReport, wall: i64) {
    if d.follow.answered(generation, wall) {
        d.report = Some(report);
    }
}

/// The lines the review shows under the verification: a summary, then each change with the
/// first lines of its diff. Nothing before the first answer or when the cluster did not answer.
/// `wall`: now, to say how old the comparison is.
pub fn lines(d: &ReviewDiff, t: &Theme, width: usize, wall: i64) -> Vec<Line<'static>> {
    lines_with(d, t, width, wall, Some(LINES_PER_ITEM))
}

/// Every line of every change, none cut (the details view).
pub fn whole(d: &ReviewDiff, t: &Theme, wall: i64) -> Vec<Line<'static>> {
    lines_with(d, t, usize::MAX, wall, None)
}

fn lines_with(
    d: &ReviewDiff,
    t: &Theme,
    width: usize,
    wall: i64,
    per_item: Option<usize>,
) -> Vec<Line<'static>> {
    let per_item = per_item.unwrap_or(usize::MAX);
    let Some(r) = &d.report else {
        return Vec::new();
    };
    if r.error.is_some() {
        return Vec::new();
    }
    let clip = |s: String| clip(s, width);
    let again = if d.follow.running {
        " (re-checking …)".to_string()
    } else {
        d.follow.age(wall)
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
            for l in body.iter().take(per_item) {
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
            if body.len() > per_item {
                out.push(Line::from(Span::styled(
                    format!("      … {} more (Enter: all of it)", body.len() - per_item),
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

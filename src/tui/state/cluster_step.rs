//! The Cluster & prerequisites step's live checks: every check the plan will run, run now,
//! each with its fix-it, below the step's fields. Their state (`Preflight`), when they are
//! asked again and how they are drawn live here; the router decides when the step is on screen
//! and sends the command. (Its kubeconfig context picker is `context_picker.rs`.)

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::exec::preflight::{CheckOutcome, CheckStatus};
use crate::profile::Profile;
use crate::tui::widgets::theme::Theme;

/// The last preflight and whether a newer one is under way.
#[derive(Debug, Default)]
pub struct Preflight {
    /// What the results (or the running check) are for; a different key means stale.
    pub key: Option<String>,
    pub generation: u64,
    pub running: bool,
    pub results: Vec<CheckOutcome>,
}

impl Preflight {
    pub fn failures(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.status == CheckStatus::Failed)
            .count()
    }
}

/// What decides the outcome of the checks: the kubeconfig and the checks themselves (tools,
/// context, ingress class, CSI driver). Anything else may change without a new preflight.
pub fn preflight_key(p: &Profile) -> String {
    let plan = crate::steps::plan(p);
    // the capacity check reads the namespace only to leave out the releases' own pods on a
    // re-run: typing a namespace does not re-check
    let checks: Vec<_> = crate::exec::preflight::checks(&plan)
        .into_iter()
        .map(|(s, c)| match c {
            crate::plan::Check::Capacity(mut spec) => {
                spec.namespace.clear();
                (s, crate::plan::Check::Capacity(spec))
            }
            c => (s, c),
        })
        .collect();
    format!("{:?}|{:?}", p.cluster.kubeconfig, checks)
}

/// The generation to check `p` under, when its results are stale (or `force`: the user asked
/// to check again). The router asks only while the Cluster step is on screen.
pub fn maybe_start(pf: &mut Preflight, p: &Profile, force: bool) -> Option<u64> {
    let key = preflight_key(p);
    if !force && pf.key.as_deref() == Some(key.as_str()) {
        return None;
    }
    pf.key = Some(key);
    pf.generation += 1;
    pf.running = true;
    Some(pf.generation)
}

/// Takes the results of check number `generation`; whether they were taken (an older check
/// that finished after a newer one started is dropped).
pub fn on_results(pf: &mut Preflight, generation: u64, results: Vec<CheckOutcome>) -> bool {
    if generation != pf.generation {
        return false;
    }
    pf.running = false;
    pf.results = results;
    true
}

/// Rows the Cluster step's form shows below its fields. A failure's message and fix-it are
/// wrapped to the form's width: they are what the user has to read in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckLine {
    Header,
    /// Nothing checked yet (first run in progress).
    Pending,
    Outcome(usize),
    /// A wrapped piece of a failure's message, or of its fix-it (`fix` on the first piece).
    Text {
        text: String,
        fix: bool,
        first: bool,
    },
}

/// The cluster-kind check's detail (kind, ingress, AppArmor) is read in full, like a
/// failure's message, not cut at the end of its line.
fn detail_wraps(r: &CheckOutcome) -> bool {
    r.status == CheckStatus::Ok && r.summary.starts_with("what kind of cluster")
}

/// The rows for a screen of `size` (failures wrap to the form's width).
pub fn check_lines(pf: &Preflight, size: (u16, u16)) -> Vec<CheckLine> {
    let area = Rect::new(0, 0, size.0, size.1);
    let width = (crate::tui::layout::wizard(area, false).list.width as usize).max(20);
    let mut v = vec![CheckLine::Header];
    if pf.results.is_empty() {
        v.push(CheckLine::Pending);
    }
    for (i, r) in pf.results.iter().enumerate() {
        v.push(CheckLine::Outcome(i));
        if r.status != CheckStatus::Failed && !detail_wraps(r) {
            continue;
        }
        // "    " + text, and "    fix: " + text
        for (k, piece) in wrap(&r.detail, width - 4).into_iter().enumerate() {
            v.push(CheckLine::Text {
                text: piece,
                fix: false,
                first: k == 0,
            });
        }
        if let Some(fix) = &r.fix {
            for (k, piece) in wrap(fix, width - 9).into_iter().enumerate() {
                v.push(CheckLine::Text {
                    text: piece,
                    fix: true,
                    first: k == 0,
                });
            }
        }
    }
    v
}

/// Splits `s` into pieces of at most `w` characters, at spaces where there is one.
pub fn wrap(s: &str, w: usize) -> Vec<String> {
    let w = w.max(8);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in s.split(' ') {
        let mut word = word.to_string();
        loop {
            let len = line.chars().count();
            let need = word.chars().count() + usize::from(len > 0);
            if len + need <= w {
                if len > 0 {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if len > 0 {
                out.push(std::mem::take(&mut line));
                continue;
            }
            // a word longer than the line: cut it
            let head: String = word.chars().take(w).collect();
            word = word.chars().skip(w).collect();
            out.push(head);
            if word.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

pub fn draw_check_line(t: &Theme, p: &Preflight, line: &CheckLine) -> Line<'static> {
    match line {
        CheckLine::Header => {
            let state = if p.running {
                "checking…".to_string()
            } else if p.results.is_empty() {
                String::new()
            } else {
                match p.failures() {
                    0 => "all passed".to_string(),
                    n => format!("{n} failing"),
                }
            };
            Line::from(vec![
                Span::styled("── Prerequisites  ", t.title()),
                Span::styled(state, if p.failures() > 0 { t.error() } else { t.dim() }),
                Span::styled("  (c checks again)", t.dim()),
            ])
        }
        CheckLine::Pending => Line::from(Span::styled(
            if p.running {
                "  checking the cluster and tools…"
            } else {
                "  not checked yet"
            },
            t.dim(),
        )),
        CheckLine::Outcome(i) => {
            let r = &p.results[*i];
            let mut spans = vec![
                Span::raw("  "),
                glyph(r.status, t),
                Span::raw(" "),
                Span::raw(r.summary.clone()),
            ];
            if r.status != CheckStatus::Failed && !r.detail.is_empty() && !detail_wraps(r) {
                spans.push(Span::styled(format!(" — {}", r.detail), t.dim()));
            }
            Line::from(spans)
        }
        CheckLine::Text { text, fix, first } => {
            let lead = match (fix, first) {
                (true, true) => Span::styled("    fix: ", t.warn()),
                (true, false) => Span::raw("         "),
                _ => Span::raw("    "),
            };
            let body = if *fix {
                Span::raw(text.clone())
            } else {
                Span::styled(text.clone(), t.error())
            };
            Line::from(vec![lead, body])
        }
    }
}

fn glyph(status: CheckStatus, t: &Theme) -> Span<'static> {
    match status {
        CheckStatus::Ok => Span::styled("✓", t.ok()),
        CheckStatus::Failed => Span::styled("✗", t.error()),
        CheckStatus::Skipped => Span::styled("-", t.dim()),
    }
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrap_breaks_at_spaces_and_cuts_long_words() {
        assert_eq!(wrap("a bb ccc dddd", 8), ["a bb ccc", "dddd"]);
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(
            wrap("see https://kubernetes.github.io/ingress-nginx now", 12),
            [
                "see",
                "https://kube",
                "rnetes.githu",
                "b.io/ingress",
                "-nginx now"
            ]
        );
        for piece in wrap(&"word ".repeat(50), 17) {
            assert!(piece.chars().count() <= 17, "{piece}");
        }
    }
}

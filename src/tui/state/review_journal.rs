//! The review's trace of an earlier run that stopped part way (killed, aborted, or a step
//! failed): reopening the wizard must not look as if nothing had happened, since `r` then
//! `R` resumes it and `r` then `y` starts over.

use ratatui::text::{Line, Span};

use super::follows_profile::clip;
use super::run_state::fmt_age;
use crate::exec::journal::Unfinished;
use crate::tui::widgets::theme::Theme;

/// The lines above the review's verification (`wall`: now, in Unix seconds).
pub fn lines(u: Option<&Unfinished>, t: &Theme, width: usize, wall: i64) -> Vec<Line<'static>> {
    let Some(u) = u else {
        return Vec::new();
    };
    let ago = fmt_age((wall.max(0) as u64).saturating_sub(u.last_at));
    let mut out = vec![Line::from(Span::styled(
        clip(
            format!(
                "! an earlier run stopped part way ({ago} ago): {} of {} steps done",
                u.done, u.total
            ),
            width,
        ),
        t.warn(),
    ))];
    for (step, error) in &u.failed {
        out.push(Line::from(Span::styled(
            clip(format!("  ✗ {step} failed: {error}"), width),
            t.error(),
        )));
    }
    if !u.not_reached.is_empty() {
        out.push(Line::from(Span::styled(
            clip(
                format!("  not reached: {}", u.not_reached.join(", ")),
                width,
            ),
            t.dim(),
        )));
    }
    out.push(Line::from(Span::styled(
        clip(
            "  r then R resumes it (what finished is not redone); r then y starts over".into(),
            width,
        ),
        t.dim(),
    )));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> String {
        lines
            .iter()
            .map(|l| {
                l.spans
                    .iter()
                    .map(|s| s.content.as_ref())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn an_unfinished_run_says_what_finished_failed_and_how_to_go_on() {
        let t = Theme::new(true);
        assert!(lines(None, &t, 80, 0).is_empty());
        let u = Unfinished {
            done: 4,
            total: 9,
            failed: vec![("key-manager".into(), "HTTP 401 from API-M".into())],
            not_reached: vec!["dns".into(), "kms-sts".into()],
            last_at: 1_000,
        };
        let s = text(&lines(Some(&u), &t, 120, 1_000 + 7 * 60));
        assert!(
            s.contains("stopped part way (7m ago): 4 of 9 steps done"),
            "{s}"
        );
        assert!(
            s.contains("✗ key-manager failed: HTTP 401 from API-M"),
            "{s}"
        );
        assert!(s.contains("not reached: dns, kms-sts"), "{s}");
        assert!(s.contains("R resumes"), "{s}");
    }
}

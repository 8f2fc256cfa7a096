//! What the run screen shows, built only from executor `Event`s and watcher `WatchUpdate`s:
//! per-step progress with elapsed time, a bounded log, the live pods and ingresses panes.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::exec::events::{Event, Skip, Stream};
use crate::kube::snapshot::{IngressRow, PodRow, Snapshot};
use crate::plan::{Plan, StepId};

/// The log keeps the newest lines only (kdash and k9s cap theirs the same way).
pub const MAX_LOG_LINES: usize = 10_000;

#[derive(Debug, Clone, PartialEq)]
pub enum StepRun {
    Pending,
    Running {
        started: Instant,
    },
    Done {
        elapsed: Duration,
    },
    Skipped {
        reason: String,
        why: Skip,
    },
    Failed {
        error: String,
        hint: Option<String>,
        elapsed: Duration,
    },
    /// Not started: `needs` failed or were blocked themselves (a retry runs it).
    Blocked {
        needs: Vec<StepId>,
    },
}

/// Why a step of the plan is not in the deployment after the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Failed,
    Blocked,
    LeftOut,
    NotRun,
}

impl Missing {
    pub fn word(self) -> &'static str {
        match self {
            Missing::Failed => "failed",
            Missing::Blocked => "not started (a step it needs did not finish)",
            Missing::LeftOut => "left out after failing",
            Missing::NotRun => "not run (the run stopped)",
        }
    }
}

#[derive(Debug, Clone)]
pub struct StepProgress {
    pub id: StepId,
    pub state: StepRun,
    /// Actions finished / actions in the plan's step.
    pub done_actions: usize,
    pub total_actions: usize,
    /// The action running now.
    pub current: Option<String>,
}

#[derive(Debug, Clone)]
pub struct LogLine {
    pub step: StepId,
    pub stream: Stream,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Log,
    Pods,
    Ingresses,
}

#[derive(Debug, Default)]
pub struct RunState {
    pub active: bool,
    pub plan: Option<Arc<Plan>>,
    pub steps: Vec<StepProgress>,
    pub log: VecDeque<LogLine>,
    /// Lines dropped from the front since the run started (the cap).
    pub log_dropped: usize,
    /// First visible log line; `None` follows the tail.
    pub log_scroll: Option<usize>,
    pub search: Option<String>,
    pub pods: Snapshot<PodRow>,
    pub pods_scroll: usize,
    /// The pod `l`, `d` and `e` are about (an index into `pods.rows`).
    pub pods_selected: usize,
    pub ingresses: Snapshot<IngressRow>,
    pub ingresses_scroll: usize,
    /// Gateway API exposure: the Gateways and HTTPRoutes, shown in the ingress pane's place.
    pub routes: crate::tui::state::routes_pane::Routes,
    pub pane: Option<Pane>,
    /// `Some(ok)` once `RunFinished` arrived.
    pub finished: Option<bool>,
    /// The step waiting for retry / skip / abort.
    pub failed: Option<StepId>,
    /// Its dialog was closed (Esc) to read the log; `r` opens it again.
    pub failure_dismissed: bool,
    pub started: Option<Instant>,
    pub summary_open: bool,
    /// The proof's headline (`Event::Headline`): whether the key manager works, and the text.
    pub headline: Option<(bool, String)>,
    /// `prompt: true` secrets the executor is waiting for, after the one on screen.
    pub questions: VecDeque<crate::tui::state::executor_question::SecretQuestion>,
    /// Questions of the executor (`exec::ask`) waiting after the dialog on screen.
    pub asks: VecDeque<crate::tui::state::executor_question::Asked>,
    /// The log shows only this step's lines (steps run side by side and interleave).
    pub log_step: Option<StepId>,
}

impl RunState {
    pub fn begin(&mut self, plan: Arc<Plan>, now: Instant) {
        // the watchers outlive a run and only send what changes: keep what they showed (a
        // changed namespace gets new watchers, whose first snapshot replaces it at once)
        let pods = std::mem::take(&mut self.pods);
        let ingresses = std::mem::take(&mut self.ingresses);
        let routes = std::mem::take(&mut self.routes);
        *self = RunState {
            pods,
            ingresses,
            routes,
            active: true,
            steps: plan
                .steps
                .iter()
                .map(|s| StepProgress {
                    id: s.id,
                    state: StepRun::Pending,
                    done_actions: 0,
                    total_actions: s.actions.len(),
                    current: None,
                })
                .collect(),
            plan: Some(plan),
            started: Some(now),
            pane: Some(Pane::Log),
            ..RunState::default()
        };
    }

    pub fn step(&self, id: StepId) -> Option<&StepProgress> {
        self.steps.iter().find(|s| s.id == id)
    }

    fn step_mut(&mut self, id: StepId) -> &mut StepProgress {
        if let Some(i) = self.steps.iter().position(|s| s.id == id) {
            return &mut self.steps[i];
        }
        self.steps.push(StepProgress {
            id,
            state: StepRun::Pending,
            done_actions: 0,
            total_actions: 0,
            current: None,
        });
        self.steps.last_mut().expect("just pushed")
    }

    pub fn push_log(&mut self, step: StepId, stream: Stream, text: String) {
        if self.log.len() == MAX_LOG_LINES {
            self.log.pop_front();
            self.log_dropped += 1;
            if let Some(s) = &mut self.log_scroll {
                *s = s.saturating_sub(1);
            }
        }
        self.log.push_back(LogLine { step, stream, text });
    }

    /// Applies one executor event. Returns the step that failed, if this event is a failure.
    pub fn apply(&mut self, ev: Event, now: Instant) -> Option<StepId> {
        self.active = true;
        match ev {
            Event::RunStarted { steps } => {
                // a retry or skip starts a new executor run: keep what is already done
                for id in steps {
                    let _ = self.step_mut(id);
                }
                self.finished = None;
                self.started.get_or_insert(now);
            }
            Event::StepStarted { step } => {
                let s = self.step_mut(step);
                s.state = StepRun::Running { started: now };
                s.done_actions = 0;
                s.current = None;
                self.push_log(step, Stream::Info, format!("── {} started", step.as_str()));
            }
            Event::ActionStarted {
                step,
                index,
                summary,
            } => {
                let s = self.step_mut(step);
                s.current = Some(summary.clone());
                s.done_actions = s.done_actions.max(index);
                self.push_log(step, Stream::Info, format!("▸ {summary}"));
            }
            Event::Output { step, stream, line } => self.push_log(step, stream, line),
            Event::ActionFinished { step, index } => {
                let s = self.step_mut(step);
                s.done_actions = s.done_actions.max(index + 1);
            }
            Event::StepFinished { step, elapsed } => {
                let s = self.step_mut(step);
                s.state = StepRun::Done { elapsed };
                s.done_actions = s.total_actions.max(s.done_actions);
                s.current = None;
                self.push_log(
                    step,
                    Stream::Info,
                    format!("── {} done in {}", step.as_str(), fmt_duration(elapsed)),
                );
            }
            Event::StepSkipped { step, reason, why } => {
                let s = self.step_mut(step);
                // a resumed run skips what an earlier run finished: keep it shown as done
                if !matches!(s.state, StepRun::Done { .. }) {
                    s.state = StepRun::Skipped {
                        reason: reason.clone(),
                        why,
                    };
                }
                s.current = None;
                self.push_log(
                    step,
                    Stream::Info,
                    format!("── {} skipped: {reason}", step.as_str()),
                );
            }
            Event::StepFailed { step, error, hint } => {
                let s = self.step_mut(step);
                let elapsed = match s.state {
                    StepRun::Running { started } => now.saturating_duration_since(started),
                    _ => Duration::ZERO,
                };
                s.state = StepRun::Failed {
                    error: error.clone(),
                    hint: hint.clone(),
                    elapsed,
                };
                s.current = None;
                self.push_log(
                    step,
                    Stream::Stderr,
                    format!("✗ {} failed: {error}", step.as_str()),
                );
                if let Some(h) = hint {
                    self.push_log(step, Stream::Info, format!("  hint: {h}"));
                }
                self.failed = Some(step);
                self.failure_dismissed = false;
                return Some(step);
            }
            Event::StepBlocked { step, needs } => {
                let names: Vec<&str> = needs.iter().map(|s| s.as_str()).collect();
                let s = self.step_mut(step);
                s.state = StepRun::Blocked { needs };
                s.current = None;
                self.push_log(
                    step,
                    Stream::Info,
                    format!(
                        "── {} not started: needs {}, which did not finish",
                        step.as_str(),
                        names.join(", ")
                    ),
                );
            }
            Event::Headline {
                step,
                working,
                text,
            } => {
                self.push_log(step, Stream::Info, text.clone());
                self.headline = Some((working, text));
            }
            Event::RunFinished { ok } => {
                self.finished = Some(ok);
                // a failed step waiting for a decision comes first: the summary follows it
                self.summary_open = self.failed.is_none();
            }
        }
        None
    }

    /// What the run leaves the deployment without: the steps that failed, were blocked or
    /// were left out by the person, in the plan's order (empty: everything it was asked to do
    /// is there).
    pub fn missing(&self) -> Vec<(StepId, Missing)> {
        self.steps
            .iter()
            .filter_map(|s| match &s.state {
                StepRun::Failed { .. } => Some((s.id, Missing::Failed)),
                StepRun::Blocked { .. } => Some((s.id, Missing::Blocked)),
                StepRun::Skipped {
                    why: Skip::LeftOut, ..
                } => Some((s.id, Missing::LeftOut)),
                // started and never finished: an aborted run
                StepRun::Pending | StepRun::Running { .. } if self.finished.is_some() => {
                    Some((s.id, Missing::NotRun))
                }
                _ => None,
            })
            .collect()
    }

    /// Indices (among the shown lines) of log lines containing the search text
    /// (case-insensitive).
    pub fn matches(&self, query: &str) -> Vec<usize> {
        let q = query.to_lowercase();
        self.shown_lines()
            .enumerate()
            .filter(|(_, l)| l.text.to_lowercase().contains(&q))
            .map(|(i, _)| i)
            .collect()
    }

    /// The log lines shown: all, or those of the step picked with `cycle_log_step`.
    pub fn shown_lines(&self) -> impl Iterator<Item = &LogLine> {
        let only = self.log_step;
        self.log
            .iter()
            .filter(move |l| only.is_none_or(|s| l.step == s))
    }

    /// How many log lines are shown; scrolling and `log_top` count these.
    pub fn shown_len(&self) -> usize {
        match self.log_step {
            None => self.log.len(),
            Some(_) => self.shown_lines().count(),
        }
    }

    /// `count` shown lines from the `top`-th one.
    pub fn shown_range(&self, top: usize, count: usize) -> Vec<&LogLine> {
        match self.log_step {
            // the whole log: a slice, not a walk over 10,000 lines per frame
            None => self
                .log
                .range(top.min(self.log.len())..(top + count).min(self.log.len()))
                .collect(),
            Some(_) => self.shown_lines().skip(top).take(count).collect(),
        }
    }

    /// The log's step filter goes to the next step that has lines, then back to all of
    /// them; the view follows the tail again.
    pub fn cycle_log_step(&mut self) {
        let with_lines: Vec<StepId> = self
            .steps
            .iter()
            .map(|s| s.id)
            .filter(|id| self.log.iter().any(|l| l.step == *id))
            .collect();
        self.log_step = match self.log_step {
            None => with_lines.first().copied(),
            Some(cur) => with_lines
                .iter()
                .position(|s| *s == cur)
                .and_then(|i| with_lines.get(i + 1).copied()),
        };
        self.log_scroll = None;
    }

    /// Steps running now (several when their needs allow).
    pub fn running(&self) -> Vec<StepId> {
        self.steps
            .iter()
            .filter(|s| matches!(s.state, StepRun::Running { .. }))
            .map(|s| s.id)
            .collect()
    }

    /// The first visible log line for a viewport of `height` lines.
    pub fn log_top(&self, height: usize) -> usize {
        let max = self.shown_len().saturating_sub(height);
        match self.log_scroll {
            None => max,
            Some(s) => s.min(max),
        }
    }
}

pub fn fmt_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{}h{:02}m", s / 3600, (s % 3600) / 60)
    }
}

/// kubectl-style age: 42s, 5m, 3h, 2d.
pub fn fmt_age(secs: u64) -> String {
    if secs < 120 {
        format!("{secs}s")
    } else if secs < 3600 * 2 {
        format!("{}m", secs / 60)
    } else if secs < 86400 * 2 {
        format!("{}h", secs / 3600)
    } else {
        format!("{}d", secs / 86400)
    }
}

/// Seconds since the Unix epoch of an RFC 3339 timestamp (`2026-01-02T03:04:05Z`, optional
/// fraction and offset). `None` when it does not parse.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(r) = rest.strip_prefix('.') {
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        rest = &r[n..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        o if o.len() == 6 => {
            let sign = if o.starts_with('-') { -1 } else { 1 };
            let oh: i64 = o.get(1..3)?.parse().ok()?;
            let om: i64 = o.get(4..6)?.parse().ok()?;
            sign * (oh * 3600 + om * 60)
        }
        _ => return None,
    };
    // days from civil (Howard Hinnant)
    let y = if mo <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    Some(days * 86400 + h * 3600 + mi * 60 + se - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2000-03-01T00:00:00Z"), Some(951868800));
        assert_eq!(
            parse_rfc3339("2000-03-01T01:00:00.123+01:00"),
            Some(951868800)
        );
        assert_eq!(parse_rfc3339("garbage"), None);
        assert_eq!(fmt_age(30), "30s");
        assert_eq!(fmt_age(600), "10m");
        assert_eq!(fmt_age(86400 * 3), "3d");
    }

    #[test]
    fn steps_side_by_side_keep_their_own_time_and_lines() {
        let plan = Arc::new(crate::steps::plan(&crate::profile::Profile::quickstart(
            "q",
        )));
        let t0 = Instant::now();
        let mut r = RunState::default();
        r.begin(plan, t0);
        r.apply(
            Event::StepStarted {
                step: StepId::IsImage,
            },
            t0,
        );
        let t1 = t0 + Duration::from_secs(5);
        r.apply(
            Event::StepStarted {
                step: StepId::Keystores,
            },
            t1,
        );
        for (step, line) in [
            (StepId::IsImage, "pulling"),
            (StepId::Keystores, "key pairs made"),
        ] {
            r.apply(
                Event::Output {
                    step,
                    stream: Stream::Stdout,
                    line: line.into(),
                },
                t1,
            );
        }
        assert_eq!(r.running(), [StepId::IsImage, StepId::Keystores]);
        let started = |id| match r.step(id).unwrap().state {
            StepRun::Running { started } => started,
            ref s => panic!("{s:?}"),
        };
        assert_eq!(started(StepId::IsImage), t0);
        assert_eq!(started(StepId::Keystores), t1);
        r.apply(
            Event::StepFailed {
                step: StepId::IsImage,
                error: "docker build exited with 1".into(),
                hint: None,
            },
            t1,
        );
        r.apply(
            Event::StepBlocked {
                step: StepId::IdentityServer,
                needs: vec![StepId::IsImage],
            },
            t1,
        );
        assert!(matches!(
            r.step(StepId::IdentityServer).unwrap().state,
            StepRun::Blocked { .. }
        ));
        assert_eq!(r.running(), [StepId::Keystores]);
        // the log filter walks the steps that have lines, then shows all again
        let all = r.shown_len();
        r.cycle_log_step();
        assert_eq!(r.log_step, Some(StepId::IsImage));
        assert!(r.shown_lines().all(|l| l.step == StepId::IsImage));
        assert!(r.shown_len() < all);
        assert_eq!(r.matches("pairs"), Vec::<usize>::new());
        r.cycle_log_step();
        assert_eq!(r.log_step, Some(StepId::Keystores));
        assert_eq!(r.matches("pairs").len(), 1);
        r.cycle_log_step();
        r.cycle_log_step();
        assert_eq!(r.log_step, None);
        assert_eq!(r.shown_len(), all);
    }

    #[test]
    fn log_is_bounded() {
        let mut r = RunState::default();
        for i in 0..MAX_LOG_LINES + 5 {
            r.push_log(StepId::Dns, Stream::Stdout, i.to_string());
        }
        assert_eq!(r.log.len(), MAX_LOG_LINES);
        assert_eq!(r.log_dropped, 5);
        assert_eq!(r.log.front().unwrap().text, "5");
    }
}

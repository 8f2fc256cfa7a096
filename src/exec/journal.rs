//! The journal: each step's outcome, kept in the state directory (never in the profile), so a
//! failed or killed run resumes where it stopped. A step counts as done only if the step is
//! still the same (its fingerprint), so editing the profile re-runs what changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::plan::{Step, StepId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Done,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub status: Status,
    pub fingerprint: String,
    /// Seconds since the Unix epoch.
    pub finished_at: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    pub profile: String,
    pub steps: BTreeMap<String, Record>,
}

/// FNV-1a over the step's JSON: stable across runs and Rust versions, unlike `DefaultHasher`.
/// The JSON holds secret references, never values, so the fingerprint leaks nothing.
pub fn fingerprint(step: &Step) -> String {
    // a verify action's peer is the other step's chart, rendered only to check across the
    // two: changing it changes that step, not this one
    let mut step = step.clone();
    for a in &mut step.actions {
        if let crate::plan::Action::Verify(v) = a {
            v.peer = None;
        }
    }
    // notes only tell the reader why (a decision's reason quotes live figures such as the
    // CPU left on the nodes, which the run itself changes); what a decision changes shows
    // in the actions it shapes, so a note never makes a finished step run again
    step.actions
        .retain(|a| !matches!(a, crate::plan::Action::Note { .. }));
    // what a step waits for decides when it runs, not what it does
    step.needs = None;
    let json = serde_json::to_vec(&step).unwrap_or_default();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in json {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

pub fn path(state_dir: &Path, profile: &str) -> PathBuf {
    state_dir.join("journal").join(format!("{profile}.json"))
}

impl Journal {
    pub fn load(state_dir: &Path, profile: &str) -> Journal {
        std::fs::read(path(state_dir, profile))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_else(|| Journal {
                profile: profile.to_string(),
                steps: BTreeMap::new(),
            })
    }

    pub fn save(&self, state_dir: &Path) -> std::io::Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        crate::util::atomic_file::write_atomic(&path(state_dir, &self.profile), &bytes)
            .map_err(std::io::Error::other)
    }

    pub fn is_done(&self, step: &Step) -> bool {
        self.steps
            .get(step.id.as_str())
            .is_some_and(|r| r.status == Status::Done && r.fingerprint == fingerprint(step))
    }

    pub fn record(&mut self, id: StepId, step: &Step, status: Status, error: Option<String>) {
        let finished_at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        self.steps.insert(
            id.as_str().to_string(),
            Record {
                status,
                fingerprint: fingerprint(step),
                finished_at,
                error,
            },
        );
    }
}

/// What an earlier run of this profile left unfinished, as its journal tells it: the wizard
/// shows it on reopening so an interrupted or failed run is not forgotten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfinished {
    /// The plan's steps an earlier run finished.
    pub done: usize,
    pub total: usize,
    /// Steps whose last outcome was a failure, with the first line of its error.
    pub failed: Vec<(String, String)>,
    /// The plan's steps no run has recorded yet.
    pub not_reached: Vec<String>,
    /// When the last recorded step ended (seconds since the Unix epoch).
    pub last_at: u64,
}

impl Journal {
    /// `None` when nothing ran yet or every step of `plan` is recorded done.
    pub fn unfinished(&self, plan: &crate::plan::Plan) -> Option<Unfinished> {
        if self.steps.is_empty() {
            return None;
        }
        let mut u = Unfinished {
            done: 0,
            total: plan.steps.len(),
            failed: Vec::new(),
            not_reached: Vec::new(),
            last_at: self
                .steps
                .values()
                .map(|r| r.finished_at)
                .max()
                .unwrap_or(0),
        };
        for s in &plan.steps {
            match self.steps.get(s.id.as_str()) {
                Some(r) if r.status == Status::Done => u.done += 1,
                Some(r) => u.failed.push((
                    s.id.as_str().to_string(),
                    r.error
                        .as_deref()
                        .and_then(|e| e.lines().next())
                        .unwrap_or("no error recorded")
                        .to_string(),
                )),
                None => u.not_reached.push(s.id.as_str().to_string()),
            }
        }
        (u.done < u.total).then_some(u)
    }
}

#[cfg(test)]
mod tests {
    use super::{Journal, Status, fingerprint};
    use crate::plan::{Action, Step, StepId};

    #[test]
    fn notes_do_not_change_a_step_s_fingerprint_actions_do() {
        let base = crate::steps::plan(&crate::profile::Profile::quickstart("q"));
        let step = base.step(StepId::Prerequisites).unwrap().clone();
        let mut noted: Step = step.clone();
        noted.actions.insert(
            0,
            Action::Note {
                text: "decided: cluster.sizing: chart (28 CPU free)".into(),
            },
        );
        assert_eq!(fingerprint(&step), fingerprint(&noted));
        let mut changed = step.clone();
        changed.actions.pop();
        assert_ne!(fingerprint(&step), fingerprint(&changed));
    }

    /// A run that stopped part way is told on reopening: what finished, what failed and
    /// why, what it never reached; a run that finished everything is not.
    #[test]
    fn an_unfinished_run_is_traced_from_the_journal() {
        let plan = crate::steps::plan(&crate::profile::Profile::quickstart("lab"));
        let mut j = Journal {
            profile: "lab".into(),
            ..Default::default()
        };
        assert_eq!(j.unfinished(&plan), None, "nothing ran yet");
        let (first, second) = (&plan.steps[0], &plan.steps[1]);
        j.record(first.id, first, Status::Done, None);
        j.record(
            second.id,
            second,
            Status::Failed,
            Some("helm: timed out\nmore".into()),
        );
        let u = j.unfinished(&plan).expect("unfinished");
        assert_eq!((u.done, u.total), (1, plan.steps.len()));
        assert_eq!(
            u.failed,
            vec![(
                second.id.as_str().to_string(),
                "helm: timed out".to_string()
            )]
        );
        assert_eq!(u.not_reached.len(), plan.steps.len() - 2);
        for s in &plan.steps {
            j.record(s.id, s, Status::Done, None);
        }
        assert_eq!(j.unfinished(&plan), None, "a finished run leaves no trace");
    }
}

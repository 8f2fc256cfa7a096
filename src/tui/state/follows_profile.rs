//! A background job that follows the profile while the Review is on screen (the charts'
//! verification, the diff against the live cluster): asked again when the profile changed
//! since the last question or when what it looked at may have changed (a run or a destroy
//! finished: `invalidate`), and its answer taken only when it is the answer to the latest one
//! (an older answer, for a profile edited since, is dropped). It remembers when it was
//! answered, so the Review says how old what it shows is.

use crate::profile::Profile;

#[derive(Debug, Default)]
pub struct Follow {
    /// The profile the last question was about (as JSON).
    pub key: Option<String>,
    pub generation: u64,
    pub running: bool,
    /// When the answer shown was computed (wall clock, seconds since the epoch).
    pub answered_at: Option<i64>,
}

impl Follow {
    /// The generation to ask under, when `p` is not the profile last asked about.
    pub fn ask(&mut self, p: &Profile) -> Option<u64> {
        let key = serde_json::to_string(p).ok()?;
        if self.key.as_deref() == Some(key.as_str()) {
            return None;
        }
        self.key = Some(key);
        self.generation += 1;
        self.running = true;
        Some(self.generation)
    }

    /// Whether an answer asked under `generation` is the latest one (then it is taken, as
    /// computed at `wall`).
    pub fn answered(&mut self, generation: u64, wall: i64) -> bool {
        if generation != self.generation {
            return false;
        }
        self.running = false;
        self.answered_at = Some(wall);
        true
    }

    /// What was answered may be out of date (the cluster or the files changed): the next
    /// `ask` asks again even for the same profile.
    pub fn invalidate(&mut self) {
        self.key = None;
    }

    /// " · computed 12 s ago" for the answer shown, as of `wall`.
    pub fn age(&self, wall: i64) -> String {
        match self.answered_at {
            Some(at) => format!(
                " · as of {} ago",
                crate::tui::state::run_state::fmt_age(wall.saturating_sub(at).max(0) as u64)
            ),
            None => String::new(),
        }
    }
}

/// `s` cut to `width` characters, with an ellipsis when it was longer.
pub fn clip(s: String, width: usize) -> String {
    if s.chars().count() > width {
        let mut c: String = s.chars().take(width.saturating_sub(1)).collect();
        c.push('…');
        c
    } else {
        s
    }
}

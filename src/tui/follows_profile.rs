//! A background job that follows the profile while the Review is on screen (the charts'
//! verification, the diff against the live cluster): asked again only when the profile changed
//! since the last question, and its answer taken only when it is the answer to the latest one
//! (an older answer, for a profile edited since, is dropped).

use crate::profile::Profile;

#[derive(Debug, Default)]
pub struct Follow {
    /// The profile the last question was about (as JSON).
    pub key: Option<String>,
    pub generation: u64,
    pub running: bool,
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

    /// Whether an answer asked under `generation` is the latest one (then it is taken).
    pub fn answered(&mut self, generation: u64) -> bool {
        if generation != self.generation {
            return false;
        }
        self.running = false;
        true
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

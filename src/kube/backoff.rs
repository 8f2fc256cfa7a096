//! Retry delays for watches and waits: exponential with jitter, capped low enough that a pane
//! or a wait notices a restarted API server within seconds (kube's default backoff grows to
//! 30 s, tuned for controllers rather than for someone watching a screen).

use std::hash::{BuildHasher, Hasher, RandomState};
use std::time::Duration;

#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    min: Duration,
    max: Duration,
    next: Duration,
}

impl Backoff {
    pub(crate) fn new(min: Duration, max: Duration) -> Self {
        Backoff {
            min,
            max,
            next: min,
        }
    }

    /// 0.5 s, 1 s, 2 s, 4 s, then 5 s; ±20 % jitter so several watchers do not retry in step.
    pub(crate) fn for_watches() -> Self {
        Backoff::new(Duration::from_millis(500), Duration::from_secs(5))
    }

    pub(crate) fn next_delay(&mut self) -> Duration {
        let base = self.next;
        self.next = (self.next * 2).min(self.max);
        let random = RandomState::new().build_hasher().finish();
        // factor in [0.8, 1.2)
        let factor = 0.8 + (random % 400) as f64 / 1000.0;
        base.mul_f64(factor)
    }

    pub(crate) fn reset(&mut self) {
        self.next = self.min;
    }
}

impl Iterator for Backoff {
    type Item = Duration;
    fn next(&mut self) -> Option<Duration> {
        Some(self.next_delay())
    }
}

impl ::kube::runtime::utils::Backoff for Backoff {
    fn reset(&mut self) {
        Backoff::reset(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_to_the_cap_and_resets() {
        let mut b = Backoff::for_watches();
        let d: Vec<Duration> = (0..6).map(|_| b.next_delay()).collect();
        assert!(d[0] >= Duration::from_millis(400) && d[0] < Duration::from_millis(600));
        assert!(d[5] >= Duration::from_secs(4) && d[5] < Duration::from_secs(6));
        b.reset();
        assert!(b.next_delay() < Duration::from_millis(600));
    }
}

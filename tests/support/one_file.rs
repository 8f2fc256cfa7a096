//! A test binary that holds several files' tests (`tests/helm_cluster/`,
//! `tests/kube_cluster/`) runs one file's tests at a time, as when each file was a binary of
//! its own: a file's tests run in parallel with each other, never beside another file's. The
//! files change the one test cluster in ways another file's tests would see (`cluster_kinds`
//! cordons the nodes and sets the ingress classes aside; several install the same CRDs).

use std::sync::{Condvar, Mutex, MutexGuard};

/// The file whose tests run now, and how many of them.
static RUNNING: Mutex<(Option<&'static str>, usize)> = Mutex::new((None, 0));
static CHANGED: Condvar = Condvar::new();

fn running() -> MutexGuard<'static, (Option<&'static str>, usize)> {
    // a test that panicked while holding the lock left the count right: go on
    RUNNING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Held by a test while it runs; `file` is its module (`module_path!()`).
pub struct Turn(&'static str);

/// Waits until no other file's test runs, then counts this test in.
pub fn turn(file: &'static str) -> Turn {
    let mut r = running();
    while r.0.is_some_and(|f| f != file) {
        r = CHANGED.wait(r).unwrap_or_else(|e| e.into_inner());
    }
    r.0 = Some(file);
    r.1 += 1;
    Turn(file)
}

impl Drop for Turn {
    fn drop(&mut self) {
        let mut r = running();
        debug_assert_eq!(r.0, Some(self.0));
        r.1 -= 1;
        if r.1 == 0 {
            r.0 = None;
            CHANGED.notify_all();
        }
    }
}

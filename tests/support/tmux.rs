//! The real binary in a real terminal: a tmux server of its own (its socket named for the
//! test), one session `run`; killed when dropped, also when the test panics.
#![allow(dead_code)] // each test binary uses a different subset

use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

/// Whether tmux is here; without it a visible SKIPPED, and on CI a failure.
pub fn available() -> bool {
    if Command::new("tmux").arg("-V").output().is_ok() {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "tmux is required on CI"
    );
    eprintln!("SKIPPED: tmux is not installed");
    false
}

pub struct Tmux {
    pub socket: String,
}

impl Tmux {
    /// Session `run`, 160 columns by 48 rows, running `script` under `sh -c`.
    pub fn start(&self, script: &str) {
        self.start_sized(160, 48, script);
    }

    /// Session `run`, `width` columns by `height` rows, running `script` under `sh -c`.
    pub fn start_sized(&self, width: u16, height: u16, script: &str) {
        let out = self.cmd(&[
            "new-session",
            "-d",
            "-s",
            "run",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            "sh",
            "-c",
            script,
        ]);
        assert!(out.status.success(), "tmux new-session: {out:?}");
    }

    /// `tmux ARGS` on this server.
    pub fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs")
    }
    /// The session's screen as text.
    pub fn capture(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "run"]).stdout).into_owned()
    }
    /// Each key in turn, a moment apart.
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.cmd(&["send-keys", "-t", "run", k]);
            sleep(Duration::from_millis(150));
        }
    }
    /// Polls the screen until it shows all of `what` or `secs` pass (`tick` between polls);
    /// returns the last capture either way.
    pub fn wait_for(&self, what: &[&str], secs: u64, tick: impl FnMut()) -> (bool, String) {
        self.wait_until(|s| what.iter().all(|w| s.contains(w)), secs, tick)
    }
    /// Polls the screen until `ok` holds or `secs` pass; returns the last capture either way.
    pub fn wait_until(
        &self,
        ok: impl Fn(&str) -> bool,
        secs: u64,
        mut tick: impl FnMut(),
    ) -> (bool, String) {
        let end = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.capture();
            if ok(&s) {
                return (true, s);
            }
            if Instant::now() > end {
                return (false, s);
            }
            tick();
            sleep(Duration::from_millis(250));
        }
    }
}

impl Tmux {
    /// Whether the session's pane shows the alternate screen (`1`) or not (`0`).
    pub fn alternate_on(&self) -> String {
        String::from_utf8_lossy(
            &self
                .cmd(&["display-message", "-p", "-t", "run", "#{alternate_on}"])
                .stdout,
        )
        .trim()
        .to_string()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

//! DESIGN figures the criterion benches cannot give: resident memory with 10,000 pods held by
//! the wizard (target ≤ 60 MB) and the in-process part of "pod watch event → on screen"
//! (a 10,000-row snapshot through `update` and one frame; the watcher adds at most its 50 ms
//! coalescing window). Run: `cargo run --release --example pane_memory`.

use std::time::Instant;

use kmpilot::kube::snapshot::{PodRow, Snapshot, SyncState, WatchUpdate};
use kmpilot::profile::Profile;
use kmpilot::tui::{Msg, TuiOptions, new_app, update, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn pods(n: usize, status: &str) -> Vec<PodRow> {
    (0..n)
        .map(|i| PodRow {
            namespace: "wso2".into(),
            name: format!("apim-wso2am-all-in-one-deployment-{i:05}-7f9c"),
            ready: "1/1".into(),
            status: status.into(),
            restarts: (i % 4) as u32,
            created: Some("2026-01-01T00:00:00Z".into()),
        })
        .collect()
}

fn main() {
    let before = rss_kib("VmRSS:");
    let opts = TuiOptions {
        profile: Profile::quickstart("quickstart"),
        profile_path: None,
        start_on_review: true,
    };
    let mut app = new_app(opts, false);
    app.size = (160, 48);
    // onto the run screen, where the Pods pane is drawn
    for k in ['r', 'y'] {
        let key = crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char(k),
            crossterm::event::KeyModifiers::NONE,
        );
        update(&mut app, Msg::Key(key));
    }
    let mut term = Terminal::new(TestBackend::new(160, 48)).unwrap();
    let mut latencies = Vec::new();
    for round in 0..200 {
        let rows = pods(10_000, if round % 2 == 0 { "Running" } else { "Pending" });
        let t = Instant::now();
        update(
            &mut app,
            Msg::Watch(WatchUpdate::Pods(Snapshot {
                state: SyncState::Live,
                rows,
            })),
        );
        term.draw(|f| view(&app, f)).unwrap();
        latencies.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    latencies.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let p = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    println!(
        "snapshot of 10,000 pods -> update + frame: p50 {:.2} ms, p99 {:.2} ms",
        p(0.5),
        p(0.99)
    );
    println!(
        "resident memory: {} MiB before the wizard, {} MiB holding 10,000 pods (peak {} MiB)",
        before / 1024,
        rss_kib("VmRSS:") / 1024,
        rss_kib("VmHWM:") / 1024
    );
}

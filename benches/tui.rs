//! Wizard rendering figures (release build): a frame of the run screen with 10,000 pods in the
//! pane (target ≤ 2 ms) and app start → first frame (target ≤ 50 ms), both into a TestBackend.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kmpilot::kube::snapshot::{PodRow, Snapshot, SyncState, WatchUpdate};
use kmpilot::profile::load;
use kmpilot::tui::{Msg, TuiOptions, new_app, update, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn options() -> TuiOptions {
    let path = std::path::PathBuf::from("profiles/quickstart.yaml");
    TuiOptions {
        profile: load::from_path(&path, kmpilot::steps::validate)
            .unwrap()
            .profile,
        profile_path: Some(path),
        start_on_review: true,
    }
}

fn pods(n: usize) -> Vec<PodRow> {
    (0..n)
        .map(|i| PodRow {
            namespace: "wso2".into(),
            name: format!("apim-wso2am-all-in-one-deployment-{i:05}-7f9c"),
            ready: "1/1".into(),
            status: "Running".into(),
            restarts: (i % 4) as u32,
            created: Some("2026-01-01T00:00:00Z".into()),
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut app = new_app(options(), false);
    app.size = (100, 30);
    for k in ['r', 'y'] {
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char(k), KeyModifiers::NONE)),
        );
    }
    update(
        &mut app,
        Msg::Watch(WatchUpdate::Pods(Snapshot {
            state: SyncState::Live,
            rows: pods(10_000),
        })),
    );
    let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
    c.bench_function("run screen frame, 10000 pods, 100x30", |b| {
        b.iter(|| {
            term.draw(|f| view(black_box(&app), f)).unwrap();
        })
    });
    let mut big = Terminal::new(TestBackend::new(250, 80)).unwrap();
    let mut app_big = app;
    app_big.size = (250, 80);
    c.bench_function("run screen frame, 10000 pods, 250x80", |b| {
        b.iter(|| {
            big.draw(|f| view(black_box(&app_big), f)).unwrap();
        })
    });

    c.bench_function("start to first frame (load profile, app, draw)", |b| {
        b.iter(|| {
            let mut opts = options();
            opts.start_on_review = false;
            let mut app = new_app(opts, false);
            // what the event loop does before its first draw: start the Cluster step's checks
            black_box(kmpilot::tui::init(&mut app));
            let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
            t.draw(|f| view(&app, f)).unwrap();
            black_box(t);
        })
    });

    // a key on the Cluster step: update re-derives what the live checks depend on (a plan)
    let mut opts = options();
    opts.start_on_review = false;
    let mut cluster = new_app(opts, false);
    black_box(kmpilot::tui::init(&mut cluster));
    let key = |c| {
        kmpilot::tui::Msg::Key(crossterm::event::KeyEvent::new(
            c,
            crossterm::event::KeyModifiers::NONE,
        ))
    };
    kmpilot::tui::update(&mut cluster, key(crossterm::event::KeyCode::Enter));
    let mut down = true;
    c.bench_function("key on the Cluster step (update incl. checks key)", |b| {
        b.iter(|| {
            let k = if down {
                crossterm::event::KeyCode::Down
            } else {
                crossterm::event::KeyCode::Up
            };
            down = !down;
            black_box(kmpilot::tui::update(&mut cluster, key(k)));
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

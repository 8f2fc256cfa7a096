//! The full-screen wizard: The Elm Architecture. `App` is the state, `update(&mut App, Msg)`
//! changes it and returns side effects as `Cmd`s, `view(&App, &mut Frame)` draws it. One
//! channel merges terminal input, a one-second tick, signals, executor events and watcher
//! snapshots; the loop drains it, updates, performs commands and draws once per batch.

pub mod app;
pub mod chrome;
pub mod common_acts;
pub mod details_of;
pub mod dialogs;
pub mod executor_questions;
pub mod key_table;
pub mod keys;
pub mod layout;
pub mod modal_keys;
pub mod mouse;
pub mod msg;
pub mod pod_detail;
pub mod queued_dialog;
pub mod runner;
pub mod screens;
pub mod state;
pub mod target;
pub mod target_state;
pub mod terminal;
pub mod update;
pub mod view;
pub mod widgets;

use std::path::PathBuf;
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::mpsc;

pub use app::App;
pub use msg::{Cmd, Msg};
pub use update::update;
pub use view::view;

use crate::profile::Profile;
use dialogs::{detail, open_profile};
use runner::{ExecRunner, RunRequest, Runner, Sink};
use screens::form_nav;
use widgets::theme;

pub struct TuiOptions {
    /// Where Ctrl-S writes; `None` asks for a name (save as) the first time.
    pub profile_path: Option<PathBuf>,
    pub profile: Profile,
    /// Open on "Review & run" (a profile that is already complete).
    pub start_on_review: bool,
}

/// Runs the wizard until the user quits; the exit code is 1 when the last run failed, else 0.
pub fn run(opts: TuiOptions) -> anyhow::Result<u8> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(run_with(opts, Box::new(ExecRunner::default())))
}

/// The app for `opts`, positioned where the wizard opens.
pub fn new_app(opts: TuiOptions, no_color: bool) -> App {
    let mut app = App::new(opts.profile, opts.profile_path, no_color);
    if opts.start_on_review {
        form_nav::select_step(&mut app, app::WizardStep::ALL.len() - 1);
        app.focus = app::Focus::Form;
    }
    app
}

/// What the wizard does as soon as it is on screen: check the prerequisites when it opens
/// on the Cluster step.
pub fn init(app: &mut App) -> Option<Cmd> {
    let cmds: Vec<Cmd> = [
        update::start_checks(app, false),
        target::ask(app, true),
        Some(common_acts::read_journal(app)),
    ]
    .into_iter()
    .flatten()
    .collect();
    Some(Cmd::Batch(cmds))
}

/// The loop, with any `Runner` (tests and demos plug in their own).
pub async fn run_with(opts: TuiOptions, mut runner: Box<dyn Runner>) -> anyhow::Result<u8> {
    let no_color = theme::Theme::from_env().no_color;
    let mut app = new_app(opts, no_color);
    let (mut term, _guard) = terminal::enter()?;
    let size = term.size()?;
    app.size = (size.width, size.height);

    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let sink = Sink(tx.clone());
    spawn_input(tx.clone());
    spawn_tick(tx.clone());
    spawn_signals(tx.clone());

    if let Some(cmd) = init(&mut app) {
        perform(cmd, &mut app, runner.as_mut(), &sink, &tx);
    }
    term.draw(|f| view(&app, f))?;
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < 4096
            && let Ok(m) = rx.try_recv()
        {
            batch.push(m);
        }
        // the clocks, read here for the batch: a step or a run started by what it holds is
        // timed from now, and `update` reads no clock itself
        batch.insert(0, clock());
        for m in batch {
            if let Some(cmd) = update(&mut app, m) {
                perform(cmd, &mut app, runner.as_mut(), &sink, &tx);
            }
            if app.should_quit {
                break;
            }
        }
        if app.should_quit {
            break;
        }
        term.draw(|f| view(&app, f))?;
    }
    runner.abort();
    drop(term);
    // a step left out after failing is a deployment that is not complete, as a failure is
    Ok(match app.run.finished {
        Some(false) => 1,
        Some(true) if !app.run.missing().is_empty() => 1,
        _ => 0,
    })
}

fn perform(
    cmd: Cmd,
    app: &mut App,
    runner: &mut dyn Runner,
    sink: &Sink,
    tx: &mpsc::UnboundedSender<Msg>,
) {
    // outcomes are tagged with the profile they were asked for (Ctrl-O starts over)
    let epoch = app.epoch;
    match cmd {
        Cmd::Save {
            path,
            profile,
            layout_of,
        } => {
            let tx = tx.clone();
            tokio::task::spawn_blocking(move || {
                let msg = save_blocking(&path, &profile, layout_of.as_deref());
                if let Msg::Saved(Ok(_)) = &msg {
                    crate::profile::store::remember_last(&path);
                }
                let _ = tx.send(Msg::tagged(epoch, msg));
            });
        }
        Cmd::ReadJournal { profile } => {
            let tx = tx.clone();
            tokio::task::spawn_blocking(move || {
                let state_dir = crate::profile::store::state_dir();
                let j = crate::exec::journal::Journal::load(&state_dir, &profile);
                let _ = tx.send(Msg::tagged(epoch, Msg::Journal(j)));
            });
        }
        Cmd::ListProfiles => {
            let tx = tx.clone();
            tokio::task::spawn_blocking(move || {
                let _ = tx.send(Msg::tagged(
                    epoch,
                    Msg::ProfileList(open_profile::list_store()),
                ));
            });
        }
        Cmd::OpenProfile { path } => {
            let tx = tx.clone();
            // a store name or a path, as `-f` takes it
            let path = crate::profile::store::resolve(&path.to_string_lossy());
            // the old profile's watchers and remembered answers go with it
            runner.close();
            tokio::task::spawn_blocking(move || {
                let r = open_profile::read(path);
                if let Ok((path, _)) = &r {
                    crate::profile::store::remember_last(path);
                }
                let _ = tx.send(Msg::Opened(r));
            });
        }
        Cmd::StartRun {
            profile,
            plan,
            profile_path,
            resume,
            only,
        } => runner.start(
            RunRequest {
                profile: *profile,
                plan,
                profile_path,
                resume,
                only,
                from: None,
                skip: Vec::new(),
            },
            sink.clone(),
        ),
        Cmd::Retry(s) => runner.retry(s, sink.clone()),
        Cmd::Skip(s) => runner.skip(s, sink.clone()),
        Cmd::Abort => runner.abort(),
        Cmd::Discover { url, tls } => {
            let tx = tx.clone();
            let base = crate::profile::store::state_dir()
                .join("work")
                .join(&app.profile.name);
            tokio::spawn(async move {
                crate::kube::ensure_crypto_provider();
                let r = crate::http::discover(
                    &url,
                    &tls,
                    &base,
                    std::time::Duration::from_secs(15),
                    &mut |_| {},
                )
                .await;
                let _ = tx.send(Msg::tagged(
                    epoch,
                    Msg::Discovered(r.map(Box::new).map_err(|e| e.message())),
                ));
            });
        }
        Cmd::Preflight {
            generation,
            profile,
            profile_path,
        } => {
            let tx = tx.clone();
            tokio::spawn(async move {
                let plan = crate::steps::plan(&profile);
                let base = crate::exec::base_dir(profile_path.as_deref());
                let results = crate::exec::preflight::run(&plan, &base).await;
                let _ = tx.send(Msg::tagged(
                    epoch,
                    Msg::Preflight {
                        generation,
                        results,
                    },
                ));
            });
        }
        Cmd::Verify {
            generation,
            profile,
            profile_path,
        } => {
            // helm runs as a child process from a task: never on the UI thread
            let tx = tx.clone();
            tokio::spawn(async move {
                let base = crate::exec::base_dir(profile_path.as_deref());
                let reports =
                    crate::exec::verify::verify_plan(&crate::steps::plan(&profile), &base).await;
                let _ = tx.send(Msg::tagged(
                    epoch,
                    Msg::Verified {
                        generation,
                        reports,
                    },
                ));
            });
        }
        Cmd::Diff {
            generation,
            profile,
            profile_path,
        } => {
            let tx = tx.clone();
            tokio::spawn(async move {
                let base = crate::exec::base_dir(profile_path.as_deref());
                let report = crate::exec::diff::diff_profile(&profile, &base).await;
                let _ = tx.send(Msg::tagged(
                    epoch,
                    Msg::Diffed {
                        generation,
                        report: Box::new(report),
                    },
                ));
            });
        }
        Cmd::ReadTarget(key) => {
            let tx = tx.clone();
            tokio::task::spawn_blocking(move || {
                let target = crate::kube::target::read_target(
                    key.kubeconfig.as_deref(),
                    key.context.as_deref(),
                );
                let _ = tx.send(Msg::tagged(epoch, Msg::Target { key, target }));
            });
        }
        Cmd::PodView {
            view,
            namespace,
            name,
            cluster,
        } => {
            let tx = tx.clone();
            tokio::spawn(async move {
                let lines = read_pod_view(view, &namespace, &name, &cluster).await;
                let _ = tx.send(Msg::tagged(
                    epoch,
                    Msg::PodViewed {
                        view,
                        namespace,
                        name,
                        lines,
                    },
                ));
            });
        }
        Cmd::LoadContexts { kubeconfig } => {
            let tx = tx.clone();
            tokio::task::spawn_blocking(move || {
                let r =
                    crate::kube::list_contexts(kubeconfig.as_deref()).map_err(|e| e.to_string());
                let _ = tx.send(Msg::tagged(epoch, Msg::Contexts(r)));
            });
        }
        Cmd::Answer { question, answer } => question.answer(answer),
        Cmd::Reply { asked, reply } => asked.reply(reply),
        Cmd::Quit => app.should_quit = true,
        Cmd::Batch(v) => {
            for c in v {
                perform(c, app, runner, sink, tx);
            }
        }
    }
}

/// Performs `Cmd::Save` (atomic write through `profile::save::save_over`, keeping the layout
/// of the file at `layout_of` where it can) and returns the message that reports it.
pub fn save_blocking(
    path: &std::path::Path,
    profile: &Profile,
    layout_of: Option<&std::path::Path>,
) -> Msg {
    // a file that is gone or unreadable has no layout to keep: the profile is written whole
    let original = layout_of.and_then(|p| std::fs::read_to_string(p).ok());
    Msg::Saved(
        crate::profile::save::save_over(profile, path, original.as_deref())
            .map(|saved| (path.to_path_buf(), saved))
            .map_err(|e| e.to_string()),
    )
}

/// A pod's logs, description or events, read with kube-rs from the run's cluster.
async fn read_pod_view(
    view: detail::PodView,
    namespace: &str,
    name: &str,
    cluster: &crate::plan::ClusterTarget,
) -> Result<Vec<String>, String> {
    let kube =
        crate::kube::Kube::connect(cluster.kubeconfig.as_deref(), cluster.context.as_deref())
            .await
            .map_err(|e| e.to_string())?;
    let r = match view {
        detail::PodView::Logs => kube.pod_logs(namespace, name).await.map(|(c, mut l)| {
            l.insert(
                0,
                format!(
                    "── container {c}, the last {} lines",
                    crate::kube::pod_views::LOG_TAIL
                ),
            );
            l
        }),
        detail::PodView::Describe => kube.pod_describe(namespace, name).await,
        detail::PodView::Events => kube.pod_events(namespace, name).await.map(|l| {
            if l.is_empty() {
                vec!["(no events: the cluster keeps them for an hour)".into()]
            } else {
                l
            }
        }),
    };
    r.map_err(|e| e.to_string())
}

fn spawn_input(tx: mpsc::UnboundedSender<Msg>) {
    use crossterm::event::Event as CEvent;
    tokio::spawn(async move {
        let mut events = crossterm::event::EventStream::new();
        while let Some(ev) = events.next().await {
            let msg = match ev {
                Ok(CEvent::Key(k)) => Msg::Key(k),
                Ok(CEvent::Mouse(m)) => Msg::Mouse(m),
                Ok(CEvent::Resize(w, h)) => Msg::Resize(w, h),
                Ok(CEvent::Paste(s)) => Msg::Paste(s),
                Ok(_) => continue,
                Err(_) => Msg::Terminate,
            };
            if tx.send(msg).is_err() {
                break;
            }
        }
    });
}

fn spawn_tick(tx: mpsc::UnboundedSender<Msg>) {
    tokio::spawn(async move {
        let mut t = tokio::time::interval(Duration::from_secs(1));
        t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            t.tick().await;
            if tx.send(clock()).is_err() {
                break;
            }
        }
    });
}

/// `Msg::Tick` with the clocks as they are now (monotonic for durations, the wall clock for
/// ages).
fn clock() -> Msg {
    let wall = std::time::SystemTime::now()
        .duration_since(std::time::SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let now = std::time::Instant::now();
    Msg::Tick { now, wall }
}

fn spawn_signals(tx: mpsc::UnboundedSender<Msg>) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut hup), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
            signal(SignalKind::interrupt()),
        ) else {
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = hup.recv() => {}
            _ = int.recv() => {}
        }
        let _ = tx.send(Msg::Terminate);
    });
}

//! Messages into `update` and commands out of it. Everything that happens (a key, a resize, a
//! tick, an executor event, a watcher snapshot, the result of a save) arrives as a `Msg`;
//! everything with a side effect (writing a file, starting or steering a run) leaves as a `Cmd`
//! that the event loop performs, so `update` itself never blocks.

use std::path::PathBuf;
use std::sync::Arc;

use crossterm::event::{KeyEvent, MouseEvent};

use crate::exec::events::Event;
use crate::kube::snapshot::WatchUpdate;
use crate::plan::{Plan, StepId};
use crate::profile::Profile;

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    Resize(u16, u16),
    /// Once a second, and before each batch of messages: elapsed times and ages move on. The
    /// loop reads the clocks (monotonic for durations, the wall clock in Unix seconds for
    /// ages), so `update` reads none.
    Tick {
        now: std::time::Instant,
        wall: i64,
    },
    Exec(Event),
    Watch(WatchUpdate),
    /// The outcome of `Cmd::Save`: the path written, the literal secrets left out and whether
    /// the file's layout was kept.
    Saved(Result<(PathBuf, crate::profile::save::Saved), String>),
    /// The outcome of `Cmd::Discover`: the IS well-known document as read, or why not.
    Discovered(Result<Box<crate::http::Discovered>, String>),
    /// The outcome of `Cmd::Preflight` number `generation` (older ones are dropped).
    Preflight {
        generation: u64,
        results: Vec<crate::exec::preflight::CheckOutcome>,
    },
    /// The outcome of `Cmd::Verify` number `generation` (older ones are dropped).
    Verified {
        generation: u64,
        reports: Vec<Result<crate::verify::Report, String>>,
    },
    /// The outcome of `Cmd::Diff` number `generation` (older ones are dropped).
    Diffed {
        generation: u64,
        report: Box<crate::exec::diff::DiffReport>,
    },
    /// The outcome of `Cmd::ReadTarget`: the context and server for that kubeconfig and
    /// context (an answer for another one, edited since, is dropped).
    Target {
        key: crate::tui::target_state::TargetKey,
        target: Result<crate::kube::target::Target, String>,
    },
    /// The outcome of `Cmd::PodView`: the lines of a pod's logs, description or events.
    PodViewed {
        view: crate::tui::dialogs::detail::PodView,
        namespace: String,
        name: String,
        lines: Result<Vec<String>, String>,
    },
    /// The outcome of `Cmd::LoadContexts`.
    Contexts(Result<crate::kube::KubeContexts, String>),
    /// The outcome of `Cmd::ListProfiles`.
    ProfileList(Result<Vec<crate::tui::dialogs::open_profile::Entry>, String>),
    /// The outcome of `Cmd::ReadJournal`: what earlier runs of the profile recorded.
    Journal(crate::exec::journal::Journal),
    /// The outcome of `Cmd::OpenProfile`.
    Opened(Result<(PathBuf, Box<Profile>), String>),
    /// The executor needs a `prompt: true` secret.
    AskSecret(crate::tui::state::executor_question::SecretQuestion),
    /// The executor asks whether to go on (sudo for the hosts file, recovering a release).
    Ask(crate::tui::state::executor_question::Asked),
    /// The outcome of a command asked for while profile number `epoch` was open (see
    /// `App::epoch`); dropped when another profile has been opened since.
    Tagged {
        epoch: u64,
        msg: Box<Msg>,
    },
    /// SIGTERM, SIGHUP or an external SIGINT: leave now, restoring the terminal.
    Terminate,
}

/// Side effects `update` asks for.
#[derive(Debug, Clone)]
pub enum Cmd {
    /// Write the profile atomically (`profile::save::save_over`), keeping the comments and
    /// layout of the file at `layout_of` (where it was loaded from) where it can.
    Save {
        path: PathBuf,
        profile: Box<Profile>,
        layout_of: Option<PathBuf>,
    },
    /// Run this plan of this profile; events come back as `Msg::Exec`, pane rows as
    /// `Msg::Watch`.
    StartRun {
        profile: Box<Profile>,
        plan: Arc<Plan>,
        profile_path: Option<PathBuf>,
        /// Skip the steps the journal records as done (and unchanged since).
        resume: bool,
        /// Run this step alone (the proof on demand), as `apply --only` does.
        only: Option<crate::plan::StepId>,
    },
    /// Read the profile's journal (what earlier runs finished), so the review can tell of a
    /// run that stopped part way.
    ReadJournal {
        profile: String,
    },
    /// After `StepFailed`: run the failed step again and go on.
    Retry(StepId),
    /// After `StepFailed`: leave the step out and go on with the next.
    Skip(StepId),
    /// Stop the run (cancel running processes).
    Abort,
    /// Fetch the IS OpenID well-known document (key-manager step's Discover action).
    Discover {
        url: String,
        tls: crate::profile::sections::key_manager::TlsPolicy,
    },
    /// Run every check of this profile's plan without changing anything.
    Preflight {
        generation: u64,
        profile: Box<Profile>,
        profile_path: Option<PathBuf>,
    },
    /// Render both charts with helm and check them (the review's verification).
    Verify {
        generation: u64,
        profile: Box<Profile>,
        profile_path: Option<PathBuf>,
    },
    /// Compare the plan with the live cluster (`kmpilot diff`) for the review.
    Diff {
        generation: u64,
        profile: Box<Profile>,
        profile_path: Option<PathBuf>,
    },
    /// Read which context and server the profile's cluster section points at now.
    ReadTarget(crate::tui::target_state::TargetKey),
    /// Read a pod's logs, description or events from the cluster.
    PodView {
        view: crate::tui::dialogs::detail::PodView,
        namespace: String,
        name: String,
        cluster: crate::plan::ClusterTarget,
    },
    /// Read the kubeconfig's contexts for the context picker.
    LoadContexts {
        kubeconfig: Option<PathBuf>,
    },
    /// List the profile store (Ctrl-O).
    ListProfiles,
    /// Read this profile and start over on it.
    OpenProfile {
        path: PathBuf,
    },
    /// Hand a typed secret (or the refusal) to the executor waiting for it.
    Answer {
        question: crate::tui::state::executor_question::SecretQuestion,
        answer: Result<crate::util::secret::Secret, String>,
    },
    /// Hand the answer to a question (`Msg::Ask`) to the executor waiting for it.
    Reply {
        asked: crate::tui::state::executor_question::Asked,
        reply: crate::exec::ask::Reply,
    },
    /// Leave the program.
    Quit,
    Batch(Vec<Cmd>),
}

impl Msg {
    pub fn tagged(epoch: u64, msg: Msg) -> Msg {
        Msg::Tagged {
            epoch,
            msg: Box::new(msg),
        }
    }
}

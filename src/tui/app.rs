//! The wizard's state. One owner (`App`), changed only by `update`, read by `view`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use ratatui_textarea::TextArea;

use crate::plan::StepId;
use crate::profile::Profile;
use crate::profile::diagnostics::{Issue, Severity};
use crate::profile::yaml_tree::Seg;
use crate::steps::form::Field;
use crate::steps::registry::STEPS;
pub use crate::tui::dialogs::multiline_editor::MultiLineEditor;
pub use crate::tui::dialogs::secret_editor::{SecretEditor, SecretSource};
use crate::tui::state::review_state::ReviewState;
use crate::tui::state::run_state::{RunState, StepRun};
use crate::tui::widgets::theme::Theme;

/// The wizard's steps: the deployment steps in the registry's order
/// (`steps::registry::STEPS`), then Review & run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WizardStep {
    /// The deployment step's form (the Cluster step is `Prerequisites`).
    Step(StepId),
    Review,
}

impl WizardStep {
    /// Every registry step in its order, then Review & run.
    pub const ALL: [WizardStep; STEPS.len() + 1] = {
        let mut all = [WizardStep::Review; STEPS.len() + 1];
        let mut i = 0;
        while i < STEPS.len() {
            all[i] = WizardStep::Step(STEPS[i].id);
            i += 1;
        }
        all
    };

    pub fn title(self) -> &'static str {
        match self.step_id() {
            Some(id) => id.short_title(),
            None => "Review & run",
        }
    }

    /// The plan step this wizard step edits (its run state shows in the list).
    pub fn step_id(self) -> Option<StepId> {
        match self {
            WizardStep::Step(id) => Some(id),
            WizardStep::Review => None,
        }
    }

    /// The wizard step of plan step `id`.
    pub fn of_step(id: StepId) -> WizardStep {
        WizardStep::Step(id)
    }

    pub fn fields(self, p: &Profile) -> Vec<Field> {
        match self.step_id() {
            Some(id) => (crate::steps::registry::decl(id).form)(p),
            None => Vec::new(),
        }
    }

    /// The wizard step an issue at `path` belongs to.
    pub fn of_path(path: &[Seg]) -> WizardStep {
        WizardStep::of_step(crate::steps::registry::owner_of(path))
    }
}

/// What the step list shows next to each step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    Untouched,
    Valid,
    Warnings(usize),
    Errors(usize),
    Running,
    Done,
    Skipped,
    Failed,
    /// The profile leaves nothing for the step to do (PrivateJet without clusters, KMS off).
    Unused,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Steps,
    Form,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Wizard,
    Run,
}

/// A one-line field being typed into.
pub struct InlineEdit {
    pub field: usize,
    pub input: TextArea<'static>,
    /// The profile before editing started, restored by Esc.
    pub original: Box<Profile>,
    /// Why the text is not accepted (a number that does not parse…).
    pub error: Option<String>,
}

pub use crate::tui::dialogs::Modal;

pub struct App {
    /// Counts the profiles opened in this session (Ctrl-O): what comes back from the
    /// background for an earlier one is dropped.
    pub epoch: u64,
    pub profile: Profile,
    /// The profile as last loaded or saved: `dirty` compares against it.
    pub saved: Profile,
    pub profile_path: Option<PathBuf>,
    /// `steps::validate(&profile)` after the last edit.
    pub issues: Vec<Issue>,
    /// The steps the profile's plan has after the last edit (the others are marked unused).
    pub planned: Vec<StepId>,
    pub step: usize,
    pub focus: Focus,
    pub field: usize,
    pub form_scroll: usize,
    pub fields: Vec<Field>,
    pub visited: [bool; WizardStep::ALL.len()],
    pub editing: Option<InlineEdit>,
    pub modal: Option<Modal>,
    pub status: Option<(String, bool)>,
    /// The Cluster step's live checks.
    pub preflight: crate::tui::state::cluster_step::Preflight,
    /// The last discovery of the key-manager step, kept until the user adopts it (A).
    pub discovered: Option<crate::http::Discovered>,
    pub theme: Theme,
    pub size: (u16, u16),
    pub screen: Screen,
    pub review: ReviewState,
    /// The review's background verification of the rendered charts.
    pub review_verify: crate::tui::state::review_verify::ReviewVerify,
    pub review_diff: crate::tui::state::review_diff::ReviewDiff,
    /// What earlier runs of this profile recorded (read once the wizard opens the profile);
    /// dropped when a run starts here, whose own screen then tells the story.
    pub journal: Option<crate::exec::journal::Journal>,
    /// An earlier run that stopped part way, against the review's plan.
    pub earlier_run: Option<crate::exec::journal::Unfinished>,
    pub run: RunState,
    pub now: Instant,
    /// Wall clock for pod ages, seconds since the epoch.
    pub wall: i64,
    pub should_quit: bool,
    /// Quit once the pending save succeeds (the quit guard's "save and quit").
    pub quit_after_save: bool,
    /// Defaults shown next to the help.
    pub defaults: Profile,
    /// The profile store's folder, read once here so that drawing reads no environment.
    pub store_dir: PathBuf,
    /// The cluster a run would change, as the kubeconfig said when last read (the header and
    /// every confirmation name it).
    pub target: crate::tui::target_state::TargetFollow,
    /// The environment variables set in this process (names only, read once by the loop).
    pub env_names: Arc<std::collections::BTreeSet<String>>,
}

/// What a new `App` needs from outside: the clocks and the profile store's folder. The loop
/// reads them (`Outside::read`); starting over on another profile keeps the ones it has, so
/// that `update` reads no clock or environment.
#[derive(Debug, Clone)]
pub struct Outside {
    pub now: Instant,
    /// Wall clock, seconds since the epoch.
    pub wall: i64,
    pub store_dir: PathBuf,
    /// The environment variables set in this process (names only): what a secret's `env:`
    /// will find when the plan runs (a process's environment does not change under it).
    pub env_names: Arc<std::collections::BTreeSet<String>>,
}

impl Outside {
    pub fn read() -> Self {
        Outside {
            now: Instant::now(),
            wall: SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0),
            store_dir: crate::profile::store::profiles_dir(),
            env_names: Arc::new(
                std::env::vars_os()
                    .filter(|(_, v)| !v.is_empty())
                    .filter_map(|(k, _)| k.into_string().ok())
                    .collect(),
            ),
        }
    }
}

impl App {
    pub fn new(profile: Profile, profile_path: Option<PathBuf>, no_color: bool) -> Self {
        App::with(profile, profile_path, no_color, Outside::read())
    }

    pub fn with(
        profile: Profile,
        profile_path: Option<PathBuf>,
        no_color: bool,
        outside: Outside,
    ) -> Self {
        let defaults = Profile::quickstart(&profile.name);
        let mut app = App {
            epoch: 0,
            saved: profile.clone(),
            profile,
            profile_path,
            issues: Vec::new(),
            planned: Vec::new(),
            step: 0,
            focus: Focus::Steps,
            field: 0,
            form_scroll: 0,
            fields: Vec::new(),
            visited: [false; WizardStep::ALL.len()],
            editing: None,
            modal: None,
            status: None,
            preflight: Default::default(),
            discovered: None,
            theme: Theme::new(no_color),
            size: (100, 30),
            screen: Screen::Wizard,
            review: ReviewState::default(),
            review_verify: Default::default(),
            review_diff: Default::default(),
            journal: None,
            earlier_run: None,
            run: RunState::default(),
            now: outside.now,
            wall: outside.wall,
            should_quit: false,
            quit_after_save: false,
            defaults,
            store_dir: outside.store_dir,
            target: Default::default(),
            env_names: outside.env_names,
        };
        app.visited[0] = true;
        app.revalidate();
        app
    }

    /// The wizard starts over on another profile (Ctrl-O): what comes back for the old one is
    /// dropped (`epoch`), and the checks' generations keep counting up.
    pub fn start_over(&mut self, profile: Profile, path: PathBuf) {
        let outside = Outside {
            now: self.now,
            wall: self.wall,
            store_dir: self.store_dir.clone(),
            env_names: self.env_names.clone(),
        };
        let (size, no_color) = (self.size, self.theme.no_color);
        let (epoch, generation) = (self.epoch, self.preflight.generation);
        *self = App::with(profile, Some(path), no_color, outside);
        self.size = size;
        self.epoch = epoch + 1;
        self.preflight.generation = generation;
    }

    pub fn wizard_step(&self) -> WizardStep {
        WizardStep::ALL[self.step]
    }

    pub fn dirty(&self) -> bool {
        self.profile != self.saved
    }

    /// Re-runs the same validation `kmpilot validate` runs and rebuilds the current form.
    pub fn revalidate(&mut self) {
        self.issues = crate::steps::validate(&self.profile).list;
        self.planned = crate::steps::plan(&self.profile)
            .steps
            .iter()
            .map(|s| s.id)
            .collect();
        self.fields = self.wizard_step().fields(&self.profile);
        if self.field >= self.fields.len() {
            self.field = self.fields.len().saturating_sub(1);
        }
        if self.wizard_step() == WizardStep::Review {
            self.refresh_review();
        }
    }

    pub fn refresh_review(&mut self) {
        let plan = Arc::new(crate::steps::plan(&self.profile));
        let keep = self.review.selected;
        self.earlier_run = self.journal.as_ref().and_then(|j| j.unfinished(&plan));
        self.review = ReviewState::build(plan);
        if keep < self.review.rows.len() && keep > 0 {
            self.review.selected = keep;
        }
    }

    pub fn issues_of(&self, step: WizardStep) -> impl Iterator<Item = &Issue> {
        self.issues
            .iter()
            .filter(move |i| WizardStep::of_path(&i.path.0) == step)
    }

    pub fn field_issues(&self, i: usize) -> Vec<&Issue> {
        self.issues_at(i)
            .into_iter()
            .map(|k| &self.issues[k])
            .collect()
    }

    /// The issues shown under field `i` (indices into `issues`): those at its path or below
    /// it, and those about a whole section (`identityServer.admin`) that no field's path
    /// holds, under the section's first field — a warning is never only a count on the step.
    pub fn issues_at(&self, i: usize) -> Vec<usize> {
        let Some(f) = self.fields.get(i) else {
            return Vec::new();
        };
        let path = &f.path.0;
        (0..self.issues.len())
            .filter(|&k| {
                let at = &self.issues[k].path.0;
                at.starts_with(path)
                    || (path.starts_with(at)
                        && !self.fields.iter().any(|g| at.starts_with(&g.path.0))
                        && self.fields.iter().position(|g| g.path.0.starts_with(at)) == Some(i))
            })
            .collect()
    }

    /// The wizard as the dialog in front sees it (read per key and per frame).
    pub fn dialog_ctx(&self) -> crate::tui::dialogs::dialog::Ctx<'_> {
        crate::tui::dialogs::dialog::Ctx {
            theme: &self.theme,
            size: self.size,
            profile: &self.profile,
            fields: &self.fields,
            issues: &self.issues,
            dirty: self.dirty(),
            running: self.run.active && self.run.finished.is_none(),
            store_dir: &self.store_dir,
            env_names: &self.env_names,
            target_line: self.target_line(),
            plan_steps: self
                .review
                .plan
                .as_ref()
                .map(|p| p.steps.len())
                .unwrap_or(0),
            verify_errors: self.review_verify.errors(),
            verify_acknowledged: self.review_verify.acknowledged,
            preflight_failures: self.preflight.failures(),
        }
    }

    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(|i| i.severity == Severity::Error)
    }

    pub fn status_of(&self, idx: usize) -> StepStatus {
        let step = WizardStep::ALL[idx];
        if let Some(id) = step.step_id()
            && let Some(p) = self.run.step(id)
        {
            match p.state {
                StepRun::Running { .. } => return StepStatus::Running,
                StepRun::Done { .. } => return StepStatus::Done,
                StepRun::Failed { .. } => return StepStatus::Failed,
                StepRun::Skipped { .. } if self.run.active => return StepStatus::Skipped,
                _ => {}
            }
        }
        if step == WizardStep::Review {
            let errors = self.issues.iter().filter(|i| i.is_error()).count();
            return if errors > 0 {
                StepStatus::Errors(errors)
            } else if self.visited[idx] {
                StepStatus::Valid
            } else {
                StepStatus::Untouched
            };
        }
        let (mut e, mut w) = (0, 0);
        for i in self.issues_of(step) {
            if i.is_error() { e += 1 } else { w += 1 }
        }
        if step == WizardStep::Step(StepId::Prerequisites) {
            // a failing live check is not a profile error, but the run will stop at it
            w += self.preflight.failures();
        }
        if e > 0 {
            StepStatus::Errors(e)
        } else if !self.used(step) {
            StepStatus::Unused
        } else if !self.visited[idx] {
            StepStatus::Untouched
        } else if w > 0 {
            StepStatus::Warnings(w)
        } else {
            StepStatus::Valid
        }
    }

    /// Whether the profile's plan has this step (Review & run always is).
    pub fn used(&self, step: WizardStep) -> bool {
        step.step_id().is_none_or(|id| self.planned.contains(&id))
    }

    /// The default shown for field `i`: the step's own, else what a new profile has.
    pub fn default_of(&self, f: &Field) -> Option<String> {
        if let Some(d) = &f.default {
            return (!d.is_empty()).then(|| d.clone());
        }
        if f.group.is_some() && self.wizard_step() == WizardStep::Step(StepId::PrivateJet) {
            return None;
        }
        let d = f.display(&self.defaults);
        (!d.is_empty()).then_some(d)
    }

    /// The target as the header and the confirmations write it.
    pub fn target_line(&self) -> String {
        self.target.line(
            &crate::tui::target_state::key_of(&self.profile),
            &self.profile.cluster.namespace,
        )
    }

    /// The PrivateJet cluster index of the focused field, if any.
    pub fn focused_cluster(&self) -> Option<usize> {
        crate::tui::dialogs::private_jet_clusters::cluster_of(self.fields.get(self.field)?)
    }
}

/// Lines of the form pane: group headings, fields and the issues under them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormLine {
    Group(String),
    Field(usize),
    /// Field index, issue index within `App::issues`.
    Issue(usize, usize),
    /// The Cluster step's live prerequisite results, below its fields.
    Check(crate::tui::state::cluster_step::CheckLine),
}

pub fn form_lines(app: &App) -> Vec<FormLine> {
    let mut out = Vec::new();
    let mut group: Option<&str> = None;
    for (i, f) in app.fields.iter().enumerate() {
        if f.group.as_deref() != group {
            group = f.group.as_deref();
            if let Some(g) = group {
                out.push(FormLine::Group(g.to_string()));
            }
        }
        out.push(FormLine::Field(i));
        out.extend(app.issues_at(i).into_iter().map(|k| FormLine::Issue(i, k)));
    }
    if app.wizard_step() == WizardStep::Step(StepId::Prerequisites) {
        out.extend(
            crate::tui::state::cluster_step::check_lines(&app.preflight, app.size)
                .into_iter()
                .map(FormLine::Check),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wizard_walks_the_registry_then_review() {
        let ids: Vec<_> = WizardStep::ALL.iter().filter_map(|w| w.step_id()).collect();
        let registry: Vec<_> = crate::steps::registry::STEPS.iter().map(|s| s.id).collect();
        assert_eq!(ids, registry);
        assert_eq!(WizardStep::ALL.last(), Some(&WizardStep::Review));
    }
}

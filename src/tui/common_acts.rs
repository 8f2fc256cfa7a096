//! What a key of the table and a dialog's outcome both do to the wizard: save, quit, start a
//! run, start typing into a field, jump to a log match. Kept apart from the routers
//! (`update.rs`, `modal_keys.rs`) so that both use it without importing each other.

use crate::plan::StepId;
use crate::tui::app::{App, InlineEdit, Modal, Screen};
use crate::tui::msg::Cmd;
use crate::tui::screens::run_nav;
use crate::tui::widgets::text_input::single_line;

/// Quits, or asks first when that would lose unsaved changes or abort a run.
pub fn request_quit(app: &mut App) -> Option<Cmd> {
    if app.dirty() || running(app) {
        app.modal = Some(Modal::QuitGuard(crate::tui::dialogs::quit_guard::QuitGuard));
        None
    } else {
        app.should_quit = true;
        Some(Cmd::Quit)
    }
}

/// A run is in progress (started and not finished).
pub fn running(app: &App) -> bool {
    app.run.active && app.run.finished.is_none()
}

/// Ctrl-S: writes where the profile came from, or asks for a name the first time.
pub fn save(app: &mut App) -> Option<Cmd> {
    match app.profile_path.clone() {
        Some(path) => Some(Cmd::Save {
            layout_of: Some(path.clone()),
            path,
            profile: Box::new(app.profile.clone()),
        }),
        None => {
            save_as_dialog(app);
            None
        }
    }
}

/// The "Save as" dialog, the profile's name filled in.
pub fn save_as_dialog(app: &mut App) {
    app.modal = Some(Modal::SaveAs(crate::tui::dialogs::save_as::SaveAs {
        input: single_line(&app.profile.name),
    }));
}

/// The log's next (or previous) search match; the status line says when there is none.
pub fn jump_match(app: &mut App, forward: bool, include_current: bool) {
    if let Err(e) = run_nav::jump_match(&mut app.run, app.size, forward, include_current) {
        app.status = Some((e, true));
    }
}

/// Starts typing into the focused field (Esc restores the profile as it is now).
pub fn start_inline_edit(app: &mut App) {
    let Some(f) = app.fields.get(app.field) else {
        return;
    };
    let text = f.get(&app.profile).text().to_string();
    app.editing = Some(InlineEdit {
        field: app.field,
        input: single_line(&text),
        original: Box::new(app.profile.clone()),
        error: None,
    });
}

/// The profile's plan, rebuilt now, starts running (`resume`: skip what the journal has done).
pub fn start_run(app: &mut App, resume: bool) -> Option<Cmd> {
    app.refresh_review();
    let plan = app.review.plan.clone()?;
    Some(begin_run(app, plan, resume, None))
}

/// `p`: the plan's proof step alone, against what is deployed now (as `kmpilot doctor --prove`):
/// a sample API published, a token from IS called through the gateway, then revoked; what it
/// made is removed. Nothing else of the plan runs.
pub fn start_proof(app: &mut App) -> Option<Cmd> {
    if running(app) {
        app.status = Some(("a run is in progress: prove once it is over".into(), true));
        return None;
    }
    app.refresh_review();
    let Some(plan) = app.review.plan.clone() else {
        app.status = Some(("fix the profile's errors before proving".into(), true));
        return None;
    };
    if plan.step(StepId::Prove).is_none() {
        app.status = Some((
            "this profile has no proof: it needs the key manager step with keyManager.prove on"
                .into(),
            true,
        ));
        return None;
    }
    Some(begin_run(app, plan, false, Some(StepId::Prove)))
}

/// The run screen takes over for `plan` (the profile's, or its destroy plan), timed from the
/// clock the loop last read.
pub fn begin_run(
    app: &mut App,
    plan: std::sync::Arc<crate::plan::Plan>,
    resume: bool,
    only: Option<StepId>,
) -> Cmd {
    app.run.begin(plan.clone(), app.now);
    app.screen = Screen::Run;
    app.journal = None;
    app.earlier_run = None;
    Cmd::StartRun {
        profile: Box::new(app.profile.clone()),
        plan,
        profile_path: app.profile_path.clone(),
        resume,
        only,
    }
}

/// `cmd`, after stopping the run in progress if there is one.
pub fn abort_if_running(app: &App, cmd: Option<Cmd>) -> Option<Cmd> {
    if running(app) {
        let mut v = vec![Cmd::Abort];
        v.extend(cmd);
        Some(Cmd::Batch(v))
    } else {
        cmd
    }
}

/// Reading what earlier runs of the app's profile left (shown on the review).
pub fn read_journal(app: &App) -> Cmd {
    Cmd::ReadJournal {
        profile: app.profile.name.clone(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use crate::exec::events::Event;
    use crate::plan::StepId;
    use crate::tui::TuiOptions;
    use crate::tui::msg::{Cmd, Msg};
    use crate::tui::new_app;
    use crate::tui::state::run_state::StepRun;
    use crate::tui::update;

    /// `update` reads no clock: a run started by a key, and a step started by an executor
    /// event, are timed from the clock the loop sent last (`Msg::Tick`).
    #[test]
    fn runs_and_steps_are_timed_from_the_last_tick() {
        let profile = crate::profile::load::from_path(
            std::path::Path::new("profiles/quickstart.yaml"),
            crate::steps::validate,
        )
        .unwrap()
        .profile;
        let mut app = new_app(
            TuiOptions {
                profile_path: None,
                profile,
                start_on_review: true,
            },
            true,
        );
        let key = |app: &mut _, c| update(app, Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)));
        // an hour ahead: no clock read during the test could give it
        let t = Instant::now() + Duration::from_secs(3600);
        update(&mut app, Msg::Tick { now: t, wall: 1 });
        key(&mut app, KeyCode::Char('r'));
        assert!(matches!(
            key(&mut app, KeyCode::Char('y')),
            Some(Cmd::StartRun { .. })
        ));
        assert_eq!(app.run.started, Some(t));
        let t5 = t + Duration::from_secs(5);
        update(&mut app, Msg::Tick { now: t5, wall: 6 });
        let step = StepId::Prerequisites;
        update(&mut app, Msg::Exec(Event::StepStarted { step }));
        match &app.run.step(step).unwrap().state {
            StepRun::Running { started } => assert_eq!(*started, t5),
            other => panic!("{other:?}"),
        }
    }

    fn review_app(edit: impl FnOnce(&mut crate::profile::Profile)) -> crate::tui::app::App {
        let mut profile = crate::profile::load::from_path(
            std::path::Path::new("profiles/quickstart.yaml"),
            crate::steps::validate,
        )
        .unwrap()
        .profile;
        edit(&mut profile);
        new_app(
            TuiOptions {
                profile_path: None,
                profile,
                start_on_review: true,
            },
            true,
        )
    }

    fn press(app: &mut crate::tui::app::App, c: char) -> Option<Cmd> {
        update(
            app,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        )
    }

    /// `p` on the Review runs the plan's proof step alone, without asking (it changes nothing
    /// it does not remove); after the run, the run screen's bar and its summary offer it again.
    #[test]
    fn p_proves_the_deployment_with_the_proof_step_alone() {
        let mut app = review_app(|_| {});
        // the help lists it on the Review (its bar has no room left)
        let review = crate::tui::keys::help_sections()
            .into_iter()
            .find(|(title, _)| *title == "Review & run")
            .unwrap();
        assert!(
            review
                .1
                .iter()
                .any(|(k, h)| k == "p" && h.contains("proof"))
        );
        match press(&mut app, 'p') {
            Some(Cmd::StartRun {
                only, resume, plan, ..
            }) => {
                assert_eq!(only, Some(StepId::Prove));
                assert!(!resume);
                assert!(plan.step(StepId::Prove).is_some());
            }
            other => panic!("{other:?}"),
        }
        assert!(app.modal.is_none());
        // while it runs, `p` does nothing (the proof is already under way)
        assert!(press(&mut app, 'p').is_none());
        assert!(!crate::tui::keys::hints(&app).contains(&("p", "prove")));
        update(&mut app, Msg::Exec(Event::RunFinished { ok: true }));
        assert!(crate::tui::keys::hints(&app).contains(&("p", "prove")));
        press(&mut app, 's');
        assert!(app.run.summary_open);
        assert!(matches!(
            press(&mut app, 'p'),
            Some(Cmd::StartRun {
                only: Some(StepId::Prove),
                ..
            })
        ));
        // `r` still runs the whole plan, through its dialog
        let mut app = review_app(|_| {});
        press(&mut app, 'r');
        assert!(matches!(
            press(&mut app, 'y'),
            Some(Cmd::StartRun { only: None, .. })
        ));
    }

    /// A profile whose proof is off has nothing to prove: `p` says why instead of starting a
    /// run.
    #[test]
    fn p_without_a_proof_step_says_why() {
        let mut app = review_app(|p| p.key_manager.prove = false);
        let cmd = press(&mut app, 'p');
        assert!(!matches!(cmd, Some(Cmd::StartRun { .. })), "{cmd:?}");
        assert!(!app.run.active);
        let mut app = review_app(|p| p.key_manager.prove = false);
        assert!(start_proof_cmd(&mut app).is_none());
        let (status, error) = app.status.clone().unwrap();
        assert!(error && status.contains("keyManager.prove"), "{status}");
    }

    fn start_proof_cmd(app: &mut crate::tui::app::App) -> Option<Cmd> {
        super::start_proof(app)
    }
}

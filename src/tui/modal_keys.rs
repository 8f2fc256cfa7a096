//! A dialog is open: the key (or a paste) goes to it, it decides from its own state and answers
//! with effects, and this applies them to the wizard — the profile, the run, the status line —
//! returning the commands they need. The one place that knows both the dialogs and `App`.

use crossterm::event::KeyEvent;

use crate::tui::app::App;
use crate::tui::common_acts::{
    abort_if_running, begin_run, jump_match, save, start_inline_edit, start_run,
};
use crate::tui::dialogs::dialog::Effect;
use crate::tui::dialogs::save_as;
use crate::tui::msg::Cmd;
use crate::tui::screens::form_nav::{ensure_field_visible, set_field};

/// A dialog is open: it decides on the key, this applies what it decided.
pub fn on_modal_key(app: &mut App, k: KeyEvent) -> Option<Cmd> {
    let mut modal = app.modal.take()?;
    let reply = modal.dialog_mut().on_key(&app.dialog_ctx(), k);
    if !reply.close {
        app.modal = Some(modal);
    }
    apply(app, reply.effects)
}

/// Pasted text goes to the dialog in front.
pub fn on_modal_paste(app: &mut App, text: &str) -> Option<Cmd> {
    let effects = app.modal.as_mut()?.dialog_mut().on_paste(text);
    apply(app, effects)
}

/// Applies a dialog's effects in order; their commands run in that order too.
pub fn apply(app: &mut App, effects: Vec<Effect>) -> Option<Cmd> {
    let mut cmds: Vec<Cmd> = effects
        .into_iter()
        .filter_map(|e| apply_one(app, e))
        .collect();
    match cmds.len() {
        0 => None,
        1 => cmds.pop(),
        _ => Some(Cmd::Batch(cmds)),
    }
}

fn apply_one(app: &mut App, e: Effect) -> Option<Cmd> {
    match e {
        Effect::Status(text, error) => app.status = Some((text, error)),
        Effect::SetField(i, v) => {
            if let Err(err) = set_field(app, i, v) {
                app.status = Some((err, true));
            }
        }
        Effect::EditField(i, v) => {
            let err = set_field(app, i, v).err();
            if let Some(m) = &mut app.modal {
                m.dialog_mut().field_result(err);
            }
        }
        Effect::RestoreProfile(p) => {
            app.profile = *p;
            app.revalidate();
        }
        Effect::SaveAndQuit => {
            app.quit_after_save = true;
            let cmd = save(app);
            if app.modal.is_some() {
                // no path yet: save-as asks for one first, then quits
                return None;
            }
            return abort_if_running(app, cmd);
        }
        Effect::Quit => {
            app.should_quit = true;
            return abort_if_running(app, Some(Cmd::Quit));
        }
        Effect::CancelQuitAfterSave => app.quit_after_save = false,
        Effect::SaveTo(path) => {
            // a copy under a new name is a profile of its own: its own journal, hosts-file
            // block and destroy confirmation, not the original's
            if let Some(name) = save_as::profile_name(&path)
                && name != app.profile.name
            {
                app.profile.name = name;
                app.revalidate();
            }
            return Some(Cmd::Save {
                path,
                profile: Box::new(app.profile.clone()),
                layout_of: app.profile_path.clone(),
            });
        }
        Effect::OpenProfile(path) => return Some(Cmd::OpenProfile { path }),
        Effect::AcknowledgeVerify => app.review_verify.acknowledged = true,
        Effect::StartRun { resume } => return start_run(app, resume),
        Effect::BeginRun(plan) => return Some(begin_run(app, plan, false, None)),
        Effect::RemoveCluster(i) => {
            crate::steps::private_jet::remove_cluster(&mut app.profile, i);
            app.revalidate();
            app.status = Some((format!("removed cluster {}", i + 1), false));
            ensure_field_visible(app);
        }
        // the run goes on: in progress again from now (not only once the executor says so)
        Effect::RetryStep(step) => {
            app.run.failed = None;
            app.run.finished = None;
            return Some(Cmd::Retry(step));
        }
        Effect::SkipStep(step) => {
            app.run.failed = None;
            app.run.finished = None;
            return Some(Cmd::Skip(step));
        }
        Effect::AbortRun => {
            app.run.failed = None;
            return Some(Cmd::Abort);
        }
        Effect::DismissFailure => app.run.failure_dismissed = true,
        Effect::TypeByHand => start_inline_edit(app),
        Effect::SearchLog(q) => {
            if q.is_empty() {
                app.run.search = None;
            } else {
                app.run.search = Some(q);
                // from the tail: the newest match; from a scrolled view: the next one down
                let following = app.run.log_scroll.is_none();
                jump_match(app, !following, true);
            }
        }
        Effect::AnswerSecret(question, answer) => return Some(Cmd::Answer { question, answer }),
        Effect::Reply(asked, reply) => return Some(Cmd::Reply { asked, reply }),
    }
    None
}

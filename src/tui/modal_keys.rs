//! A dialog is open: the key goes to it, it decides from its own state and says what it
//! decided, and this applies the outcome to the wizard (the profile, the run, the status line)
//! and returns the commands it needs.

use crossterm::event::KeyEvent;

use crate::steps::form::Value;
use crate::tui::app::{App, Modal};
use crate::tui::common_acts::{
    abort_if_running, begin_run, jump_match, save, start_inline_edit, start_run,
};
use crate::tui::dialogs::ask_dialog;
use crate::tui::dialogs::confirm_run;
use crate::tui::dialogs::context_picker;
use crate::tui::dialogs::destroy_dialog;
use crate::tui::dialogs::log_search;
use crate::tui::dialogs::multiline_editor;
use crate::tui::dialogs::open_profile;
use crate::tui::dialogs::private_jet_clusters;
use crate::tui::dialogs::quit_guard;
use crate::tui::dialogs::save_as;
use crate::tui::dialogs::secret_editor;
use crate::tui::dialogs::secret_prompt;
use crate::tui::dialogs::step_failed;
use crate::tui::help;
use crate::tui::msg::Cmd;
use crate::tui::screens::form_nav::{ensure_field_visible, set_field};

/// A dialog is open: it decides on the key, this applies what it decided.
pub fn on_modal_key(app: &mut App, k: KeyEvent) -> Option<Cmd> {
    let modal = app.modal.take()?;
    match modal {
        Modal::Help(mut scroll) => {
            if !help::on_key(&mut scroll, app.size, k) {
                app.modal = Some(Modal::Help(scroll));
            }
            None
        }
        Modal::QuitGuard => match quit_guard::on_key(app.dirty(), k) {
            quit_guard::Choice::SaveAndQuit => {
                app.quit_after_save = true;
                let cmd = save(app);
                if app.modal.is_some() {
                    // no path yet: save-as asks for one first, then quits
                    return None;
                }
                abort_if_running(app, cmd)
            }
            quit_guard::Choice::Quit => {
                app.should_quit = true;
                abort_if_running(app, Some(Cmd::Quit))
            }
            quit_guard::Choice::Stay => None,
            quit_guard::Choice::None => {
                app.modal = Some(Modal::QuitGuard);
                None
            }
        },
        Modal::SaveAs(mut t) => match save_as::on_key(&mut t, k, &app.store_dir) {
            save_as::Outcome::Cancel => {
                app.quit_after_save = false;
                None
            }
            save_as::Outcome::Save(path) => {
                // a copy under a new name is a profile of its own: its own journal, hosts-file
                // block and destroy confirmation, not the original's
                if let Some(name) = save_as::profile_name(&path)
                    && name != app.profile.name
                {
                    app.profile.name = name;
                    app.revalidate();
                }
                Some(Cmd::Save {
                    path,
                    profile: Box::new(app.profile.clone()),
                    layout_of: app.profile_path.clone(),
                })
            }
            save_as::Outcome::Open => {
                app.modal = Some(Modal::SaveAs(t));
                None
            }
        },
        Modal::Secret(mut e) => match secret_editor::on_key(&mut e, k) {
            secret_editor::Outcome::Cancel => None,
            secret_editor::Outcome::Apply(v) => {
                if let Err(err) = set_field(app, e.field, Value::Secret(v)) {
                    app.status = Some((err, true));
                }
                None
            }
            secret_editor::Outcome::Open(err) => {
                if let Some(err) = err {
                    app.status = Some((err, true));
                }
                app.modal = Some(Modal::Secret(e));
                None
            }
        },
        Modal::MultiLine(mut m) => {
            match multiline_editor::on_key(&mut m, k) {
                multiline_editor::Outcome::Done => {
                    if m.error.is_some() {
                        // leave it as it was rather than half-applied
                        app.profile = *m.original;
                        app.revalidate();
                        app.status = Some(("not applied: the text did not parse".into(), true));
                    }
                    return None;
                }
                multiline_editor::Outcome::Revert => {
                    app.profile = (*m.original).clone();
                    app.revalidate();
                    let text = app
                        .fields
                        .get(m.field)
                        .map(|f| f.get(&app.profile).text().to_string())
                        .unwrap_or_default();
                    multiline_editor::reset(&mut m, &text);
                }
                multiline_editor::Outcome::Edited(text) => {
                    m.error = set_field(app, m.field, Value::Text(text)).err();
                }
            }
            app.modal = Some(Modal::MultiLine(m));
            None
        }
        Modal::ConfirmRun => {
            let unacknowledged = app.review_verify.errors() > 0 && !app.review_verify.acknowledged;
            match confirm_run::on_key(k, unacknowledged) {
                confirm_run::Choice::Acknowledge => {
                    app.review_verify.acknowledged = true;
                    app.modal = Some(Modal::ConfirmRun);
                    None
                }
                confirm_run::Choice::Run => start_run(app, false),
                confirm_run::Choice::Resume => start_run(app, true),
                confirm_run::Choice::Close => None,
            }
        }
        Modal::ConfirmRemoveCluster(i) => {
            if private_jet_clusters::confirms(k) {
                crate::steps::private_jet::remove_cluster(&mut app.profile, i);
                app.revalidate();
                app.status = Some((format!("removed cluster {}", i + 1), false));
                ensure_field_visible(app);
            }
            None
        }
        Modal::StepFailed { step, error, hint } => match step_failed::on_key(k) {
            // the run goes on: in progress again from now (not only once the executor says so)
            Some(step_failed::Choice::Retry) => {
                app.run.failed = None;
                app.run.finished = None;
                Some(Cmd::Retry(step))
            }
            Some(step_failed::Choice::Skip) => {
                app.run.failed = None;
                app.run.finished = None;
                Some(Cmd::Skip(step))
            }
            Some(step_failed::Choice::Abort) => {
                app.run.failed = None;
                Some(Cmd::Abort)
            }
            // the log behind it can be read and scrolled; `r` on the run screen reopens it
            Some(step_failed::Choice::Close) => {
                app.run.failure_dismissed = true;
                None
            }
            None => {
                app.modal = Some(Modal::StepFailed { step, error, hint });
                None
            }
        },
        Modal::SecretPrompt(mut p) => match secret_prompt::on_key(&mut p, k) {
            secret_prompt::Outcome::Answer(answer) => Some(Cmd::Answer {
                question: p.question,
                answer,
            }),
            secret_prompt::Outcome::Open(warning) => stay(app, Modal::SecretPrompt(p), warning),
        },
        Modal::Ask(mut d) => match ask_dialog::on_key(&mut d, k) {
            ask_dialog::Outcome::Reply(reply) => Some(Cmd::Reply {
                asked: d.asked,
                reply,
            }),
            ask_dialog::Outcome::Open(warning) => stay(app, Modal::Ask(d), warning),
        },
        Modal::Open(mut d) => match open_profile::on_key(&mut d, k, app.dirty()) {
            open_profile::Outcome::Open => stay(app, Modal::Open(d), None),
            open_profile::Outcome::Close => None,
            open_profile::Outcome::Choose(path) => Some(Cmd::OpenProfile { path }),
        },
        Modal::Destroy(mut d) => match destroy_dialog::on_key(&mut d, k, &app.profile.name) {
            destroy_dialog::Outcome::Open(warning) => stay(app, Modal::Destroy(d), warning),
            destroy_dialog::Outcome::Close => None,
            destroy_dialog::Outcome::Destroy(plan) => Some(begin_run(app, plan, false, None)),
        },
        Modal::ContextPicker(mut p) => match context_picker::on_key(&mut p, k) {
            context_picker::Outcome::Open => stay(app, Modal::ContextPicker(p), None),
            context_picker::Outcome::Closed => None,
            context_picker::Outcome::TypeByHand => {
                start_inline_edit(app);
                None
            }
            context_picker::Outcome::Chosen { field, name } => {
                if let Some(label) = app.fields.get(field).map(|f| f.label.clone()) {
                    let _ = set_field(app, field, Value::Text(name.clone()));
                    app.status = Some((context_picker::chosen_status(&label, &name), false));
                }
                None
            }
        },
        Modal::Detail(mut d) => {
            if !crate::tui::dialogs::detail::on_key(&mut d, k) {
                app.modal = Some(Modal::Detail(d));
            }
            None
        }
        Modal::Search(mut t) => match log_search::on_key(&mut t, k) {
            log_search::Outcome::Cancel => None,
            log_search::Outcome::Find(q) => {
                if q.is_empty() {
                    app.run.search = None;
                } else {
                    app.run.search = Some(q);
                    // from the tail: the newest match; from a scrolled view: the next one down
                    let following = app.run.log_scroll.is_none();
                    jump_match(app, !following, true);
                }
                None
            }
            log_search::Outcome::Open => {
                app.modal = Some(Modal::Search(t));
                None
            }
        },
    }
}

/// The dialog stays open; the status line says what it warned about, if anything.
fn stay(app: &mut App, modal: Modal, warning: Option<String>) -> Option<Cmd> {
    if let Some(w) = warning {
        app.status = Some((w, true));
    }
    app.modal = Some(modal);
    None
}

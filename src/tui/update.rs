//! `update(&mut App, Msg) -> Option<Cmd>`: every state change of the wizard, routed here to the
//! screen or dialog it concerns. Keys go through the key table (`keys`); each dialog decides on
//! its own keys and this file applies the outcome. No I/O here: what needs the outside world
//! leaves as a `Cmd`, and the time comes in with `Msg::Tick`.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEventKind};
use ratatui::layout::Rect;

use super::app::{App, Focus, FormLine, InlineEdit, Modal, Screen, WizardStep, form_lines};
use super::cluster_step;
use super::form_nav::{ensure_field_visible, form_bottom, move_field, select_step, set_field};
use super::keys::{self, Act};
use super::layout;
use super::msg::{Cmd, Msg};
use super::run_nav;
use super::run_state::Pane;
use super::text_input::{is_line_break, single_line};
use super::{
    ask_dialog, confirm_run, context_picker, destroy_dialog, help, key_manager_discovery,
    log_search, multiline_editor, open_profile, private_jet_clusters, quit_guard, review_nav,
    save_as, secret_editor, secret_prompt, step_failed,
};
use crate::steps::form::{Kind, Value};

pub fn update(app: &mut App, msg: Msg) -> Option<Cmd> {
    // what the user did (not a mouse move or key release) may change what the checks need
    let user = match &msg {
        Msg::Key(k) => k.kind != KeyEventKind::Release,
        Msg::Mouse(m) => !matches!(m.kind, MouseEventKind::Moved | MouseEventKind::Drag(_)),
        Msg::Paste(_) | Msg::Opened(Ok(_)) => true,
        _ => false,
    };
    let cmd = dispatch(app, msg);
    // the executor's questions open as soon as no other dialog is in the way
    super::queued_dialog::show_next(app);
    show_failure(app);
    // the Cluster step's checks follow what they depend on, without a key to press
    let checks = if user && !app.should_quit {
        start_checks(app, false)
    } else {
        None
    };
    // the review's verification and its diff against the live cluster follow the profile the
    // same way (and start on a review opened directly, at the first tick)
    let mut cmds: Vec<Cmd> = cmd.into_iter().chain(checks).collect();
    cmds.extend(review_follows_profile(app));
    match cmds.len() {
        0 => None,
        1 => cmds.pop(),
        _ => Some(Cmd::Batch(cmds)),
    }
}

/// The Review's background jobs, asked again when the profile changed while it is on screen.
fn review_follows_profile(app: &mut App) -> Vec<Cmd> {
    if app.wizard_step() != WizardStep::Review || app.run.active || app.has_errors() {
        return Vec::new();
    }
    let mut v = Vec::new();
    if let Some(generation) =
        super::review_verify::maybe_start(&mut app.review_verify, &app.profile)
    {
        v.push(Cmd::Verify {
            generation,
            profile: Box::new(app.profile.clone()),
            profile_path: app.profile_path.clone(),
        });
    }
    if let Some(generation) = app.review_diff.follow.ask(&app.profile) {
        v.push(Cmd::Diff {
            generation,
            profile: Box::new(app.profile.clone()),
            profile_path: app.profile_path.clone(),
        });
    }
    v
}

fn dispatch(app: &mut App, msg: Msg) -> Option<Cmd> {
    match msg {
        Msg::Tagged { epoch, msg } => {
            if epoch == app.epoch {
                dispatch(app, *msg)
            } else {
                None
            }
        }
        Msg::Key(k) if k.kind != KeyEventKind::Release => on_key(app, k),
        Msg::Key(_) => None,
        Msg::Mouse(m) => on_mouse(app, m),
        Msg::Paste(s) => {
            on_paste(app, &s);
            None
        }
        Msg::Resize(w, h) => {
            app.size = (w, h);
            ensure_field_visible(app);
            None
        }
        Msg::Tick { now, wall } => {
            app.now = now;
            if wall > 0 {
                app.wall = wall;
            }
            None
        }
        Msg::Exec(ev) => {
            app.run.apply(ev, app.now);
            // the failure dialog opens now, or once the dialog in its way is closed
            // (`show_failure` runs after every message)
            if matches!(app.modal, Some(Modal::Help(_))) && app.run.failed.is_some() {
                app.modal = None;
            }
            None
        }
        Msg::Watch(w) => {
            use crate::kube::snapshot::WatchUpdate;
            match app.run.routes.take(w) {
                Some(WatchUpdate::Pods(s)) => app.run.pods = s,
                Some(WatchUpdate::Ingresses(s)) => app.run.ingresses = s,
                _ => {}
            }
            run_nav::clamp_pane_scrolls(&mut app.run, app.size);
            None
        }
        Msg::Preflight {
            generation,
            results,
        } => {
            if cluster_step::on_results(&mut app.preflight, generation, results) {
                // on the last field the results below it come into view as they arrive,
                // without pulling the view back up from where the user scrolled to (End twice)
                let before = app.form_scroll;
                ensure_field_visible(app);
                app.form_scroll = app.form_scroll.max(before.min(form_bottom(app)));
            }
            None
        }
        Msg::Verified {
            generation,
            reports,
        } => {
            super::review_verify::on_results(&mut app.review_verify, generation, reports);
            None
        }
        Msg::Diffed { generation, report } => {
            super::review_diff::on_results(&mut app.review_diff, generation, *report);
            None
        }
        Msg::ProfileList(r) => {
            if let Some(Modal::Open(d)) = &mut app.modal {
                open_profile::on_list(d, r, app.profile_path.as_deref());
            }
            None
        }
        // the outcome of `Cmd::OpenProfile`: the wizard starts over on the new profile
        Msg::Opened(r) => {
            match r {
                Ok((path, profile)) => {
                    app.start_over(*profile, path.clone());
                    app.status = Some((format!("opened {}", path.display()), false));
                }
                Err(e) => app.status = Some((format!("not opened: {e}"), true)),
            }
            None
        }
        // queued: `queued_dialog::show_next` opens it now or after the dialog in its way
        Msg::AskSecret(q) => {
            app.run.questions.push_back(q);
            None
        }
        Msg::Ask(a) => {
            app.run.asks.push_back(a);
            None
        }
        Msg::Contexts(r) => {
            let current = app
                .fields
                .get(app.field)
                .map(|f| f.get(&app.profile).text().to_string())
                .unwrap_or_default();
            if let Some(Modal::ContextPicker(p)) = &mut app.modal {
                context_picker::on_contexts(p, r, &current);
            }
            None
        }
        Msg::Discovered(r) => {
            let (d, status) = key_manager_discovery::on_discovered(&app.profile, r);
            app.discovered = d;
            app.status = Some(status);
            None
        }
        Msg::Saved(r) => {
            match r {
                Ok((path, replaced)) => {
                    let mut s = format!("saved {}", path.display());
                    if !replaced.is_empty() {
                        s.push_str(&format!(
                            " (literal secrets at {} written as prompt: true)",
                            replaced.join(", ")
                        ));
                    }
                    app.status = Some((s, false));
                    app.profile_path = Some(path);
                    app.saved = app.profile.clone();
                    if app.quit_after_save {
                        app.should_quit = true;
                        return Some(Cmd::Quit);
                    }
                }
                Err(e) => {
                    app.quit_after_save = false;
                    app.status = Some((format!("not saved: {e}"), true));
                }
            }
            None
        }
        Msg::Terminate => {
            app.should_quit = true;
            if app.run.active && app.run.finished.is_none() {
                Some(Cmd::Batch(vec![Cmd::Abort, Cmd::Quit]))
            } else {
                Some(Cmd::Quit)
            }
        }
    }
}

/// The Cluster step's checks, asked again when they are stale (or `force`: `c`) while the step
/// is on screen and nothing is being typed or asked.
pub fn start_checks(app: &mut App, force: bool) -> Option<Cmd> {
    if app.screen != Screen::Wizard || app.wizard_step() != WizardStep::Cluster {
        return None;
    }
    if app.editing.is_some() || app.modal.is_some() {
        return None;
    }
    let generation = cluster_step::maybe_start(&mut app.preflight, &app.profile, force)?;
    Some(Cmd::Preflight {
        generation,
        profile: Box::new(app.profile.clone()),
        profile_path: app.profile_path.clone(),
    })
}

/// A failed step waiting for retry / skip / abort gets its dialog as soon as no other dialog
/// is open (a failure arriving while the user types a file name does not close that).
fn show_failure(app: &mut App) {
    // steps that do not need the failed one go on: retry, skip and abort wait for the run
    if app.modal.is_some() || app.run.finished.is_none() {
        return;
    }
    if let Some(step) = app.run.failed
        && let Some(super::run_state::StepProgress {
            state: super::run_state::StepRun::Failed { error, hint, .. },
            ..
        }) = app.run.step(step).cloned()
    {
        app.modal = Some(Modal::StepFailed { step, error, hint });
    }
}

fn on_key(app: &mut App, k: KeyEvent) -> Option<Cmd> {
    if app.modal.is_some() {
        return on_modal_key(app, k);
    }
    if app.editing.is_some() {
        return on_edit_key(app, k);
    }
    app.status = None;
    let act = keys::lookup(app, keys::scope_of(app), &k)?;
    perform(app, act)
}

/// Does what a binding of the key table says.
fn perform(app: &mut App, act: Act) -> Option<Cmd> {
    let pane = app.run.pane.unwrap_or(Pane::Log);
    match act {
        Act::Quit => return request_quit(app),
        Act::Save => return save(app),
        Act::Open => match open_profile::open(running(app)) {
            Ok(d) => {
                app.modal = Some(Modal::Open(d));
                return Some(Cmd::ListProfiles);
            }
            Err(e) => app.status = Some((e, true)),
        },
        Act::Help => app.modal = Some(Modal::Help(0)),
        Act::SaveAs => save_as_dialog(app),
        Act::Destroy => match destroy_dialog::open(running(app), &app.profile) {
            Ok(d) => app.modal = Some(Modal::Destroy(d)),
            Err(e) => app.status = Some((e, true)),
        },
        // the step list
        Act::StepPrev => select_step(app, app.step.saturating_sub(1)),
        Act::StepNext => select_step(app, app.step + 1),
        Act::StepFirst => select_step(app, 0),
        Act::StepLast => select_step(app, WizardStep::ALL.len() - 1),
        Act::EnterForm => {
            app.focus = Focus::Form;
            app.visited[app.step] = true;
        }
        // a step's fields
        Act::FieldPrev => move_field(app, -1),
        Act::FieldNext => move_field(app, 1),
        Act::FieldPageUp => move_field(app, -10),
        Act::FieldPageDown => move_field(app, 10),
        Act::FieldFirst => move_field(app, -10_000),
        // End again: all that follows the last field (the Cluster step's checks)
        Act::FieldLast if app.field + 1 == app.fields.len() => app.form_scroll = form_bottom(app),
        Act::FieldLast => move_field(app, 10_000),
        Act::NextStep => select_step(app, app.step + 1),
        Act::PrevStep => select_step(app, app.step.saturating_sub(1)),
        Act::BackToSteps => app.focus = Focus::Steps,
        Act::Toggle => toggle(app),
        Act::ChoiceNext => cycle_choice(app, 1),
        Act::ChoicePrev => cycle_choice(app, -1),
        Act::PickContext => {
            app.modal = Some(Modal::ContextPicker(context_picker::open(app.field)));
            return Some(Cmd::LoadContexts {
                kubeconfig: app.profile.cluster.kubeconfig.clone(),
            });
        }
        Act::Edit => start_inline_edit(app),
        Act::ChooseSource => {
            if let Some(f) = app.fields.get(app.field)
                && let Kind::Secret { optional } = f.kind
            {
                let e = secret_editor::open(app.field, f.get(&app.profile), optional);
                app.modal = Some(Modal::Secret(e));
            }
        }
        Act::EditLines => {
            if let Some(f) = app.fields.get(app.field) {
                let text = f.get(&app.profile).text().to_string();
                let m = multiline_editor::open(app.field, &text, app.profile.clone());
                app.modal = Some(Modal::MultiLine(m));
            }
        }
        Act::CheckCluster => return start_checks(app, true),
        Act::Discover => {
            let (cmd, status) = key_manager_discovery::discover(&app.profile);
            app.status = Some((status, false));
            return Some(cmd);
        }
        Act::Adopt => {
            let status = key_manager_discovery::adopt(&mut app.profile, app.discovered.take());
            app.revalidate();
            app.status = Some(status);
        }
        Act::AddCluster => {
            let i = crate::steps::private_jet::add_cluster(&mut app.profile);
            app.revalidate();
            if let Some(pos) = private_jet_clusters::first_field_of(&app.fields, i) {
                app.field = pos;
            }
            ensure_field_visible(app);
            app.status = Some((format!("added cluster {}", i + 1), false));
        }
        Act::RemoveCluster => match app.focused_cluster() {
            Some(i) => app.modal = Some(Modal::ConfirmRemoveCluster(i)),
            None => app.status = Some(("move to a cluster's field to remove it".into(), true)),
        },
        // typing into a field: `on_edit_key` handles these
        Act::Accept | Act::Cancel | Act::AcceptAndMove | Act::Cursor => {}
        // review & run
        Act::ReviewPrev => review_step(app, app.review.selected as isize, -1),
        Act::ReviewNext => review_step(app, app.review.selected as isize, 1),
        Act::ReviewFirst => review_step(app, 0, 1),
        Act::ReviewLast => review_step(app, app.review.rows.len() as isize, -1),
        Act::PreviewUp => app.review.preview_scroll = app.review.preview_scroll.saturating_sub(10),
        Act::PreviewDown => app.review.preview_scroll += 10,
        Act::Run => return ask_run(app),
        // the run screen
        Act::NextPane => app.run.pane = Some(run_nav::next_pane(pane, true)),
        Act::PrevPane => app.run.pane = Some(run_nav::next_pane(pane, false)),
        Act::ScrollUp => run_nav::scroll_pane(&mut app.run, app.size, pane, -1),
        Act::ScrollDown => run_nav::scroll_pane(&mut app.run, app.size, pane, 1),
        Act::ScrollPageUp => run_nav::scroll_pane(&mut app.run, app.size, pane, -20),
        Act::ScrollPageDown => run_nav::scroll_pane(&mut app.run, app.size, pane, 20),
        Act::ScrollTop => run_nav::scroll_pane(&mut app.run, app.size, pane, -1_000_000),
        Act::ScrollBottom => run_nav::scroll_pane(&mut app.run, app.size, pane, 1_000_000),
        Act::Search => app.modal = Some(Modal::Search(single_line(""))),
        Act::NextMatch => jump_match(app, true, false),
        Act::PrevMatch => jump_match(app, false, false),
        Act::BackToWizard => {
            app.screen = Screen::Wizard;
            app.focus = Focus::Steps;
        }
        Act::Summary => app.run.summary_open = true,
        Act::FilterLog => app.run.cycle_log_step(),
        Act::CloseSummary => app.run.summary_open = false,
    }
    None
}

pub fn request_quit(app: &mut App) -> Option<Cmd> {
    if app.dirty() || running(app) {
        app.modal = Some(Modal::QuitGuard);
        None
    } else {
        app.should_quit = true;
        Some(Cmd::Quit)
    }
}

fn running(app: &App) -> bool {
    app.run.active && app.run.finished.is_none()
}

fn save(app: &mut App) -> Option<Cmd> {
    match app.profile_path.clone() {
        Some(path) => Some(Cmd::Save {
            path,
            profile: Box::new(app.profile.clone()),
        }),
        None => {
            save_as_dialog(app);
            None
        }
    }
}

fn save_as_dialog(app: &mut App) {
    app.modal = Some(Modal::SaveAs(single_line(&app.profile.name)));
}

fn jump_match(app: &mut App, forward: bool, include_current: bool) {
    if let Err(e) = run_nav::jump_match(&mut app.run, app.size, forward, include_current) {
        app.status = Some((e, true));
    }
}

fn review_step(app: &mut App, from: isize, d: isize) {
    review_nav::step_from(&mut app.review, app.size, from, d);
}

fn toggle(app: &mut App) {
    if let Some(f) = app.fields.get(app.field)
        && let Value::Bool(b) = f.get(&app.profile)
    {
        let _ = set_field(app, app.field, Value::Bool(!b));
    }
}

fn cycle_choice(app: &mut App, delta: isize) {
    let Some(f) = app.fields.get(app.field) else {
        return;
    };
    let Kind::Choice(opts) = &f.kind else {
        return;
    };
    let cur = f.get(&app.profile);
    let pos = opts.iter().position(|o| *o == cur.text()).unwrap_or(0) as isize;
    let n = opts.len() as isize;
    let next = opts[((pos + delta) % n + n) as usize % n as usize];
    if let Err(e) = set_field(app, app.field, Value::Text(next.to_string())) {
        app.status = Some((e, true));
    }
}

fn start_inline_edit(app: &mut App) {
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

/// Typing into a one-line field: applied as typed, so validation answers at once; a value the
/// field rejects keeps the input open.
fn on_edit_key(app: &mut App, k: KeyEvent) -> Option<Cmd> {
    let mut ed = app.editing.take()?;
    match keys::lookup(app, keys::Scope::Edit, &k) {
        Some(Act::Cancel) => {
            app.profile = *ed.original;
            app.revalidate();
            return None;
        }
        Some(Act::Accept | Act::AcceptAndMove) => {
            if ed.error.is_some() {
                app.editing = Some(ed);
            } else if k.code == KeyCode::Up {
                move_field(app, -1);
            } else if k.code != KeyCode::Enter {
                move_field(app, 1);
            }
            return None;
        }
        _ => {
            if is_line_break(&k) {
                app.editing = Some(ed);
                return None;
            }
            ed.input.input(k);
        }
    }
    let text = ed.input.lines().join("");
    ed.error = set_field(app, ed.field, Value::Text(text)).err();
    app.editing = Some(ed);
    None
}

fn on_paste(app: &mut App, s: &str) {
    let line: String = s.lines().next().unwrap_or_default().to_string();
    if let Some(mut ed) = app.editing.take() {
        ed.input.insert_str(&line);
        let text = ed.input.lines().join("");
        ed.error = set_field(app, ed.field, Value::Text(text)).err();
        app.editing = Some(ed);
    } else if let Some(Modal::MultiLine(m)) = &mut app.modal {
        m.input.insert_str(s);
        let (i, text) = (m.field, m.input.lines().join("\n"));
        let err = set_field(app, i, Value::Text(text)).err();
        if let Some(Modal::MultiLine(m)) = &mut app.modal {
            m.error = err;
        }
    } else if let Some(Modal::Secret(e)) = &mut app.modal {
        secret_editor::on_paste(e, &line);
    } else if let Some(Modal::SecretPrompt(p)) = &mut app.modal {
        secret_prompt::on_paste(p, s);
    } else if let Some(Modal::Ask(d)) = &mut app.modal {
        ask_dialog::on_paste(d, s);
    } else if let Some(Modal::Open(d)) = &mut app.modal
        && let Some(input) = &mut d.path_input
    {
        input.insert_str(&line);
    } else if let Some(Modal::SaveAs(t) | Modal::Search(t)) = &mut app.modal {
        t.insert_str(&line);
    }
}

fn ask_run(app: &mut App) -> Option<Cmd> {
    if running(app) {
        app.screen = Screen::Run;
        return None;
    }
    if app.has_errors() {
        let n = app.issues.iter().filter(|i| i.is_error()).count();
        app.status = Some((
            format!("{n} error(s) in the profile: fix them before running"),
            true,
        ));
        return None;
    }
    app.modal = Some(Modal::ConfirmRun);
    None
}

fn start_run(app: &mut App, resume: bool) -> Option<Cmd> {
    app.refresh_review();
    let plan = app.review.plan.clone()?;
    Some(begin_run(app, plan, resume))
}

/// The run screen takes over for `plan` (the profile's, or its destroy plan), timed from the
/// clock the loop last read.
fn begin_run(app: &mut App, plan: std::sync::Arc<crate::plan::Plan>, resume: bool) -> Cmd {
    app.run.begin(plan.clone(), app.now);
    app.screen = Screen::Run;
    Cmd::StartRun {
        profile: Box::new(app.profile.clone()),
        plan,
        profile_path: app.profile_path.clone(),
        resume,
    }
}

fn abort_if_running(app: &App, cmd: Option<Cmd>) -> Option<Cmd> {
    if running(app) {
        let mut v = vec![Cmd::Abort];
        v.extend(cmd);
        Some(Cmd::Batch(v))
    } else {
        cmd
    }
}

/// A dialog is open: it decides on the key, this applies what it decided.
fn on_modal_key(app: &mut App, k: KeyEvent) -> Option<Cmd> {
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
            save_as::Outcome::Save(path) => Some(Cmd::Save {
                path,
                profile: Box::new(app.profile.clone()),
            }),
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
            secret_prompt::Outcome::Open(status) => {
                if let Some(s) = status {
                    app.status = Some((s, true));
                }
                app.modal = Some(Modal::SecretPrompt(p));
                None
            }
        },
        Modal::Ask(mut d) => match ask_dialog::on_key(&mut d, k) {
            ask_dialog::Outcome::Reply(reply) => Some(Cmd::Reply {
                asked: d.asked,
                reply,
            }),
            ask_dialog::Outcome::Open(status) => {
                if let Some(s) = status {
                    app.status = Some((s, true));
                }
                app.modal = Some(Modal::Ask(d));
                None
            }
        },
        Modal::Open(mut d) => match open_profile::on_key(&mut d, k, app.dirty()) {
            open_profile::Outcome::Open => {
                app.modal = Some(Modal::Open(d));
                None
            }
            open_profile::Outcome::Close => None,
            open_profile::Outcome::Choose(path) => Some(Cmd::OpenProfile { path }),
        },
        Modal::Destroy(mut d) => match destroy_dialog::on_key(&mut d, k, &app.profile.name) {
            destroy_dialog::Outcome::Open(status) => {
                if let Some(s) = status {
                    app.status = Some((s, true));
                }
                app.modal = Some(Modal::Destroy(d));
                None
            }
            destroy_dialog::Outcome::Close => None,
            destroy_dialog::Outcome::Destroy(plan) => Some(begin_run(app, plan, false)),
        },
        Modal::ContextPicker(mut p) => match context_picker::on_key(&mut p, k) {
            context_picker::Outcome::Open => {
                app.modal = Some(Modal::ContextPicker(p));
                None
            }
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

fn on_mouse(app: &mut App, m: crossterm::event::MouseEvent) -> Option<Cmd> {
    if app.modal.is_some() {
        return None;
    }
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    if layout::too_small(area) {
        return None;
    }
    let (x, y) = (m.column, m.row);
    match app.screen {
        Screen::Wizard => {
            let review = app.wizard_step() == WizardStep::Review;
            let l = layout::wizard(area, review);
            match m.kind {
                MouseEventKind::Down(MouseButton::Left) => {
                    if layout::contains(l.steps, x, y) {
                        let row = y.saturating_sub(l.steps.y + 1) as usize;
                        if row < WizardStep::ALL.len() {
                            app.editing = None;
                            select_step(app, row);
                            app.focus = Focus::Steps;
                        }
                    } else if layout::contains(l.list, x, y) {
                        let row = (y - l.list.y) as usize;
                        if review {
                            let i = app.review.scroll + row;
                            if let Some(r) = app.review.rows.get(i)
                                && review_nav::selectable(r)
                            {
                                app.review.selected = i;
                                app.review.preview_scroll = 0;
                            }
                            app.focus = Focus::Form;
                        } else {
                            let lines = form_lines(app);
                            if let Some(FormLine::Field(i) | FormLine::Issue(i, _)) =
                                lines.get(app.form_scroll + row)
                            {
                                if app.editing.as_ref().is_some_and(|e| e.error.is_none()) {
                                    app.editing = None;
                                }
                                if app.editing.is_none() {
                                    app.field = *i;
                                }
                                app.focus = Focus::Form;
                            }
                        }
                    }
                }
                MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                    let d = if m.kind == MouseEventKind::ScrollDown {
                        1
                    } else {
                        -1
                    };
                    if layout::contains(l.steps, x, y) {
                        select_step(app, (app.step as isize + d).max(0) as usize);
                    } else if review && layout::contains(l.detail, x, y) {
                        app.review.preview_scroll =
                            (app.review.preview_scroll as isize + 3 * d).max(0) as usize;
                    } else if !review && app.editing.is_none() {
                        move_field(app, d);
                    }
                }
                _ => {}
            }
        }
        Screen::Run => {
            let l = layout::run(area);
            let pane = if layout::contains(l.log, x, y) {
                Some(Pane::Log)
            } else if layout::contains(l.pods, x, y) {
                Some(Pane::Pods)
            } else if layout::contains(l.ingresses, x, y) {
                Some(Pane::Ingresses)
            } else {
                None
            };
            match m.kind {
                MouseEventKind::Down(MouseButton::Left) if pane.is_some() => {
                    app.run.pane = pane;
                }
                MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                    let d = if m.kind == MouseEventKind::ScrollDown {
                        3
                    } else {
                        -3
                    };
                    if let Some(p) = pane {
                        run_nav::scroll_pane(&mut app.run, app.size, p, d);
                    }
                }
                _ => {}
            }
        }
    }
    None
}

//! `update(&mut App, Msg) -> Option<Cmd>`: every state change of the wizard, routed here to the
//! screen or dialog it concerns. Keys go through the key table (`keys`); an open dialog gets
//! them instead (`modal_keys.rs` applies what it decided), the mouse goes to `mouse.rs`. No I/O
//! here: what needs the outside world leaves as a `Cmd`, and the time comes in with
//! `Msg::Tick`.

use crate::plan::StepId;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, MouseEventKind};

use crate::steps::form::{Kind, Value};
use crate::tui::app::{App, Focus, Modal, Screen, WizardStep};
use crate::tui::common_acts::{
    jump_match, request_quit, running, save, save_as_dialog, start_inline_edit,
};
use crate::tui::dialogs::context_picker;
use crate::tui::dialogs::destroy_dialog;
use crate::tui::dialogs::multiline_editor;
use crate::tui::dialogs::open_profile;
use crate::tui::dialogs::private_jet_clusters;
use crate::tui::dialogs::secret_editor;
use crate::tui::keys::{self, Act};
use crate::tui::msg::{Cmd, Msg};
use crate::tui::screens::form_nav::{
    ensure_field_visible, form_bottom, move_field, select_step, set_field,
};
use crate::tui::screens::key_manager_discovery;
use crate::tui::screens::review_nav;
use crate::tui::screens::run_nav;
use crate::tui::state::cluster_step;
use crate::tui::state::run_state::Pane;
use crate::tui::widgets::text_input::{is_line_break, single_line};

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
    crate::tui::queued_dialog::show_next(app);
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

/// How old (seconds) the Review's diff against the live cluster may get before it is asked again.
const DIFF_EVERY: i64 = 60;

/// The Review's background jobs, asked again when the profile changed while it is on screen,
/// after a run or destroy, and (the diff) once a minute.
fn review_follows_profile(app: &mut App) -> Vec<Cmd> {
    // while a run changes the cluster, a comparison with it would be out of date at once
    if app.wizard_step() != WizardStep::Review || running(app) || app.has_errors() {
        return Vec::new();
    }
    // the cluster changes without kmpilot too: the diff is compared again once a minute
    if let Some(at) = app.review_diff.follow.answered_at
        && app.wall - at >= DIFF_EVERY
        && !app.review_diff.follow.running
    {
        app.review_diff.follow.invalidate();
    }
    let mut v = Vec::new();
    if let Some(generation) =
        crate::tui::state::review_verify::maybe_start(&mut app.review_verify, &app.profile)
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
        Msg::Mouse(m) => crate::tui::mouse::on_mouse(app, m),
        Msg::Paste(s) => on_paste(app, &s),
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
            // the kubeconfig's current context can change under the wizard's feet; an open
            // pod log follows
            let cmds: Vec<Cmd> = crate::tui::target::ask(app, false)
                .into_iter()
                .chain(crate::tui::pod_detail::follow(app))
                .collect();
            match cmds.len() {
                0 => None,
                1 => cmds.into_iter().next(),
                _ => Some(Cmd::Batch(cmds)),
            }
        }
        Msg::PodViewed {
            view,
            namespace,
            name,
            lines,
        } => {
            crate::tui::pod_detail::on_lines(app, view, &namespace, &name, lines);
            None
        }
        Msg::Target { key, target } => {
            crate::tui::target::on_target(app, key, target);
            None
        }
        Msg::Exec(ev) => {
            if matches!(ev, crate::exec::events::Event::RunFinished { .. }) {
                // the run (or destroy) changed the cluster and maybe the files: the Review's
                // verification and diff are computed again, not shown as they were before it
                app.review_verify.follow.invalidate();
                app.review_diff.follow.invalidate();
            }
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
            crate::tui::state::review_verify::on_results(
                &mut app.review_verify,
                generation,
                reports,
                app.wall,
            );
            None
        }
        Msg::Diffed { generation, report } => {
            crate::tui::state::review_diff::on_results(
                &mut app.review_diff,
                generation,
                *report,
                app.wall,
            );
            None
        }
        Msg::ProfileList(r) => {
            if let Some(Modal::Open(d)) = &mut app.modal {
                open_profile::on_list(d, r, app.profile_path.as_deref());
            }
            None
        }
        // the outcome of `Cmd::OpenProfile`: the wizard starts over on the new profile
        Msg::Opened(r) => match r {
            Ok((path, profile)) => {
                app.start_over(*profile, path.clone());
                app.status = Some((format!("opened {}", path.display()), false));
                Some(super::common_acts::read_journal(app))
            }
            Err(e) => {
                app.status = Some((format!("not opened: {e}"), true));
                None
            }
        },
        Msg::Journal(j) => {
            app.journal = (j.profile == app.profile.name).then_some(j);
            app.refresh_review();
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
                Ok((path, saved)) => {
                    let mut s = format!("saved {}", path.display());
                    if app.saved.name != app.profile.name {
                        s.push_str(&format!(" as profile `{}`", app.profile.name));
                    }
                    if saved.layout == crate::profile::save::Layout::Rewritten {
                        s.push_str(" (written whole: the change was more than values in place)");
                    }
                    if !saved.replaced.is_empty() {
                        s.push_str(&format!(
                            " (literal secrets at {} written as prompt: true)",
                            saved.replaced.join(", ")
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
    if app.screen != Screen::Wizard || app.wizard_step() != WizardStep::Step(StepId::Prerequisites)
    {
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
    if app.modal.is_some() || app.run.finished.is_none() || app.run.failure_dismissed {
        return;
    }
    if let Some(step) = app.run.failed
        && let Some(crate::tui::state::run_state::StepProgress {
            state: crate::tui::state::run_state::StepRun::Failed { error, hint, .. },
            ..
        }) = app.run.step(step).cloned()
    {
        app.modal = Some(Modal::StepFailed(
            crate::tui::dialogs::step_failed::StepFailed { step, error, hint },
        ));
    }
}

fn on_key(app: &mut App, k: KeyEvent) -> Option<Cmd> {
    if app.modal.is_some() {
        return crate::tui::modal_keys::on_modal_key(app, k);
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
        Act::Help => app.modal = Some(Modal::Help(Default::default())),
        Act::SaveAs => save_as_dialog(app),
        Act::Destroy => match destroy_dialog::open(running(app), &app.profile) {
            Ok(d) => {
                app.modal = Some(Modal::Destroy(d));
                // the dialog names the target as the kubeconfig says it now
                return crate::tui::target::ask(app, true);
            }
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
            Some(i) => {
                app.modal = Some(Modal::ConfirmRemoveCluster(
                    crate::tui::dialogs::private_jet_clusters::RemoveCluster(i),
                ))
            }
            None => app.status = Some(("move to a cluster's field to remove it".into(), true)),
        },
        // typing into a field: `on_edit_key` handles these
        Act::Accept | Act::Cancel | Act::AcceptAndMove | Act::Cursor | Act::ClearField => {}
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
        Act::Search => {
            app.modal = Some(Modal::Search(crate::tui::dialogs::log_search::LogSearch {
                input: single_line(""),
            }))
        }
        Act::NextMatch => jump_match(app, true, false),
        Act::PrevMatch => jump_match(app, false, false),
        Act::BackToWizard => {
            app.screen = Screen::Wizard;
            app.focus = Focus::Steps;
        }
        Act::Summary => app.run.summary_open = true,
        Act::Decide => {
            app.run.failure_dismissed = false;
            show_failure(app);
        }
        Act::FilterLog => app.run.cycle_log_step(),
        Act::Details => app.modal = Some(Modal::Detail(crate::tui::details_of::details(app))),
        Act::PodLogs => {
            return crate::tui::pod_detail::open(app, crate::tui::dialogs::detail::PodView::Logs);
        }
        Act::PodDescribe => {
            return crate::tui::pod_detail::open(
                app,
                crate::tui::dialogs::detail::PodView::Describe,
            );
        }
        Act::PodEvents => {
            return crate::tui::pod_detail::open(app, crate::tui::dialogs::detail::PodView::Events);
        }
        Act::CloseSummary => app.run.summary_open = false,
        Act::Prove => return crate::tui::common_acts::start_proof(app),
    }
    None
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
        Some(Act::ClearField) => ed.input = crate::tui::widgets::text_input::single_line(""),
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

fn on_paste(app: &mut App, s: &str) -> Option<Cmd> {
    if let Some(mut ed) = app.editing.take() {
        ed.input.insert_str(s.lines().next().unwrap_or_default());
        let text = ed.input.lines().join("");
        ed.error = set_field(app, ed.field, Value::Text(text)).err();
        app.editing = Some(ed);
        None
    } else {
        crate::tui::modal_keys::on_modal_paste(app, s)
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
    app.modal = Some(Modal::ConfirmRun(
        crate::tui::dialogs::confirm_run::ConfirmRun,
    ));
    // the dialog names the target as the kubeconfig says it now
    crate::tui::target::ask(app, true)
}

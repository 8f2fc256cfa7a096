//! `update(&mut App, Msg) -> Option<Cmd>`: every state change of the wizard. No I/O here: what
//! needs the outside world leaves as a `Cmd`.

use std::path::PathBuf;
use std::time::{Instant, SystemTime};

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use ratatui::layout::Rect;
use ratatui_textarea::TextArea;

use super::app::{
    App, Focus, FormLine, InlineEdit, Modal, MultiLineEditor, ReviewRow, Screen, SecretEditor,
    SecretSource, WizardStep, form_lines,
};
use super::cluster_step::{self, PickerOutcome};
use super::layout;
use super::msg::{Cmd, Msg};
use super::open_profile;
use super::run_state::Pane;
use super::secret_prompt;
use crate::profile::secret::SecretRef;
use crate::profile::store;
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
    if !app.run.questions.is_empty() {
        secret_prompt::show_next(app);
    }
    if !app.run.asks.is_empty() {
        super::ask_dialog::show_next(app);
    }
    show_failure(app);
    // the Cluster step's checks follow what they depend on, without a key to press
    let checks = if user && !app.should_quit {
        cluster_step::maybe_start(app, false)
    } else {
        None
    };
    // the review's verification follows the profile the same way (and starts on a review
    // opened directly, at the first tick)
    let checks = match (checks, super::review_verify::maybe_start(app)) {
        (Some(a), Some(b)) => Some(Cmd::Batch(vec![a, b])),
        (a, b) => a.or(b),
    };
    match (cmd, checks) {
        (Some(a), Some(b)) => Some(Cmd::Batch(vec![a, b])),
        (a, b) => a.or(b),
    }
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
        Msg::Tick => {
            app.now = Instant::now();
            app.wall = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(app.wall);
            None
        }
        Msg::Exec(ev) => {
            app.now = Instant::now();
            app.run.apply(ev, app.now);
            // the failure dialog opens now, or once the dialog in its way is closed
            // (`show_failure` runs after every message)
            if matches!(app.modal, Some(Modal::Help)) && app.run.failed.is_some() {
                app.modal = None;
            }
            None
        }
        Msg::Watch(w) => {
            use crate::kube::snapshot::WatchUpdate;
            match w {
                WatchUpdate::Pods(s) => app.run.pods = s,
                WatchUpdate::Ingresses(s) => app.run.ingresses = s,
            }
            clamp_pane_scrolls(app);
            None
        }
        Msg::Preflight {
            generation,
            results,
        } => {
            cluster_step::on_results(app, generation, results);
            None
        }
        Msg::Verified {
            generation,
            reports,
        } => {
            super::review_verify::on_results(app, generation, reports);
            None
        }
        Msg::ProfileList(r) => {
            open_profile::on_list(app, r);
            None
        }
        Msg::Opened(r) => {
            open_profile::on_opened(app, r);
            None
        }
        Msg::AskSecret(q) => {
            secret_prompt::on_question(app, q);
            None
        }
        Msg::Ask(a) => {
            super::ask_dialog::on_question(app, a);
            None
        }
        Msg::Contexts(r) => {
            cluster_step::on_contexts(app, r);
            None
        }
        Msg::Discovered(r) => {
            on_discovered(app, r);
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

/// Keys a one-line field must not take: a TextArea would add a line (Ctrl-M, Ctrl-J) or an
/// invisible tab.
pub fn is_line_break_or_tab(k: &KeyEvent) -> bool {
    matches!(k.code, KeyCode::Tab | KeyCode::BackTab) || ctrl(k, 'm') || ctrl(k, 'j')
}

fn ctrl(k: &KeyEvent, c: char) -> bool {
    k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char(c)
}

fn on_key(app: &mut App, k: KeyEvent) -> Option<Cmd> {
    if app.modal.is_some() {
        return on_modal_key(app, k);
    }
    if app.editing.is_some() {
        return on_edit_key(app, k);
    }
    app.status = None;
    if ctrl(&k, 'c') || k.code == KeyCode::Char('q') {
        return request_quit(app);
    }
    if ctrl(&k, 's') {
        return save(app);
    }
    if ctrl(&k, 'o') {
        return open_profile::open_dialog(app);
    }
    match k.code {
        KeyCode::Char('?') | KeyCode::F(1) => {
            app.modal = Some(Modal::Help);
            return None;
        }
        KeyCode::Char('S') => {
            open_save_as(app);
            return None;
        }
        _ => {}
    }
    match app.screen {
        Screen::Run => on_run_key(app, k),
        Screen::Wizard => match app.focus {
            Focus::Steps => on_steps_key(app, k),
            Focus::Form if app.wizard_step() == WizardStep::Review => on_review_key(app, k),
            Focus::Form => on_form_key(app, k),
        },
    }
}

pub fn request_quit(app: &mut App) -> Option<Cmd> {
    if app.dirty() || (app.run.active && app.run.finished.is_none()) {
        app.modal = Some(Modal::QuitGuard);
        None
    } else {
        app.should_quit = true;
        Some(Cmd::Quit)
    }
}

fn save(app: &mut App) -> Option<Cmd> {
    match app.profile_path.clone() {
        Some(path) => Some(Cmd::Save {
            path,
            profile: Box::new(app.profile.clone()),
        }),
        None => {
            open_save_as(app);
            None
        }
    }
}

fn open_save_as(app: &mut App) {
    let mut t = TextArea::new(vec![app.profile.name.clone()]);
    t.move_cursor(ratatui_textarea::CursorMove::End);
    app.modal = Some(Modal::SaveAs(t));
}

/// A store name, or a path when it looks like one.
pub fn save_as_path(input: &str) -> PathBuf {
    let t = input.trim();
    if t.contains('/') || t.ends_with(".yaml") || t.ends_with(".yml") {
        PathBuf::from(t)
    } else {
        store::path_for(t)
    }
}

pub fn select_step(app: &mut App, idx: usize) {
    let idx = idx.min(WizardStep::ALL.len() - 1);
    if idx != app.step {
        app.step = idx;
        app.field = 0;
        app.form_scroll = 0;
    }
    app.visited[idx] = true;
    app.revalidate();
    if app.wizard_step() == WizardStep::Review && app.review.plan.is_none() {
        app.refresh_review();
    }
}

fn on_steps_key(app: &mut App, k: KeyEvent) -> Option<Cmd> {
    match k.code {
        KeyCode::Up | KeyCode::Char('k') => select_step(app, app.step.saturating_sub(1)),
        KeyCode::Down | KeyCode::Char('j') => select_step(app, app.step + 1),
        KeyCode::Home => select_step(app, 0),
        KeyCode::End => select_step(app, WizardStep::ALL.len() - 1),
        KeyCode::Enter | KeyCode::Right | KeyCode::Char('l') | KeyCode::Tab => {
            app.focus = Focus::Form;
            app.visited[app.step] = true;
        }
        _ => {}
    }
    None
}

fn move_field(app: &mut App, delta: isize) {
    if app.fields.is_empty() {
        return;
    }
    let n = app.fields.len() as isize;
    app.field = (app.field as isize + delta).clamp(0, n - 1) as usize;
    ensure_field_visible(app);
}

/// The form scrolled as far down as it goes: its last rows at the bottom of the list.
pub fn form_bottom(app: &App) -> usize {
    form_lines(app)
        .len()
        .saturating_sub(layout::list_height(app.size, false))
}

pub fn ensure_field_visible(app: &mut App) {
    let h = layout::list_height(app.size, false);
    let lines = form_lines(app);
    let Some(pos) = lines.iter().position(|x| *x == FormLine::Field(app.field)) else {
        return;
    };
    // keep the field's group heading and its issues in view when there is room
    let start = if pos > 0 && matches!(lines[pos - 1], FormLine::Group(_)) {
        pos - 1
    } else {
        pos
    };
    let mut end = pos;
    while end + 1 < lines.len() && matches!(lines[end + 1], FormLine::Issue(..)) {
        end += 1;
    }
    if app.field + 1 == app.fields.len() {
        // the last field brings what follows the fields (the live checks) into view
        end = lines.len() - 1;
    }
    if start < app.form_scroll {
        app.form_scroll = start;
    } else if end >= app.form_scroll + h {
        app.form_scroll = (end + 1).saturating_sub(h).min(start);
    }
    let max = lines.len().saturating_sub(h);
    app.form_scroll = app.form_scroll.min(max.max(start.min(max)));
}

fn on_form_key(app: &mut App, k: KeyEvent) -> Option<Cmd> {
    let kind = app.fields.get(app.field).map(|f| f.kind.clone());
    match k.code {
        KeyCode::Up | KeyCode::Char('k') => move_field(app, -1),
        KeyCode::Down | KeyCode::Char('j') => move_field(app, 1),
        KeyCode::PageUp => move_field(app, -10),
        KeyCode::PageDown => move_field(app, 10),
        KeyCode::Home => move_field(app, -10_000),
        KeyCode::End if app.field + 1 == app.fields.len() => {
            // End again: all that follows the last field (the Cluster step's checks)
            app.form_scroll = form_bottom(app);
        }
        KeyCode::End => move_field(app, 10_000),
        KeyCode::Tab | KeyCode::BackTab | KeyCode::Esc => app.focus = Focus::Steps,
        KeyCode::Char(']') => {
            select_step(app, app.step + 1);
        }
        KeyCode::Char('[') => {
            select_step(app, app.step.saturating_sub(1));
        }
        KeyCode::Left | KeyCode::Char('h') => match kind {
            Some(Kind::Choice(_)) => cycle_choice(app, -1),
            _ => app.focus = Focus::Steps,
        },
        KeyCode::Right | KeyCode::Char('l') => {
            if let Some(Kind::Choice(_)) = kind {
                cycle_choice(app, 1)
            }
        }
        KeyCode::Char(' ') => match kind {
            Some(Kind::Bool) => toggle(app),
            Some(Kind::Choice(_)) => cycle_choice(app, 1),
            _ => {}
        },
        KeyCode::Enter => match kind {
            Some(Kind::Bool) => toggle(app),
            Some(Kind::Choice(_)) => cycle_choice(app, 1),
            Some(Kind::Text) if app.fields[app.field].picks_context => {
                return cluster_step::open_picker(app);
            }
            Some(Kind::Text) | Some(Kind::Number) => start_inline_edit(app),
            Some(Kind::Secret { optional }) => open_secret_editor(app, optional),
            Some(Kind::MultiLine) => open_multiline(app),
            None => {}
        },
        KeyCode::Char('c') if app.wizard_step() == WizardStep::Cluster => {
            return cluster_step::maybe_start(app, true);
        }
        KeyCode::Char('D') if app.wizard_step() == WizardStep::KeyManager => {
            let f = crate::steps::key_manager::fields(&app.profile);
            app.status = Some((format!("discovering {} …", f.well_known), false));
            return Some(Cmd::Discover {
                url: f.well_known,
                tls: crate::steps::key_manager::tls_policy(&app.profile),
            });
        }
        KeyCode::Char('A') if app.wizard_step() == WizardStep::KeyManager => adopt_discovered(app),
        KeyCode::Char('a') if app.wizard_step() == WizardStep::PrivateJet => {
            let i = crate::steps::private_jet::add_cluster(&mut app.profile);
            app.revalidate();
            if let Some(pos) = app
                .fields
                .iter()
                .position(|f| f.group.as_deref() == Some(&format!("Cluster {}", i + 1)))
            {
                app.field = pos;
            }
            ensure_field_visible(app);
            app.status = Some((format!("added cluster {}", i + 1), false));
        }
        KeyCode::Char('d') if app.wizard_step() == WizardStep::PrivateJet => {
            if let Some(i) = app.focused_cluster() {
                app.modal = Some(Modal::ConfirmRemoveCluster(i));
            } else {
                app.status = Some(("move to a cluster's field to remove it".into(), true));
            }
        }
        _ => {}
    }
    None
}

/// Sets field `i` and re-validates; a value the field rejects leaves the profile as it was.
fn set_field(app: &mut App, i: usize, v: Value) -> Result<(), String> {
    let Some(f) = app.fields.get(i).cloned() else {
        return Ok(());
    };
    let r = f.set(&mut app.profile, v);
    app.revalidate();
    r
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

fn single_line(text: &str) -> TextArea<'static> {
    let mut t = TextArea::new(vec![text.to_string()]);
    t.move_cursor(ratatui_textarea::CursorMove::End);
    t
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

fn on_edit_key(app: &mut App, k: KeyEvent) -> Option<Cmd> {
    let mut ed = app.editing.take()?;
    match k.code {
        KeyCode::Esc => {
            app.profile = *ed.original;
            app.revalidate();
            return None;
        }
        KeyCode::Enter | KeyCode::Tab => {
            if ed.error.is_some() {
                app.editing = Some(ed);
                return None;
            }
            if k.code == KeyCode::Tab {
                move_field(app, 1);
            }
            return None;
        }
        KeyCode::Up | KeyCode::Down => {
            if ed.error.is_none() {
                move_field(app, if k.code == KeyCode::Up { -1 } else { 1 });
                return None;
            }
            app.editing = Some(ed);
            return None;
        }
        _ => {
            if ctrl(&k, 'm') || ctrl(&k, 'j') {
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
        e.input.insert_str(&line);
    } else if let Some(Modal::SecretPrompt(p)) = &mut app.modal {
        secret_prompt::on_paste(p, s);
    } else if let Some(Modal::Ask(d)) = &mut app.modal {
        super::ask_dialog::on_paste(d, s);
    } else if let Some(Modal::Open(d)) = &mut app.modal
        && let Some(input) = &mut d.path_input
    {
        input.insert_str(&line);
    } else if let Some(Modal::SaveAs(t) | Modal::Search(t)) = &mut app.modal {
        t.insert_str(&line);
    }
}

fn open_secret_editor(app: &mut App, optional: bool) {
    let Some(f) = app.fields.get(app.field) else {
        return;
    };
    let (source, text) = match f.get(&app.profile) {
        Value::Secret(Some(SecretRef::Env(v))) => (SecretSource::Env, v),
        Value::Secret(Some(SecretRef::File(p))) => (SecretSource::File, p.display().to_string()),
        Value::Secret(Some(SecretRef::Prompt(_))) => (SecretSource::Prompt, String::new()),
        // a literal is never shown again: typing replaces it
        Value::Secret(Some(SecretRef::Literal(_))) => (SecretSource::Literal, String::new()),
        _ => (SecretSource::Unset, String::new()),
    };
    let mut input = single_line(&text);
    if source == SecretSource::Literal {
        input.set_mask_char('•');
    }
    app.modal = Some(Modal::Secret(SecretEditor {
        field: app.field,
        source: if source == SecretSource::Unset && !optional {
            SecretSource::Env
        } else {
            source
        },
        input,
        optional,
        literal_unlocked: source == SecretSource::Literal,
    }));
}

fn open_multiline(app: &mut App) {
    let Some(f) = app.fields.get(app.field) else {
        return;
    };
    let text = f.get(&app.profile).text().to_string();
    let lines: Vec<String> = if text.is_empty() {
        vec![String::new()]
    } else {
        text.lines().map(str::to_string).collect()
    };
    let mut input = TextArea::new(lines);
    input.move_cursor(ratatui_textarea::CursorMove::Bottom);
    input.move_cursor(ratatui_textarea::CursorMove::End);
    app.modal = Some(Modal::MultiLine(MultiLineEditor {
        field: app.field,
        input,
        original: Box::new(app.profile.clone()),
        error: None,
    }));
}

fn on_review_key(app: &mut App, k: KeyEvent) -> Option<Cmd> {
    let n = app.review.rows.len();
    let step = |app: &mut App, d: isize| {
        let mut i = app.review.selected as isize;
        loop {
            i += d;
            if i < 0 || i >= n as isize {
                return;
            }
            if !matches!(
                app.review.rows[i as usize],
                ReviewRow::Header(_) | ReviewRow::ArtifactsHeader | ReviewRow::UrlsHeader
            ) {
                app.review.selected = i as usize;
                app.review.preview_scroll = 0;
                ensure_review_visible(app);
                return;
            }
        }
    };
    match k.code {
        KeyCode::Up | KeyCode::Char('k') => step(app, -1),
        KeyCode::Down | KeyCode::Char('j') => step(app, 1),
        KeyCode::Home => {
            app.review.selected = 0;
            step(app, 1);
        }
        KeyCode::End => {
            app.review.selected = n;
            step(app, -1);
        }
        KeyCode::PageDown | KeyCode::Char('J') => app.review.preview_scroll += 10,
        KeyCode::PageUp | KeyCode::Char('K') => {
            app.review.preview_scroll = app.review.preview_scroll.saturating_sub(10)
        }
        KeyCode::Tab | KeyCode::BackTab | KeyCode::Esc | KeyCode::Left | KeyCode::Char('h') => {
            app.focus = Focus::Steps
        }
        KeyCode::Char('r') | KeyCode::Enter => return ask_run(app),
        _ => {}
    }
    None
}

fn ensure_review_visible(app: &mut App) {
    let h = layout::list_height(app.size, true);
    let s = app.review.selected;
    if s < app.review.scroll {
        app.review.scroll = s.saturating_sub(1);
    } else if s >= app.review.scroll + h {
        app.review.scroll = s + 1 - h;
    }
}

fn ask_run(app: &mut App) -> Option<Cmd> {
    if app.run.active && app.run.finished.is_none() {
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
    app.run.begin(plan.clone(), Instant::now());
    app.screen = Screen::Run;
    Some(Cmd::StartRun {
        profile: Box::new(app.profile.clone()),
        plan,
        profile_path: app.profile_path.clone(),
        resume,
    })
}

fn on_modal_key(app: &mut App, k: KeyEvent) -> Option<Cmd> {
    if let Some(Modal::SecretPrompt(_)) = &app.modal {
        return secret_prompt::on_key(app, k);
    }
    if let Some(Modal::Ask(_)) = &app.modal {
        return super::ask_dialog::on_key(app, k);
    }
    if let Some(Modal::Open(_)) = &app.modal {
        return open_profile::on_key(app, k);
    }
    if let Some(Modal::ContextPicker(_)) = &app.modal {
        if cluster_step::on_picker_key(app, k) == PickerOutcome::TypeByHand {
            start_inline_edit(app);
        }
        return None;
    }
    let modal = app.modal.take()?;
    match modal {
        Modal::Help => {
            if !matches!(
                k.code,
                KeyCode::Esc
                    | KeyCode::Char('?')
                    | KeyCode::Char('q')
                    | KeyCode::Enter
                    | KeyCode::F(1)
            ) {
                app.modal = Some(Modal::Help);
            }
            None
        }
        Modal::QuitGuard => match k.code {
            KeyCode::Char('s') if app.dirty() => {
                app.quit_after_save = true;
                let cmd = save(app);
                if app.modal.is_some() {
                    // no path yet: save-as asks for one first, then quits
                    return None;
                }
                abort_if_running(app, cmd)
            }
            KeyCode::Char('d') | KeyCode::Char('y') => {
                app.should_quit = true;
                abort_if_running(app, Some(Cmd::Quit))
            }
            KeyCode::Esc | KeyCode::Char('n') | KeyCode::Char('c') => None,
            _ => {
                app.modal = Some(Modal::QuitGuard);
                None
            }
        },
        Modal::SaveAs(mut t) => match k.code {
            KeyCode::Esc => {
                app.quit_after_save = false;
                None
            }
            KeyCode::Enter => {
                let name = t.lines().join("");
                if name.trim().is_empty() {
                    app.modal = Some(Modal::SaveAs(t));
                    return None;
                }
                Some(Cmd::Save {
                    path: save_as_path(&name),
                    profile: Box::new(app.profile.clone()),
                })
            }
            _ => {
                if !(ctrl(&k, 'm') || ctrl(&k, 'j')) {
                    t.input(k);
                }
                app.modal = Some(Modal::SaveAs(t));
                None
            }
        },
        Modal::Secret(mut e) => {
            match k.code {
                KeyCode::Esc => return None,
                KeyCode::Enter => match e.value() {
                    Ok(v) => {
                        if let Err(err) = set_field(app, e.field, Value::Secret(v)) {
                            app.status = Some((err, true));
                        }
                        return None;
                    }
                    Err(err) => app.status = Some((err, true)),
                },
                KeyCode::Tab | KeyCode::Down | KeyCode::BackTab | KeyCode::Up => {
                    let s = e.sources();
                    let pos = s.iter().position(|x| *x == e.source).unwrap_or(0);
                    let n = s.len();
                    let next = if matches!(k.code, KeyCode::Tab | KeyCode::Down) {
                        (pos + 1) % n
                    } else {
                        (pos + n - 1) % n
                    };
                    set_source(&mut e, s[next]);
                }
                _ if ctrl(&k, 'l') => {
                    e.literal_unlocked = true;
                    set_source(&mut e, SecretSource::Literal);
                }
                _ => {
                    if matches!(
                        e.source,
                        SecretSource::Env | SecretSource::File | SecretSource::Literal
                    ) && !(ctrl(&k, 'm') || ctrl(&k, 'j'))
                    {
                        e.input.input(k);
                    }
                }
            }
            app.modal = Some(Modal::Secret(e));
            None
        }
        Modal::MultiLine(mut m) => {
            if k.code == KeyCode::Esc {
                if m.error.is_some() {
                    // leave it as it was rather than half-applied
                    app.profile = *m.original;
                    app.revalidate();
                    app.status = Some(("not applied: the text did not parse".into(), true));
                }
                return None;
            }
            if ctrl(&k, 'r') {
                app.profile = (*m.original).clone();
                app.revalidate();
                let text = app
                    .fields
                    .get(m.field)
                    .map(|f| f.get(&app.profile).text().to_string())
                    .unwrap_or_default();
                m.input = TextArea::new(text.lines().map(str::to_string).collect());
                m.error = None;
                app.modal = Some(Modal::MultiLine(m));
                return None;
            }
            m.input.input(k);
            let text = m.input.lines().join("\n");
            m.error = set_field(app, m.field, Value::Text(text)).err();
            app.modal = Some(Modal::MultiLine(m));
            None
        }
        Modal::ConfirmRun => match k.code {
            // with verification errors, the first "y" only makes the dialog ask again
            KeyCode::Char('y') | KeyCode::Char('R') | KeyCode::Enter
                if app.review_verify.errors() > 0 && !app.review_verify.acknowledged =>
            {
                app.review_verify.acknowledged = true;
                app.modal = Some(Modal::ConfirmRun);
                None
            }
            KeyCode::Char('y') | KeyCode::Enter => start_run(app, false),
            KeyCode::Char('R') => start_run(app, true),
            _ => None,
        },
        Modal::ConfirmRemoveCluster(i) => {
            if matches!(k.code, KeyCode::Char('y') | KeyCode::Enter) {
                crate::steps::private_jet::remove_cluster(&mut app.profile, i);
                app.revalidate();
                app.status = Some((format!("removed cluster {}", i + 1), false));
                ensure_field_visible(app);
            }
            None
        }
        Modal::StepFailed { step, error, hint } => match k.code {
            // the run goes on: in progress again from now (not only once the executor says so)
            KeyCode::Char('r') => {
                app.run.failed = None;
                app.run.finished = None;
                Some(Cmd::Retry(step))
            }
            KeyCode::Char('s') => {
                app.run.failed = None;
                app.run.finished = None;
                Some(Cmd::Skip(step))
            }
            KeyCode::Char('a') => {
                app.run.failed = None;
                Some(Cmd::Abort)
            }
            _ => {
                app.modal = Some(Modal::StepFailed { step, error, hint });
                None
            }
        },
        m @ (Modal::ContextPicker(_) | Modal::SecretPrompt(_) | Modal::Open(_) | Modal::Ask(_)) => {
            app.modal = Some(m);
            None
        }
        Modal::Search(mut t) => match k.code {
            KeyCode::Esc => None,
            KeyCode::Enter => {
                let q = t.lines().join("");
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
            _ => {
                if !(ctrl(&k, 'm') || ctrl(&k, 'j')) {
                    t.input(k);
                }
                app.modal = Some(Modal::Search(t));
                None
            }
        },
    }
}

fn abort_if_running(app: &App, cmd: Option<Cmd>) -> Option<Cmd> {
    if app.run.active && app.run.finished.is_none() {
        let mut v = vec![Cmd::Abort];
        v.extend(cmd);
        Some(Cmd::Batch(v))
    } else {
        cmd
    }
}

fn set_source(e: &mut SecretEditor, s: SecretSource) {
    if s != e.source {
        e.source = s;
        e.input = single_line("");
        if s == SecretSource::Literal {
            e.input.set_mask_char('•');
        }
    }
}

fn log_height(app: &App) -> usize {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    layout::inner_height(layout::run(area).log).max(1)
}

/// Moves the log view to the next (or previous) line matching the search.
fn jump_match(app: &mut App, forward: bool, include_current: bool) {
    let Some(q) = app.run.search.clone() else {
        return;
    };
    let h = log_height(app);
    let top = app.run.log_top(h);
    let matches = app.run.matches(&q);
    let target = if forward {
        let from = if include_current { top } else { top + 1 };
        matches.iter().copied().find(|&i| i >= from)
    } else {
        let below = if include_current { top + h } else { top };
        matches.iter().copied().rev().find(|&i| i < below)
    };
    match target {
        Some(i) => app.run.log_scroll = Some(i),
        None => app.status = Some((format!("no more matches for `{q}`"), true)),
    }
}

fn clamp_pane_scrolls(app: &mut App) {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let l = layout::run(area);
    let ph = layout::table_rows(l.pods);
    let ih = layout::table_rows(l.ingresses);
    app.run.pods_scroll = app
        .run
        .pods_scroll
        .min(app.run.pods.rows.len().saturating_sub(ph));
    app.run.ingresses_scroll = app
        .run
        .ingresses_scroll
        .min(app.run.ingresses.rows.len().saturating_sub(ih));
}

fn scroll_pane(app: &mut App, pane: Pane, delta: isize) {
    match pane {
        Pane::Log => {
            let h = log_height(app);
            let max = app.run.shown_len().saturating_sub(h);
            let top = app.run.log_top(h) as isize + delta;
            let top = top.clamp(0, max as isize) as usize;
            app.run.log_scroll = if top >= max { None } else { Some(top) };
        }
        Pane::Pods => {
            app.run.pods_scroll = (app.run.pods_scroll as isize + delta).max(0) as usize;
        }
        Pane::Ingresses => {
            app.run.ingresses_scroll = (app.run.ingresses_scroll as isize + delta).max(0) as usize;
        }
    }
    clamp_pane_scrolls(app);
}

fn on_run_key(app: &mut App, k: KeyEvent) -> Option<Cmd> {
    if app.run.summary_open {
        if matches!(k.code, KeyCode::Enter | KeyCode::Esc) {
            app.run.summary_open = false;
        }
        return None;
    }
    let pane = app.run.pane.unwrap_or(Pane::Log);
    match k.code {
        KeyCode::Tab => {
            app.run.pane = Some(match pane {
                Pane::Log => Pane::Pods,
                Pane::Pods => Pane::Ingresses,
                Pane::Ingresses => Pane::Log,
            })
        }
        KeyCode::BackTab => {
            app.run.pane = Some(match pane {
                Pane::Log => Pane::Ingresses,
                Pane::Pods => Pane::Log,
                Pane::Ingresses => Pane::Pods,
            })
        }
        KeyCode::Up | KeyCode::Char('k') => scroll_pane(app, pane, -1),
        KeyCode::Down | KeyCode::Char('j') => scroll_pane(app, pane, 1),
        KeyCode::PageUp => scroll_pane(app, pane, -20),
        KeyCode::PageDown => scroll_pane(app, pane, 20),
        KeyCode::Home => scroll_pane(app, pane, -1_000_000),
        KeyCode::End => scroll_pane(app, pane, 1_000_000),
        KeyCode::Char('/') => app.modal = Some(Modal::Search(single_line(""))),
        KeyCode::Char('n') => jump_match(app, true, false),
        KeyCode::Char('N') => jump_match(app, false, false),
        KeyCode::Esc | KeyCode::Char('w') => {
            app.screen = Screen::Wizard;
            app.focus = Focus::Steps;
        }
        KeyCode::Char('s') if app.run.finished.is_some() => app.run.summary_open = true,
        KeyCode::Char('f') => app.run.cycle_log_step(),
        _ => {}
    }
    None
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
                                && !matches!(
                                    r,
                                    ReviewRow::Header(_)
                                        | ReviewRow::ArtifactsHeader
                                        | ReviewRow::UrlsHeader
                                )
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
                        scroll_pane(app, p, d);
                    }
                }
                _ => {}
            }
        }
    }
    None
}

/// Shows how the IS well-known document differs from the derived fields; the user decides
/// whether to adopt it (A).
fn on_discovered(app: &mut App, r: Result<Box<crate::http::Discovered>, String>) {
    match r {
        Err(e) => {
            app.discovered = None;
            app.status = Some((format!("discovery failed: {e}"), true));
        }
        Ok(d) => {
            let mut d = d.respecting(&app.profile.key_manager.endpoints);
            // IS publishes public URLs; API-M's server-to-server calls stay on the IS Service
            if let Some((public, in_cluster)) = crate::steps::key_manager::origin_swap(&app.profile)
            {
                d = d.server_calls_at(&public, &in_cluster);
            }
            let diffs = crate::http::diff(&crate::steps::key_manager::fields(&app.profile), &d);
            app.status = Some(match diffs.first() {
                None => ("IS publishes exactly the derived endpoints".into(), false),
                Some(first) => (
                    format!(
                        "IS differs in {} field(s), e.g. {}: {} (derived {}) — A adopts them",
                        diffs.len(),
                        first.field.label(),
                        first.discovered,
                        first.derived
                    ),
                    false,
                ),
            });
            app.discovered = Some(d);
        }
    }
}

/// Writes the discovered values that differ into the profile's endpoint overrides.
fn adopt_discovered(app: &mut App) {
    let Some(d) = app.discovered.take() else {
        app.status = Some(("nothing discovered yet: press D first".into(), true));
        return;
    };
    let diffs = crate::http::diff(&crate::steps::key_manager::fields(&app.profile), &d);
    for df in &diffs {
        *df.field
            .override_mut(&mut app.profile.key_manager.endpoints) = Some(df.discovered.clone());
    }
    app.revalidate();
    app.status = Some((
        format!("adopted {} discovered field(s) as overrides", diffs.len()),
        false,
    ));
}

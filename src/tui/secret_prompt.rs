//! `prompt: true` secrets during a run. The executor resolves every secret before its first
//! step; in the wizard its `Prompter` is `WizardPrompter`, which sends the question to the
//! screen as a message and waits (on a blocking thread, never on the event loop) for the
//! answer the user types into a masked field. Answers live in memory for the session's run, so
//! retry and skip do not ask again; they are never written anywhere.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kmpilot_keystore::Secret;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui_textarea::TextArea;
use tokio::sync::{mpsc, oneshot};

use super::app::{App, Modal};
use super::msg::{Cmd, Msg};

type Reply = oneshot::Sender<Result<Secret, String>>;

/// One question from the executor; answering consumes the reply channel.
#[derive(Clone)]
pub struct SecretQuestion {
    /// The variable the plan knows the secret by (`KEYSTORE_PASSWORD`).
    pub name: String,
    reply: Arc<Mutex<Option<Reply>>>,
}

impl std::fmt::Debug for SecretQuestion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretQuestion")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl SecretQuestion {
    /// A question and the receiver its answer arrives on (tests play the executor with it).
    pub fn new(name: impl Into<String>) -> (Self, oneshot::Receiver<Result<Secret, String>>) {
        let (tx, rx) = oneshot::channel();
        (
            SecretQuestion {
                name: name.into(),
                reply: Arc::new(Mutex::new(Some(tx))),
            },
            rx,
        )
    }

    /// Hands the answer to the waiting executor (`Cmd::Answer`'s side effect).
    pub fn answer(&self, a: Result<Secret, String>) {
        if let Some(tx) = self.reply.lock().ok().and_then(|mut r| r.take()) {
            let _ = tx.send(a);
        }
    }
}

/// The executor's prompter inside the wizard.
pub struct WizardPrompter {
    pub to_screen: mpsc::UnboundedSender<Msg>,
    /// Answers given earlier in this run (retry and skip re-resolve secrets).
    pub answers: Arc<Mutex<HashMap<String, Secret>>>,
}

impl crate::exec::secrets::Prompter for WizardPrompter {
    fn ask(&self, name: &str) -> Result<String, String> {
        if let Some(s) = self.answers.lock().ok().and_then(|a| a.get(name).cloned()) {
            return Ok(s.expose().to_string());
        }
        let (q, rx) = SecretQuestion::new(name);
        self.to_screen
            .send(Msg::AskSecret(q))
            .map_err(|_| "the wizard is gone".to_string())?;
        // only ever called from a blocking thread (see runner::spawn_executor)
        let answer = rx
            .blocking_recv()
            .map_err(|_| "no answer (the run was stopped)".to_string())??;
        if let Ok(mut a) = self.answers.lock() {
            a.insert(name.to_string(), answer.clone());
        }
        Ok(answer.expose().to_string())
    }
}

/// The open prompt.
pub struct SecretPrompt {
    pub question: SecretQuestion,
    pub input: TextArea<'static>,
}

/// A question arrived: ask now, or after the dialog that is open.
pub fn on_question(app: &mut App, q: SecretQuestion) {
    app.run.questions.push_back(q);
    show_next(app);
}

/// Opens the next waiting question when no other dialog is in the way (help gives way).
pub fn show_next(app: &mut App) {
    if !super::queued_dialog::may_open(app) {
        return;
    }
    if let Some(question) = app.run.questions.pop_front() {
        let input = super::queued_dialog::masked_input();
        app.modal = Some(Modal::SecretPrompt(SecretPrompt { question, input }));
    }
}

pub fn on_key(app: &mut App, k: KeyEvent) -> Option<Cmd> {
    let Some(Modal::SecretPrompt(mut p)) = app.modal.take() else {
        return None;
    };
    let cancel = k.code == KeyCode::Esc
        || (k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c'));
    if cancel {
        return Some(Cmd::Answer {
            question: p.question,
            answer: Err("not entered (cancelled in the wizard)".into()),
        });
    }
    if k.code == KeyCode::Enter {
        let value = p.input.lines().join("");
        if value.is_empty() {
            app.status = Some(("type the value, or Esc to cancel the run".into(), true));
            app.modal = Some(Modal::SecretPrompt(p));
            return None;
        }
        return Some(Cmd::Answer {
            question: p.question,
            answer: Ok(Secret::new(value)),
        });
    }
    if !super::text_input::is_line_break_or_tab(&k) {
        p.input.input(k);
    }
    app.modal = Some(Modal::SecretPrompt(p));
    None
}

pub fn on_paste(p: &mut SecretPrompt, s: &str) {
    p.input.insert_str(s.lines().next().unwrap_or_default());
}

pub fn draw(app: &App, p: &SecretPrompt, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let r = super::widgets::centered(area, 70, 9);
    f.render_widget(Clear, r);
    let b = super::widgets::block(t, "Secret needed", true);
    let inner = b.inner(r);
    f.render_widget(b, r);
    let [about, _, field, _, keys] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::raw("The profile says "),
            Span::styled("prompt: true", t.warn()),
            Span::raw(" for "),
            Span::styled(p.question.name.clone(), t.title()),
            Span::raw(". It is kept in memory for this run only."),
        ]))
        .wrap(Wrap { trim: false }),
        about,
    );
    let [label, input] =
        Layout::horizontal([Constraint::Length(8), Constraint::Min(1)]).areas(field);
    f.render_widget(Paragraph::new(Span::styled("value ›", t.label())), label);
    let mut shown = p.input.clone();
    shown.set_cursor_line_style(ratatui::style::Style::default());
    shown.set_style(t.input());
    f.render_widget(&shown, input);
    f.render_widget(
        Paragraph::new(super::widgets::key_line(
            t,
            &[("Enter", "use"), ("Esc", "cancel the run")],
        )),
        keys,
    );
}

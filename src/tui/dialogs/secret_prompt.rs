//! `prompt: true` secrets during a run: the question the executor sends (through
//! `executor_questions::WizardPrompter`) and the dialog where the user types the answer into a
//! masked field. The dialog decides on its keys from its own state and says what it decided;
//! the router hands the answer to the waiting executor. Answers live in memory for the
//! session's run, so retry and skip do not ask again; they are never written anywhere.

use crate::util::secret::Secret;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui_textarea::TextArea;

use crate::tui::dialogs::dialog::{Ctx, Dialog, Effect, Reply as DialogReply};
pub use crate::tui::state::executor_question::SecretQuestion;
use crate::tui::widgets::theme::Theme;

/// The open prompt.
pub struct SecretPrompt {
    pub question: SecretQuestion,
    pub input: TextArea<'static>,
}

/// The dialog for `question`.
pub fn open(question: SecretQuestion) -> SecretPrompt {
    let input = crate::tui::widgets::text_input::masked();
    SecretPrompt { question, input }
}

/// What a key decided.
#[derive(Debug)]
pub enum Outcome {
    /// Still open, with what the status line should say (Enter on an empty value).
    Open(Option<String>),
    /// The answer, or the refusal, for the waiting executor; the dialog closes.
    Answer(Result<Secret, String>),
}

pub fn on_key(p: &mut SecretPrompt, k: KeyEvent) -> Outcome {
    let cancel = k.code == KeyCode::Esc
        || (k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c'));
    if cancel {
        return Outcome::Answer(Err("not entered (cancelled in the wizard)".into()));
    }
    if k.code == KeyCode::Enter {
        let value = p.input.lines().join("");
        if value.is_empty() {
            return Outcome::Open(Some("type the value, or Esc to cancel the run".into()));
        }
        return Outcome::Answer(Ok(Secret::new(value)));
    }
    if !crate::tui::widgets::text_input::is_line_break_or_tab(&k) {
        p.input.input(k);
    }
    Outcome::Open(None)
}

pub fn on_paste(p: &mut SecretPrompt, s: &str) {
    p.input.insert_str(s.lines().next().unwrap_or_default());
}

pub fn draw(t: &Theme, p: &SecretPrompt, f: &mut Frame, area: Rect) {
    let r = crate::tui::widgets::blocks::centered(area, 70, 9);
    f.render_widget(Clear, r);
    let b = crate::tui::widgets::blocks::block(t, "Secret needed", true);
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
        Paragraph::new(crate::tui::widgets::blocks::key_line(
            t,
            &[("Enter", "use"), ("Esc", "cancel the run")],
        )),
        keys,
    );
}

impl Dialog for SecretPrompt {
    fn on_key(&mut self, _cx: &Ctx, k: KeyEvent) -> DialogReply {
        match on_key(self, k) {
            Outcome::Answer(answer) => {
                DialogReply::close().with(Effect::AnswerSecret(self.question.clone(), answer))
            }
            Outcome::Open(warning) => DialogReply::stay_warning(warning),
        }
    }

    fn draw(&self, cx: &Ctx, f: &mut Frame, area: Rect) {
        draw(cx.theme, self, f, area)
    }

    fn on_paste(&mut self, text: &str) -> Vec<Effect> {
        on_paste(self, text);
        Vec::new()
    }
}

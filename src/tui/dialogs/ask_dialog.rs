//! The executor's questions in the middle of a run (`exec::ask`), as a dialog: writing the
//! hosts file through sudo (the exact command shown, sudo's password typed into a masked
//! field), recovering a Helm release an interrupted run left pending. The question arrives
//! through `executor_questions::WizardAsker`; the dialog decides on its keys from its own state
//! and says what it decided, and the router hands the reply to the waiting executor. The
//! password goes from the field to the executor and nowhere else.

use crate::util::secret::Secret;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui_textarea::TextArea;

use crate::exec::ask::Reply;
use crate::tui::dialogs::dialog::{Ctx, Dialog, Effect, Reply as DialogReply};
pub use crate::tui::state::executor_question::Asked;
use crate::tui::widgets::theme::Theme;

/// The open dialog.
pub struct AskDialog {
    pub asked: Asked,
    /// The masked password field, when the question has one.
    pub input: Option<TextArea<'static>>,
}

/// The dialog for `asked`, with a masked field when the question wants a password.
pub fn open(asked: Asked) -> AskDialog {
    let input = asked
        .question
        .password
        .as_ref()
        .map(|_| crate::tui::widgets::text_input::masked());
    AskDialog { asked, input }
}

/// What a key decided.
#[derive(Debug)]
pub enum Outcome {
    /// Still open, with what the status line should say (Enter before a password is typed).
    Open(Option<String>),
    /// The reply for the waiting executor; the dialog closes.
    Reply(Reply),
}

pub fn on_key(d: &mut AskDialog, k: KeyEvent) -> Outcome {
    let ctrl_c = k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c');
    if k.code == KeyCode::Esc || ctrl_c {
        return Outcome::Reply(Reply::No);
    }
    match (&mut d.input, k.code) {
        // with a password field every character is typed into it: Enter answers yes
        (Some(input), KeyCode::Enter) => {
            let value = input.lines().join("");
            if value.is_empty() {
                return Outcome::Open(Some("type the password, or Esc for no".into()));
            }
            Outcome::Reply(Reply::Yes {
                password: Some(Secret::new(value)),
            })
        }
        (Some(input), _) => {
            if !crate::tui::widgets::text_input::is_line_break_or_tab(&k) {
                input.input(k);
            }
            Outcome::Open(None)
        }
        (None, KeyCode::Enter | KeyCode::Char('y')) => {
            Outcome::Reply(Reply::Yes { password: None })
        }
        (None, KeyCode::Char('n')) => Outcome::Reply(Reply::No),
        (None, _) => Outcome::Open(None),
    }
}

pub fn on_paste(d: &mut AskDialog, s: &str) {
    if let Some(input) = &mut d.input {
        input.insert_str(s.lines().next().unwrap_or_default());
    }
}

pub fn draw(t: &Theme, d: &AskDialog, f: &mut Frame, area: Rect) {
    let q = &d.asked.question;
    // as wide as the screen allows: the command should fit on one line, to copy it whole
    let w = area.width.saturating_sub(4);
    // wrapped text: a rough count of the rows it takes inside the borders
    let inner_w = w.saturating_sub(2).max(1) as usize;
    let rows: usize = q
        .text
        .iter()
        .map(|l| l.chars().count().div_ceil(inner_w).max(1))
        .sum();
    let extra = if d.input.is_some() { 4 } else { 2 };
    let h = ((rows + extra + 2) as u16).min(area.height);
    let r = crate::tui::widgets::blocks::centered(area, w, h);
    f.render_widget(Clear, r);
    let b = crate::tui::widgets::blocks::block(t, q.title.clone(), true);
    let inner = b.inner(r);
    f.render_widget(b, r);
    let mut lines: Vec<Line> = q.text.iter().map(|l| Line::from(l.clone())).collect();
    lines.push(Line::from(""));
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        Rect {
            height: inner.height.saturating_sub(extra as u16),
            ..inner
        },
    );
    let bottom = inner.y + inner.height.saturating_sub(extra as u16);
    let mut y = bottom;
    if let (Some(input), Some(label)) = (&d.input, &q.password) {
        let label = format!("{label} › ");
        let lw = label.chars().count() as u16;
        f.render_widget(
            Paragraph::new(Span::styled(label, t.label())),
            Rect::new(inner.x, y, lw.min(inner.width), 1),
        );
        let mut shown = input.clone();
        shown.set_cursor_line_style(ratatui::style::Style::default());
        shown.set_style(t.input());
        f.render_widget(
            &shown,
            Rect::new(inner.x + lw, y, inner.width.saturating_sub(lw), 1),
        );
        y += 2;
    }
    let keys: Vec<(&str, &str)> = if d.input.is_some() {
        vec![("Enter", q.yes.as_str()), ("Esc", "no")]
    } else {
        vec![("y/Enter", q.yes.as_str()), ("n/Esc", "no")]
    };
    f.render_widget(
        Paragraph::new(crate::tui::widgets::blocks::key_line(t, &keys)),
        Rect::new(
            inner.x,
            y.min(inner.y + inner.height.saturating_sub(1)),
            inner.width,
            1,
        ),
    );
}

impl Dialog for AskDialog {
    fn on_key(&mut self, _cx: &Ctx, k: KeyEvent) -> DialogReply {
        match on_key(self, k) {
            Outcome::Reply(reply) => {
                DialogReply::close().with(Effect::Reply(self.asked.clone(), reply))
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

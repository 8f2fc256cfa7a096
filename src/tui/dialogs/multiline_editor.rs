//! The multi-line editor for YAML/TOML fields: applied as the user types (the field's parser says
//! at once what is wrong), Esc leaves it, Ctrl-R reverts to what it held when it opened.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui_textarea::TextArea;

use crate::profile::Profile;
use crate::steps::form::Value;
use crate::tui::dialogs::dialog::{Ctx, Dialog, Effect, Reply};
use crate::tui::widgets::blocks::{block, centered, key_line};
use crate::tui::widgets::text_input::ctrl;
use crate::tui::widgets::theme::Theme;

pub struct MultiLineEditor {
    pub field: usize,
    pub input: TextArea<'static>,
    pub original: Box<Profile>,
    pub error: Option<String>,
}

/// The editor for field `field` holding `text`; `original` is the profile Esc on a parse error
/// and Ctrl-R go back to.
pub fn open(field: usize, text: &str, original: Profile) -> MultiLineEditor {
    let lines: Vec<String> = if text.is_empty() {
        vec![String::new()]
    } else {
        text.lines().map(str::to_string).collect()
    };
    let mut input = TextArea::new(lines);
    input.move_cursor(ratatui_textarea::CursorMove::Bottom);
    input.move_cursor(ratatui_textarea::CursorMove::End);
    MultiLineEditor {
        field,
        input,
        original: Box::new(original),
        error: None,
    }
}

pub enum Outcome {
    Done,
    Revert,
    /// The text changed: apply it to the field.
    Edited(String),
}

pub fn on_key(m: &mut MultiLineEditor, k: KeyEvent) -> Outcome {
    if k.code == crossterm::event::KeyCode::Esc {
        return Outcome::Done;
    }
    if ctrl(&k, 'r') {
        return Outcome::Revert;
    }
    m.input.input(k);
    Outcome::Edited(m.input.lines().join("\n"))
}

/// The field's text again after a revert.
pub fn reset(m: &mut MultiLineEditor, text: &str) {
    m.input = TextArea::new(text.lines().map(str::to_string).collect());
    m.error = None;
}

pub const KEYS: &[(&str, &str)] = &[
    ("Esc", "done"),
    ("Ctrl-R", "revert"),
    ("Ctrl-Z/Ctrl-Y", "undo/redo"),
];

/// What the editor shows about its field.
pub struct View<'a> {
    pub label: &'a str,
    pub path: String,
    pub help: &'a str,
    /// The field's first issue from validation: message and whether it is an error.
    pub issue: Option<(&'a str, bool)>,
}

pub fn draw(t: &Theme, m: &MultiLineEditor, v: View, f: &mut Frame, area: Rect) {
    let r = centered(
        area,
        area.width.saturating_sub(8),
        area.height.saturating_sub(4),
    );
    f.render_widget(Clear, r);
    let b = block(t, format!("{} — {}", v.label, v.path), true);
    let inner = b.inner(r);
    f.render_widget(b, r);
    let [help, text, err, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    f.render_widget(
        Paragraph::new(Span::styled(v.help.to_string(), t.dim())),
        help,
    );
    f.render_widget(&m.input, text);
    let e = match (&m.error, v.issue) {
        (Some(e), _) => Line::from(Span::styled(format!("✗ {e}"), t.error())),
        (None, Some((msg, error))) => Line::from(Span::styled(
            format!("✗ {msg}"),
            if error { t.error() } else { t.warn() },
        )),
        _ => Line::from(Span::styled("✓ applied as you type", t.ok())),
    };
    f.render_widget(Paragraph::new(e), err);
    f.render_widget(Paragraph::new(key_line(t, KEYS)), keys);
}

impl Dialog for MultiLineEditor {
    fn on_key(&mut self, cx: &Ctx, k: KeyEvent) -> Reply {
        match on_key(self, k) {
            // leave the profile as it was rather than half-applied
            Outcome::Done if self.error.is_some() => Reply::close()
                .with(Effect::RestoreProfile(self.original.clone()))
                .with(Effect::Status(
                    "not applied: the text did not parse".into(),
                    true,
                )),
            Outcome::Done => Reply::close(),
            Outcome::Revert => {
                let text = cx
                    .fields
                    .get(self.field)
                    .map(|f| f.get(&self.original).text().to_string())
                    .unwrap_or_default();
                reset(self, &text);
                Reply::stay().with(Effect::RestoreProfile(self.original.clone()))
            }
            Outcome::Edited(text) => {
                Reply::stay().with(Effect::EditField(self.field, Value::Text(text)))
            }
        }
    }

    fn draw(&self, cx: &Ctx, f: &mut Frame, area: Rect) {
        let field = cx.fields.get(self.field);
        let issue = field.and_then(|fd| fd.issues(cx.issues).next());
        let view = View {
            label: &cx.label(self.field),
            path: field.map(|f| f.path.to_string()).unwrap_or_default(),
            help: field.map(|f| f.help.as_str()).unwrap_or_default(),
            issue: issue.map(|i| (i.message.as_str(), i.is_error())),
        };
        draw(cx.theme, self, view, f, area)
    }

    fn hints(&self, _cx: &Ctx) -> Option<&'static [(&'static str, &'static str)]> {
        Some(KEYS)
    }

    fn on_paste(&mut self, text: &str) -> Vec<Effect> {
        self.input.insert_str(text);
        vec![Effect::EditField(
            self.field,
            Value::Text(self.input.lines().join("\n")),
        )]
    }

    fn field_result(&mut self, error: Option<String>) {
        self.error = error;
    }
}

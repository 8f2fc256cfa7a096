//! The secret editor: where a secret field's value comes from (an environment variable, a file,
//! a prompt when the plan runs, or — asked for with Ctrl-L — a literal that is never saved).

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui_textarea::TextArea;

use crate::profile::secret::SecretRef;
use crate::steps::form::Value;
use crate::tui::dialogs::dialog::{Ctx, Dialog, Effect, Reply, first_line};
use crate::tui::widgets::blocks::{block, centered, key_line};
use crate::tui::widgets::text_input::{ctrl, is_line_break, single_line};
use crate::tui::widgets::theme::Theme;

/// Where a secret comes from, as the secret editor offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretSource {
    Env,
    File,
    Prompt,
    Literal,
    /// Optional secrets only: use the fallback.
    Unset,
}

impl SecretSource {
    pub fn label(self) -> &'static str {
        match self {
            SecretSource::Env => "environment variable",
            SecretSource::File => "file",
            SecretSource::Prompt => "prompt when the plan runs",
            SecretSource::Literal => "literal value (not saved)",
            SecretSource::Unset => "not set (use the default)",
        }
    }
}

pub struct SecretEditor {
    pub field: usize,
    pub source: SecretSource,
    pub input: TextArea<'static>,
    pub optional: bool,
    /// Literal entry was explicitly asked for (Ctrl-L).
    pub literal_unlocked: bool,
}

impl SecretEditor {
    pub fn sources(&self) -> Vec<SecretSource> {
        let mut v = vec![SecretSource::Env, SecretSource::File, SecretSource::Prompt];
        if self.literal_unlocked {
            v.push(SecretSource::Literal);
        }
        if self.optional {
            v.push(SecretSource::Unset);
        }
        v
    }

    /// The reference the editor describes now.
    pub fn value(&self) -> Result<Option<SecretRef>, String> {
        let text = self.input.lines().join("");
        let t = text.trim();
        Ok(match self.source {
            SecretSource::Env => {
                if t.is_empty() {
                    return Err("name the environment variable".into());
                }
                Some(SecretRef::Env(t.to_string()))
            }
            SecretSource::File => {
                if t.is_empty() {
                    return Err("name the file".into());
                }
                Some(SecretRef::File(PathBuf::from(t)))
            }
            SecretSource::Prompt => Some(SecretRef::Prompt(true)),
            SecretSource::Literal => Some(SecretRef::Literal(text)),
            SecretSource::Unset => None,
        })
    }
}

/// The editor for field `field` showing its current value. A literal is never shown again:
/// typing replaces it.
pub fn open(field: usize, current: Value, optional: bool) -> SecretEditor {
    let (source, text) = match current {
        Value::Secret(Some(SecretRef::Env(v))) => (SecretSource::Env, v),
        Value::Secret(Some(SecretRef::File(p))) => (SecretSource::File, p.display().to_string()),
        Value::Secret(Some(SecretRef::Prompt(_))) => (SecretSource::Prompt, String::new()),
        Value::Secret(Some(SecretRef::Literal(_))) => (SecretSource::Literal, String::new()),
        _ => (SecretSource::Unset, String::new()),
    };
    let mut input = single_line(&text);
    if source == SecretSource::Literal {
        input.set_mask_char('•');
    }
    SecretEditor {
        field,
        source: if source == SecretSource::Unset && !optional {
            SecretSource::Env
        } else {
            source
        },
        input,
        optional,
        literal_unlocked: source == SecretSource::Literal,
    }
}

pub enum Outcome {
    Cancel,
    Apply(Option<SecretRef>),
    /// The editor stays open (with a message when Enter found the value incomplete).
    Open(Option<String>),
}

pub fn on_key(e: &mut SecretEditor, k: KeyEvent) -> Outcome {
    match k.code {
        KeyCode::Esc => return Outcome::Cancel,
        KeyCode::Enter => {
            return match e.value() {
                Ok(v) => Outcome::Apply(v),
                Err(err) => Outcome::Open(Some(err)),
            };
        }
        KeyCode::Tab | KeyCode::Down | KeyCode::BackTab | KeyCode::Up => {
            let s = e.sources();
            let pos = s.iter().position(|x| *x == e.source).unwrap_or(0);
            let n = s.len();
            let next = if matches!(k.code, KeyCode::Tab | KeyCode::Down) {
                (pos + 1) % n
            } else {
                (pos + n - 1) % n
            };
            set_source(e, s[next]);
        }
        _ if ctrl(&k, 'l') => {
            e.literal_unlocked = true;
            set_source(e, SecretSource::Literal);
        }
        _ => {
            if matches!(
                e.source,
                SecretSource::Env | SecretSource::File | SecretSource::Literal
            ) && !is_line_break(&k)
            {
                e.input.input(k);
            }
        }
    }
    Outcome::Open(None)
}

pub fn on_paste(e: &mut SecretEditor, line: &str) {
    e.input.insert_str(line);
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

pub const KEYS_LITERAL: &[(&str, &str)] =
    &[("Tab", "source"), ("Enter", "apply"), ("Esc", "cancel")];
pub const KEYS: &[(&str, &str)] = &[
    ("Tab", "source"),
    ("Ctrl-L", "literal (not saved)"),
    ("Enter", "apply"),
    ("Esc", "cancel"),
];

/// `env_set`: whether an environment variable of that name is set in this process.
pub fn draw(
    t: &Theme,
    e: &SecretEditor,
    label: &str,
    env_set: &dyn Fn(&str) -> bool,
    f: &mut Frame,
    area: Rect,
) {
    let r = centered(area, 70, 12);
    f.render_widget(Clear, r);
    let b = block(t, format!("Secret: {label}"), true);
    let inner = b.inner(r);
    f.render_widget(b, r);
    let mut lines = vec![Line::from(
        "Where does the value come from when the plan runs?",
    )];
    for s in e.sources() {
        let mark = if s == e.source { "(•) " } else { "( ) " };
        let st = if s == e.source {
            t.selected()
        } else {
            t.base()
        };
        lines.push(Line::from(Span::styled(
            format!("  {mark}{}", s.label()),
            st,
        )));
    }
    let n = lines.len() as u16;
    f.render_widget(
        Paragraph::new(lines),
        Rect {
            height: n.min(inner.height),
            ..inner
        },
    );
    let y = inner.y + n + 1;
    if y + 2 < inner.y + inner.height {
        let what = match e.source {
            SecretSource::Env => Some("variable "),
            SecretSource::File => Some("file     "),
            SecretSource::Literal => Some("value    "),
            _ => None,
        };
        if let Some(what) = what {
            f.render_widget(
                Paragraph::new(Span::styled(what, t.label())),
                Rect::new(inner.x, y, 9, 1),
            );
            f.render_widget(
                &e.input,
                Rect::new(inner.x + 9, y, inner.width.saturating_sub(9), 1),
            );
        }
        // whether the run will find it: said now, not at the prompt mid-run
        let name = e.input.lines().join("");
        let name = name.trim();
        if e.source == SecretSource::Env && !name.is_empty() && y + 3 < inner.y + inner.height {
            let line = if env_set(name) {
                Span::styled(format!("✓ ${name} is set in this shell"), t.ok())
            } else {
                Span::styled(
                    format!("✗ ${name} is not set: export it, then start kmpilot again"),
                    t.warn(),
                )
            };
            f.render_widget(
                Paragraph::new(line),
                Rect::new(inner.x + 9, y + 1, inner.width.saturating_sub(9), 1),
            );
        }
        let keys = key_line(
            t,
            if e.literal_unlocked {
                KEYS_LITERAL
            } else {
                KEYS
            },
        );
        f.render_widget(
            Paragraph::new(keys),
            Rect::new(inner.x, inner.y + inner.height - 1, inner.width, 1),
        );
    }
}

impl Dialog for SecretEditor {
    fn on_key(&mut self, _cx: &Ctx, k: KeyEvent) -> Reply {
        match on_key(self, k) {
            Outcome::Cancel => Reply::close(),
            Outcome::Apply(v) => {
                Reply::close().with(Effect::SetField(self.field, Value::Secret(v)))
            }
            Outcome::Open(err) => Reply::stay_warning(err),
        }
    }

    fn draw(&self, cx: &Ctx, f: &mut Frame, area: Rect) {
        let env_set = |n: &str| cx.env_names.contains(n);
        draw(cx.theme, self, &cx.label(self.field), &env_set, f, area)
    }

    fn on_paste(&mut self, text: &str) -> Vec<Effect> {
        on_paste(self, first_line(text));
        Vec::new()
    }
}

//! The Cluster step's kubeconfig context picker: the kubeconfig's contexts (read by the loop,
//! `Cmd::LoadContexts`), "leave empty" first. It decides on its keys from its own state and says
//! what was chosen; the router sets the field.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::kube::KubeContexts;
use crate::steps::form::Value;
use crate::tui::dialogs::dialog::{Ctx, Dialog, Effect, Reply};
use crate::tui::widgets::theme::Theme;

pub struct ContextPicker {
    /// The field the choice goes into.
    pub field: usize,
    pub loaded: Option<Result<KubeContexts, String>>,
    /// 0 is "leave empty"; `i + 1` is context `i`.
    pub selected: usize,
}

impl ContextPicker {
    fn len(&self) -> usize {
        1 + match &self.loaded {
            Some(Ok(l)) => l.contexts.len(),
            _ => 0,
        }
    }
}

/// The picker for `field`, still without the kubeconfig's contexts.
pub fn open(field: usize) -> ContextPicker {
    ContextPicker {
        field,
        loaded: None,
        selected: 0,
    }
}

/// The contexts arrived: `current` (the field's value) is selected when it is one of them.
pub fn on_contexts(p: &mut ContextPicker, r: Result<KubeContexts, String>, current: &str) {
    p.selected = match &r {
        Ok(l) => l
            .contexts
            .iter()
            .position(|c| c.name == current)
            .map_or(0, |i| i + 1),
        Err(_) => 0,
    };
    p.loaded = Some(r);
}

/// What a key decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Open,
    Closed,
    /// The user types the name instead.
    TypeByHand,
    /// Set field `field` to `name` (empty: the kubeconfig's current context).
    Chosen {
        field: usize,
        name: String,
    },
}

pub fn on_key(p: &mut ContextPicker, k: KeyEvent) -> Outcome {
    let n = p.len();
    match k.code {
        KeyCode::Up | KeyCode::Char('k') => p.selected = p.selected.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => p.selected = (p.selected + 1).min(n - 1),
        KeyCode::Home => p.selected = 0,
        KeyCode::End => p.selected = n - 1,
        KeyCode::Esc => return Outcome::Closed,
        KeyCode::Char('e') => return Outcome::TypeByHand,
        KeyCode::Enter => {
            let name = match (&p.loaded, p.selected) {
                (_, 0) => String::new(),
                (Some(Ok(l)), i) => l.contexts[i - 1].name.clone(),
                _ => return Outcome::Open,
            };
            return Outcome::Chosen {
                field: p.field,
                name,
            };
        }
        _ => {}
    }
    Outcome::Open
}

/// The status line once field `label` got `name`.
pub fn chosen_status(label: &str, name: &str) -> String {
    if name.is_empty() {
        format!("{label}: the default")
    } else {
        format!("{label}: {name}")
    }
}

/// `default`: what the field's empty value means (its own default, if it has one).
pub fn draw(t: &Theme, p: &ContextPicker, default: Option<String>, f: &mut Frame, area: Rect) {
    let default = default.unwrap_or_else(|| "(current context)".into());
    let mut lines: Vec<Line> = Vec::new();
    let mut items: Vec<(String, String)> = vec![(default, "leave empty".into())];
    match &p.loaded {
        None => lines.push(Line::from(Span::styled("reading the kubeconfig…", t.dim()))),
        Some(Err(e)) => {
            lines.push(Line::from(Span::styled(e.clone(), t.error())));
            lines.push(Line::from(Span::styled(
                "set Kubeconfig (or KUBECONFIG), or press e and type the name",
                t.dim(),
            )));
        }
        Some(Ok(l)) => {
            lines.push(Line::from(vec![
                Span::styled("from ", t.dim()),
                Span::raw(l.source.clone()),
            ]));
            for c in &l.contexts {
                let mut about = c.server.clone();
                if let Some(ns) = &c.namespace {
                    about.push_str(&format!("  ns {ns}"));
                }
                if l.current.as_deref() == Some(c.name.as_str()) {
                    about.push_str("  (current)");
                }
                items.push((c.name.clone(), about));
            }
        }
    }
    lines.push(Line::from(""));
    let w = items
        .iter()
        .map(|i| i.0.chars().count())
        .max()
        .unwrap_or(10);
    // a long kubeconfig: the window of rows around the selection that fits the screen
    let rows = (area.height as usize)
        .saturating_sub(lines.len() + 6)
        .max(3);
    let first = p.selected.saturating_sub(rows - 1);
    for (i, (name, about)) in items.iter().enumerate().skip(first).take(rows) {
        lines.push(crate::tui::widgets::blocks::pick_row(
            t,
            i == p.selected,
            name,
            w,
            about,
        ));
    }
    lines.push(Line::from(""));
    lines.push(crate::tui::widgets::blocks::key_line(
        t,
        &[
            ("↑↓", "choose"),
            ("Enter", "use"),
            ("e", "type a name"),
            ("Esc", "cancel"),
        ],
    ));
    let h = (lines.len() as u16 + 2).min(area.height);
    let r = crate::tui::widgets::blocks::centered(area, 76, h);
    crate::tui::widgets::blocks::dialog(t, f, r, "Kubeconfig context", lines);
}

impl Dialog for ContextPicker {
    fn on_key(&mut self, cx: &Ctx, k: KeyEvent) -> Reply {
        match on_key(self, k) {
            Outcome::Open => Reply::stay(),
            Outcome::Closed => Reply::close(),
            Outcome::TypeByHand => Reply::close().with(Effect::TypeByHand),
            Outcome::Chosen { field, name } => match cx.fields.get(field) {
                Some(f) => Reply::close()
                    .with(Effect::SetField(field, Value::Text(name.clone())))
                    .with(Effect::Status(chosen_status(&f.label, &name), false)),
                None => Reply::close(),
            },
        }
    }

    fn draw(&self, cx: &Ctx, f: &mut Frame, area: Rect) {
        let default = cx.fields.get(self.field).and_then(|f| f.default.clone());
        draw(cx.theme, self, default, f, area)
    }
}

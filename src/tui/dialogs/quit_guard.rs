//! The "Quit?" dialog: shown when quitting would lose unsaved changes or abort a running plan.
//! It owns no state beyond being open.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::tui::dialogs::dialog::{Ctx, Dialog, Effect, Reply};
use crate::tui::widgets::blocks::{centered, dialog, key_line};
use crate::tui::widgets::theme::Theme;

pub const KEYS_DIRTY: &[(&str, &str)] = &[
    ("s", "save and quit"),
    ("d", "discard and quit"),
    ("Esc", "stay"),
];
/// With errors in the profile, `s` says what it saves.
pub const KEYS_DIRTY_ERRORS: &[(&str, &str)] = &[
    ("s", "save with the errors and quit"),
    ("d", "discard and quit"),
    ("Esc", "stay and fix"),
];
pub const KEYS_CLEAN: &[(&str, &str)] = &[("y", "quit"), ("Esc", "stay")];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    SaveAndQuit,
    Quit,
    Stay,
    /// Not a key of this dialog: it stays open.
    None,
}

pub fn on_key(dirty: bool, k: KeyEvent) -> Choice {
    match k.code {
        KeyCode::Char('s') if dirty => Choice::SaveAndQuit,
        KeyCode::Char('d') | KeyCode::Char('y') => Choice::Quit,
        KeyCode::Esc | KeyCode::Char('n') | KeyCode::Char('c') => Choice::Stay,
        _ => Choice::None,
    }
}

/// What the dialog says.
pub struct View<'a> {
    pub running: bool,
    pub dirty: bool,
    pub profile_name: &'a str,
    /// Errors in the profile now (validation): saving writes a profile that will not run.
    pub errors: usize,
}

pub fn draw(t: &Theme, v: View, f: &mut Frame, area: Rect) {
    let r = centered(area, 76, 8);
    let mut lines = Vec::new();
    if v.running {
        lines.push(Line::from(Span::styled(
            "A run is in progress: quitting aborts it.",
            t.warn(),
        )));
    }
    if v.dirty {
        lines.push(Line::from(format!(
            "The profile `{}` has unsaved changes.",
            v.profile_name
        )));
        if v.errors > 0 {
            lines.push(Line::from(Span::styled(
                format!(
                    "It has {} error(s): saved as it is, it will not run until they are fixed.",
                    v.errors
                ),
                t.error(),
            )));
            lines.push(Line::from(""));
            lines.push(key_line(t, KEYS_DIRTY_ERRORS));
        } else {
            lines.push(Line::from(""));
            lines.push(key_line(t, KEYS_DIRTY));
        }
    } else {
        lines.push(Line::from(""));
        lines.push(key_line(t, KEYS_CLEAN));
    }
    dialog(t, f, r, "Quit?", lines);
}

/// The open dialog.
pub struct QuitGuard;

impl Dialog for QuitGuard {
    fn on_key(&mut self, cx: &Ctx, k: KeyEvent) -> Reply {
        match on_key(cx.dirty, k) {
            Choice::SaveAndQuit => Reply::close().with(Effect::SaveAndQuit),
            Choice::Quit => Reply::close().with(Effect::Quit),
            Choice::Stay => Reply::close(),
            Choice::None => Reply::stay(),
        }
    }

    fn draw(&self, cx: &Ctx, f: &mut Frame, area: Rect) {
        let v = View {
            running: cx.running,
            dirty: cx.dirty,
            profile_name: &cx.profile.name,
            errors: cx.errors(),
        };
        draw(cx.theme, v, f, area)
    }

    fn hints(&self, cx: &Ctx) -> Option<&'static [(&'static str, &'static str)]> {
        Some(if !cx.dirty {
            KEYS_CLEAN
        } else if cx.errors() > 0 {
            KEYS_DIRTY_ERRORS
        } else {
            KEYS_DIRTY
        })
    }
}

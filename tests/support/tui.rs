//! The one driver of the wizard under test (`tests/tui_run.rs`, `tests/tui_wizard.rs`,
//! `tests/tui_truth.rs`): keys, mouse and executor events go through `update` as the event
//! loop hands them over, and the screen is drawn by `view` into a TestBackend.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use kmpilot::exec::events::Event;
use kmpilot::profile::load;
use kmpilot::tui::app::{App, Focus, WizardStep};
use kmpilot::tui::{Cmd, Msg, TuiOptions, new_app, update, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The profile every wizard test opens (relative: the tests run in the crate's root).
pub fn quickstart_path() -> PathBuf {
    PathBuf::from("profiles/quickstart.yaml")
}

/// The wizard on the quickstart profile, as `kmpilot tui -f profiles/quickstart.yaml` opens
/// it (on the Review when `start_on_review`); its size and clock are the caller's to set.
pub fn quickstart_app(start_on_review: bool, no_color: bool) -> App {
    let profile = load::from_path(&quickstart_path(), kmpilot::steps::validate)
        .unwrap()
        .profile;
    new_app(
        TuiOptions {
            profile_path: Some(quickstart_path()),
            profile,
            start_on_review,
        },
        no_color,
    )
}

pub fn key(app: &mut App, code: KeyCode) -> Option<Cmd> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub fn ctrl(app: &mut App, c: char) -> Option<Cmd> {
    update(
        app,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

/// Each character of `s` as a key.
pub fn typ(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// A left click at column `x`, row `y`.
pub fn click(app: &mut App, x: u16, y: u16) {
    update(
        app,
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        }),
    );
}

/// An executor event, as the runner forwards it.
pub fn ev(app: &mut App, e: Event) -> Option<Cmd> {
    update(app, Msg::Exec(e))
}

/// Every command in `cmd`, a batch opened.
pub fn cmds(cmd: Option<Cmd>) -> Vec<Cmd> {
    match cmd {
        Some(Cmd::Batch(v)) => v.into_iter().flat_map(|c| cmds(Some(c))).collect(),
        Some(c) => vec![c],
        None => Vec::new(),
    }
}

/// The screen drawn at `w`×`h`.
pub fn draw(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| view(app, f)).unwrap();
    t
}

/// The screen at the app's own size, as text (one line per row).
pub fn text(app: &App) -> String {
    let t = draw(app, app.size.0, app.size.1);
    let buf = t.backend().buffer();
    let mut s = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            s.push_str(buf[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

/// Up or down the step list to `step` (the step list has the focus).
pub fn goto_step(app: &mut App, step: WizardStep) {
    assert_eq!(app.focus, Focus::Steps, "goto_step walks the step list");
    let idx = WizardStep::ALL.iter().position(|s| *s == step).unwrap();
    while app.step > idx {
        key(app, KeyCode::Up);
    }
    while app.step < idx {
        key(app, KeyCode::Down);
    }
}

/// Into the current step's form, down to the field labelled `label`.
pub fn focus_field(app: &mut App, label: &str) {
    key(app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Form);
    let i = app
        .fields
        .iter()
        .position(|f| f.label == label)
        .unwrap_or_else(|| panic!("no field {label}"));
    while app.field < i {
        key(app, KeyCode::Down);
    }
}

/// Up or down the form (which has the focus) to the field labelled `label`.
pub fn focus_field_here(app: &mut App, label: &str) {
    let i = app
        .fields
        .iter()
        .position(|f| f.label == label)
        .unwrap_or_else(|| panic!("no field {label}"));
    while app.field > i {
        key(app, KeyCode::Up);
    }
    while app.field < i {
        key(app, KeyCode::Down);
    }
}

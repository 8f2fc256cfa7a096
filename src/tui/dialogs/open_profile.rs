//! Ctrl-O: open another profile — one from the store, or any path typed in. Reading the store
//! and the file happens in the event loop's commands (`list_store`, `read`); this module holds
//! the dialog's state, its keys and its drawing, and says what a key decided (the router starts
//! the wizard over on the profile read). Unsaved changes are not thrown away without a second
//! Enter.

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui_textarea::TextArea;

use crate::tui::dialogs::dialog::{Ctx, Dialog, Effect, Reply, first_line};
use crate::tui::widgets::theme::Theme;

/// A profile the dialog offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub path: PathBuf,
    pub description: String,
}

pub struct OpenDialog {
    pub entries: Option<Result<Vec<Entry>, String>>,
    pub selected: usize,
    /// Typing a path instead (`p`).
    pub path_input: Option<TextArea<'static>>,
    /// The profile to open once the user confirmed losing unsaved changes.
    pub confirm: Option<PathBuf>,
}

/// The dialog, still without the store's list (`Cmd::ListProfiles` reads it), or why it does
/// not open now.
pub fn open(running: bool) -> Result<OpenDialog, String> {
    if running {
        return Err("a run is in progress: open another profile after it".into());
    }
    Ok(OpenDialog {
        entries: None,
        selected: 0,
        path_input: None,
        confirm: None,
    })
}

/// The store's list arrived: the profile open now is selected when it is in it.
pub fn on_list(d: &mut OpenDialog, r: Result<Vec<Entry>, String>, current: Option<&Path>) {
    if let (Ok(list), Some(cur)) = (&r, current) {
        d.selected = list.iter().position(|e| e.path == cur).unwrap_or(0);
    }
    d.entries = Some(r);
}

/// What a key decided.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Open,
    Close,
    /// Read this profile and start over on it.
    Choose(PathBuf),
}

/// `dirty`: the profile open now has unsaved changes.
pub fn on_key(d: &mut OpenDialog, k: KeyEvent, dirty: bool) -> Outcome {
    if let Some(input) = &mut d.path_input {
        match k.code {
            KeyCode::Esc => d.path_input = None,
            KeyCode::Enter => {
                let text = input.lines().join("");
                let t = text.trim();
                if !t.is_empty() {
                    return choose(d, PathBuf::from(t), dirty);
                }
            }
            _ if crate::tui::widgets::text_input::is_line_break_or_tab(&k) => {}
            _ => {
                input.input(k);
            }
        }
        return Outcome::Open;
    }
    let n = match &d.entries {
        Some(Ok(l)) => l.len(),
        _ => 0,
    };
    match k.code {
        KeyCode::Esc | KeyCode::Char('q') => return Outcome::Close,
        KeyCode::Up | KeyCode::Char('k') => {
            d.selected = d.selected.saturating_sub(1);
            d.confirm = None;
        }
        KeyCode::Down | KeyCode::Char('j') => {
            d.selected = (d.selected + 1).min(n.saturating_sub(1));
            d.confirm = None;
        }
        KeyCode::Char('p') | KeyCode::Char('/') => {
            let mut t = TextArea::default();
            t.set_placeholder_text("path/to/profile.yaml or a store name");
            d.path_input = Some(t);
            d.confirm = None;
        }
        KeyCode::Enter => {
            if let Some(Ok(l)) = &d.entries
                && let Some(e) = l.get(d.selected)
            {
                let path = e.path.clone();
                return choose(d, path, dirty);
            }
        }
        _ => {}
    }
    Outcome::Open
}

/// Opens `path`, after a second Enter when the current profile has unsaved changes.
fn choose(d: &mut OpenDialog, path: PathBuf, dirty: bool) -> Outcome {
    if dirty && d.confirm.as_ref() != Some(&path) {
        d.confirm = Some(path);
        return Outcome::Open;
    }
    Outcome::Choose(path)
}

/// What the dialog shows besides its own state.
pub struct View<'a> {
    /// The profile store's folder.
    pub store_dir: &'a Path,
    /// The name of the profile open now.
    pub profile_name: &'a str,
}

pub fn draw(t: &Theme, d: &OpenDialog, v: View, f: &mut Frame, area: Rect) {
    let mut lines: Vec<Line> = vec![Line::from(vec![
        Span::styled("store ", t.dim()),
        Span::raw(v.store_dir.display().to_string()),
    ])];
    lines.push(Line::from(""));
    match &d.entries {
        None => lines.push(Line::from(Span::styled("reading the store…", t.dim()))),
        Some(Err(e)) => lines.push(Line::from(Span::styled(e.clone(), t.error()))),
        Some(Ok(l)) if l.is_empty() => lines.push(Line::from(Span::styled(
            "no profiles in the store yet (S saves one there); p opens a path",
            t.dim(),
        ))),
        Some(Ok(l)) => {
            let w = l.iter().map(|e| e.name.chars().count()).max().unwrap_or(8);
            // the visible window of a long list, the selection inside it
            let rows = (area.height as usize).saturating_sub(12).max(3);
            let first = d.selected.saturating_sub(rows - 1);
            for (i, e) in l.iter().enumerate().skip(first).take(rows) {
                lines.push(crate::tui::widgets::blocks::pick_row(
                    t,
                    i == d.selected,
                    &e.name,
                    w,
                    &e.description,
                ));
            }
        }
    }
    lines.push(Line::from(""));
    let input_row = d.path_input.as_ref().map(|_| lines.len());
    if d.path_input.is_some() {
        lines.push(Line::from(Span::styled("path ›", t.label())));
    }
    if let Some(p) = &d.confirm {
        lines.push(Line::from(Span::styled(
            format!(
                "`{}` has unsaved changes: Enter again opens {} without them",
                v.profile_name,
                p.display()
            ),
            t.warn(),
        )));
    }
    lines.push(crate::tui::widgets::blocks::key_line(
        t,
        &[
            ("↑↓", "choose"),
            ("Enter", "open"),
            ("p", "type a path"),
            ("Esc", "cancel"),
        ],
    ));
    let h = (lines.len() as u16 + 2).min(area.height);
    let r = crate::tui::widgets::blocks::centered(area, 76, h);
    // not wrapped: the path input is drawn over its row, which must stay where it was counted
    f.render_widget(ratatui::widgets::Clear, r);
    f.render_widget(
        ratatui::widgets::Paragraph::new(lines).block(crate::tui::widgets::blocks::block(
            t,
            "Open profile",
            true,
        )),
        r,
    );
    if let (Some(row), Some(input)) = (input_row, &d.path_input) {
        let mut shown = input.clone();
        shown.set_cursor_line_style(ratatui::style::Style::default());
        shown.set_style(t.input());
        let y = r.y + 1 + row as u16;
        if y < r.y + r.height.saturating_sub(1) {
            f.render_widget(&shown, Rect::new(r.x + 8, y, r.width.saturating_sub(9), 1));
        }
    }
}

/// Reads `path` for `Cmd::OpenProfile`: what `Msg::Opened` carries.
pub fn read(path: PathBuf) -> Result<(PathBuf, Box<crate::profile::Profile>), String> {
    crate::profile::store::read_for_wizard(&path, crate::steps::validate)
        .map(|p| (path, Box::new(p)))
        .map_err(|e| e.to_string())
}

/// The store's profiles with their descriptions (what `Cmd::ListProfiles` performs).
pub fn list_store() -> Result<Vec<Entry>, String> {
    let names = crate::profile::store::list().map_err(|e| {
        format!(
            "cannot list {}: {e}",
            crate::profile::store::profiles_dir().display()
        )
    })?;
    Ok(names
        .into_iter()
        .map(|name| {
            let path = crate::profile::store::path_for(&name);
            let description = crate::profile::store::read_for_wizard(&path, crate::steps::validate)
                .map(|p| p.description)
                .unwrap_or_else(|e| format!("(cannot be opened: {e})"));
            Entry {
                name,
                path,
                description,
            }
        })
        .collect())
}

impl Dialog for OpenDialog {
    fn on_key(&mut self, cx: &Ctx, k: KeyEvent) -> Reply {
        match on_key(self, k, cx.dirty) {
            Outcome::Open => Reply::stay(),
            Outcome::Close => Reply::close(),
            Outcome::Choose(path) => Reply::close().with(Effect::OpenProfile(path)),
        }
    }

    fn draw(&self, cx: &Ctx, f: &mut Frame, area: Rect) {
        let v = View {
            store_dir: cx.store_dir,
            profile_name: &cx.profile.name,
        };
        draw(cx.theme, self, v, f, area)
    }

    fn on_paste(&mut self, text: &str) -> Vec<Effect> {
        if let Some(input) = &mut self.path_input {
            input.insert_str(first_line(text));
        }
        Vec::new()
    }
}

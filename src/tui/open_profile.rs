//! Ctrl-O: open another profile — one from the store, or any path typed in. Reading the store
//! and the file happens in the event loop's commands; this module holds the dialog's state,
//! its keys and its drawing. Unsaved changes are not thrown away without a second Enter.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui_textarea::TextArea;

use super::app::{App, Modal};
use super::msg::Cmd;

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

pub fn open_dialog(app: &mut App) -> Option<Cmd> {
    if app.run.active && app.run.finished.is_none() {
        app.status = Some((
            "a run is in progress: open another profile after it".into(),
            true,
        ));
        return None;
    }
    app.modal = Some(Modal::Open(OpenDialog {
        entries: None,
        selected: 0,
        path_input: None,
        confirm: None,
    }));
    Some(Cmd::ListProfiles)
}

pub fn on_list(app: &mut App, r: Result<Vec<Entry>, String>) {
    if let Some(Modal::Open(d)) = &mut app.modal {
        if let (Ok(list), Some(cur)) = (&r, &app.profile_path) {
            d.selected = list.iter().position(|e| &e.path == cur).unwrap_or(0);
        }
        d.entries = Some(r);
    }
}

/// The outcome of `Cmd::OpenProfile`: the wizard starts over on the new profile.
pub fn on_opened(app: &mut App, r: Result<(PathBuf, Box<crate::profile::Profile>), String>) {
    match r {
        Ok((path, profile)) => {
            let (size, no_color) = (app.size, app.theme.no_color);
            let (epoch, generation) = (app.epoch, app.preflight.generation);
            *app = App::new(*profile, Some(path.clone()), no_color);
            app.size = size;
            app.epoch = epoch + 1;
            app.preflight.generation = generation;
            app.status = Some((format!("opened {}", path.display()), false));
        }
        Err(e) => app.status = Some((format!("not opened: {e}"), true)),
    }
}

pub fn on_key(app: &mut App, k: KeyEvent) -> Option<Cmd> {
    let dirty = app.dirty();
    let Some(Modal::Open(d)) = &mut app.modal else {
        return None;
    };
    if let Some(input) = &mut d.path_input {
        match k.code {
            KeyCode::Esc => d.path_input = None,
            KeyCode::Enter => {
                let text = input.lines().join("");
                let t = text.trim();
                if !t.is_empty() {
                    return choose(app, PathBuf::from(t), dirty);
                }
            }
            _ if super::text_input::is_line_break_or_tab(&k) => {}
            _ => {
                input.input(k);
            }
        }
        return None;
    }
    let n = match &d.entries {
        Some(Ok(l)) => l.len(),
        _ => 0,
    };
    match k.code {
        KeyCode::Esc | KeyCode::Char('q') => app.modal = None,
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
                return choose(app, path, dirty);
            }
        }
        _ => {}
    }
    None
}

/// Opens `path`, after a second Enter when the current profile has unsaved changes.
fn choose(app: &mut App, path: PathBuf, dirty: bool) -> Option<Cmd> {
    let Some(Modal::Open(d)) = &mut app.modal else {
        return None;
    };
    if dirty && d.confirm.as_ref() != Some(&path) {
        d.confirm = Some(path);
        return None;
    }
    app.modal = None;
    Some(Cmd::OpenProfile { path })
}

pub fn draw(app: &App, d: &OpenDialog, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let mut lines: Vec<Line> = vec![Line::from(vec![
        Span::styled("store ", t.dim()),
        Span::raw(app.store_dir.display().to_string()),
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
                lines.push(super::widgets::pick_row(
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
                app.profile.name,
                p.display()
            ),
            t.warn(),
        )));
    }
    lines.push(super::widgets::key_line(
        t,
        &[
            ("↑↓", "choose"),
            ("Enter", "open"),
            ("p", "type a path"),
            ("Esc", "cancel"),
        ],
    ));
    let h = (lines.len() as u16 + 2).min(area.height);
    let r = super::widgets::centered(area, 76, h);
    // not wrapped: the path input is drawn over its row, which must stay where it was counted
    f.render_widget(ratatui::widgets::Clear, r);
    f.render_widget(
        ratatui::widgets::Paragraph::new(lines).block(super::widgets::block(
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

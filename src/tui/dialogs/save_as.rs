//! The "Save as" dialog: a name in the profile store, or a path. The store's folder comes from
//! `App::store_dir` (read once by the loop), so a key here reads no environment.

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui_textarea::TextArea;

use crate::tui::dialogs::dialog::{Ctx, Dialog, Effect, Reply, first_line};
use crate::tui::widgets::blocks::{block, centered};
use crate::tui::widgets::text_input::is_line_break;
use crate::tui::widgets::theme::Theme;

pub enum Outcome {
    Cancel,
    Save(PathBuf),
    /// Still typing (or Enter on an empty name).
    Open,
}

/// A name in the store at `store_dir` (as `profile::store::path_for` names it), or a path when
/// it looks like one.
pub fn save_as_path(input: &str, store_dir: &Path) -> PathBuf {
    let t = input.trim();
    if t.contains('/') || t.ends_with(".yaml") || t.ends_with(".yml") {
        PathBuf::from(t)
    } else {
        store_dir.join(format!("{t}.yaml"))
    }
}

/// The name a profile saved at `path` goes by: the file's name without `.yaml` (what
/// `kmpilot -f NAME` finds in the store).
pub fn profile_name(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?.trim();
    (!stem.is_empty()).then(|| stem.to_string())
}

pub fn on_key(input: &mut TextArea<'static>, k: KeyEvent, store_dir: &Path) -> Outcome {
    match k.code {
        KeyCode::Esc => Outcome::Cancel,
        KeyCode::Enter => {
            let name = input.lines().join("");
            if name.trim().is_empty() {
                Outcome::Open
            } else {
                Outcome::Save(save_as_path(&name, store_dir))
            }
        }
        _ => {
            if !is_line_break(&k) {
                input.input(k);
            }
            Outcome::Open
        }
    }
}

pub fn draw(t: &Theme, input: &TextArea<'static>, store_dir: &Path, f: &mut Frame, area: Rect) {
    let r = centered(area, 70, 7);
    f.render_widget(Clear, r);
    let b = block(t, "Save as", true);
    let inner = b.inner(r);
    f.render_widget(b, r);
    let [l1, l2, _, l4] = Layout::vertical([Constraint::Length(1); 4]).areas(inner);
    f.render_widget(
        Paragraph::new("A name in the profile store, or a path (…/x.yaml):"),
        l1,
    );
    f.render_widget(input, l2);
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("store ", t.dim()),
            Span::raw(store_dir.display().to_string()),
        ])),
        l4,
    );
}

/// The open dialog: a store name or a path, typed.
pub struct SaveAs {
    pub input: TextArea<'static>,
}

impl Dialog for SaveAs {
    fn on_key(&mut self, cx: &Ctx, k: KeyEvent) -> Reply {
        match on_key(&mut self.input, k, cx.store_dir) {
            Outcome::Cancel => Reply::close().with(Effect::CancelQuitAfterSave),
            Outcome::Save(path) => Reply::close().with(Effect::SaveTo(path)),
            Outcome::Open => Reply::stay(),
        }
    }

    fn draw(&self, cx: &Ctx, f: &mut Frame, area: Rect) {
        draw(cx.theme, &self.input, cx.store_dir, f, area)
    }

    fn on_paste(&mut self, text: &str) -> Vec<Effect> {
        self.input.insert_str(first_line(text));
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_goes_into_the_store_a_path_stays_a_path() {
        let store = Path::new("/cfg/profiles");
        assert_eq!(
            save_as_path(" lab ", store),
            PathBuf::from("/cfg/profiles/lab.yaml")
        );
        // the same file the store's own naming gives (what `kmpilot -f lab` opens)
        assert_eq!(
            save_as_path("lab", &crate::profile::store::profiles_dir()),
            crate::profile::store::path_for("lab")
        );
        assert_eq!(save_as_path("x/lab", store), PathBuf::from("x/lab"));
        assert_eq!(save_as_path("lab.yml", store), PathBuf::from("lab.yml"));
    }
}

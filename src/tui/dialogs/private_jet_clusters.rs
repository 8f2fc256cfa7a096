//! The PrivateJet step's clusters: which cluster a field belongs to, adding one (`a`) and
//! removing one after the "Remove cluster" dialog (`d`).

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::profile::yaml_tree::Seg;
use crate::steps::form::Field;
use crate::tui::dialogs::dialog::{Ctx, Dialog, Effect, Reply};
use crate::tui::widgets::blocks::{centered, dialog, key_line};
use crate::tui::widgets::theme::Theme;

pub const KEYS: &[(&str, &str)] = &[("y", "remove"), ("Esc", "keep")];

/// The cluster a field edits (its path is `privateJet.clusters[i]…`).
pub fn cluster_of(f: &Field) -> Option<usize> {
    match f.path.0.as_slice() {
        [Seg::Key(a), Seg::Key(b), Seg::Index(i), ..] if a == "privateJet" && b == "clusters" => {
            Some(*i)
        }
        _ => None,
    }
}

/// The first field of cluster `i`.
pub fn first_field_of(fields: &[Field], i: usize) -> Option<usize> {
    fields.iter().position(|f| cluster_of(f) == Some(i))
}

/// Whether the key confirms the removal; any other key keeps the cluster and closes the dialog.
pub fn confirms(k: KeyEvent) -> bool {
    matches!(k.code, KeyCode::Char('y') | KeyCode::Enter)
}

pub fn draw_confirm(t: &Theme, index: usize, name: &str, f: &mut Frame, area: Rect) {
    let r = centered(area, 56, 6);
    let lines = vec![
        Line::from(format!("Remove PrivateJet cluster {} `{name}`?", index + 1)),
        Line::from(""),
        key_line(t, KEYS),
    ];
    dialog(t, f, r, "Remove cluster", lines);
}

/// "Remove cluster i?", open.
pub struct RemoveCluster(pub usize);

impl Dialog for RemoveCluster {
    /// `y` removes; any other key keeps it.
    fn on_key(&mut self, _cx: &Ctx, k: KeyEvent) -> Reply {
        if confirms(k) {
            Reply::close().with(Effect::RemoveCluster(self.0))
        } else {
            Reply::close()
        }
    }

    fn draw(&self, cx: &Ctx, f: &mut Frame, area: Rect) {
        let name = cx
            .profile
            .private_jet
            .clusters
            .get(self.0)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        draw_confirm(cx.theme, self.0, &name, f, area)
    }

    fn hints(&self, _cx: &Ctx) -> Option<&'static [(&'static str, &'static str)]> {
        Some(KEYS)
    }
}

//! Moving through the Review list: the selection skips headings, and stays in view.

use crate::tui::layout;
use crate::tui::state::review_state::{ReviewRow, ReviewState};

/// A row the selection can rest on (not a heading).
pub fn selectable(r: &ReviewRow) -> bool {
    !matches!(
        r,
        ReviewRow::Header(_) | ReviewRow::ArtifactsHeader | ReviewRow::UrlsHeader
    )
}

/// Moves the selection by one selectable row in direction `d` (±1) from `from`.
pub fn step_from(review: &mut ReviewState, size: (u16, u16), from: isize, d: isize) {
    let n = review.rows.len() as isize;
    let mut i = from;
    loop {
        i += d;
        if i < 0 || i >= n {
            return;
        }
        if selectable(&review.rows[i as usize]) {
            review.selected = i as usize;
            review.preview_scroll = 0;
            ensure_visible(review, size);
            return;
        }
    }
}

fn ensure_visible(review: &mut ReviewState, size: (u16, u16)) {
    let h = layout::list_height(size, true);
    let s = review.selected;
    if s < review.scroll {
        review.scroll = s.saturating_sub(1);
    } else if s >= review.scroll + h {
        review.scroll = s + 1 - h;
    }
}

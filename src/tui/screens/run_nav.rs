//! Moving around the run screen: which pane has the keys, scrolling each pane (the log follows
//! its tail until scrolled up) and jumping between log search matches.

use ratatui::layout::Rect;

use crate::tui::layout;
use crate::tui::state::run_state::{Pane, RunState};

fn log_height(size: (u16, u16)) -> usize {
    let area = Rect::new(0, 0, size.0, size.1);
    layout::inner_height(layout::run(area).log).max(1)
}

pub fn next_pane(p: Pane, forward: bool) -> Pane {
    match (p, forward) {
        (Pane::Log, true) | (Pane::Ingresses, false) => Pane::Pods,
        (Pane::Pods, true) | (Pane::Log, false) => Pane::Ingresses,
        (Pane::Ingresses, true) | (Pane::Pods, false) => Pane::Log,
    }
}

/// Moves the log view to the next (or previous) line matching the search; the error says there
/// is none.
pub fn jump_match(
    run: &mut RunState,
    size: (u16, u16),
    forward: bool,
    include_current: bool,
) -> Result<(), String> {
    let Some(q) = run.search.clone() else {
        return Ok(());
    };
    let h = log_height(size);
    let top = run.log_top(h);
    let matches = run.matches(&q);
    match crate::tui::dialogs::log_search::next_match(&matches, top, h, forward, include_current) {
        Some(i) => {
            run.log_scroll = Some(i);
            Ok(())
        }
        None => Err(format!("no more matches for `{q}`")),
    }
}

/// Keeps the tables' scroll positions inside their rows (after a resize or a new snapshot).
pub fn clamp_pane_scrolls(run: &mut RunState, size: (u16, u16)) {
    let area = Rect::new(0, 0, size.0, size.1);
    let l = layout::run(area);
    let ph = layout::table_rows(l.pods);
    let ih = layout::table_rows(l.ingresses);
    run.pods_scroll = run.pods_scroll.min(run.pods.rows.len().saturating_sub(ph));
    run.pods_selected = run.pods_selected.min(run.pods.rows.len().saturating_sub(1));
    run.ingresses_scroll = run
        .ingresses_scroll
        .min(run.ingresses.rows.len().saturating_sub(ih));
}

pub fn scroll_pane(run: &mut RunState, size: (u16, u16), pane: Pane, delta: isize) {
    match pane {
        Pane::Log => {
            let h = log_height(size);
            let max = run.shown_len().saturating_sub(h);
            let top = run.log_top(h) as isize + delta;
            let top = top.clamp(0, max as isize) as usize;
            run.log_scroll = if top >= max { None } else { Some(top) };
        }
        Pane::Pods => {
            // the keys move the selected pod; the table scrolls to keep it in view
            let last = run.pods.rows.len().saturating_sub(1) as isize;
            let sel = (run.pods_selected as isize + delta).clamp(0, last.max(0)) as usize;
            run.pods_selected = sel;
            let h = layout::table_rows(layout::run(Rect::new(0, 0, size.0, size.1)).pods).max(1);
            if sel < run.pods_scroll {
                run.pods_scroll = sel;
            } else if sel >= run.pods_scroll + h {
                run.pods_scroll = sel + 1 - h;
            }
        }
        Pane::Ingresses => {
            run.ingresses_scroll = (run.ingresses_scroll as isize + delta).max(0) as usize;
        }
    }
    clamp_pane_scrolls(run, size);
}

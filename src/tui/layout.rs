//! Where things are on screen, computed the same way by `view` (to draw) and `update` (to
//! scroll and to hit-test mouse clicks), from the terminal size alone.

use ratatui::layout::{Constraint, Layout, Rect};

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

#[derive(Debug, Clone, Copy)]
pub struct WizardLayout {
    pub title: Rect,
    pub steps: Rect,
    pub main: Rect,
    /// Inside the main block: the field (or review) list.
    pub list: Rect,
    /// Inside the main block: help / preview.
    pub detail: Rect,
    pub status: Rect,
    pub hints: Rect,
}

pub fn steps_width(area: Rect) -> u16 {
    if area.width >= 100 { 30 } else { 27 }
}

pub fn wizard(area: Rect, review: bool) -> WizardLayout {
    let [title, body, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let [steps, main] =
        Layout::horizontal([Constraint::Length(steps_width(area)), Constraint::Min(1)]).areas(body);
    let inner = Rect {
        x: main.x + 1,
        y: main.y + 1,
        width: main.width.saturating_sub(2),
        height: main.height.saturating_sub(2),
    };
    let detail_h = if review {
        inner.height / 2
    } else {
        5.min(inner.height / 2)
    };
    let [list, detail] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(detail_h)]).areas(inner);
    WizardLayout {
        title,
        steps,
        main,
        list,
        detail,
        status,
        hints,
    }
}

#[derive(Debug, Clone, Copy)]
pub struct RunLayout {
    pub title: Rect,
    pub steps: Rect,
    pub log: Rect,
    pub pods: Rect,
    pub ingresses: Rect,
    pub status: Rect,
    pub hints: Rect,
}

pub fn run(area: Rect) -> RunLayout {
    let [title, body, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let sw = if area.width >= 100 { 33 } else { 28 };
    let [steps, right] =
        Layout::horizontal([Constraint::Length(sw), Constraint::Min(1)]).areas(body);
    // below 40 rows, percentages leave the ingress pane two or three rows for the four
    // ingresses a deployment has: it gets four, the pods as many on a short terminal
    // (80×24), and the log the rest
    let panes = match area.height {
        0..30 => [
            Constraint::Fill(1),
            Constraint::Length(7),
            Constraint::Length(7),
        ],
        30..40 => [
            Constraint::Fill(1),
            Constraint::Percentage(35),
            Constraint::Length(7),
        ],
        _ => [
            Constraint::Percentage(42),
            Constraint::Percentage(35),
            Constraint::Percentage(23),
        ],
    };
    let [log, pods, ingresses] = Layout::vertical(panes).areas(right);
    RunLayout {
        title,
        steps,
        log,
        pods,
        ingresses,
        status,
        hints,
    }
}

/// Rows of the wizard's field list (`review`: of the review list) at terminal `size`.
pub fn list_height(size: (u16, u16), review: bool) -> usize {
    (wizard(Rect::new(0, 0, size.0, size.1), review).list.height as usize).max(1)
}

/// Rows inside a bordered block.
pub fn inner_height(r: Rect) -> usize {
    r.height.saturating_sub(2) as usize
}

/// Rows of a bordered table with a header line.
pub fn table_rows(r: Rect) -> usize {
    r.height.saturating_sub(3) as usize
}

pub fn contains(r: Rect, x: u16, y: u16) -> bool {
    x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height
}

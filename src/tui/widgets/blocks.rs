//! Shared drawing pieces of the wizard's screens and dialogs: a framed block, a centred dialog,
//! a pick-list row and a line of key hints. Every screen and dialog file draws with these, so
//! they all look alike.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::tui::widgets::theme::Theme;

/// A bordered block, its border brighter when it has the focus; the caller titles it.
pub fn frame<'a>(t: &Theme, focused: bool) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(if focused {
            t.border_focused()
        } else {
            t.border()
        })
}

pub fn block<'a>(t: &Theme, title: impl Into<String>, focused: bool) -> Block<'a> {
    frame(t, focused).title(Span::styled(format!(" {} ", title.into()), t.title()))
}

pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

pub fn dialog(t: &Theme, f: &mut Frame, r: Rect, title: &str, lines: Vec<Line>) {
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(t, title, true)),
        r,
    );
}

/// One row of a pick list: marker, name padded to `w`, what it is (dimmed).
pub fn pick_row(t: &Theme, selected: bool, name: &str, w: usize, about: &str) -> Line<'static> {
    let line = Line::from(vec![
        Span::raw(if selected { "▸ " } else { "  " }),
        Span::styled(format!("{name:<w$}"), t.value()),
        Span::styled(format!("  {about}"), t.dim()),
    ]);
    if selected {
        line.patch_style(t.selected())
    } else {
        line
    }
}

/// `name` fitted into `width` columns keeping its end: resources of one release share a long
/// prefix (`apim-wso2am-all-in-one-…`) and differ at the end (`am-ingress`,
/// `gateway-ingress`), so cutting the end would make them all look the same.
pub fn keep_end(name: &str, width: usize) -> String {
    let n = name.chars().count();
    if n <= width || width == 0 {
        return name.to_string();
    }
    let tail: String = name.chars().skip(n - (width - 1)).collect();
    format!("…{tail}")
}

pub fn key_line<'a>(t: &Theme, keys: &[(&'a str, &'a str)]) -> Line<'a> {
    let mut spans = Vec::new();
    for (i, (k, w)) in keys.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", t.dim()));
        }
        spans.push(Span::styled(*k, t.key()));
        spans.push(Span::raw(format!(" {w}")));
    }
    Line::from(spans)
}

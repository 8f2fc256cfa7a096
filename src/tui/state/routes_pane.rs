//! The run screen under Gateway API exposure: the Gateways and HTTPRoutes of the namespace
//! take the ingress pane's place (the charts render no Ingress then), each with the
//! conditions its controller reported (`Programmed`; `Accepted`/`ResolvedRefs`), and the run
//! summary lists them. Fed by `kube::watch_routes` through `WatchUpdate::Gateways` /
//! `WatchUpdate::HttpRoutes`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use crate::kube::snapshot::{RouteRow, Snapshot, SyncState, WatchUpdate};
use crate::tui::layout;
use crate::tui::widgets::theme::Theme;

/// What the route watchers last sent; kept across runs like the other panes.
#[derive(Debug, Default)]
pub struct Routes {
    pub gateways: Snapshot<RouteRow>,
    pub http_routes: Snapshot<RouteRow>,
}

impl Routes {
    /// Takes a route update; gives back any other update.
    pub fn take(&mut self, w: WatchUpdate) -> Option<WatchUpdate> {
        match w {
            WatchUpdate::Gateways(s) => self.gateways = s,
            WatchUpdate::HttpRoutes(s) => self.http_routes = s,
            other => return Some(other),
        }
        None
    }

    fn rows(&self) -> impl Iterator<Item = &RouteRow> {
        self.gateways.rows.iter().chain(&self.http_routes.rows)
    }
}

fn state_label(r: &Routes, t: &Theme) -> (String, ratatui::style::Style) {
    for s in [&r.gateways.state, &r.http_routes.state] {
        if let SyncState::Resyncing { reason } = s {
            return (format!("re-syncing: {reason}"), t.warn());
        }
    }
    if [&r.gateways.state, &r.http_routes.state]
        .iter()
        .any(|s| matches!(s, SyncState::Syncing))
    {
        return ("syncing…".into(), t.warn());
    }
    ("● live".into(), t.ok())
}

/// Draws the routes pane in `r` when the profile exposes through the Gateway API
/// (`gateway_api`); `false` (nothing drawn) otherwise, and the ingress pane is drawn as before.
pub fn draw(
    routes: &Routes,
    t: &Theme,
    (gateway_api, focused): (bool, bool),
    f: &mut Frame,
    r: Rect,
) -> bool {
    if !gateway_api {
        return false;
    }
    let all: Vec<&RouteRow> = routes.rows().collect();
    let h = layout::table_rows(r);
    let rows: Vec<Row> = all
        .iter()
        .take(h)
        .map(|x| {
            Row::new(vec![
                Cell::from(x.name.as_str()),
                Cell::from(x.hosts.join(",")),
                Cell::from(Span::styled(
                    x.status.as_str(),
                    if x.ok { t.ok() } else { t.warn() },
                )),
            ])
        })
        .collect();
    let (label, style) = state_label(routes, t);
    let table = Table::new(
        rows,
        [
            Constraint::Percentage(30),
            Constraint::Percentage(30),
            Constraint::Percentage(40),
        ],
    )
    .header(Row::new(["NAME", "HOSTS", "STATUS"]).style(t.dim()))
    .block(
        crate::tui::widgets::blocks::frame(t, focused).title(Line::from(vec![
            Span::styled(format!(" Gateway & routes ({}) ", all.len()), t.title()),
            Span::styled(format!("{label} "), style),
        ])),
    );
    f.render_widget(table, r);
    true
}

/// The run summary's lines for the Gateway and its routes (none under Ingress exposure).
pub fn summary_lines(routes: &Routes, t: &Theme, gateway_api: bool) -> Vec<Line<'static>> {
    if !gateway_api {
        return Vec::new();
    }
    let mut v = vec![
        Line::from(""),
        Line::from(Span::styled("Gateway & routes", t.title())),
    ];
    let rows: Vec<&RouteRow> = routes.rows().collect();
    if rows.is_empty() {
        v.push(Line::from(Span::styled("  none seen yet", t.warn())));
    }
    for x in rows {
        v.push(Line::from(vec![
            Span::styled(
                if x.ok { "  ✓ " } else { "  ! " },
                if x.ok { t.ok() } else { t.warn() },
            ),
            Span::styled(format!("{:<28}", x.name), t.key()),
            Span::raw(x.status.clone()),
        ]));
    }
    v
}

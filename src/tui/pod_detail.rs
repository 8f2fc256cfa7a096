//! A pod of the run screen's pods pane, looked at as k9s lets you: `l` its logs (followed:
//! read again every two seconds while the view is open, and kept at the end when it was
//! there), `d` its description, `e` its events — all read from the cluster with kube-rs, in
//! the details dialog.

use ratatui::text::{Line, Span};

use crate::tui::app::{App, Modal};
use crate::tui::dialogs::detail::{self, Detail, PodSource, PodView};
use crate::tui::msg::Cmd;

/// How often an open log is read again, in seconds.
const FOLLOW_EVERY: i64 = 2;

/// The cluster the run's pods are in: the plan's (the profile's when no run started yet).
fn cluster(app: &App) -> crate::plan::ClusterTarget {
    match &app.run.plan {
        Some(p) => p.cluster.clone(),
        None => crate::plan::ClusterTarget {
            context: app.profile.cluster.context.clone(),
            kubeconfig: app.profile.cluster.kubeconfig.clone(),
            namespace: app.profile.cluster.namespace.clone(),
        },
    }
}

fn ask(app: &App, s: &PodSource) -> Cmd {
    Cmd::PodView {
        view: s.view,
        namespace: s.namespace.clone(),
        name: s.name.clone(),
        cluster: cluster(app),
    }
}

/// Opens `view` of the selected pod, reading it.
pub fn open(app: &mut App, view: PodView) -> Option<Cmd> {
    let pod = app.run.pods.rows.get(app.run.pods_selected)?;
    let source = PodSource {
        view,
        namespace: pod.namespace.clone(),
        name: pod.name.clone(),
        asked_at: app.wall,
    };
    let cmd = ask(app, &source);
    let mut d = detail::open(
        format!("{} — {} {}", view.word(), source.namespace, source.name),
        vec![Line::from(Span::styled(
            "reading from the cluster…",
            app.theme.dim(),
        ))],
    );
    d.pod = Some(source);
    app.modal = Some(Modal::Detail(d));
    Some(cmd)
}

/// An open log is read again every few seconds.
pub fn follow(app: &mut App) -> Option<Cmd> {
    let wall = app.wall;
    let Some(Modal::Detail(Detail { pod: Some(s), .. })) = &mut app.modal else {
        return None;
    };
    if s.view != PodView::Logs || wall - s.asked_at < FOLLOW_EVERY {
        return None;
    }
    s.asked_at = wall;
    let s = s.clone();
    Some(ask(app, &s))
}

/// The lines arrived: shown if the view they are for is still open; a log that was at its end
/// stays at its end.
pub fn on_lines(
    app: &mut App,
    view: PodView,
    namespace: &str,
    name: &str,
    lines: Result<Vec<String>, String>,
) {
    let (t, size) = (app.theme, app.size);
    let Some(Modal::Detail(d)) = &mut app.modal else {
        return;
    };
    let Some(s) = &d.pod else {
        return;
    };
    if s.view != view || s.namespace != namespace || s.name != name {
        return;
    }
    let follow = view == PodView::Logs && (detail::at_end(d, size) || d.lines.len() <= 1);
    d.lines = match lines {
        Ok(l) => l.into_iter().map(Line::from).collect(),
        Err(e) => vec![Line::from(Span::styled(e, t.error()))],
    };
    if follow {
        d.scroll = detail::end_scroll(d, size);
    } else {
        d.scroll = d.scroll.min(d.lines.len().saturating_sub(1));
    }
}

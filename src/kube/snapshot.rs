//! What the live panes show: pods and ingresses of the profile's namespaces, as plain rows the
//! views can draw without touching Kubernetes types.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PodRow {
    pub namespace: String,
    pub name: String,
    /// "1/1": ready containers / containers.
    pub ready: String,
    /// Phase, or the waiting reason of a container (CrashLoopBackOff, ImagePullBackOff…).
    pub status: String,
    pub restarts: u32,
    /// Creation time as RFC 3339; the view turns it into an age against its own clock.
    pub created: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IngressRow {
    pub namespace: String,
    pub name: String,
    pub hosts: Vec<String>,
    /// Load-balancer IP or hostname; empty until the controller assigns one.
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum SyncState {
    /// First list not finished yet.
    Syncing,
    Live,
    /// The watch broke (API server gone, network); the rows are the last known ones.
    Resyncing {
        reason: String,
    },
}

/// One pane's content at one moment. Rows are sorted by namespace then name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snapshot<Row> {
    pub state: SyncState,
    pub rows: Vec<Row>,
}

impl<Row> Default for Snapshot<Row> {
    fn default() -> Self {
        Snapshot {
            state: SyncState::Syncing,
            rows: Vec::new(),
        }
    }
}

/// Updates the watchers send: whole snapshots (cheap to clone into the view, and a view never
/// has to apply deltas in order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchUpdate {
    Pods(Snapshot<PodRow>),
    Ingresses(Snapshot<IngressRow>),
    /// Gateway API exposure: the namespace's Gateways and HTTPRoutes.
    Gateways(Snapshot<RouteRow>),
    HttpRoutes(Snapshot<RouteRow>),
}

/// A Gateway (`Programmed`, its address) or an HTTPRoute (`Accepted`/`ResolvedRefs` per
/// parent, the Service and port it names), as the live pane and the run summary show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteRow {
    pub namespace: String,
    /// `Gateway/name` or `HTTPRoute/name`.
    pub name: String,
    pub hosts: Vec<String>,
    /// The conditions (and the Gateway's address), as `render::gateway_api::health` says.
    pub status: String,
    pub ok: bool,
}

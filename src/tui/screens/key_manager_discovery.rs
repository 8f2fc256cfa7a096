//! The Key manager step's discovery: `D` reads the well-known document IS publishes, the status
//! line says how it differs from the endpoints kmpilot derives, and `A` adopts the differences as
//! the profile's endpoint overrides.

use crate::http::Discovered;
use crate::profile::Profile;
use crate::steps::key_manager;
use crate::tui::msg::Cmd;

/// The command that fetches the document, and the status line while it runs.
pub fn discover(p: &Profile) -> (Cmd, String) {
    let f = key_manager::fields(p);
    let status = format!("discovering {} …", f.well_known);
    (
        Cmd::Discover {
            url: f.well_known,
            tls: key_manager::tls_policy(p),
        },
        status,
    )
}

/// What discovery found, kept for `A`, with the status line (an error or not).
pub fn on_discovered(
    p: &Profile,
    r: Result<Box<Discovered>, String>,
) -> (Option<Discovered>, (String, bool)) {
    match r {
        Err(e) => (None, (format!("discovery failed: {e}"), true)),
        Ok(d) => {
            let mut d = d.respecting(&p.key_manager.endpoints);
            // IS publishes public URLs; API-M's server-to-server calls stay on the IS Service
            if let Some((public, in_cluster)) = key_manager::origin_swap(p) {
                d = d.server_calls_at(&public, &in_cluster);
            }
            let diffs = crate::http::diff(&key_manager::fields(p), &d);
            let status = match diffs.first() {
                None => "IS publishes exactly the derived endpoints".into(),
                Some(first) => format!(
                    "IS differs in {} field(s), e.g. {}: {} (derived {}) — A adopts them",
                    diffs.len(),
                    first.field.label(),
                    first.discovered,
                    first.derived
                ),
            };
            (Some(d), (status, false))
        }
    }
}

/// Writes the discovered values that differ into the profile's endpoint overrides.
pub fn adopt(p: &mut Profile, d: Option<Discovered>) -> (String, bool) {
    let Some(d) = d else {
        return ("nothing discovered yet: press D first".into(), true);
    };
    let diffs = crate::http::diff(&key_manager::fields(p), &d);
    for df in &diffs {
        *df.field.override_mut(&mut p.key_manager.endpoints) = Some(df.discovered.clone());
    }
    (
        format!("adopted {} discovered field(s) as overrides", diffs.len()),
        false,
    )
}

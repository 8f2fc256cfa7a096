//! The cluster a run would change, kept in view: read from the kubeconfig when the wizard
//! opens, again every few seconds (another window's `kubectl config use-context` changes the
//! current context under the wizard's feet), when the profile's context or kubeconfig changes
//! and when a confirmation opens. The header and every confirmation write it.

use crate::kube::target::Target;
use crate::tui::app::App;
use crate::tui::msg::Cmd;
pub use crate::tui::target_state::{TargetFollow, TargetKey};

/// How often the kubeconfig is read again while the wizard is open, in seconds.
const EVERY: i64 = 3;

pub fn key_of(app: &App) -> TargetKey {
    crate::tui::target_state::key_of(&app.profile)
}

/// Reads the target again when it is due (`now`: a confirmation is opening), the profile
/// points elsewhere, or it was never read.
pub fn ask(app: &mut App, now: bool) -> Option<Cmd> {
    let key = key_of(app);
    let due = match &app.target.asked {
        None => true,
        Some((k, at)) => *k != key || now || app.wall - at >= EVERY,
    };
    if !due {
        return None;
    }
    app.target.asked = Some((key.clone(), app.wall));
    Some(Cmd::ReadTarget(key))
}

/// The answer arrived; an answer about a section edited since is dropped (a newer question is
/// on its way).
pub fn on_target(app: &mut App, key: TargetKey, target: Result<Target, String>) {
    if key == key_of(app) {
        app.target.answer = Some((key, target));
    }
}

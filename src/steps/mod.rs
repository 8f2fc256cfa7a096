//! One module per deployment step: its section of the profile, its validation, its part of the
//! plan and its wizard fields. `registry` declares them all, once, in order.

pub mod adapt;
pub mod api_manager;
mod build;
pub mod cluster;
pub mod cluster_kind;
pub mod dns;
pub mod exposure;
pub mod form;
pub mod identity_server;
pub mod is_image;
pub mod key_manager;
pub mod keystores;
pub mod kms_sts;
pub mod needs;
pub mod private_jet;
pub mod private_jet_unmerge;
pub mod product_line;
pub mod prove;
pub mod registry;
pub mod secure_vault;
pub mod verify_spec;

pub use build::{cluster_target, console_urls, destroy_plan, plan};

use crate::plan::{Command, SecretOverlay};
use crate::profile::Profile;
use crate::profile::diagnostics::Issues;

/// Every problem in the profile, not just the first: the document's, then every step's checks
/// in the steps' order.
pub fn validate(p: &Profile) -> Issues {
    let mut issues = Issues::default();
    p.check_document(&mut issues);
    for s in registry::STEPS {
        (s.validate)(p, &mut issues);
    }
    // what the versions make impossible across steps (PrivateJet on 4.x, IS 7 on 3.2, …)
    crate::compat::validate(p, &mut issues);
    issues
}

/// `helm upgrade --install`: idempotent, so a re-run or a resumed run changes nothing that is
/// already right. Secret values come on standard input (`-f -`).
pub fn helm_upgrade(
    p: &Profile,
    release: &str,
    chart: &str,
    version: &str,
    values: &str,
    overlay: SecretOverlay,
    timeout_minutes: u32,
) -> Command {
    let mut args: Vec<String> = vec![
        "upgrade".into(),
        "--install".into(),
        release.into(),
        chart.into(),
        "--version".into(),
        version.into(),
        "-n".into(),
        p.cluster.namespace.clone(),
    ];
    args.extend(p.cluster.helm_flags());
    args.extend(["-f".into(), values.into()]);
    if !overlay.entries.is_empty() {
        args.extend(["-f".into(), "-".into()]);
    }
    args.extend([
        "--wait".into(),
        "--timeout".into(),
        format!("{timeout_minutes}m"),
    ]);
    let mut cmd = Command::new("helm", args).with_timeout(u64::from(timeout_minutes) * 60 + 60);
    if !overlay.entries.is_empty() {
        cmd.stdin = Some(overlay);
    }
    cmd
}

/// The check before `helm_upgrade` of `release`: a release an interrupted run left pending is
/// recovered first (helm refuses an upgrade while one is pending).
pub fn helm_recover(p: &Profile, release: &str, timeout_minutes: u32) -> crate::plan::Action {
    crate::plan::Action::RecoverRelease(crate::plan::ReleaseRecovery {
        release: release.into(),
        namespace: p.cluster.namespace.clone(),
        helm_flags: p.cluster.helm_flags(),
        timeout_secs: u64::from(timeout_minutes) * 60,
    })
}

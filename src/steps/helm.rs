//! The chart-install step's actions, for every step that installs a chart (API-M, IS): a
//! release an interrupted run left pending is recovered, then `helm upgrade --install`.

use crate::plan::{Action, Command, SecretOverlay};
use crate::profile::Profile;

/// A chart to install, as the step's section says.
pub struct Chart<'a> {
    pub release: &'a str,
    pub chart: &'a str,
    pub version: &'a str,
    /// The values file (an artifact the step writes).
    pub values: &'a str,
    pub timeout_minutes: u32,
    /// Kinds dropped from what the chart renders before it reaches the cluster (IS's Ingress
    /// under Gateway API exposure).
    pub drop_kinds: Vec<String>,
}

/// The recovery of a pending release, then the install: two actions, in that order.
pub fn install_chart(p: &Profile, c: Chart<'_>, overlay: SecretOverlay) -> [Action; 2] {
    let mut cmd = helm_upgrade(
        p,
        c.release,
        c.chart,
        c.version,
        c.values,
        overlay,
        c.timeout_minutes,
    );
    cmd.drop_kinds = c.drop_kinds;
    [
        helm_recover(p, c.release, c.timeout_minutes),
        Action::Run(cmd),
    ]
}

/// `helm upgrade --install`: idempotent, so a re-run or a resumed run changes nothing that is
/// already right. Secret values come on standard input (`-f -`).
fn helm_upgrade(
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
fn helm_recover(p: &Profile, release: &str, timeout_minutes: u32) -> crate::plan::Action {
    crate::plan::Action::RecoverRelease(crate::plan::ReleaseRecovery {
        release: release.into(),
        namespace: p.cluster.namespace.clone(),
        helm_flags: p.cluster.helm_flags(),
        timeout_secs: u64::from(timeout_minutes) * 60,
    })
}

//! A local chart directory against the profile's `chartVersion`: helm installs a directory at
//! the version its `Chart.yaml` gives and ignores `--version`, so a profile on one line pointed
//! at another line's chart would render the values built for its own line into a chart that
//! reads other keys (the 4.7 chart's hostname precedence and encryption key, for one).

use super::finding::{Finding, Level};
use crate::plan::verify_spec::ChartKind;

/// `(major, minor)` of `4.7.0-1`.
fn line(version: &str) -> Option<(u32, u32)> {
    let mut it = version.trim().split(['.', '-']);
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

/// An error when the chart at `dir` (version `have`) is another line than `want`; a notice
/// when only the revision differs (the same line's keys, perhaps other defaults).
pub fn local_chart(kind: ChartKind, dir: &str, have: &str, want: &str) -> Option<Finding> {
    if have.trim() == want.trim() || want.trim().is_empty() {
        return None;
    }
    let fix = match kind {
        ChartKind::ApiManager => "apiManager.chartVersion",
        ChartKind::IdentityServer => "identityServer.chartVersion",
    };
    let same_line = line(have).is_some() && line(have) == line(want);
    let (level, message) = if same_line {
        (
            Level::Notice,
            format!(
                "the local chart {dir} is version {have}, the profile says {want}: helm installs the directory as it is (version {have})"
            ),
        )
    } else {
        (
            Level::Error,
            format!(
                "the local chart {dir} is version {have} but the profile is built for {want}: helm installs a directory at its own version, so {want}'s values would go into the {have} chart; set {fix}: {have} or point the chart at a {want} chart"
            ),
        )
    };
    Some(Finding::new(level, kind, "chart-version", "Chart.yaml", message, fix).expected(want))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_lines_local_chart_is_an_error_another_revision_a_notice() {
        let k = ChartKind::ApiManager;
        assert!(local_chart(k, "/c", "4.7.0-1", "4.7.0-1").is_none());
        let f = local_chart(k, "/c", "4.5.0-10", "4.7.0-1").unwrap();
        assert_eq!(f.level, Level::Error);
        assert_eq!(f.fix, "apiManager.chartVersion");
        assert!(
            f.message.contains("set apiManager.chartVersion: 4.5.0-10"),
            "{}",
            f.message
        );
        let f = local_chart(k, "/c", "4.7.0-2", "4.7.0-1").unwrap();
        assert_eq!(f.level, Level::Notice);
    }
}

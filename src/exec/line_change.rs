//! A chart-line change (API-M 4.5 → 4.6: a `<major>.<minor>` change of the chart version): what
//! `diff` shows and `apply` refuses (`upgrade_guard`). Pure.

use super::ctx::Failure;

/// WSO2's upgrading guidelines, where every minor-version migration starts.
pub const MIGRATION_GUIDE: &str = "https://apim.docs.wso2.com/en/latest/install-and-setup/upgrading-wso2-api-manager/upgrading-guidelines/";

/// A release whose running chart is of another line than the one `apply` would install.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineChange {
    pub release: String,
    /// Chart versions: the running one and the wanted one.
    pub from: String,
    pub to: String,
}

impl LineChange {
    fn minor(v: &str) -> String {
        v.split(['.', '-']).take(2).collect::<Vec<_>>().join(".")
    }

    /// `4.5 → 4.6`.
    pub fn lines(&self) -> String {
        format!("{} → {}", Self::minor(&self.from), Self::minor(&self.to))
    }

    /// What `diff` says of it.
    pub fn note(&self) -> String {
        format!(
            "line upgrade {} (chart {} → {}): apply refuses to upgrade a running release in place \
             without --allow-upgrade; H2 data does not migrate itself — see {MIGRATION_GUIDE}",
            self.lines(),
            self.from,
            self.to
        )
    }

    /// Why `apply` stops, and what to do.
    pub fn refusal(&self) -> Failure {
        Failure::new(format!(
            "release {} runs chart {}; this profile would upgrade it in place to {} (line {}), \
             which WSO2 does not support: a minor upgrade is a migration, and the embedded H2 \
             databases do not migrate themselves. Nothing was changed",
            self.release,
            self.from,
            self.to,
            self.lines()
        ))
        .hint(format!(
            "follow WSO2's migration guide ({MIGRATION_GUIDE}) — or, for an evaluation whose data \
             may be lost, run `kmpilot apply --allow-upgrade`; to stay on the running line, set \
             the profile's chart version back to {}",
            self.from
        ))
    }
}

/// `(major, minor)` of a chart version (`4.5.0-10` → `(4, 5)`).
fn minor_of(v: &str) -> Option<(u32, u32)> {
    let mut it = v.trim().split(['.', '-']);
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

/// The version in `helm list`'s `chart` column (`wso2am-all-in-one-4.5.0-10` → `4.5.0-10`):
/// the part after the first `-` that starts a dotted number.
pub fn listed_version(chart: &str) -> Option<&str> {
    chart
        .match_indices('-')
        .map(|(i, _)| &chart[i + 1..])
        .find(|rest| {
            rest.split(['-', '+'])
                .next()
                .is_some_and(|v| v.contains('.') && v.split('.').all(|n| n.parse::<u32>().is_ok()))
        })
}

/// The line change from the running `listed_chart` to `wanted_version`, if the two are of
/// different lines (a revision of the same line, `4.5.0-9` → `4.5.0-10`, is not one).
pub fn line_change(release: &str, listed_chart: &str, wanted_version: &str) -> Option<LineChange> {
    let from = listed_version(listed_chart)?;
    let (a, b) = (minor_of(from)?, minor_of(wanted_version)?);
    (a != b).then(|| LineChange {
        release: release.to_string(),
        from: from.to_string(),
        to: wanted_version.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_change_is_a_minor_version_change_of_the_chart() {
        assert_eq!(
            listed_version("wso2am-all-in-one-4.5.0-10"),
            Some("4.5.0-10")
        );
        assert_eq!(listed_version("identity-server-7.1.0-3"), Some("7.1.0-3"));
        assert_eq!(listed_version("wso2am-all-in-one"), None);
        let c = line_change("apim", "wso2am-all-in-one-4.5.0-10", "4.6.0-5").unwrap();
        assert_eq!(c.lines(), "4.5 → 4.6");
        assert!(c.refusal().hint.unwrap().contains(MIGRATION_GUIDE));
        assert!(c.note().contains("--allow-upgrade") && c.note().contains("H2"));
        // a new revision of the same line is an ordinary upgrade
        assert_eq!(
            line_change("apim", "wso2am-all-in-one-4.5.0-9", "4.5.0-10"),
            None
        );
        assert!(line_change("is", "identity-server-7.1.0-3", "7.3.0-2").is_some());
    }
}

//! What kmpilot knows about each WSO2 chart line, one file per line: the API-M lines
//! (`wso2am-all-in-one` 4.5, 4.6, 4.7) and the IS line (`identity-server` 7.1). Everything
//! kmpilot relies on that changes from one line to the next is declared here, with where it was
//! read; `compat`, `verify` and the values builders read these tables, and nothing else spells
//! a version. Adding a line (API-M 4.8) is one new file and one entry in `APIM_LINES`.
//!
//! Pure data: this module imports nothing of kmpilot's, so every layer may read it.

mod apim_4_5;
mod apim_4_6;
mod apim_4_7;
mod is_7_0;
mod is_7_1;
mod line;

pub use line::{ApimLine, EncryptionKey, HostnamePrecedence, IsLine, KmAuthShape, Sourced};

/// The lines kmpilot knows, for error messages: `4.5 (4.5.0-10), 4.6 (4.6.0-5), 4.7 (4.7.0-1)`.
pub fn known_apim() -> String {
    APIM_LINES
        .iter()
        .map(|l| format!("{} ({})", l.name(), l.chart_version))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The API-M lines kmpilot knows, oldest first. The last is the current one.
pub static APIM_LINES: &[&ApimLine] = &[&apim_4_5::LINE, &apim_4_6::LINE, &apim_4_7::LINE];

/// The IS lines kmpilot knows (charts read here; 7.2/7.3 charts could not be read, so they are
/// accepted only through a chart the user names, always verified).
pub static IS_LINES: &[&IsLine] = &[&is_7_0::LINE, &is_7_1::LINE];

/// `(major, minor)` of a SemVer chart version such as `4.7.0-1`.
fn minor_of(chart_version: &str) -> Option<(u32, u32)> {
    let mut it = chart_version.trim().split(['.', '-']);
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

/// The API-M line a chart version belongs to, if kmpilot knows it.
pub fn apim(chart_version: &str) -> Option<&'static ApimLine> {
    let m = minor_of(chart_version)?;
    APIM_LINES.iter().copied().find(|l| l.minor == m)
}

/// The IS line a chart version belongs to, if kmpilot knows it.
pub fn identity_server(chart_version: &str) -> Option<&'static IsLine> {
    let m = minor_of(chart_version)?;
    IS_LINES.iter().copied().find(|l| l.minor == m)
}

/// The line a new profile gets.
pub fn current_apim() -> &'static ApimLine {
    APIM_LINES.last().expect("at least one line")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_version_finds_its_line() {
        assert_eq!(apim("4.7.0-1").unwrap().product, "4.7.0");
        assert_eq!(apim("4.6.0-5").unwrap().product, "4.6.0");
        assert_eq!(apim("4.5.0-10").unwrap().product, "4.5.0");
        assert!(apim("4.8.0-1").is_none() && apim("3.2.0-5").is_none() && apim("x").is_none());
        assert_eq!(identity_server("7.1.0-3").unwrap().build_version, "7.1.0");
        assert!(identity_server("7.2.0-1").is_none());
    }

    #[test]
    fn each_line_is_its_own_chart_version_and_lines_are_in_order() {
        for l in APIM_LINES {
            assert_eq!(apim(l.chart_version).unwrap().product, l.product);
            assert!(!l.sources.is_empty(), "{} names its sources", l.product);
        }
        let t47: Vec<_> = apim("4.7.0-1").unwrap().tables().collect();
        assert!(
            t47.contains(&"apim.key_manager")
                && t47.contains(&"apim.mcp")
                && t47.contains(&"encryption")
        );
        assert!(!apim("4.5.0-10").unwrap().tables().any(|t| t == "apim.mcp"));
        assert!(
            identity_server("7.1.0-3")
                .unwrap()
                .tables()
                .any(|t| t == "identity_mgt")
        );
        assert!(APIM_LINES.windows(2).all(|w| w[0].minor < w[1].minor));
        assert_eq!(current_apim().minor, (4, 7));
    }
}

//! The TOML tables each chart line's `deployment.toml` template declares on its own, as the
//! line declares them (`crate::chart_lines`, read from the charts' templates). `extraToml` is
//! spliced into that file, so declaring one of these again makes the file invalid TOML.
//! `validate` uses this offline; `verify` renders the exact chart and is the authority.
//! Only tables the template always declares with kmpilot's values are listed.

use crate::chart_lines;
use crate::plan::verify_spec::ChartKind;

/// The tables chart `kind` at `version` declares itself, when kmpilot knows that version's line.
pub fn declared(kind: ChartKind, version: &str) -> Option<Vec<&'static str>> {
    match kind {
        ChartKind::IdentityServer => {
            chart_lines::identity_server(version).map(|l| l.tables().collect())
        }
        ChartKind::ApiManager => chart_lines::apim(version).map(|l| l.tables().collect()),
    }
}

/// The tables of `extra_toml` that chart `kind` at `version` already declares: (table, line
/// within extra_toml).
pub fn clashes(kind: ChartKind, version: &str, extra_toml: &str) -> Vec<(String, usize)> {
    let Some(known) = declared(kind, version) else {
        return Vec::new();
    };
    super::toml_files::table_headers(extra_toml)
        .into_iter()
        .filter(|(name, _)| known.contains(&name.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_the_is_template_declares_is_found_with_its_line() {
        let extra = "[oauth.token_renewal]\nrenew_refresh_token = true\n\n[ authentication.consent ]\ndata_source = \"x\"\n";
        assert_eq!(
            clashes(ChartKind::IdentityServer, "7.1.0-3", extra),
            vec![("authentication.consent".to_string(), 4)]
        );
        assert!(clashes(ChartKind::IdentityServer, "9.9.9-1", extra).is_empty());
        assert!(
            clashes(
                ChartKind::ApiManager,
                "4.5.0-10",
                "[[event_listener]]\nid = \"x\"\n"
            )
            .is_empty()
        );
    }

    #[test]
    fn each_api_manager_line_adds_the_tables_its_template_declares() {
        let extra = "[apim.mcp]\nenable = false\n\n[encryption]\nkey = \"x\"\n\n[[oauth.extensions.token_types]]\nname = \"y\"\n";
        let on = |v: &str| -> Vec<String> {
            clashes(ChartKind::ApiManager, v, extra)
                .into_iter()
                .map(|(t, _)| t)
                .collect()
        };
        assert!(on("4.5.0-10").is_empty(), "4.5 declares neither");
        assert_eq!(on("4.6.0-5"), ["apim.mcp"]);
        // the array of tables may take more entries: only the plain tables clash
        assert_eq!(on("4.7.0-1"), ["apim.mcp", "encryption"]);
        assert!(
            on("4.8.0-1").is_empty(),
            "an unknown line is not judged offline"
        );
        assert_eq!(
            clashes(ChartKind::IdentityServer, "7.0.0-2", "[identity_mgt]\n"),
            Vec::<(String, usize)>::new(),
            "7.0 has no [identity_mgt]"
        );
    }
}

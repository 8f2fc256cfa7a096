//! Secrets the charts write in plain text into ConfigMaps (keystore and admin passwords without
//! the secure vault): counted and disclosed, with the alternative — never silently. Anyone who
//! may read ConfigMaps in the namespace can read them.

use super::finding::{Finding, Level};
use super::input::Input;
use crate::plan::verify_spec::ChartKind;
use crate::plan::{SecretOverlay, SecretValue};

/// References WSO2 resolves at start-up; not a secret in the ConfigMap.
fn is_reference(v: &str) -> bool {
    ["$secret{", "$env{", "${", "$ref{", "$sys{"]
        .iter()
        .any(|p| v.starts_with(p))
}

fn secret_key(table: &[String], key: &str) -> bool {
    key.ends_with("password")
        || key == "secret_key"
        || (key == "key" && table.last().is_some_and(|t| t == "encryption"))
}

fn walk(t: &toml::Table, path: &mut Vec<String>, found: &mut Vec<String>) {
    for (k, v) in t {
        match v {
            // [secrets] holds ciphertexts
            toml::Value::Table(sub) if !(path.is_empty() && k == "secrets") => {
                path.push(k.clone());
                walk(sub, path, found);
                path.pop();
            }
            toml::Value::Array(items) => {
                for item in items.iter().filter_map(toml::Value::as_table) {
                    path.push(k.clone());
                    walk(item, path, found);
                    path.pop();
                }
            }
            toml::Value::String(s) if secret_key(path, k) && !s.is_empty() && !is_reference(s) => {
                found.push(format!("[{}] {k}", path.join(".")));
            }
            _ => {}
        }
    }
}

pub fn check(i: &Input<'_>, out: &mut Vec<Finding>) {
    let e = i.expect;
    for f in i.tomls {
        let Some(t) = &f.table else { continue };
        let mut found = Vec::new();
        walk(t, &mut Vec::new(), &mut found);
        if found.is_empty() {
            continue;
        }
        let (fix, hint) = alternative(e.chart);
        out.push(
            Finding::new(
                Level::Notice,
                e.chart,
                "plaintext",
                &f.object,
                format!(
                    "{} secret value(s) in plain text in this ConfigMap: {}",
                    found.len(),
                    found.join(", ")
                ),
                fix,
            )
            .file(&f.file)
            .hint(hint),
        );
    }
}

fn alternative(chart: ChartKind) -> (&'static str, &'static str) {
    match chart {
        ChartKind::ApiManager => (
            "secureVault.enabled",
            "turn on the secure vault: the ConfigMap then holds $secret{…} references and ciphertexts (needs the Secrets Store CSI driver); otherwise limit who may read ConfigMaps in the namespace",
        ),
        ChartKind::IdentityServer => (
            "identityServer",
            "the IS chart's secure vault (deployment.secretStore) works only with Azure Key Vault and kmpilot does not set it up: limit who may read ConfigMaps in the namespace (RBAC)",
        ),
    }
}

/// What `plan` can say without rendering: of the secret values handed to each chart (its overlay), those the
/// chart writes into its deployment.toml ConfigMap as they are (values paths).
pub fn planned(overlays: Vec<(ChartKind, SecretOverlay)>) -> Vec<(ChartKind, Vec<String>)> {
    let plain = |o: SecretOverlay| -> Vec<String> {
        o.entries
            .into_iter()
            .filter(|e| matches!(e.value, SecretValue::Ref(_)))
            .map(|e| e.path.join("."))
            // the pull-secret password goes into a Secret, not the ConfigMap
            .filter(|path| !path.contains("imagePullSecrets"))
            .collect()
    };
    overlays
        .into_iter()
        .map(|(chart, o)| (chart, plain(o)))
        .filter(|(_, paths)| !paths.is_empty())
        .collect()
}

/// The plan listing's paragraph on plain-text secrets (empty when there are none).
pub fn planned_text(overlays: Vec<(ChartKind, SecretOverlay)>) -> String {
    let mut s = String::new();
    for (chart, paths) in planned(overlays) {
        let (fix, hint) = alternative(chart);
        s.push_str(&format!(
            "! {}: {} secret value(s) go into the deployment.toml ConfigMap in plain text ({})\n    instead ({fix}): {hint}\n",
            chart.as_str(),
            paths.len(),
            paths.join(", ")
        ));
    }
    s
}

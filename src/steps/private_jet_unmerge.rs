//! Taking back what the PrivateJet merge added to API-M's `deployment.toml` or
//! `tenant-conf.json`: only the entries that were not there before kmpilot merged (recorded
//! at merge time in the creation ledger), with comments, order and everything else kept
//! (toml_edit).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What one merge added to a file that did not have it before.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Added {
    /// `clusterName` (TOML) / `ClusterName` (JSON) of the entries kmpilot added.
    pub clusters: Vec<String>,
    /// The `[[ContainerMgtClusterConfig]]` array (or `ContainerMgt` key) did not exist.
    pub created_array: bool,
    /// `[ContainerMgtConfig]` keys (cluster types) kmpilot set, and whether it made the table.
    #[serde(default)]
    pub class_types: Vec<String>,
    #[serde(default)]
    pub created_class_table: bool,
    /// tenant-conf.json: `ContainerMgt` groups (by `Type`) kmpilot made.
    #[serde(default)]
    pub groups: Vec<String>,
}

/// What merging `names` (and `types` for the custom class) into `existing` deployment.toml
/// would add. A file that does not parse adds nothing that could be recorded.
pub fn added_toml(existing: &str, names: &[String], types: &[String], class: bool) -> Added {
    let Ok(doc) = existing.parse::<toml_edit::DocumentMut>() else {
        return Added::default();
    };
    let arr = doc
        .get("ContainerMgtClusterConfig")
        .and_then(|i| i.as_array_of_tables());
    let have: Vec<String> = arr
        .map(|a| {
            a.iter()
                .filter_map(|t| t.get("clusterName").and_then(|v| v.as_str()))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let class_table = doc
        .get("ContainerMgtConfig")
        .and_then(|i| i.as_table_like());
    let mut class_types: Vec<String> = Vec::new();
    if class {
        for t in types {
            if !class_table.is_some_and(|c| c.contains_key(t)) && !class_types.contains(t) {
                class_types.push(t.clone());
            }
        }
    }
    Added {
        clusters: names
            .iter()
            .filter(|n| !have.contains(n))
            .cloned()
            .collect(),
        created_array: arr.is_none(),
        class_types,
        created_class_table: class && class_table.is_none(),
        groups: Vec::new(),
    }
}

/// `existing` without what `added` says kmpilot added.
pub fn unmerge_toml(existing: &str, added: &Added) -> Result<String, String> {
    use toml_edit::DocumentMut;
    let mut doc: DocumentMut = existing
        .parse()
        .map_err(|e: toml_edit::TomlError| e.to_string())?;
    let mut drop_array = false;
    if let Some(arr) = doc
        .get_mut("ContainerMgtClusterConfig")
        .and_then(|i| i.as_array_of_tables_mut())
    {
        arr.retain(|t| {
            !t.get("clusterName")
                .and_then(|v| v.as_str())
                .is_some_and(|n| added.clusters.iter().any(|c| c == n))
        });
        drop_array = arr.is_empty() && added.created_array;
    }
    if drop_array {
        doc.remove("ContainerMgtClusterConfig");
    }
    let mut drop_table = false;
    if let Some(t) = doc
        .get_mut("ContainerMgtConfig")
        .and_then(|i| i.as_table_like_mut())
    {
        for ty in &added.class_types {
            t.remove(ty);
        }
        drop_table = t.is_empty() && added.created_class_table;
    }
    if drop_table {
        doc.remove("ContainerMgtConfig");
    }
    Ok(doc.to_string())
}

/// What merging `entries` `(type, clusterName)` into `existing` tenant-conf.json would add.
pub fn added_tenant_conf(existing: &str, entries: &[(String, String)]) -> Added {
    let doc: Value = if existing.trim().is_empty() {
        serde_json::json!({})
    } else {
        match serde_json::from_str(existing) {
            Ok(v) => v,
            Err(_) => return Added::default(),
        }
    };
    let groups = doc.get("ContainerMgt").and_then(Value::as_array);
    let has = |ty: &str, name: &str| {
        groups.is_some_and(|g| {
            g.iter().any(|g| {
                g["Type"] == ty
                    && g["ContainerMgtInfo"]
                        .as_array()
                        .is_some_and(|i| i.iter().any(|i| i["ClusterName"] == name))
            })
        })
    };
    let mut added = Added {
        created_array: groups.is_none(),
        ..Added::default()
    };
    for (ty, name) in entries {
        if !has(ty, name) {
            added.clusters.push(name.clone());
        }
        let group_exists = groups.is_some_and(|g| g.iter().any(|g| g["Type"] == ty.as_str()));
        if !group_exists && !added.groups.contains(ty) {
            added.groups.push(ty.clone());
        }
    }
    added
}

/// `existing` tenant-conf.json without what `added` says kmpilot added (pretty-printed as the
/// merge writes it).
pub fn unmerge_tenant_conf(existing: &str, added: &Added) -> Result<String, String> {
    let mut doc: Value = serde_json::from_str(existing).map_err(|e| e.to_string())?;
    let mut drop_key = false;
    if let Some(groups) = doc.get_mut("ContainerMgt").and_then(Value::as_array_mut) {
        for g in groups.iter_mut() {
            if let Some(infos) = g.get_mut("ContainerMgtInfo").and_then(Value::as_array_mut) {
                infos.retain(|i| {
                    !i["ClusterName"]
                        .as_str()
                        .is_some_and(|n| added.clusters.iter().any(|c| c == n))
                });
            }
        }
        groups.retain(|g| {
            let empty = g["ContainerMgtInfo"].as_array().is_none_or(Vec::is_empty);
            !(empty
                && g["Type"]
                    .as_str()
                    .is_some_and(|t| added.groups.iter().any(|x| x == t)))
        });
        drop_key = groups.is_empty() && added.created_array;
    }
    if drop_key && let Some(o) = doc.as_object_mut() {
        o.remove("ContainerMgt");
    }
    Ok(crate::render::json_pretty(&doc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::container_mgt::ClusterEntry;
    use crate::steps::private_jet::{Resolved, merge_toml};

    fn entry(name: &str) -> ClusterEntry {
        ClusterEntry {
            cluster_type: "Kubernetes".into(),
            cluster_name: name.into(),
            display_name: name.into(),
            replicas: 1,
            access_url: "https://gw.example".into(),
            master_url: None,
            context: None,
            namespace: "default".into(),
            token_secret: "t".into(),
            basic_cr: None,
            oauth_cr: None,
            jwt_cr: None,
        }
    }

    #[test]
    fn a_merged_deployment_toml_comes_back_byte_for_byte() {
        let original = "# API-M's own configuration\n[server]\nhostname = \"am.wso2.com\" # kept\n\n[[ContainerMgtClusterConfig]]\ntype = \"Kubernetes\"\nclusterName = \"theirs\"\ndisplayName = \"theirs\"\n\n# a trailing comment\n";
        for class in [false, true] {
            let entries = [entry("edge-east"), entry("theirs")];
            let names: Vec<String> = entries.iter().map(|e| e.cluster_name.clone()).collect();
            let added = added_toml(original, &names, &["Kubernetes".to_string()], class);
            assert_eq!(added.clusters, ["edge-east"], "`theirs` was there before");
            let resolved: Vec<(ClusterEntry, Resolved)> = entries
                .iter()
                .map(|e| {
                    (
                        e.clone(),
                        Resolved {
                            master_url: "https://k8s:6443",
                            sa_token: "tok",
                        },
                    )
                })
                .collect();
            let merged = merge_toml(original, &resolved, class.then_some("my.Class")).unwrap();
            assert!(merged.contains("edge-east"));
            let back = unmerge_toml(&merged, &added).unwrap();
            assert!(back.contains("clusterName = \"theirs\""), "{back}");
            assert!(!back.contains("edge-east"), "{back}");
            // `theirs` was updated in place by the merge (its properties), which the merge
            // owns; the rest of the file is as it was
            assert!(
                back.starts_with(
                    "# API-M's own configuration\n[server]\nhostname = \"am.wso2.com\" # kept\n"
                ),
                "{back}"
            );
            assert!(back.contains("# a trailing comment"), "{back}");
        }
        // a file without the array gets back exactly what it was
        let plain = "# comment\n[server]\nhostname = \"am\"  # x\n\n[apim.cors]\nallow = true\n";
        let added = added_toml(plain, &["a".into()], &["Kubernetes".into()], true);
        let resolved = vec![(
            entry("a"),
            Resolved {
                master_url: "https://k",
                sa_token: "t",
            },
        )];
        let merged = merge_toml(plain, &resolved, Some("C")).unwrap();
        assert_ne!(merged, plain);
        assert_eq!(unmerge_toml(&merged, &added).unwrap(), plain);
    }

    #[test]
    fn tenant_conf_loses_only_what_was_added() {
        let original = r#"{"ContainerMgt":[{"Type":"Kubernetes","ContainerMgtInfo":[{"ClusterName":"theirs"}]}],"Other":1}"#;
        let added = added_tenant_conf(
            original,
            &[
                ("Kubernetes".into(), "theirs".into()),
                ("Kubernetes".into(), "mine".into()),
                ("OpenShift".into(), "os".into()),
            ],
        );
        assert_eq!(added.clusters, ["mine", "os"]);
        assert_eq!(added.groups, ["OpenShift"]);
        let merged = r#"{"ContainerMgt":[{"Type":"Kubernetes","ContainerMgtInfo":[{"ClusterName":"theirs"},{"ClusterName":"mine"}]},{"Type":"OpenShift","ContainerMgtInfo":[{"ClusterName":"os"}]}],"Other":1}"#;
        let back: Value =
            serde_json::from_str(&unmerge_tenant_conf(merged, &added).unwrap()).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(original).unwrap());
    }
}

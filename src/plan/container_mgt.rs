//! The payload of the PrivateJet merge: the clusters that go into API-M's deployment.toml and
//! tenant-conf.json, with where their run-time values come from (the merge itself is
//! `render::container_mgt`).

use std::path::PathBuf;

use serde::Serialize;

use crate::profile::sections::private_jet::Target;

/// One cluster's entry, with where its run-time values come from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterEntry {
    pub cluster_type: String,
    pub cluster_name: String,
    pub display_name: String,
    pub replicas: u32,
    pub access_url: String,
    /// Fixed, or read from `context` in the kubeconfig at run time.
    pub master_url: Option<String>,
    pub context: Option<String>,
    pub namespace: String,
    pub token_secret: String,
    pub basic_cr: Option<String>,
    pub oauth_cr: Option<String>,
    pub jwt_cr: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerMgtMerge {
    pub target: Target,
    pub merge_into: Option<PathBuf>,
    pub custom_class: Option<String>,
    pub clusters: Vec<ClusterEntry>,
    /// Work-directory file the merged (or fresh) result is written to.
    pub output: String,
}

impl ContainerMgtMerge {
    /// The file the merge reads: the user's deployment.toml, else the fresh work file.
    pub fn source_display(&self) -> String {
        self.merge_into
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| self.output.clone())
    }
}

/// Placeholders used where a plan or export shows an entry before it runs.
pub fn placeholders(e: &ClusterEntry) -> (String, String) {
    let id = e
        .cluster_name
        .to_uppercase()
        .replace(|c: char| !c.is_ascii_alphanumeric(), "_");
    (
        e.master_url
            .clone()
            .unwrap_or_else(|| format!("${{MASTER_URL_{id}}}")),
        format!("${{SA_TOKEN_{id}}}"),
    )
}

//! `kmpilot profiles import --from-cluster NAME`: a profile from a running deployment.
//!
//! `live` reads what the cluster holds (helm releases and their values, the hosts-file block,
//! the key-manager registration, PrivateJet objects carrying kmpilot's labels) into [`Live`];
//! `build` turns that into a profile and a [`Report`] without any I/O, so the mapping is tested
//! without a cluster. Secrets become `prompt: true` references and are never read; whatever
//! could not be mapped is listed in the report, not dropped.

pub mod bindings;
pub mod build;
pub mod key_manager;
pub mod live;
pub mod private_jet;
pub mod roundtrip;
pub mod values;

#[cfg(test)]
mod tests;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use build::build;

/// What kmpilot found on the cluster.
#[derive(Debug, Clone, Default)]
pub struct Live {
    pub context: Option<String>,
    pub namespace: String,
    pub releases: Vec<LiveRelease>,
    pub hosts: HostsFacts,
    pub key_manager: KeyManagerFacts,
    pub private_jet: Vec<private_jet::LivePj>,
    /// Why PrivateJet accounts could not be searched (e.g. no cluster-wide list permission).
    pub private_jet_unreadable: Option<String>,
}

/// One helm release of the namespace (`helm list` and `helm get values -o json`).
#[derive(Debug, Clone)]
pub struct LiveRelease {
    pub name: String,
    /// helm's `chart` column: `<name>-<version>`.
    pub chart: String,
    pub status: String,
    /// User-supplied values (`helm get values`); secret leaves are skipped, never copied.
    pub values: Value,
}

/// The hosts file kmpilot looked in.
#[derive(Debug, Clone, Default)]
pub struct HostsFacts {
    pub file: PathBuf,
    /// kmpilot blocks in it: (profile name in the markers, address, hostnames).
    pub blocks: Vec<HostsBlock>,
    /// Why it could not be read.
    pub unreadable: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HostsBlock {
    pub profile: String,
    pub address: String,
    pub hostnames: Vec<String>,
}

/// The key-manager registration as API-M's Admin REST API lists it.
#[derive(Debug, Clone, Default)]
pub enum KeyManagerFacts {
    /// Not asked, or API-M did not answer: the reason.
    #[default]
    NotRead,
    Unreadable(String),
    /// API-M answered; the key managers whose endpoints point at this IS (Admin REST bodies).
    Listed(Vec<Value>),
}

/// What the import did, for the user to check before replaying the profile.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub profile: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    pub namespace: String,
    /// Profile fields set from the cluster, with where each came from.
    pub mapped: Vec<Mapped>,
    /// Profile fields that hold a secret: written as `prompt: true`.
    pub secrets: Vec<String>,
    /// Values the release holds in clear that are secrets; not read, not copied.
    pub secret_values_skipped: Vec<String>,
    /// Profile fields the cluster keeps no trace of: left at their defaults.
    pub not_recorded: Vec<NotRecorded>,
    /// What was found but could not be mapped to the profile.
    pub unmapped: Vec<Unmapped>,
    /// Choices made where the cluster allows more than one reading.
    pub assumptions: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Mapped {
    pub field: String,
    pub from: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NotRecorded {
    /// `a.b / c / d` reads `a.b`, `a.c`, `a.d`.
    pub field: String,
    pub why: String,
}

impl NotRecorded {
    /// The profile paths this entry names.
    pub fn paths(&self) -> Vec<String> {
        let mut parts = self.field.split(" / ");
        let Some(first) = parts.next() else {
            return Vec::new();
        };
        let prefix = first.rsplit_once('.').map(|(p, _)| format!("{p}."));
        let mut out = vec![first.to_string()];
        out.extend(parts.map(|x| format!("{}{x}", prefix.clone().unwrap_or_default())));
        out
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Unmapped {
    /// Where it was found (`release apim: kubernetes.ingress.x`, `hosts file`, …).
    pub found: String,
    pub detail: String,
}

impl Report {
    fn mapped(&mut self, field: &str, from: impl Into<String>) {
        self.mapped.push(Mapped {
            field: field.into(),
            from: from.into(),
        });
    }
    fn unmapped(&mut self, found: impl Into<String>, detail: impl Into<String>) {
        self.unmapped.push(Unmapped {
            found: found.into(),
            detail: detail.into(),
        });
    }
    fn not_recorded(&mut self, field: &str, why: &str) {
        self.not_recorded.push(NotRecorded {
            field: field.into(),
            why: why.into(),
        });
    }

    /// The report as comment lines for the top of the imported profile.
    pub fn as_comments(&self) -> String {
        self.lines("# ")
    }

    /// The report for a terminal: what was mapped, then the rest as in the file.
    pub fn as_text(&self) -> String {
        let mut s = format!("{} fields mapped from the cluster:\n", self.mapped.len());
        for m in &self.mapped {
            s.push_str(&format!("  {:<48} <- {}\n", m.field, m.from));
        }
        s + &self.lines("")
    }

    fn lines(&self, p: &str) -> String {
        let mut s = format!("{p}Imported by `kmpilot profiles import --from-cluster`");
        match &self.context {
            Some(c) => s.push_str(&format!(" (context {c}, namespace {})", self.namespace)),
            None => s.push_str(&format!(" (namespace {})", self.namespace)),
        }
        s.push('\n');
        let mut section = |title: &str, items: Vec<String>| {
            if !items.is_empty() {
                s.push_str(&format!("{p}{title}:\n"));
                for i in items {
                    s.push_str(&format!("{p}  {}\n", one_line(&i)));
                }
            }
        };
        section(
            "NOT MAPPED (found on the cluster, not in this profile)",
            self.unmapped
                .iter()
                .map(|u| format!("{}: {}", u.found, u.detail))
                .collect(),
        );
        section(
            "Secrets are asked for when the profile runs (prompt: true)",
            self.secrets.clone(),
        );
        section(
            "Not recorded on the cluster, left at kmpilot's defaults",
            self.not_recorded
                .iter()
                .map(|n| format!("{}: {}", n.field, n.why))
                .collect(),
        );
        section("Assumed", self.assumptions.clone());
        s
    }
}

fn one_line(s: &str) -> String {
    s.replace('\n', " ")
}

//! The profile: every answer the wizard collects, as one YAML document (`apiVersion:
//! kmpilot/v1`, `kind: Profile`) that can be saved, replayed and shared. Its sections'
//! types are in `sections`; this module holds the document, loading with diagnostics, atomic
//! saving and the profile store. What a section means (checks, plan, wizard fields) is its
//! step's, in `crate::steps`.

pub mod checks;
pub mod derived;
pub mod diagnostics;
pub mod edit_in_place;
pub mod load;
pub mod save;
pub mod secret;
pub mod sections;
pub mod store;
pub mod written;
pub mod yaml_tree;

use serde::{Deserialize, Serialize};

use diagnostics::{Issues, YamlPath};
use sections::api_manager::ApiManager;
use sections::cluster::{Cluster, Prerequisites};
pub use sections::credentials::Credentials;
use sections::dns::Dns;
use sections::identity_server::IdentityServer;
use sections::key_manager::KeyManager;
use sections::keystores::Keystores;
use sections::kms_sts::KmsSts;
use sections::private_jet::PrivateJet;
use sections::secure_vault::SecureVault;

pub const API_VERSION: &str = "kmpilot/v1";
pub const KIND: &str = "Profile";

/// The document. `Default` is an empty one (no apiVersion, kind or name: it does not
/// validate) that `quickstart` completes; it keeps a new section to one line, its field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Profile {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default)]
    pub cluster: Cluster,
    #[serde(default)]
    pub prerequisites: Prerequisites,
    #[serde(default)]
    pub keystores: Keystores,
    #[serde(default)]
    pub secure_vault: SecureVault,
    #[serde(default)]
    pub identity_server: IdentityServer,
    #[serde(default)]
    pub api_manager: ApiManager,
    #[serde(default)]
    pub key_manager: KeyManager,
    #[serde(default)]
    pub dns: Dns,
    #[serde(default)]
    pub private_jet: PrivateJet,
    #[serde(default)]
    pub kms_sts: KmsSts,
}

impl Profile {
    /// The built-in quickstart: pattern 6 on a laptop with every default.
    pub fn quickstart(name: &str) -> Self {
        Profile {
            api_version: API_VERSION.into(),
            kind: KIND.into(),
            name: name.into(),
            ..Profile::default()
        }
    }

    /// The document's own problems (its header and name); each section's are its step's
    /// (`crate::steps::validate` runs both).
    pub fn check_document(&self, issues: &mut Issues) {
        let root = YamlPath::root();
        if self.api_version != API_VERSION {
            issues.error(
                &root.key("apiVersion"),
                format!("unsupported apiVersion `{}`", self.api_version),
                Some(API_VERSION),
                None,
            );
        }
        if self.kind != KIND {
            issues.error(
                &root.key("kind"),
                format!("unsupported kind `{}`", self.kind),
                Some(KIND),
                None,
            );
        }
        if !checks::is_k8s_label(&self.name) {
            issues.error(
                &root.key("name"),
                format!("`{}` is not a profile name", self.name),
                Some("lower-case letters, digits and '-', at most 63 characters"),
                Some(
                    "the name also names the profile's file in the store and its hosts-file block",
                ),
            );
        }
    }
}

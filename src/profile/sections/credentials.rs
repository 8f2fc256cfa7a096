//! A user name and a secret password, as several sections ask for them (IS's and API-M's
//! admins, the key-manager connector, a PrivateJet cluster's account).

use serde::{Deserialize, Serialize};

use crate::profile::checks;
use crate::profile::diagnostics::{Issues, YamlPath};
use crate::profile::secret::SecretRef;

/// A user name and a secret password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Credentials {
    pub username: String,
    pub password: SecretRef,
}

impl Credentials {
    pub fn new(username: &str, env: &str) -> Self {
        Credentials {
            username: username.into(),
            password: SecretRef::env(env),
        }
    }

    pub fn validate(&self, issues: &mut Issues, path: &YamlPath) {
        checks::non_empty(
            issues,
            &path.key("username"),
            &self.username,
            "a user name such as admin",
        );
        checks::secret(issues, &path.key("password"), &self.password);
    }
}

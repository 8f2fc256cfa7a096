//! The payload of the keystores step: the one set of JKS files both servers load, as the executor
//! generates it (or reads what the user provided).

use std::path::PathBuf;

use serde::Serialize;

use crate::profile::secret::SecretRef;
use crate::profile::sections::keystores::{ApimStores, IsStores, Provided};

/// What the executor hands to the keystore crate: every name and number resolved, secrets
/// still references.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeystoreSetSpec {
    pub dname: String,
    pub validity_days: u32,
    pub key_size: u32,
    pub apim_sans: Vec<String>,
    pub is_sans: Vec<String>,
    pub store_password: SecretRef,
    pub key_password: SecretRef,
    /// Whether `keystores.keyPassword` is set; without it the key password *is* the store
    /// password (one question, one variable), not a second secret that happens to be equal.
    #[serde(skip)]
    pub own_key_password: bool,
    /// Work-directory folder the files are written to.
    pub out_dir: String,
    pub apim: ApimStores,
    pub is: IsStores,
    pub tls_cert: String,
    pub tls_key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provided: Option<Provided>,
    /// `keystores.extraCaBundle`: read by the executor, trusted by both truststores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_ca_bundle: Option<PathBuf>,
    /// Where the keystore secrets of an earlier run are looked for (to reuse them).
    pub namespace: String,
    /// The TLS secret API-M's ingress serves (`apiManager.ingress.tlsSecret`, else
    /// `keystores.tlsSecret`): a reuse keeps its certificate.
    pub tls_secret: String,
}

impl KeystoreSetSpec {
    pub fn store_password_var(&self) -> &str {
        self.store_password.shell_var("KEYSTORE_PASSWORD")
    }

    /// The variable the key password is known by: the store password's when it is not set
    /// on its own.
    pub fn key_password_var(&self) -> &str {
        if self.own_key_password {
            self.key_password.shell_var("KEY_PASSWORD")
        } else {
            self.store_password_var()
        }
    }
}

pub const OUT_DIR: &str = "keystores";

/// The certificate IS's pod presents (its own keystore; the ingress presents the TLS secret),
/// written next to `tls.crt` so kmpilot can verify IS reached through a port-forward.
pub fn is_server_cert() -> String {
    format!("{OUT_DIR}/is-server.crt")
}

/// The certificate API-M's pod presents, for the same reason.
pub fn apim_server_cert() -> String {
    format!("{OUT_DIR}/apim-server.crt")
}

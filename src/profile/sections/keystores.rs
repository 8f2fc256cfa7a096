//! The `keystores` section: the JKS files both servers load, generated or provided.

use crate::profile::secret::SecretRef;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Keystores {
    /// Distinguished name of both certificates, as keytool's `-dname` takes it.
    pub dname: String,
    pub validity_days: u32,
    pub key_size: u32,
    pub store_password: SecretRef,
    /// Private-key password; the store password when absent (what keytool does for JKS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_password: Option<SecretRef>,
    /// DNS names added to both certificates besides the profile's hostnames.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra_sans: Vec<String>,
    pub apim: ApimStores,
    pub is: IsStores,
    /// `kubernetes.io/tls` secret for the ingresses of both charts.
    pub tls_secret: String,
    /// Bring your own: existing stores used instead of generated ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provided: Option<Provided>,
    /// A PEM bundle of more CAs (a corporate CA) both truststores trust, besides the public
    /// CAs and kmpilot's own certificates; relative to the profile's directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_ca_bundle: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ApimStores {
    pub secret_name: String,
    pub alias: String,
    /// Distinct file names: the chart mounts each enabled store by name with subPath, and two
    /// mounts at one path are rejected by Kubernetes (wso2-facts §1).
    pub keystore: String,
    pub tls_keystore: String,
    pub internal_keystore: String,
    pub truststore: String,
}

impl Default for ApimStores {
    fn default() -> Self {
        ApimStores {
            secret_name: "apim-keystores".into(),
            alias: "wso2carbon".into(),
            keystore: "wso2carbon.jks".into(),
            tls_keystore: "wso2tls.jks".into(),
            internal_keystore: "wso2internal.jks".into(),
            truststore: "client-truststore.jks".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct IsStores {
    pub secret_name: String,
    pub alias: String,
    /// IS 7.1 uses PKCS12 stores (7.0 used JKS).
    pub primary: String,
    pub tls: String,
    pub internal: String,
    pub truststore: String,
}

impl Default for IsStores {
    fn default() -> Self {
        IsStores {
            secret_name: "is-keystores".into(),
            alias: "wso2carbon".into(),
            primary: "primary.p12".into(),
            tls: "tls.p12".into(),
            internal: "internal.p12".into(),
            truststore: "client-truststore.p12".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Provided {
    /// An existing API-M keystore (JKS) holding the private key under `apim.alias`.
    pub apim_keystore: PathBuf,
    /// An existing IS keystore (PKCS12 or JKS) holding the private key under `is.alias`.
    pub is_keystore: PathBuf,
}

impl Default for Keystores {
    fn default() -> Self {
        Keystores {
            dname: "CN=*.wso2.com, OU=MS, O=WSO2, L=Colombo, ST=Colombo, C=LK".into(),
            validity_days: 3650,
            key_size: 2048,
            store_password: SecretRef::env("KEYSTORE_PASSWORD"),
            key_password: None,
            extra_sans: Vec::new(),
            apim: ApimStores::default(),
            is: IsStores::default(),
            tls_secret: "wso2-ingress-tls".into(),
            provided: None,
            extra_ca_bundle: None,
        }
    }
}

impl Keystores {
    /// The key password and the fallback variable it is asked or exported as: the store
    /// password's own when `keyPassword` is not set (one question, not two).
    pub fn key_password_and_var(&self) -> (&SecretRef, &'static str) {
        match &self.key_password {
            Some(k) => (k, "KEY_PASSWORD"),
            None => (&self.store_password, "KEYSTORE_PASSWORD"),
        }
    }

    pub fn key_password(&self) -> &SecretRef {
        self.key_password.as_ref().unwrap_or(&self.store_password)
    }
}

//! The `secureVault` section: encrypting API-M's passwords with its keystore, or a cloud secret store.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Cipher {
    /// RSA/ECB/PKCS1Padding: what the chart's runtime decrypts (its secret-conf.properties
    /// names no algorithm, so secure vault falls back to "RSA").
    #[default]
    Pkcs1,
    /// RSA/ECB/OAEPWithSHA1AndMGF1Padding: apictl's default; only decrypts if the runtime is
    /// told the algorithm, which the 4.5 chart cannot do.
    OaepSha1,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct SecureVault {
    pub enabled: bool,
    pub cipher: Cipher,
    /// Where the chart reads the internal keystore password from at start-up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<CloudProvider>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum CloudProvider {
    Aws(AwsSecret),
    Azure(AzureSecret),
    Gcp(GcpSecret),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct AwsSecret {
    pub region: String,
    pub secret_name: String,
    pub secret_key: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub service_account_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct AzureSecret {
    pub key_vault: String,
    pub tenant_id: String,
    pub internal_keystore_password: String,
    pub internal_keystore_key_password: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct GcpSecret {
    pub project_id: String,
    pub secret_name: String,
    pub secret_version: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub service_account_name: String,
}

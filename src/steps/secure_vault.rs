//! Step "secure-vault": the ten API-M passwords encrypted with the internal keystore's public
//! key, and the cloud secret store the chart reads the internal keystore password from
//! (wso2-facts §1, §4). The encryption itself happens when the helm command runs; only
//! ciphertext reaches the cluster.

use crate::profile::sections::secure_vault::{
    AwsSecret, AzureSecret, Cipher, CloudProvider, GcpSecret, SecureVault,
};

use serde_json::{Value, json};

use crate::plan::{Action, Check, Step, StepId};
use crate::profile::diagnostics::{Issues, YamlPath};
use crate::profile::{Profile, checks};

/// The ten `[secrets]` aliases and the API-M values fields that carry them (wso2-facts §1;
/// the mapping of alias to field follows the chart's toml template).
pub const ALIASES: [(&str, &str); 10] = [
    ("admin_password", "wso2.apim.configurations.adminPassword"),
    (
        "keystore_password",
        "wso2.apim.configurations.security.keystores.primary.password",
    ),
    (
        "keystore_key_password",
        "wso2.apim.configurations.security.keystores.primary.keyPassword",
    ),
    (
        "ssl_keystore_password",
        "wso2.apim.configurations.security.keystores.tls.password",
    ),
    (
        "ssl_key_password",
        "wso2.apim.configurations.security.keystores.tls.keyPassword",
    ),
    (
        "internal_keystore_password",
        "wso2.apim.configurations.security.keystores.internal.password",
    ),
    (
        "internal_keystore_key_password",
        "wso2.apim.configurations.security.keystores.internal.keyPassword",
    ),
    (
        "truststore_password",
        "wso2.apim.configurations.security.truststore.password",
    ),
    (
        "apim_db_password",
        "wso2.apim.configurations.databases.apim_db.password",
    ),
    (
        "shared_db_password",
        "wso2.apim.configurations.databases.shared_db.password",
    ),
];

pub fn validate(p: &Profile, issues: &mut Issues) {
    let v = &p.secure_vault;
    let base = YamlPath::root().key("secureVault");
    if !v.enabled {
        return;
    }
    let Some(provider) = &v.provider else {
        issues.error(
            &base.key("provider"),
            "secure vault needs a cloud secret store for the internal keystore password",
            Some("provider: {aws: {...}}, {azure: {...}} or {gcp: {...}}"),
            Some("the all-in-one chart reads that password only through the Secrets Store CSI driver (AWS, Azure or GCP)"),
        );
        return;
    };
    let pb = base.key("provider");
    match provider {
        CloudProvider::Aws(a) => {
            let b = pb.key("aws");
            checks::non_empty(
                issues,
                &b.key("region"),
                &a.region,
                "an AWS region such as us-east-1",
            );
            checks::non_empty(
                issues,
                &b.key("secretName"),
                &a.secret_name,
                "the Secrets Manager secret holding the password",
            );
            checks::non_empty(
                issues,
                &b.key("secretKey"),
                &a.secret_key,
                "the JSON key inside that secret",
            );
        }
        CloudProvider::Azure(a) => {
            let b = pb.key("azure");
            checks::non_empty(
                issues,
                &b.key("keyVault"),
                &a.key_vault,
                "the Key Vault name",
            );
            checks::non_empty(
                issues,
                &b.key("tenantId"),
                &a.tenant_id,
                "the Azure AD tenant id",
            );
            checks::non_empty(
                issues,
                &b.key("internalKeystorePassword"),
                &a.internal_keystore_password,
                "the Key Vault secret name",
            );
        }
        CloudProvider::Gcp(g) => {
            let b = pb.key("gcp");
            checks::non_empty(
                issues,
                &b.key("projectId"),
                &g.project_id,
                "the GCP project id",
            );
            checks::non_empty(
                issues,
                &b.key("secretName"),
                &g.secret_name,
                "the Secret Manager secret name",
            );
            checks::non_empty(
                issues,
                &b.key("secretVersion"),
                &g.secret_version,
                "a version such as latest or 1",
            );
        }
    }
    if v.cipher == Cipher::OaepSha1 {
        issues.warn(
            &base.key("cipher"),
            "OAEP ciphertext is only decrypted if secret-conf.properties names the algorithm, which no all-in-one chart (4.5 to 4.7) can set",
            Some("keep the default `pkcs1` unless your image configures secretRepositories.file.algorithm"),
        );
    }
}

/// The `aws`/`azure`/`gcp` top-level values. All three are always written: the chart's
/// values.yaml enables aws and gcp by default, which would mount CSI volumes nobody asked for.
pub fn cloud_values(v: &SecureVault) -> Value {
    let provider = if v.enabled { v.provider.as_ref() } else { None };
    let mut aws = json!({"enabled": false});
    let mut azure = json!({"enabled": false});
    let mut gcp = json!({"enabled": false});
    match provider {
        Some(CloudProvider::Aws(a)) => {
            aws = json!({
                "enabled": true,
                "region": a.region,
                "secretsManager": {"secretIdentifiers": {"internalKeystorePassword": {"secretName": a.secret_name, "secretKey": a.secret_key}}},
            });
            if !a.service_account_name.is_empty() {
                aws["serviceAccountName"] = json!(a.service_account_name);
            }
        }
        Some(CloudProvider::Azure(a)) => {
            azure = json!({
                "enabled": true,
                "keyVault": {
                    "name": a.key_vault,
                    "secretIdentifiers": {
                        "internalKeystorePassword": a.internal_keystore_password,
                        "internalKeystoreKeyPassword": a.internal_keystore_key_password,
                    },
                    "activeDirectory": {"tenantId": a.tenant_id},
                },
            });
        }
        Some(CloudProvider::Gcp(g)) => {
            gcp = json!({
                "enabled": true,
                "secretsManager": {"projectId": g.project_id, "secret": {"secretName": g.secret_name, "secretVersion": g.secret_version}},
            });
            if !g.service_account_name.is_empty() {
                gcp["serviceAccountName"] = json!(g.service_account_name);
            }
        }
        None => {}
    }
    json!({"aws": aws, "azure": azure, "gcp": gcp})
}

pub fn plan(p: &Profile) -> Option<Step> {
    if !p.secure_vault.enabled {
        return None;
    }
    Some(Step::new(
        StepId::SecureVault,
        vec![Action::Check(Check::SecretsStoreCsiDriver {
            context: p.cluster.context.clone(),
        })],
    ))
}

/// The wizard's fields for this step; the secret store's fields follow the chosen provider.
pub fn form(p: &Profile) -> Vec<super::form::Field> {
    use super::form::{Field, path};
    let mut v = vec![
        Field::bool(
            "Enabled",
            path(&["secureVault", "enabled"]),
            "encrypt the ten API-M passwords with the internal keystore's public key",
            |p| p.secure_vault.enabled,
            |p, v| p.secure_vault.enabled = v,
        ),
        Field::enum_choice(
            "Cipher",
            path(&["secureVault", "cipher"]),
            "pkcs1 is what the chart's runtime decrypts; oaep-sha1 needs an image that names it",
            &["pkcs1", "oaep-sha1"],
            |p| p.secure_vault.cipher,
            |p, v| p.secure_vault.cipher = v,
        ),
        Field::choice(
            "Secret store",
            path(&["secureVault", "provider"]),
            "cloud secret store the chart reads the internal keystore password from",
            &["none", "aws", "azure", "gcp"],
            |p| {
                match &p.secure_vault.provider {
                    None => "none",
                    Some(CloudProvider::Aws(_)) => "aws",
                    Some(CloudProvider::Azure(_)) => "azure",
                    Some(CloudProvider::Gcp(_)) => "gcp",
                }
                .to_string()
            },
            |p, s| {
                p.secure_vault.provider = match s {
                    "aws" => Some(CloudProvider::Aws(AwsSecret::default())),
                    "azure" => Some(CloudProvider::Azure(AzureSecret::default())),
                    "gcp" => Some(CloudProvider::Gcp(GcpSecret::default())),
                    _ => None,
                };
                Ok(())
            },
        ),
    ];
    macro_rules! provider_field {
        ($variant:ident, $label:expr, $key:expr, $help:expr, $field:ident, $group:expr, $pkey:expr) => {
            Field::text(
                $label,
                path(&["secureVault", "provider", $pkey, $key]),
                $help,
                |p| match &p.secure_vault.provider {
                    Some(CloudProvider::$variant(x)) => x.$field.clone(),
                    _ => String::new(),
                },
                |p, v| {
                    if let Some(CloudProvider::$variant(x)) = &mut p.secure_vault.provider {
                        x.$field = v;
                    }
                },
            )
            .in_group($group)
        };
    }
    match &p.secure_vault.provider {
        Some(CloudProvider::Aws(_)) => v.extend([
            provider_field!(
                Aws,
                "Region",
                "region",
                "AWS region such as us-east-1",
                region,
                "AWS Secrets Manager",
                "aws"
            ),
            provider_field!(
                Aws,
                "Secret name",
                "secretName",
                "the Secrets Manager secret holding the password",
                secret_name,
                "AWS Secrets Manager",
                "aws"
            ),
            provider_field!(
                Aws,
                "Secret key",
                "secretKey",
                "the JSON key inside that secret",
                secret_key,
                "AWS Secrets Manager",
                "aws"
            ),
            provider_field!(
                Aws,
                "Service account",
                "serviceAccountName",
                "service account with access to the secret (optional)",
                service_account_name,
                "AWS Secrets Manager",
                "aws"
            ),
        ]),
        Some(CloudProvider::Azure(_)) => v.extend([
            provider_field!(
                Azure,
                "Key Vault",
                "keyVault",
                "the Key Vault name",
                key_vault,
                "Azure Key Vault",
                "azure"
            ),
            provider_field!(
                Azure,
                "Tenant id",
                "tenantId",
                "the Azure AD tenant id",
                tenant_id,
                "Azure Key Vault",
                "azure"
            ),
            provider_field!(
                Azure,
                "Keystore password secret",
                "internalKeystorePassword",
                "Key Vault secret name of the internal keystore password",
                internal_keystore_password,
                "Azure Key Vault",
                "azure"
            ),
            provider_field!(
                Azure,
                "Key password secret",
                "internalKeystoreKeyPassword",
                "Key Vault secret name of the internal key password",
                internal_keystore_key_password,
                "Azure Key Vault",
                "azure"
            ),
        ]),
        Some(CloudProvider::Gcp(_)) => v.extend([
            provider_field!(
                Gcp,
                "Project id",
                "projectId",
                "the GCP project id",
                project_id,
                "GCP Secret Manager",
                "gcp"
            ),
            provider_field!(
                Gcp,
                "Secret name",
                "secretName",
                "the Secret Manager secret name",
                secret_name,
                "GCP Secret Manager",
                "gcp"
            ),
            provider_field!(
                Gcp,
                "Secret version",
                "secretVersion",
                "a version such as latest or 1",
                secret_version,
                "GCP Secret Manager",
                "gcp"
            ),
            provider_field!(
                Gcp,
                "Service account",
                "serviceAccountName",
                "service account with access to the secret (optional)",
                service_account_name,
                "GCP Secret Manager",
                "gcp"
            ),
        ]),
        None => {}
    }
    v
}

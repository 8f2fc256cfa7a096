//! The secret values document helm reads on standard input, built only in memory.

use std::path::Path;

use kmpilot_keystore::vault::{self, VaultKey};

use super::secrets::Secrets;
use crate::plan::describe::set_path;
use crate::plan::{SecretOverlay, SecretValue};
use crate::profile::sections::secure_vault::Cipher;

pub fn build(
    o: &SecretOverlay,
    secrets: &Secrets,
    vault_cert: Option<&Path>,
) -> Result<Vec<u8>, String> {
    let mut root = serde_json::json!({});
    let mut key: Option<VaultKey> = None;
    for e in &o.entries {
        let v = match &e.value {
            SecretValue::Ref(r) => secrets
                .get(r, &e.shell_var)
                .ok_or_else(|| format!("secret {r} was not resolved"))?
                .to_string(),
            SecretValue::VaultEncrypted { secret, cipher } => {
                if key.is_none() {
                    let path = vault_cert.ok_or("secure vault needs the internal keystore certificate; run the keystores step first")?;
                    let der = std::fs::read(path).map_err(|e| {
                        format!(
                            "cannot read {}: {e} (run the keystores step first)",
                            path.display()
                        )
                    })?;
                    key = Some(VaultKey::from_certificate_der(&der).map_err(|e| e.to_string())?);
                }
                let plain = secrets
                    .get(secret, &e.shell_var)
                    .ok_or_else(|| format!("secret {secret} was not resolved"))?;
                let c = match cipher {
                    Cipher::Pkcs1 => kmpilot_keystore::Cipher::Pkcs1v15,
                    Cipher::OaepSha1 => kmpilot_keystore::Cipher::OaepSha1,
                };
                vault::encrypt(key.as_ref().expect("set above"), plain, c)
                    .map_err(|e| e.to_string())?
            }
        };
        set_path(&mut root, &e.path, serde_json::Value::String(v));
    }
    Ok(crate::render::yaml(&root).into_bytes())
}

/// What `helm template` reads on standard input when kmpilot verifies a chart: the same
/// document as for the install, except that a secret not resolved (a prompt nobody answered,
/// a variable not set) or a ciphertext without the keystores step's certificate becomes a
/// placeholder — the checks read the shape, never a value.
pub fn build_for_render(
    o: &SecretOverlay,
    secrets: &Secrets,
    vault_cert: Option<&Path>,
) -> Vec<u8> {
    let mut root = serde_json::json!({});
    let key = vault_cert
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|der| VaultKey::from_certificate_der(&der).ok());
    for e in &o.entries {
        let v = match &e.value {
            SecretValue::Ref(r) => secrets
                .get(r, &e.shell_var)
                .map(str::to_string)
                .unwrap_or_else(|| PLACEHOLDER.to_string()),
            SecretValue::VaultEncrypted { secret, cipher } => {
                match (key.as_ref(), secrets.get(secret, &e.shell_var)) {
                    (Some(k), Some(plain)) => {
                        let c = match cipher {
                            Cipher::Pkcs1 => kmpilot_keystore::Cipher::Pkcs1v15,
                            Cipher::OaepSha1 => kmpilot_keystore::Cipher::OaepSha1,
                        };
                        vault::encrypt(k, plain, c).unwrap_or_else(|_| CIPHERTEXT.to_string())
                    }
                    _ => CIPHERTEXT.to_string(),
                }
            }
        };
        set_path(&mut root, &e.path, serde_json::Value::String(v));
    }
    crate::render::yaml(&root).into_bytes()
}

/// Stands for a secret value kmpilot could not resolve while verifying.
pub const PLACEHOLDER: &str = "kmpilot-verify-placeholder";
/// Stands for a secure-vault ciphertext before the keystores exist.
pub const CIPHERTEXT: &str = "kmpilot-verify-ciphertext";

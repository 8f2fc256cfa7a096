//! The secret values document helm reads on standard input, built only in memory.

use std::path::Path;

use kmpilot_keystore::vault::{self, VaultKey};

use super::secrets::Secrets;
use crate::plan::describe::set_path;
use crate::plan::{SecretOverlay, SecretValue};
use crate::steps::secure_vault::Cipher;

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

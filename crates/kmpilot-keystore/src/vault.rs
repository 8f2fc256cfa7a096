//! Secure-vault ciphertexts for API-M's `[secrets]` table.
//!
//! WSO2's cipher tool encrypts with the internal keystore's certificate using
//! `Cipher.getInstance("RSA")` (RSA/ECB/PKCS1Padding) unless
//! `org.wso2.CipherTransformation` says otherwise, and writes standard base64
//! of the raw ciphertext. The helm-apim chart's secret-conf.properties names no
//! algorithm, so the runtime decrypts PKCS#1 v1.5: that is the default here.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rsa::rand_core::OsRng;
use rsa::traits::PublicKeyParts;
use rsa::{Oaep, Pkcs1v15Encrypt, RsaPublicKey};

use crate::cert::{Identity, public_key_of};
use crate::error::{Error, Result};
use crate::secret::Secret;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Cipher {
    /// `RSA` = `RSA/ECB/PKCS1Padding`, what the chart's runtime expects.
    #[default]
    Pkcs1v15,
    /// `RSA/ECB/OAEPwithSHA1andMGF1Padding` (apictl's default); the runtime
    /// then needs `secretRepositories.file.algorithm` set to [`Cipher::java_transformation`].
    OaepSha1,
}

impl Cipher {
    pub fn java_transformation(self) -> &'static str {
        match self {
            Cipher::Pkcs1v15 => "RSA/ECB/PKCS1Padding",
            Cipher::OaepSha1 => "RSA/ECB/OAEPwithSHA1andMGF1Padding",
        }
    }

    /// Longest plaintext, in UTF-8 bytes, that fits one RSA block.
    pub fn max_plaintext_len(self, key: &RsaPublicKey) -> usize {
        let k = key.size();
        match self {
            Cipher::Pkcs1v15 => k.saturating_sub(11),
            Cipher::OaepSha1 => k.saturating_sub(2 * 20 + 2),
        }
    }
}

/// The public key ciphertexts are made for (the internal keystore's certificate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultKey(RsaPublicKey);

impl VaultKey {
    pub fn from_certificate_der(cert_der: &[u8]) -> Result<Self> {
        Ok(Self(public_key_of(cert_der)?))
    }

    pub fn from_identity(identity: &Identity) -> Result<Self> {
        Ok(Self(identity.public_key()?))
    }

    pub fn public_key(&self) -> &RsaPublicKey {
        &self.0
    }
}

/// Encrypts one secret; the result goes into deployment.toml as is (no brackets).
pub fn encrypt(key: &VaultKey, plaintext: &str, cipher: Cipher) -> Result<String> {
    let max = cipher.max_plaintext_len(&key.0);
    if plaintext.len() > max {
        return Err(Error::Vault(format!(
            "secret is {} bytes; {cipher:?} with this key takes at most {max}",
            plaintext.len()
        )));
    }
    let ciphertext = match cipher {
        Cipher::Pkcs1v15 => key
            .0
            .encrypt(&mut OsRng, Pkcs1v15Encrypt, plaintext.as_bytes()),
        Cipher::OaepSha1 => {
            key.0
                .encrypt(&mut OsRng, Oaep::new::<sha1::Sha1>(), plaintext.as_bytes())
        }
    }
    .map_err(|e| Error::Vault(e.to_string()))?;
    Ok(STANDARD.encode(ciphertext))
}

/// The ten `[secrets]` aliases the helm-apim chart emits, in its order.
pub const SECRET_ALIASES: [&str; 10] = [
    "admin_password",
    "keystore_password",
    "keystore_key_password",
    "ssl_keystore_password",
    "ssl_key_password",
    "internal_keystore_password",
    "internal_keystore_key_password",
    "truststore_password",
    "apim_db_password",
    "shared_db_password",
];

/// Plaintexts for every alias in [`SECRET_ALIASES`]; one field each so none is forgotten.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VaultSecrets {
    pub admin_password: Secret,
    pub keystore_password: Secret,
    pub keystore_key_password: Secret,
    pub ssl_keystore_password: Secret,
    pub ssl_key_password: Secret,
    pub internal_keystore_password: Secret,
    pub internal_keystore_key_password: Secret,
    pub truststore_password: Secret,
    pub apim_db_password: Secret,
    pub shared_db_password: Secret,
}

impl VaultSecrets {
    /// `(alias, plaintext)` in [`SECRET_ALIASES`] order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Secret)> {
        let values = [
            &self.admin_password,
            &self.keystore_password,
            &self.keystore_key_password,
            &self.ssl_keystore_password,
            &self.ssl_key_password,
            &self.internal_keystore_password,
            &self.internal_keystore_key_password,
            &self.truststore_password,
            &self.apim_db_password,
            &self.shared_db_password,
        ];
        SECRET_ALIASES.into_iter().zip(values)
    }
}

/// Ciphertexts by alias, in [`SECRET_ALIASES`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedSecrets(Vec<(&'static str, String)>);

impl EncryptedSecrets {
    pub fn get(&self, alias: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(a, _)| *a == alias)
            .map(|(_, c)| c.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.0.iter().map(|(a, c)| (*a, c.as_str()))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Encrypts all ten secrets. Empty plaintexts are encrypted too: the chart
/// emits every alias, and an empty DB password is legitimate for H2.
pub fn encrypt_all(
    key: &VaultKey,
    secrets: &VaultSecrets,
    cipher: Cipher,
) -> Result<EncryptedSecrets> {
    let mut out = Vec::with_capacity(SECRET_ALIASES.len());
    for (alias, secret) in secrets.iter() {
        let ciphertext = encrypt(key, secret.expose(), cipher)
            .map_err(|e| Error::Vault(format!("{alias}: {e}")))?;
        out.push((alias, ciphertext));
    }
    Ok(EncryptedSecrets(out))
}

//! Format-neutral loading, for bring-your-own keystores.

use crate::cert::Identity;
use crate::error::{Error, Result};
use crate::{jks, pkcs12};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StoreFormat {
    Jks,
    Pkcs12,
}

impl StoreFormat {
    /// JKS has a magic number; anything else that starts as a DER SEQUENCE is taken as PKCS#12.
    pub fn detect(bytes: &[u8]) -> Option<Self> {
        if jks::is_jks(bytes) {
            Some(Self::Jks)
        } else if bytes.first() == Some(&0x30) {
            Some(Self::Pkcs12)
        } else {
            None
        }
    }

    /// The `type` WSO2's deployment.toml expects.
    pub fn java_type(self) -> &'static str {
        match self {
            Self::Jks => "JKS",
            Self::Pkcs12 => "PKCS12",
        }
    }

    /// Conventional file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jks => "jks",
            Self::Pkcs12 => "p12",
        }
    }
}

/// Loads the key entry `alias` from a user's JKS or PKCS#12 file.
/// For PKCS#12 the key password is the store password; `key_password` is ignored.
pub fn load_identity(
    bytes: &[u8],
    store_password: &str,
    alias: &str,
    key_password: &str,
) -> Result<Identity> {
    match StoreFormat::detect(bytes) {
        Some(StoreFormat::Jks) => jks::read(bytes, store_password)?.identity(alias, key_password),
        Some(StoreFormat::Pkcs12) => pkcs12::read(bytes, store_password)?.identity(alias),
        None => Err(Error::Malformed("neither JKS nor PKCS#12".into())),
    }
}

/// Trusted-certificate entries of a user's JKS or PKCS#12 truststore, as `(alias, DER)`.
pub fn load_trusted_certs(bytes: &[u8], store_password: &str) -> Result<Vec<(String, Vec<u8>)>> {
    let owned = |(a, c): (&str, &[u8])| (a.to_string(), c.to_vec());
    match StoreFormat::detect(bytes) {
        Some(StoreFormat::Jks) => Ok(jks::read(bytes, store_password)?
            .trusted_certs()
            .map(owned)
            .collect()),
        Some(StoreFormat::Pkcs12) => Ok(pkcs12::read(bytes, store_password)?
            .trusted_certs()
            .map(owned)
            .collect()),
        None => Err(Error::Malformed("neither JKS nor PKCS#12".into())),
    }
}

use thiserror::Error;

/// Everything that can go wrong while making, reading or using key material.
///
/// Messages never contain secrets: passwords and key bytes stay out of them so
/// that the wizard can show errors verbatim.
#[derive(Debug, Error)]
pub enum Error {
    #[error("invalid distinguished name: {0}")]
    Dn(String),
    #[error("invalid subject alternative name {name:?}: {reason}")]
    San { name: String, reason: String },
    #[error("invalid key pair spec: {0}")]
    KeySpec(String),
    #[error("key generation failed: {0}")]
    KeyGeneration(String),
    #[error("certificate: {0}")]
    Certificate(String),
    #[error("private key: {0}")]
    PrivateKey(String),
    #[error("PEM: {0}")]
    Pem(String),
    #[error("malformed keystore: {0}")]
    Malformed(String),
    /// Same wording as Java, so users recognise it from keytool.
    #[error("keystore was tampered with, or password was incorrect")]
    Integrity,
    #[error("cannot recover key for alias {alias:?}: wrong key password or corrupt entry")]
    KeyPassword { alias: String },
    #[error("alias {0:?} does not exist")]
    AliasNotFound(String),
    #[error("alias {0:?} is not a private key entry")]
    NotAKeyEntry(String),
    #[error("alias {0:?} is already in the keystore")]
    DuplicateAlias(String),
    #[error("invalid alias {alias:?}: {reason}")]
    Alias { alias: String, reason: String },
    #[error("PKCS#12: {0}")]
    Pkcs12(String),
    #[error("secure vault: {0}")]
    Vault(String),
    #[error("keystore set: {0}")]
    Set(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

//! Keystores and secure-vault secrets for kmpilot, without keytool.
//!
//! * [`cert`]: RSA keys and self-signed X.509 v3 certificates ([`generate`]),
//!   bring-your-own identities from PEM, PEM pairs for ingress TLS.
//! * [`jks`] and [`pkcs12`]: the two store formats, writers and readers.
//! * [`set`]: the whole WSO2 set (API-M JKS, IS PKCS#12, cross-trust) in one call.
//! * [`vault`]: `[secrets]` ciphertexts the WSO2 secure vault decrypts.
//!
//! Key generation takes a fraction of a second in release builds and is
//! CPU-bound: call it off the UI thread.

pub mod cert;
pub mod dn;
pub mod error;
pub mod jks;
pub mod pkcs12;
pub mod public_cas;
pub mod secret;
pub mod set;
pub mod store;
pub mod vault;

pub use cert::{CertInfo, Identity, KeyPairSpec, PemPair, generate};
pub use dn::Dn;
pub use error::{Error, Result};
pub use secret::Secret;
pub use set::{KeystoreSet, KeystoreSetSpec, build_set};
pub use store::StoreFormat;
pub use vault::Cipher;

//! PKCS#12 stores, the format Identity Server 7.1's chart uses.
//!
//! Encoding is delegated to `p12-keystore` (PBES2 with AES-256 and an
//! HMAC-SHA256 MAC, 10 000 iterations: what keytool 17 writes by default).
//! PKCS#12 as Java uses it has a single password for the store and its keys;
//! keytool ignores a different `-keypass` for PKCS12, so we do not offer one.

use p12_keystore::{
    Certificate, KeyStore, KeyStoreEntry, Pkcs12ImportPolicy, PrivateKey, PrivateKeyChain,
};
use sha1::{Digest, Sha1};

use crate::cert::{CertInfo, Identity};
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pkcs12Entry {
    PrivateKey { alias: String, identity: Identity },
    TrustedCert { alias: String, cert_der: Vec<u8> },
}

impl Pkcs12Entry {
    pub fn alias(&self) -> &str {
        match self {
            Pkcs12Entry::PrivateKey { alias, .. } | Pkcs12Entry::TrustedCert { alias, .. } => alias,
        }
    }
}

/// An in-memory PKCS#12 keystore in insertion order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pkcs12Store {
    entries: Vec<Pkcs12Entry>,
}

impl Pkcs12Store {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn entries(&self) -> &[Pkcs12Entry] {
        &self.entries
    }

    pub fn get(&self, alias: &str) -> Option<&Pkcs12Entry> {
        let wanted = alias.to_lowercase();
        self.entries
            .iter()
            .find(|e| e.alias().to_lowercase() == wanted)
    }

    /// Aliases are lower-cased because Java's PKCS12 keystore lower-cases them on lookup.
    pub fn add_private_key(&mut self, alias: &str, identity: &Identity) -> Result<()> {
        let alias = self.new_alias(alias)?;
        self.entries.push(Pkcs12Entry::PrivateKey {
            alias,
            identity: identity.clone(),
        });
        Ok(())
    }

    pub fn add_trusted_cert(&mut self, alias: &str, cert_der: &[u8]) -> Result<()> {
        CertInfo::parse(cert_der)?;
        let alias = self.new_alias(alias)?;
        self.entries.push(Pkcs12Entry::TrustedCert {
            alias,
            cert_der: cert_der.to_vec(),
        });
        Ok(())
    }

    pub fn identity(&self, alias: &str) -> Result<Identity> {
        match self.get(alias) {
            None => Err(Error::AliasNotFound(alias.into())),
            Some(Pkcs12Entry::TrustedCert { .. }) => Err(Error::NotAKeyEntry(alias.into())),
            Some(Pkcs12Entry::PrivateKey { identity, .. }) => Ok(identity.clone()),
        }
    }

    pub fn trusted_certs(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.entries.iter().filter_map(|e| match e {
            Pkcs12Entry::TrustedCert { alias, cert_der } => {
                Some((alias.as_str(), cert_der.as_slice()))
            }
            Pkcs12Entry::PrivateKey { .. } => None,
        })
    }

    /// Fails on passwords Java could not open the file with (see [`check_password`]).
    pub fn to_bytes(&self, password: &str) -> Result<Vec<u8>> {
        check_password(password)?;
        let p12 = |e: p12_keystore::error::Error| Error::Pkcs12(e.to_string());
        let mut store = KeyStore::new();
        for entry in &self.entries {
            match entry {
                Pkcs12Entry::PrivateKey { alias, identity } => {
                    let key =
                        PrivateKey::from_der(identity.private_key_pkcs8_der()).map_err(p12)?;
                    let certs = identity
                        .chain_der()
                        .iter()
                        .map(|der| Certificate::from_der(der))
                        .collect::<std::result::Result<Vec<_>, _>>()
                        .map_err(p12)?;
                    // localKeyId links key and leaf cert; a cert hash is unique and stable.
                    let local_key_id = Sha1::digest(identity.certificate_der()).to_vec();
                    store.add_entry(
                        alias,
                        KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(
                            local_key_id,
                            key,
                            certs,
                        )),
                    );
                }
                Pkcs12Entry::TrustedCert { alias, cert_der } => {
                    let cert = Certificate::from_der(cert_der).map_err(p12)?;
                    store.add_entry(alias, KeyStoreEntry::Certificate(cert));
                }
            }
        }
        store.writer(password).write().map_err(p12)
    }

    /// Parses and MAC-checks a PKCS#12 file, keeping keys with their chains and
    /// certificates on their own (trusted or not, so OpenSSL-made bundles load too).
    pub fn from_bytes(bytes: &[u8], password: &str) -> Result<Self> {
        // p12-keystore decodes with `der`, which reports errors rather than
        // panicking, but a third-party parser on user files gets a safety net.
        let parsed = std::panic::catch_unwind(|| {
            KeyStore::from_pkcs12(bytes, password, Pkcs12ImportPolicy::Relaxed)
        })
        .map_err(|_| Error::Pkcs12("the PKCS#12 parser failed on this file".into()))?
        .map_err(|e| match e {
            p12_keystore::error::Error::MacError(_) => Error::Integrity,
            other => Error::Pkcs12(other.to_string()),
        })?;
        let mut out = Self::new();
        for (alias, entry) in parsed.entries() {
            match entry {
                KeyStoreEntry::PrivateKeyChain(chain) => {
                    let chain_der = chain.certs().iter().map(|c| c.as_der().to_vec()).collect();
                    let identity = Identity::from_der(chain.key().as_der().to_vec(), chain_der)?;
                    out.entries.push(Pkcs12Entry::PrivateKey {
                        alias: alias.to_lowercase(),
                        identity,
                    });
                }
                KeyStoreEntry::Certificate(cert) => out.entries.push(Pkcs12Entry::TrustedCert {
                    alias: alias.to_lowercase(),
                    cert_der: cert.as_der().to_vec(),
                }),
                KeyStoreEntry::Secret(_) => {}
            }
        }
        Ok(out)
    }

    fn new_alias(&self, alias: &str) -> Result<String> {
        let lower = alias.to_lowercase();
        if lower.is_empty() {
            return Err(Error::Alias {
                alias: alias.into(),
                reason: "empty".into(),
            });
        }
        if self.get(&lower).is_some() {
            return Err(Error::DuplicateAlias(lower));
        }
        Ok(lower)
    }
}

/// Java derives PKCS#12 encryption keys through `PBEKey`, which rejects any
/// password character outside printable ASCII ("Password is not ASCII"), so
/// keytool and WSO2 cannot open such a file. JKS has no such limit.
pub fn check_password(password: &str) -> Result<()> {
    match password.chars().find(|c| !(' '..='~').contains(c)) {
        None => Ok(()),
        Some(_) => Err(Error::Pkcs12(
            "Java's PKCS12 keystore only accepts printable ASCII passwords".into(),
        )),
    }
}

/// Reads PKCS#12 bytes; see [`Pkcs12Store::from_bytes`].
pub fn read(bytes: &[u8], password: &str) -> Result<Pkcs12Store> {
    Pkcs12Store::from_bytes(bytes, password)
}

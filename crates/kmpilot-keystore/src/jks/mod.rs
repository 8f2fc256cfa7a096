//! Java KeyStore (JKS), the format API-M 4.5's chart hard-codes.
//!
//! Layout (OpenJDK `sun.security.provider.JavaKeyStore`): magic `FEEDFEED`,
//! version 2, entry count, entries, then SHA-1 over
//! `UTF16BE(store password) || "Mighty Aphrodite" || everything before`.

mod mutf8;
mod protector;

use std::time::{SystemTime, UNIX_EPOCH};

use sha1::{Digest, Sha1};
use zeroize::Zeroizing;

use crate::cert::Identity;
use crate::error::{Error, Result};

const MAGIC: u32 = 0xfeed_feed;
const VERSION_1: u32 = 1;
const VERSION_2: u32 = 2;
const TAG_PRIVATE_KEY: u32 = 1;
const TAG_TRUSTED_CERT: u32 = 2;
const WHITENER: &[u8] = b"Mighty Aphrodite";
const CERT_TYPE: &str = "X.509";
const DIGEST_LEN: usize = 20;

/// A private key entry as stored: the key stays encrypted under its own key
/// password until [`Keystore::identity`] asks for it.
#[derive(Clone, PartialEq, Eq)]
pub struct PrivateKeyEntry {
    pub alias: String,
    /// Milliseconds since the Unix epoch, as Java stores it.
    pub created_ms: i64,
    /// DER `EncryptedPrivateKeyInfo` under Sun's key protector.
    pub protected_key: Vec<u8>,
    /// DER certificates, leaf first.
    pub chain: Vec<Vec<u8>>,
}

impl std::fmt::Debug for PrivateKeyEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrivateKeyEntry")
            .field("alias", &self.alias)
            .field("created_ms", &self.created_ms)
            .field("protected_key_len", &self.protected_key.len())
            .field("chain_len", &self.chain.len())
            .finish()
    }
}

impl PrivateKeyEntry {
    /// The plaintext PKCS#8 key; fails on a wrong key password.
    pub fn decrypt(&self, key_password: &str) -> Result<Zeroizing<Vec<u8>>> {
        protector::recover(&self.protected_key, key_password).ok_or_else(|| Error::KeyPassword {
            alias: self.alias.clone(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedCertEntry {
    pub alias: String,
    pub created_ms: i64,
    pub cert_der: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    PrivateKey(PrivateKeyEntry),
    TrustedCert(TrustedCertEntry),
}

impl Entry {
    pub fn alias(&self) -> &str {
        match self {
            Entry::PrivateKey(e) => &e.alias,
            Entry::TrustedCert(e) => &e.alias,
        }
    }
}

/// An in-memory JKS keystore. Entries keep insertion order, so output is stable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keystore {
    entries: Vec<Entry>,
}

impl Keystore {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Looks an alias up the way Java does: case-insensitively.
    pub fn get(&self, alias: &str) -> Option<&Entry> {
        let wanted = alias.to_lowercase();
        self.entries
            .iter()
            .find(|e| e.alias().to_lowercase() == wanted)
    }

    /// Adds a key entry encrypted with `key_password` (which may differ from the
    /// store password). The alias is lower-cased: Java lower-cases on lookup
    /// but not on load, so a mixed-case alias in the file is unreachable.
    pub fn add_private_key(
        &mut self,
        alias: &str,
        identity: &Identity,
        key_password: &str,
    ) -> Result<()> {
        let alias = self.new_alias(alias)?;
        self.entries.push(Entry::PrivateKey(PrivateKeyEntry {
            alias,
            created_ms: now_ms(),
            protected_key: protector::protect(identity.private_key_pkcs8_der(), key_password),
            chain: identity.chain_der().to_vec(),
        }));
        Ok(())
    }

    pub fn add_trusted_cert(&mut self, alias: &str, cert_der: &[u8]) -> Result<()> {
        crate::cert::CertInfo::parse(cert_der)?;
        let alias = self.new_alias(alias)?;
        self.entries.push(Entry::TrustedCert(TrustedCertEntry {
            alias,
            created_ms: now_ms(),
            cert_der: cert_der.to_vec(),
        }));
        Ok(())
    }

    /// Decrypts a key entry; this is what `keytool -importkeystore` exercises.
    pub fn identity(&self, alias: &str, key_password: &str) -> Result<Identity> {
        match self.get(alias) {
            None => Err(Error::AliasNotFound(alias.into())),
            Some(Entry::TrustedCert(_)) => Err(Error::NotAKeyEntry(alias.into())),
            Some(Entry::PrivateKey(entry)) => {
                let pkcs8 = entry.decrypt(key_password)?;
                Identity::from_der(pkcs8.to_vec(), entry.chain.clone())
            }
        }
    }

    /// Certificates of trusted-certificate entries, with their aliases.
    pub fn trusted_certs(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.entries.iter().filter_map(|e| match e {
            Entry::TrustedCert(t) => Some((t.alias.as_str(), t.cert_der.as_slice())),
            Entry::PrivateKey(_) => None,
        })
    }

    /// Serialises to JKS bytes keytool reads.
    pub fn to_bytes(&self, store_password: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(4096 * self.entries.len().max(1));
        put_u32(&mut out, MAGIC);
        put_u32(&mut out, VERSION_2);
        put_u32(&mut out, self.entries.len() as u32);
        for entry in &self.entries {
            match entry {
                Entry::PrivateKey(e) => {
                    put_u32(&mut out, TAG_PRIVATE_KEY);
                    put_utf(&mut out, &e.alias);
                    out.extend_from_slice(&e.created_ms.to_be_bytes());
                    put_bytes(&mut out, &e.protected_key);
                    put_u32(&mut out, e.chain.len() as u32);
                    for cert in &e.chain {
                        put_utf(&mut out, CERT_TYPE);
                        put_bytes(&mut out, cert);
                    }
                }
                Entry::TrustedCert(e) => {
                    put_u32(&mut out, TAG_TRUSTED_CERT);
                    put_utf(&mut out, &e.alias);
                    out.extend_from_slice(&e.created_ms.to_be_bytes());
                    put_utf(&mut out, CERT_TYPE);
                    put_bytes(&mut out, &e.cert_der);
                }
            }
        }
        let digest = store_digest(store_password, &out);
        out.extend_from_slice(&digest);
        out
    }

    /// Parses JKS bytes and verifies the keyed SHA-1 trailer. Never panics on
    /// malformed input, and allocates no more than the input's size.
    pub fn from_bytes(bytes: &[u8], store_password: &str) -> Result<Self> {
        let mut r = Cursor { bytes, pos: 0 };
        if r.u32()? != MAGIC {
            return Err(Error::Malformed("not a JKS keystore (bad magic)".into()));
        }
        let version = r.u32()?;
        if version != VERSION_1 && version != VERSION_2 {
            return Err(Error::Malformed(format!(
                "unsupported JKS version {version}"
            )));
        }
        let count = r.u32()?;
        let mut entries = Vec::new();
        for _ in 0..count {
            let tag = r.u32()?;
            let alias = r.utf()?;
            let created_ms = r.i64()?;
            match tag {
                TAG_PRIVATE_KEY => {
                    let protected_key = r.bytes()?.to_vec();
                    let chain_len = r.u32()?;
                    let mut chain = Vec::new();
                    for _ in 0..chain_len {
                        chain.push(r.cert(version)?);
                    }
                    entries.push(Entry::PrivateKey(PrivateKeyEntry {
                        alias,
                        created_ms,
                        protected_key,
                        chain,
                    }));
                }
                TAG_TRUSTED_CERT => {
                    let cert_der = r.cert(version)?;
                    entries.push(Entry::TrustedCert(TrustedCertEntry {
                        alias,
                        created_ms,
                        cert_der,
                    }));
                }
                other => {
                    return Err(Error::Malformed(format!(
                        "unrecognized keystore entry tag {other}"
                    )));
                }
            }
        }
        let body_len = r.pos;
        let stored = r.take(DIGEST_LEN)?;
        if store_digest(store_password, &bytes[..body_len]).as_slice() != stored {
            return Err(Error::Integrity);
        }
        Ok(Self { entries })
    }

    fn new_alias(&self, alias: &str) -> Result<String> {
        let lower = alias.to_lowercase();
        if lower.is_empty() {
            return Err(Error::Alias {
                alias: alias.into(),
                reason: "empty".into(),
            });
        }
        if mutf8::encode(&lower).len() > usize::from(u16::MAX) {
            return Err(Error::Alias {
                alias: alias.chars().take(40).collect(),
                reason: "longer than 65535 bytes".into(),
            });
        }
        if self.get(&lower).is_some() {
            return Err(Error::DuplicateAlias(lower));
        }
        Ok(lower)
    }
}

/// Reads JKS bytes; see [`Keystore::from_bytes`].
pub fn read(bytes: &[u8], store_password: &str) -> Result<Keystore> {
    Keystore::from_bytes(bytes, store_password)
}

/// True when the bytes start with the JKS magic.
pub fn is_jks(bytes: &[u8]) -> bool {
    bytes.len() >= 4 && bytes[..4] == MAGIC.to_be_bytes()
}

fn store_digest(store_password: &str, body: &[u8]) -> [u8; DIGEST_LEN] {
    let pw = protector::password_bytes(store_password);
    Sha1::new()
        .chain_update(&*pw)
        .chain_update(WHITENER)
        .chain_update(body)
        .finalize()
        .into()
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_u32(out, bytes.len() as u32);
    out.extend_from_slice(bytes);
}

/// Aliases are length-checked on insertion, so the u16 length cannot overflow here.
fn put_utf(out: &mut Vec<u8>, s: &str) {
    let encoded = mutf8::encode(s);
    out.extend_from_slice(&(encoded.len() as u16).to_be_bytes());
    out.extend_from_slice(&encoded);
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len());
        let Some(end) = end else {
            return Err(Error::Malformed(format!(
                "truncated: needed {n} bytes at offset {}",
                self.pos
            )));
        };
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    fn u32(&mut self) -> Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn i64(&mut self) -> Result<i64> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(i64::from_be_bytes(a))
    }

    fn bytes(&mut self) -> Result<&'a [u8]> {
        let len = self.u32()? as usize;
        self.take(len)
    }

    fn utf(&mut self) -> Result<String> {
        let b = self.take(2)?;
        let len = usize::from(u16::from_be_bytes([b[0], b[1]]));
        let raw = self.take(len)?;
        mutf8::decode(raw).ok_or_else(|| {
            Error::Malformed(format!(
                "bad modified UTF-8 string at offset {}",
                self.pos - len
            ))
        })
    }

    /// Version 1 files carry no certificate type and imply X.509.
    fn cert(&mut self, version: u32) -> Result<Vec<u8>> {
        if version == VERSION_2 {
            let cert_type = self.utf()?;
            if cert_type != CERT_TYPE && cert_type != "X509" {
                return Err(Error::Malformed(format!(
                    "unsupported certificate type {cert_type:?}"
                )));
            }
        }
        Ok(self.bytes()?.to_vec())
    }
}

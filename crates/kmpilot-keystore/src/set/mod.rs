//! The whole set of stores a deployment mounts, built in one call.
//!
//! The planner describes the set ([`KeystoreSetSpec`], or the WSO2 layout from
//! [`KeystoreSetSpec::wso2`]); [`build_set`] makes keys, certificates and file
//! bytes. Nothing here touches the file system.

pub mod wso2;

pub use wso2::{Wso2IsOptions, Wso2Layout, Wso2Passwords, Wso2SetOptions};

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::thread;

use crate::cert::{Identity, KeyPairSpec, PemPair, generate};
use crate::error::{Error, Result};
use crate::jks::Keystore;
use crate::pkcs12::Pkcs12Store;
use crate::secret::Secret;
use crate::store::{StoreFormat, load_trusted_certs};
use crate::vault::VaultKey;

/// Where a named key pair comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentitySource {
    Generate(KeyPairSpec),
    /// Bring-your-own: see [`Identity::from_pem`] and [`crate::store::load_identity`].
    Existing(Identity),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeystoreSetSpec {
    /// Key pairs by name; keystores and trust entries refer to these names.
    pub identities: Vec<(String, IdentitySource)>,
    /// One bundle per Kubernetes Secret (e.g. `apim`, `is`).
    pub bundles: Vec<BundleSpec>,
    /// PEM pairs for ingress TLS Secrets.
    pub tls: Vec<TlsPemSpec>,
    /// The identity whose certificate the secure vault encrypts to (API-M's
    /// internal keystore key).
    pub vault_identity: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleSpec {
    pub name: String,
    pub format: StoreFormat,
    pub keystores: Vec<KeystoreFileSpec>,
    pub truststore: Option<TruststoreFileSpec>,
}

/// One keystore file holding one key entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeystoreFileSpec {
    pub file: String,
    pub alias: String,
    /// Name of an entry in [`KeystoreSetSpec::identities`].
    pub identity: String,
    pub password: Secret,
    /// JKS only; PKCS#12 requires it to equal `password`.
    pub key_password: Secret,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TruststoreFileSpec {
    pub file: String,
    pub password: Secret,
    pub trust: Vec<TrustEntrySpec>,
    /// An existing truststore (e.g. the product's own client-truststore with
    /// public CAs) whose trusted certificates are carried over first.
    pub base: Option<BaseTruststore>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustEntrySpec {
    pub alias: String,
    pub cert: TrustedCertSource,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustedCertSource {
    /// The leaf certificate of a named identity.
    Identity(String),
    /// A DER certificate supplied by the user (e.g. a corporate CA).
    Der(Vec<u8>),
}

#[derive(Clone, PartialEq, Eq)]
pub struct BaseTruststore {
    pub bytes: Vec<u8>,
    pub password: Secret,
}

impl fmt::Debug for BaseTruststore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BaseTruststore")
            .field("len", &self.bytes.len())
            .field("password", &self.password)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsPemSpec {
    pub name: String,
    pub identity: String,
}

/// A file to mount: its name inside the Secret and its bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct NamedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl fmt::Debug for NamedFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NamedFile({:?}, {} bytes)", self.name, self.bytes.len())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    pub name: String,
    pub files: Vec<NamedFile>,
}

impl Bundle {
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.bytes.as_slice())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeystoreSet {
    pub bundles: Vec<Bundle>,
    /// Every identity, generated or supplied, by name (for the vault and for summaries).
    pub identities: Vec<(String, Identity)>,
    pub tls: Vec<(String, PemPair)>,
    pub vault_identity: Option<String>,
}

impl KeystoreSet {
    pub fn bundle(&self, name: &str) -> Option<&Bundle> {
        self.bundles.iter().find(|b| b.name == name)
    }

    pub fn file(&self, bundle: &str, file: &str) -> Option<&[u8]> {
        self.bundle(bundle)?.file(file)
    }

    pub fn identity(&self, name: &str) -> Option<&Identity> {
        self.identities
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, i)| i)
    }

    pub fn tls_pem(&self, name: &str) -> Option<&PemPair> {
        self.tls.iter().find(|(n, _)| n == name).map(|(_, p)| p)
    }

    /// The secure vault's public key, from [`KeystoreSetSpec::vault_identity`].
    pub fn vault_key(&self) -> Result<VaultKey> {
        let name = self
            .vault_identity
            .as_deref()
            .ok_or_else(|| Error::Set("the spec names no vault identity".into()))?;
        let identity = self
            .identity(name)
            .ok_or_else(|| Error::Set(format!("unknown vault identity {name:?}")))?;
        VaultKey::from_identity(identity)
    }
}

/// Validates the spec, generates the keys (in parallel) and writes every store.
pub fn build_set(spec: &KeystoreSetSpec) -> Result<KeystoreSet> {
    validate(spec)?;
    let identities = resolve_identities(&spec.identities)?;
    let by_name: BTreeMap<&str, &Identity> =
        identities.iter().map(|(n, i)| (n.as_str(), i)).collect();
    let mut bundles = Vec::with_capacity(spec.bundles.len());
    for bundle in &spec.bundles {
        bundles.push(build_bundle(bundle, &by_name)?);
    }
    let tls = spec
        .tls
        .iter()
        .map(|t| (t.name.clone(), by_name[t.identity.as_str()].to_pem_pair()))
        .collect();
    Ok(KeystoreSet {
        bundles,
        identities,
        tls,
        vault_identity: spec.vault_identity.clone(),
    })
}

/// Catches every spec mistake before any key is generated.
fn validate(spec: &KeystoreSetSpec) -> Result<()> {
    let bad = |m: String| Err(Error::Set(m));
    let mut names = BTreeSet::new();
    for (name, source) in &spec.identities {
        if !names.insert(name.as_str()) {
            return bad(format!("identity {name:?} is defined twice"));
        }
        if let IdentitySource::Generate(kp) = source {
            kp.validate()
                .map_err(|e| Error::Set(format!("identity {name:?}: {e}")))?;
        }
    }
    let known = |name: &str, what: &str| {
        if names.contains(name) {
            Ok(())
        } else {
            Err(Error::Set(format!(
                "{what} refers to unknown identity {name:?}"
            )))
        }
    };
    let mut bundle_names = BTreeSet::new();
    for bundle in &spec.bundles {
        if !bundle_names.insert(bundle.name.as_str()) {
            return bad(format!("bundle {:?} is defined twice", bundle.name));
        }
        // Each file is its own subPath mount; two with one name collide in the chart.
        let mut files = BTreeSet::new();
        let all_files = bundle
            .keystores
            .iter()
            .map(|k| &k.file)
            .chain(bundle.truststore.iter().map(|t| &t.file));
        for file in all_files {
            if file.is_empty() || file.contains('/') || file == "." || file == ".." {
                return bad(format!("bundle {:?}: bad file name {file:?}", bundle.name));
            }
            if !files.insert(file.as_str()) {
                return bad(format!(
                    "bundle {:?}: file name {file:?} is used twice; mounted files need distinct names",
                    bundle.name
                ));
            }
        }
        for ks in &bundle.keystores {
            known(&ks.identity, &format!("keystore {:?}", ks.file))?;
            if ks.alias.is_empty() {
                return bad(format!("keystore {:?}: empty alias", ks.file));
            }
            if bundle.format == StoreFormat::Pkcs12 {
                crate::pkcs12::check_password(ks.password.expose())
                    .map_err(|e| Error::Set(format!("keystore {:?}: {e}", ks.file)))?;
            }
            if bundle.format == StoreFormat::Pkcs12 && ks.key_password != ks.password {
                return bad(format!(
                    "keystore {:?}: PKCS12 stores have one password; key password must equal the store password",
                    ks.file
                ));
            }
        }
        if let Some(ts) = &bundle.truststore {
            if bundle.format == StoreFormat::Pkcs12 {
                crate::pkcs12::check_password(ts.password.expose())
                    .map_err(|e| Error::Set(format!("truststore {:?}: {e}", ts.file)))?;
            }
            let mut aliases = BTreeSet::new();
            for entry in &ts.trust {
                if !aliases.insert(entry.alias.to_lowercase()) {
                    return bad(format!(
                        "truststore {:?}: alias {:?} is used twice",
                        ts.file, entry.alias
                    ));
                }
                if let TrustedCertSource::Identity(id) = &entry.cert {
                    known(
                        id,
                        &format!("truststore {:?} entry {:?}", ts.file, entry.alias),
                    )?;
                }
            }
        }
    }
    for tls in &spec.tls {
        known(&tls.identity, &format!("TLS PEM {:?}", tls.name))?;
    }
    if let Some(vault) = &spec.vault_identity {
        known(vault, "the vault identity")?;
    }
    Ok(())
}

fn resolve_identities(sources: &[(String, IdentitySource)]) -> Result<Vec<(String, Identity)>> {
    // Key generation dominates; one thread per key uses every core.
    thread::scope(|scope| {
        let handles: Vec<_> = sources
            .iter()
            .map(|(name, source)| {
                let handle = match source {
                    IdentitySource::Generate(kp) => Some(scope.spawn(move || generate(kp))),
                    IdentitySource::Existing(_) => None,
                };
                (name, source, handle)
            })
            .collect();
        handles
            .into_iter()
            .map(|(name, source, handle)| {
                let identity = match (source, handle) {
                    (IdentitySource::Existing(id), _) => id.clone(),
                    (_, Some(h)) => h
                        .join()
                        .map_err(|_| Error::KeyGeneration(format!("{name}: worker panicked")))?
                        .map_err(|e| Error::Set(format!("identity {name:?}: {e}")))?,
                    (IdentitySource::Generate(_), None) => unreachable!("spawned above"),
                };
                Ok((name.clone(), identity))
            })
            .collect()
    })
}

fn ctx(file: &str) -> impl Fn(Error) -> Error + '_ {
    move |e| Error::Set(format!("{file}: {e}"))
}

fn build_bundle(spec: &BundleSpec, ids: &BTreeMap<&str, &Identity>) -> Result<Bundle> {
    let mut files = Vec::new();
    for ks in &spec.keystores {
        let identity = ids[ks.identity.as_str()];
        let bytes = match spec.format {
            StoreFormat::Jks => {
                let mut store = Keystore::new();
                store
                    .add_private_key(&ks.alias, identity, ks.key_password.expose())
                    .map_err(ctx(&ks.file))?;
                store.to_bytes(ks.password.expose())
            }
            StoreFormat::Pkcs12 => {
                let mut store = Pkcs12Store::new();
                store
                    .add_private_key(&ks.alias, identity)
                    .map_err(ctx(&ks.file))?;
                store
                    .to_bytes(ks.password.expose())
                    .map_err(ctx(&ks.file))?
            }
        };
        files.push(NamedFile {
            name: ks.file.clone(),
            bytes,
        });
    }
    if let Some(ts) = &spec.truststore {
        let mut certs: Vec<(String, Vec<u8>)> = Vec::new();
        if let Some(base) = &ts.base {
            certs = load_trusted_certs(&base.bytes, base.password.expose())
                .map_err(|e| Error::Set(format!("{}: base truststore: {e}", ts.file)))?;
            // Our entries win over same-named ones from the base store.
            certs.retain(|(alias, _)| {
                !ts.trust
                    .iter()
                    .any(|t| t.alias.to_lowercase() == alias.to_lowercase())
            });
        }
        for entry in &ts.trust {
            let der = match &entry.cert {
                TrustedCertSource::Identity(name) => ids[name.as_str()].certificate_der().to_vec(),
                TrustedCertSource::Der(der) => der.clone(),
            };
            certs.push((entry.alias.clone(), der));
        }
        let bytes = match spec.format {
            StoreFormat::Jks => {
                let mut store = Keystore::new();
                for (alias, der) in &certs {
                    store.add_trusted_cert(alias, der).map_err(ctx(&ts.file))?;
                }
                store.to_bytes(ts.password.expose())
            }
            StoreFormat::Pkcs12 => {
                let mut store = Pkcs12Store::new();
                for (alias, der) in &certs {
                    store.add_trusted_cert(alias, der).map_err(ctx(&ts.file))?;
                }
                store
                    .to_bytes(ts.password.expose())
                    .map_err(ctx(&ts.file))?
            }
        };
        files.push(NamedFile {
            name: ts.file.clone(),
            bytes,
        });
    }
    Ok(Bundle {
        name: spec.name.clone(),
        files,
    })
}

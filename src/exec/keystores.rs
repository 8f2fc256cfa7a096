//! The keystores step, executed: the planner's `KeystoreSetSpec` handed to kmpilot-keystore.
//! Stores and private keys stay in memory and go straight into Kubernetes secrets; only public
//! certificates are written to the work directory (the key-manager step trusts `tls.crt`,
//! secure vault encrypts with `internal.crt`).

use std::collections::HashMap;
use std::path::Path;

use kmpilot_keystore::set::IdentitySource;
use kmpilot_keystore::set::wso2::{
    APIM_BUNDLE, APIM_TLS_PEM, IS_BUNDLE, IS_TLS_PEM, Wso2IsOptions, Wso2Layout, Wso2Passwords,
    Wso2SetOptions,
};
use kmpilot_keystore::{Dn, KeyPairSpec, KeystoreSetSpec as SetSpec, build_set};

use super::secrets::Secrets;
use crate::plan::keystore_set::KeystoreSetSpec;

/// Files produced in memory, by work-directory path (`keystores/wso2carbon.jks`).
#[derive(Default, Clone)]
pub struct MemoryFiles {
    files: HashMap<String, Vec<u8>>,
}

impl std::fmt::Debug for MemoryFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<&String> = self.files.keys().collect();
        names.sort();
        write!(f, "MemoryFiles({names:?})")
    }
}

impl MemoryFiles {
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }
    pub fn insert(&mut self, path: String, bytes: Vec<u8>) {
        self.files.insert(path, bytes);
    }
    /// Takes in what another step's copy holds (its own files win).
    pub fn extend(&mut self, other: MemoryFiles) {
        self.files.extend(other.files);
    }
}

/// Where the vault's public certificate is kept between runs.
pub fn internal_cert_path(spec: &KeystoreSetSpec) -> String {
    format!("{}/internal.crt", spec.out_dir)
}

fn secret(s: &Secrets, r: &crate::profile::secret::SecretRef, var: &str) -> Result<String, String> {
    s.get(r, var)
        .map(str::to_string)
        .ok_or_else(|| format!("secret {r} was not resolved"))
}

pub fn generate(
    spec: &KeystoreSetSpec,
    secrets: &Secrets,
    work_dir: &Path,
    base_dir: &Path,
    mem: &mut MemoryFiles,
) -> Result<Vec<String>, String> {
    let store_pw = secret(secrets, &spec.store_password, spec.store_password_var())?;
    let key_pw = secret(secrets, &spec.key_password, spec.key_password_var())?;
    if !store_pw.chars().all(|c| c.is_ascii_graphic() || c == ' ') {
        return Err("the keystore password must be printable ASCII: Java refuses other PKCS12 passwords (keystores.storePassword)".into());
    }
    let dn = Dn::parse(&spec.dname).map_err(|e| format!("keystores.dname: {e}"))?;
    let key = |sans: &[String]| KeyPairSpec {
        dn: dn.clone(),
        sans: sans.to_vec(),
        validity_days: spec.validity_days,
        key_bits: spec.key_size as usize,
    };
    let (apim, is) = match &spec.provided {
        None => (
            IdentitySource::Generate(key(&spec.apim_sans)),
            IdentitySource::Generate(key(&spec.is_sans)),
        ),
        Some(p) => {
            let load = |path: &Path, alias: &str| -> Result<IdentitySource, String> {
                let path = if path.is_absolute() {
                    path.to_path_buf()
                } else {
                    base_dir.join(path)
                };
                let bytes = std::fs::read(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                kmpilot_keystore::store::load_identity(&bytes, &store_pw, alias, &key_pw)
                    .map(IdentitySource::Existing)
                    .map_err(|e| format!("{}: {e}", path.display()))
            };
            (
                load(&p.apim_keystore, &spec.apim.alias)?,
                load(&p.is_keystore, &spec.is.alias)?,
            )
        }
    };
    let layout = Wso2Layout {
        apim_alias: spec.apim.alias.clone(),
        apim_keystore: spec.apim.keystore.clone(),
        apim_tls_keystore: Some(spec.apim.tls_keystore.clone()),
        apim_internal_keystore: spec.apim.internal_keystore.clone(),
        apim_truststore: spec.apim.truststore.clone(),
        is_alias: spec.is.alias.clone(),
        is_primary: spec.is.primary.clone(),
        is_tls: spec.is.tls.clone(),
        is_internal: spec.is.internal.clone(),
        is_truststore: spec.is.truststore.clone(),
    };
    let mut set_spec = SetSpec::wso2(Wso2SetOptions {
        apim,
        apim_internal: None,
        is: Some(Wso2IsOptions {
            identity: is,
            internal: None,
        }),
        passwords: Wso2Passwords::store_and_key(store_pw.as_str(), key_pw.as_str()),
        layout,
    });
    add_cas(&mut set_spec, spec, base_dir)?;
    let set = build_set(&set_spec).map_err(|e| e.to_string())?;
    let mut written = Vec::new();
    for bundle in [APIM_BUNDLE, IS_BUNDLE] {
        let b = set
            .bundle(bundle)
            .ok_or_else(|| format!("no {bundle} bundle"))?;
        for f in &b.files {
            mem.insert(format!("{}/{}", spec.out_dir, f.name), f.bytes.clone());
        }
    }
    // the certificates the pods themselves present, for calls through a port-forward
    for (name, path) in [
        (APIM_TLS_PEM, crate::plan::keystore_set::apim_server_cert()),
        (IS_TLS_PEM, crate::plan::keystore_set::is_server_cert()),
    ] {
        if let Some(pem) = set.tls_pem(name) {
            crate::util::atomic_file::write_atomic(&work_dir.join(&path), pem.cert_pem.as_bytes())
                .map_err(|e| e.to_string())?;
            written.push(path);
        }
    }
    let pem = set.tls_pem(APIM_TLS_PEM).ok_or("no TLS pair")?;
    mem.insert(spec.tls_cert.clone(), pem.cert_pem.as_bytes().to_vec());
    mem.insert(
        spec.tls_key.clone(),
        pem.key_pem.expose().as_bytes().to_vec(),
    );
    // public material only on disk
    let cert_path = work_dir.join(&spec.tls_cert);
    crate::util::atomic_file::write_atomic(&cert_path, pem.cert_pem.as_bytes())
        .map_err(|e| e.to_string())?;
    written.push(spec.tls_cert.clone());
    let internal = set
        .identity(kmpilot_keystore::set::wso2::APIM_IDENTITY)
        .ok_or("no API-M identity")?;
    let der = internal.certificate_der();
    crate::util::atomic_file::write_atomic(&work_dir.join(internal_cert_path(spec)), der)
        .map_err(|e| e.to_string())?;
    written.push(internal_cert_path(spec));
    Ok(written)
}

/// Both truststores trust, after kmpilot's own certificates, the public CAs (what the
/// products' default client-truststore carries, so outbound HTTPS to public backends
/// verifies) and the profile's corporate CA bundle.
fn add_cas(set: &mut SetSpec, spec: &KeystoreSetSpec, base_dir: &Path) -> Result<(), String> {
    use kmpilot_keystore::public_cas;
    let mut extra = public_cas::mozilla_roots();
    if let Some(bundle) = &spec.extra_ca_bundle {
        let path = if bundle.is_absolute() {
            bundle.clone()
        } else {
            base_dir.join(bundle)
        };
        let text = std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "keystores.extraCaBundle: cannot read {}: {e}",
                path.display()
            )
        })?;
        let corp = public_cas::pem_bundle(&text, "corporate").map_err(|e| {
            format!(
                "keystores.extraCaBundle: {}: {e} (expected PEM certificates)",
                path.display()
            )
        })?;
        extra.extend(corp);
    }
    for b in &mut set.bundles {
        if let Some(ts) = &mut b.truststore {
            ts.trust.extend(extra.iter().cloned());
        }
    }
    Ok(())
}

/// Keystores already in the cluster (an earlier run's) are kept, so re-running a finished plan
/// changes nothing and the servers' certificates stay the ones their clients trust. Returns
/// false when something is missing and a fresh set must be made.
pub fn reuse(
    spec: &KeystoreSetSpec,
    secrets: &Secrets,
    work_dir: &Path,
    apim: &std::collections::BTreeMap<String, Vec<u8>>,
    is: &std::collections::BTreeMap<String, Vec<u8>>,
    tls: Option<&std::collections::BTreeMap<String, Vec<u8>>>,
    mem: &mut MemoryFiles,
) -> Result<bool, String> {
    let a = &spec.apim;
    let i = &spec.is;
    let apim_files = [
        &a.keystore,
        &a.tls_keystore,
        &a.internal_keystore,
        &a.truststore,
    ];
    let is_files = [&i.primary, &i.tls, &i.internal, &i.truststore];
    if !apim_files.iter().all(|f| apim.contains_key(*f))
        || !is_files.iter().all(|f| is.contains_key(*f))
    {
        return Ok(false);
    }
    let store_pw = secret(secrets, &spec.store_password, spec.store_password_var())?;
    let key_pw = secret(secrets, &spec.key_password, spec.key_password_var())?;
    let internal = kmpilot_keystore::store::load_identity(
        &apim[a.internal_keystore.as_str()],
        &store_pw,
        &a.alias,
        &key_pw,
    )
    .map_err(|e| {
        format!(
            "the keystores in the cluster do not open with keystores.storePassword/keyPassword: {e}"
        )
    })?;
    for (name, bytes) in apim.iter().chain(is.iter()) {
        mem.insert(format!("{}/{name}", spec.out_dir), bytes.clone());
    }
    // the certificates the pods present, for calls through a port-forward (IS 7 PKCS12 keys
    // are protected with the store password)
    for (bytes, alias, kp, path) in [
        (
            &apim[a.tls_keystore.as_str()],
            &a.alias,
            key_pw.as_str(),
            crate::plan::keystore_set::apim_server_cert(),
        ),
        (
            &is[i.tls.as_str()],
            &i.alias,
            store_pw.as_str(),
            crate::plan::keystore_set::is_server_cert(),
        ),
    ] {
        if let Ok(id) = kmpilot_keystore::store::load_identity(bytes, &store_pw, alias, kp) {
            crate::util::atomic_file::write_atomic(
                &work_dir.join(&path),
                id.to_pem_pair().cert_pem.as_bytes(),
            )
            .map_err(|e| e.to_string())?;
        }
    }
    crate::util::atomic_file::write_atomic(
        &work_dir.join(internal_cert_path(spec)),
        internal.certificate_der(),
    )
    .map_err(|e| e.to_string())?;
    // the ingress pair: the cluster's when it has one, else made from the API-M key
    let (cert, key) =
        match tls.and_then(|t| Some((t.get("tls.crt")?.clone(), t.get("tls.key")?.clone()))) {
            Some(pair) => pair,
            None => {
                let id = kmpilot_keystore::store::load_identity(
                    &apim[a.keystore.as_str()],
                    &store_pw,
                    &a.alias,
                    &key_pw,
                )
                .map_err(|e| e.to_string())?;
                let pem = id.to_pem_pair();
                (
                    pem.cert_pem.into_bytes(),
                    pem.key_pem.expose().as_bytes().to_vec(),
                )
            }
        };
    crate::util::atomic_file::write_atomic(&work_dir.join(&spec.tls_cert), &cert)
        .map_err(|e| e.to_string())?;
    mem.insert(spec.tls_cert.clone(), cert);
    mem.insert(spec.tls_key.clone(), key);
    Ok(true)
}

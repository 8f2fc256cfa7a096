//! Step "keystores": the key pairs, keystores and truststores both servers mount, cross-trust
//! between them, and the ingress TLS secret — the part the published procedure leaves to the
//! reader. The files are produced natively by the executor (crate kmpilot-keystore); the
//! runbook shows the equivalent keytool commands.

use crate::plan::keystore_set::KeystoreSetSpec;
use crate::profile::sections::keystores::Provided;

use std::path::PathBuf;

use crate::plan::{Action, SecretSource, SecretSpec, Step, StepId};
use crate::profile::diagnostics::{Issues, YamlPath};
use crate::profile::{Profile, checks};

mod form;
mod plan;
pub use form::*;
pub use plan::*;

/// Parses `CN=…, OU=…` into (attribute, value) pairs, rejecting what keytool would reject.
pub fn parse_dname(s: &str) -> Result<Vec<(String, String)>, String> {
    const KNOWN: [&str; 7] = ["CN", "OU", "O", "L", "ST", "C", "EMAILADDRESS"];
    let mut out = Vec::new();
    for part in s.split(',') {
        let part = part.trim();
        let Some((k, v)) = part.split_once('=') else {
            return Err(format!("`{part}` has no '='"));
        };
        let k = k.trim().to_ascii_uppercase();
        let v = v.trim();
        if !KNOWN.contains(&k.as_str()) {
            return Err(format!("unknown attribute `{k}`"));
        }
        if v.is_empty() {
            return Err(format!("`{k}` has an empty value"));
        }
        if k == "C" && (v.len() != 2 || !v.bytes().all(|b| b.is_ascii_alphabetic())) {
            return Err(format!("country `{v}` must be a two-letter code"));
        }
        out.push((k, v.to_string()));
    }
    if !out.iter().any(|(k, _)| k == "CN") {
        return Err("no CN".into());
    }
    Ok(out)
}

pub fn validate(p: &Profile, issues: &mut Issues) {
    let k = &p.keystores;
    let base = YamlPath::root().key("keystores");
    if let Some(b) = &k.extra_ca_bundle
        && b.as_os_str().is_empty()
    {
        issues.error(
            &base.key("extraCaBundle"),
            "empty path",
            Some("a PEM file of CA certificates, e.g. corporate-ca.pem; or leave the field out"),
            None,
        );
    }
    if let Err(e) = parse_dname(&k.dname) {
        issues.error(
            &base.key("dname"),
            format!("distinguished name: {e}"),
            Some("comma-separated attributes: CN=*.wso2.com, OU=MS, O=WSO2, L=Colombo, ST=Colombo, C=LK"),
            None,
        );
    }
    if k.validity_days == 0 || k.validity_days > 36500 {
        issues.error(
            &base.key("validityDays"),
            format!("{} days is out of range", k.validity_days),
            Some("1 to 36500"),
            None,
        );
    }
    if ![2048, 3072, 4096].contains(&k.key_size) {
        issues.error(
            &base.key("keySize"),
            format!("{}-bit RSA is not offered", k.key_size),
            Some("2048, 3072 or 4096"),
            None,
        );
    }
    checks::secret(issues, &base.key("storePassword"), &k.store_password);
    if let Some(kp) = &k.key_password {
        checks::secret(issues, &base.key("keyPassword"), kp);
    }
    for (i, san) in k.extra_sans.iter().enumerate() {
        if !checks::is_hostname(san, true) && san.parse::<std::net::IpAddr>().is_err() {
            issues.error(
                &base.key("extraSans").idx(i),
                format!("`{san}` is neither a DNS name nor an IP address"),
                Some("a name such as api.example.com or an address such as 10.0.0.5"),
                None,
            );
        }
    }
    checks::k8s_name(
        issues,
        &base.key("apim").key("secretName"),
        &k.apim.secret_name,
    );
    checks::k8s_name(issues, &base.key("is").key("secretName"), &k.is.secret_name);
    checks::k8s_name(issues, &base.key("tlsSecret"), &k.tls_secret);
    distinct_files(
        issues,
        &base.key("apim"),
        &[
            ("keystore", &k.apim.keystore),
            ("tlsKeystore", &k.apim.tls_keystore),
            ("internalKeystore", &k.apim.internal_keystore),
            ("truststore", &k.apim.truststore),
        ],
    );
    distinct_files(
        issues,
        &base.key("is"),
        &[
            ("primary", &k.is.primary),
            ("tls", &k.is.tls),
            ("internal", &k.is.internal),
            ("truststore", &k.is.truststore),
        ],
    );
}

fn distinct_files(issues: &mut Issues, base: &YamlPath, files: &[(&str, &String)]) {
    for (i, (field, name)) in files.iter().enumerate() {
        if name.is_empty() || name.contains('/') {
            issues.error(
                &base.key(field),
                format!("`{name}` is not a file name"),
                Some("a plain file name such as wso2carbon.jks"),
                None,
            );
        } else if let Some((other, _)) = files[..i].iter().find(|(_, n)| n == name) {
            issues.error(
                &base.key(field),
                format!("`{name}` is also used by `{other}`"),
                Some("a distinct file name for every mounted store"),
                Some("the charts mount each store by file name; two mounts at one path are rejected by Kubernetes"),
            );
        }
    }
}

/// Certificates must name every host a client uses: the public hostnames, and the in-cluster
/// service names IS and API-M use to call each other.
pub fn apim_sans(p: &Profile) -> Vec<String> {
    let h = &p.api_manager.hostnames;
    let svc = p.api_manager.service_name();
    let ns = &p.cluster.namespace;
    let mut v = vec![
        h.management.clone(),
        h.gateway.clone(),
        h.websocket.clone(),
        h.websub.clone(),
        p.identity_server.hostname.clone(),
        format!("{svc}"),
        format!("{svc}.{ns}"),
        format!("{svc}.{ns}.svc"),
        "localhost".into(),
    ];
    v.extend(p.keystores.extra_sans.iter().cloned());
    dedup(v)
}

pub fn is_sans(p: &Profile) -> Vec<String> {
    let svc = p.identity_server.service_name();
    let ns = &p.cluster.namespace;
    let mut v = vec![
        p.identity_server.hostname.clone(),
        svc.clone(),
        format!("{svc}.{ns}"),
        format!("{svc}.{ns}.svc"),
        "localhost".into(),
    ];
    v.extend(p.keystores.extra_sans.iter().cloned());
    dedup(v)
}

fn dedup(v: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(v.len());
    for s in v {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests;

//! Step "keystores": the key pairs, keystores and truststores both servers mount, cross-trust
//! between them, and the ingress TLS secret — the part the published procedure leaves to the
//! reader. The files are produced natively by the executor (crate kmpilot-keystore); the
//! runbook shows the equivalent keytool commands.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::plan::{Action, SecretSource, SecretSpec, Step, StepId};
use crate::profile::Profile;
use crate::profile::checks;
use crate::profile::diagnostics::{Issues, YamlPath};
use crate::profile::secret::SecretRef;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Keystores {
    /// Distinguished name of both certificates, as keytool's `-dname` takes it.
    pub dname: String,
    pub validity_days: u32,
    pub key_size: u32,
    pub store_password: SecretRef,
    /// Private-key password; the store password when absent (what keytool does for JKS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_password: Option<SecretRef>,
    /// DNS names added to both certificates besides the profile's hostnames.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra_sans: Vec<String>,
    pub apim: ApimStores,
    pub is: IsStores,
    /// `kubernetes.io/tls` secret for the ingresses of both charts.
    pub tls_secret: String,
    /// Bring your own: existing stores used instead of generated ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provided: Option<Provided>,
    /// A PEM bundle of more CAs (a corporate CA) both truststores trust, besides the public
    /// CAs and kmpilot's own certificates; relative to the profile's directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_ca_bundle: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ApimStores {
    pub secret_name: String,
    pub alias: String,
    /// Distinct file names: the chart mounts each enabled store by name with subPath, and two
    /// mounts at one path are rejected by Kubernetes (wso2-facts §1).
    pub keystore: String,
    pub tls_keystore: String,
    pub internal_keystore: String,
    pub truststore: String,
}

impl Default for ApimStores {
    fn default() -> Self {
        ApimStores {
            secret_name: "apim-keystores".into(),
            alias: "wso2carbon".into(),
            keystore: "wso2carbon.jks".into(),
            tls_keystore: "wso2tls.jks".into(),
            internal_keystore: "wso2internal.jks".into(),
            truststore: "client-truststore.jks".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct IsStores {
    pub secret_name: String,
    pub alias: String,
    /// IS 7.1 uses PKCS12 stores (7.0 used JKS).
    pub primary: String,
    pub tls: String,
    pub internal: String,
    pub truststore: String,
}

impl Default for IsStores {
    fn default() -> Self {
        IsStores {
            secret_name: "is-keystores".into(),
            alias: "wso2carbon".into(),
            primary: "primary.p12".into(),
            tls: "tls.p12".into(),
            internal: "internal.p12".into(),
            truststore: "client-truststore.p12".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Provided {
    /// An existing API-M keystore (JKS) holding the private key under `apim.alias`.
    pub apim_keystore: PathBuf,
    /// An existing IS keystore (PKCS12 or JKS) holding the private key under `is.alias`.
    pub is_keystore: PathBuf,
}

impl Default for Keystores {
    fn default() -> Self {
        Keystores {
            dname: "CN=*.wso2.com, OU=MS, O=WSO2, L=Colombo, ST=Colombo, C=LK".into(),
            validity_days: 3650,
            key_size: 2048,
            store_password: SecretRef::env("KEYSTORE_PASSWORD"),
            key_password: None,
            extra_sans: Vec::new(),
            apim: ApimStores::default(),
            is: IsStores::default(),
            tls_secret: "wso2-ingress-tls".into(),
            provided: None,
            extra_ca_bundle: None,
        }
    }
}

impl Keystores {
    /// The key password and the fallback variable it is asked or exported as: the store
    /// password's own when `keyPassword` is not set (one question, not two).
    pub fn key_password_and_var(&self) -> (&SecretRef, &'static str) {
        match &self.key_password {
            Some(k) => (k, "KEY_PASSWORD"),
            None => (&self.store_password, "KEYSTORE_PASSWORD"),
        }
    }

    pub fn key_password(&self) -> &SecretRef {
        self.key_password.as_ref().unwrap_or(&self.store_password)
    }
}

/// What the executor hands to the keystore crate: every name and number resolved, secrets
/// still references.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeystoreSetSpec {
    pub dname: String,
    pub validity_days: u32,
    pub key_size: u32,
    pub apim_sans: Vec<String>,
    pub is_sans: Vec<String>,
    pub store_password: SecretRef,
    pub key_password: SecretRef,
    /// Whether `keystores.keyPassword` is set; without it the key password *is* the store
    /// password (one question, one variable), not a second secret that happens to be equal.
    #[serde(skip)]
    pub own_key_password: bool,
    /// Work-directory folder the files are written to.
    pub out_dir: String,
    pub apim: ApimStores,
    pub is: IsStores,
    pub tls_cert: String,
    pub tls_key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provided: Option<Provided>,
    /// `keystores.extraCaBundle`: read by the executor, trusted by both truststores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_ca_bundle: Option<PathBuf>,
}

impl KeystoreSetSpec {
    pub fn store_password_var(&self) -> &str {
        self.store_password.shell_var("KEYSTORE_PASSWORD")
    }

    /// The variable the key password is known by: the store password's when it is not set
    /// on its own.
    pub fn key_password_var(&self) -> &str {
        if self.own_key_password {
            self.key_password.shell_var("KEY_PASSWORD")
        } else {
            self.store_password_var()
        }
    }
}

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

pub const OUT_DIR: &str = "keystores";

/// The certificate IS's pod presents (its own keystore; the ingress presents the TLS secret),
/// written next to `tls.crt` so kmpilot can verify IS reached through a port-forward.
pub fn is_server_cert() -> String {
    format!("{OUT_DIR}/is-server.crt")
}

/// The certificate API-M's pod presents, for the same reason.
pub fn apim_server_cert() -> String {
    format!("{OUT_DIR}/apim-server.crt")
}

pub fn spec(p: &Profile) -> KeystoreSetSpec {
    let k = &p.keystores;
    KeystoreSetSpec {
        dname: k.dname.clone(),
        validity_days: k.validity_days,
        key_size: k.key_size,
        apim_sans: apim_sans(p),
        is_sans: is_sans(p),
        store_password: k.store_password.clone(),
        key_password: k.key_password().clone(),
        own_key_password: k.key_password.is_some(),
        out_dir: OUT_DIR.into(),
        apim: k.apim.clone(),
        is: k.is.clone(),
        tls_cert: format!("{OUT_DIR}/tls.crt"),
        tls_key: format!("{OUT_DIR}/tls.key"),
        provided: k.provided.clone(),
        extra_ca_bundle: k.extra_ca_bundle.clone(),
    }
}

pub fn plan(p: &Profile) -> Step {
    let k = &p.keystores;
    let spec = spec(p);
    let ns = &p.cluster.namespace;
    let ctx = p.cluster.context.clone();
    let file = |name: &str| {
        (
            name.to_string(),
            SecretSource::WorkFile(format!("{OUT_DIR}/{name}")),
        )
    };
    let apim = SecretSpec {
        context: ctx.clone(),
        namespace: ns.clone(),
        name: k.apim.secret_name.clone(),
        secret_type: "Opaque".into(),
        data: vec![
            file(&k.apim.keystore),
            file(&k.apim.tls_keystore),
            file(&k.apim.internal_keystore),
            file(&k.apim.truststore),
        ],
    };
    let is = SecretSpec {
        context: ctx.clone(),
        namespace: ns.clone(),
        name: k.is.secret_name.clone(),
        secret_type: "Opaque".into(),
        data: vec![
            file(&k.is.primary),
            file(&k.is.tls),
            file(&k.is.internal),
            file(&k.is.truststore),
        ],
    };
    let tls = SecretSpec {
        context: ctx,
        namespace: ns.clone(),
        name: k.tls_secret.clone(),
        secret_type: "kubernetes.io/tls".into(),
        data: vec![
            (
                "tls.crt".into(),
                SecretSource::WorkFile(spec.tls_cert.clone()),
            ),
            (
                "tls.key".into(),
                SecretSource::WorkFile(spec.tls_key.clone()),
            ),
        ],
    };
    let mut actions = vec![
        Action::GenerateKeystores(Box::new(spec)),
        Action::CreateSecret(apim),
        Action::CreateSecret(is),
    ];
    // a TLS secret of the user's own (apiManager.ingress.tlsSecret) replaces the generated one
    if p.api_manager.ingress.tls_secret.is_none() {
        actions.push(Action::CreateSecret(tls));
    }
    if super::exposure::gateway_api(p) {
        actions.extend(super::exposure::after_keystores(p));
    }
    Step::new(StepId::Keystores, actions)
}

/// The keytool/openssl commands that make the same files, for the runbook. Passwords are
/// read by keytool from the environment (`-storepass:env`), never written into the script.
pub fn keytool_commands(s: &KeystoreSetSpec, store_var: &str, key_var: &str) -> Vec<String> {
    use crate::plan::shell_quote as q;
    let d = &s.out_dir;
    let sp = format!("-storepass:env {store_var}");
    let kp = format!("-keypass:env {key_var}");
    let san = |sans: &[String]| {
        sans.iter()
            .map(|h| {
                if h.parse::<std::net::IpAddr>().is_ok() {
                    format!("ip:{h}")
                } else {
                    format!("dns:{h}")
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    let gen_key = |file: &str, alias: &str, sans: &[String], store_type: &str| {
        format!(
            "keytool -genkeypair -alias {alias} -keyalg RSA -keysize {bits} -sigalg SHA256withRSA -validity {days} -keystore {d}/{file} -storetype {store_type} -dname {dn} -ext {ext} {sp} {kp} -noprompt",
            alias = q(alias),
            bits = s.key_size,
            days = s.validity_days,
            file = q(file),
            dn = q(&s.dname),
            ext = q(&format!("san={}", san(sans))),
        )
    };
    let copy_store = |from: &str, to: &str, store_type: &str| {
        format!(
            "keytool -importkeystore -srckeystore {d}/{from} -srcstorepass:env {store_var} -destkeystore {d}/{to} -deststoretype {store_type} -deststorepass:env {store_var} -noprompt",
            from = q(from),
            to = q(to)
        )
    };
    let export = |file: &str, alias: &str, out: &str| {
        format!(
            "keytool -exportcert -rfc -alias {} -keystore {d}/{} {sp} -file {d}/{}",
            q(alias),
            q(file),
            q(out)
        )
    };
    let import = |cert: &str, alias: &str, store: &str, store_type: &str| {
        format!(
            "keytool -importcert -noprompt -alias {} -file {d}/{} -keystore {d}/{} -storetype {store_type} {sp}",
            q(alias),
            q(cert),
            q(store)
        )
    };
    let (a, i) = (&s.apim, &s.is);
    let mut v = vec![format!("mkdir -p {d}")];
    v.push(gen_key(&a.keystore, &a.alias, &s.apim_sans, "JKS"));
    v.push(copy_store(&a.keystore, &a.tls_keystore, "JKS"));
    v.push(copy_store(&a.keystore, &a.internal_keystore, "JKS"));
    v.push(
        gen_key(&i.primary, &i.alias, &s.is_sans, "PKCS12")
            .replace(&kp, &format!("-keypass:env {store_var}")),
    );
    v.push(copy_store(&i.primary, &i.tls, "PKCS12"));
    v.push(copy_store(&i.primary, &i.internal, "PKCS12"));
    v.push(export(&a.keystore, &a.alias, "apim.crt"));
    v.push(export(&i.primary, &i.alias, "is.crt"));
    v.push(import("apim.crt", "wso2carbonssl", &a.truststore, "JKS"));
    v.push(import("is.crt", "wso2is", &a.truststore, "JKS"));
    v.push(import("is.crt", "wso2carbon", &i.truststore, "PKCS12"));
    v.push(import("apim.crt", "wso2am", &i.truststore, "PKCS12"));
    // The ingress certificate and key as PEM, through a PKCS12 copy openssl can read.
    v.push(copy_store(&a.keystore, "tls-export.p12", "PKCS12"));
    v.push(format!(
        "openssl pkcs12 -in {d}/tls-export.p12 -passin env:{store_var} -nokeys -out {}",
        q(&s.tls_cert)
    ));
    v.push(format!(
        "openssl pkcs12 -in {d}/tls-export.p12 -passin env:{store_var} -nocerts -nodes -out {} && chmod 600 {}",
        q(&s.tls_key),
        q(&s.tls_key)
    ));
    v.push(format!("rm -f {d}/tls-export.p12"));
    v
}

/// The wizard's fields for this step.
pub fn form(_p: &Profile) -> Vec<super::form::Field> {
    use super::form::{Field, path};
    let at = |k: &str| path(&["keystores", k]);
    vec![
        Field::text(
            "Distinguished name",
            at("dname"),
            "subject of both certificates, as keytool's -dname takes it",
            |p| p.keystores.dname.clone(),
            |p, v| p.keystores.dname = v,
        ),
        Field::number(
            "Validity (days)",
            at("validityDays"),
            "how long the generated certificates are valid",
            |p| p.keystores.validity_days,
            |p, v| p.keystores.validity_days = v,
        ),
        Field::number(
            "Key size",
            at("keySize"),
            "RSA key size in bits",
            |p| p.keystores.key_size,
            |p, v| p.keystores.key_size = v,
        ),
        Field::secret(
            "Store password",
            at("storePassword"),
            "password of every keystore and truststore",
            |p| p.keystores.store_password.clone(),
            |p, v| p.keystores.store_password = v,
        ),
        Field::opt_secret(
            "Key password",
            at("keyPassword"),
            "private-key password; the store password when not set",
            |p| p.keystores.key_password.clone(),
            |p, v| p.keystores.key_password = v,
        )
        .with_default("(the store password)"),
        Field::list(
            "Extra SANs",
            at("extraSans"),
            "DNS names added to both certificates besides the hostnames, comma-separated",
            |p| p.keystores.extra_sans.clone(),
            |p, v| p.keystores.extra_sans = v,
        ),
        Field::text(
            "TLS secret",
            at("tlsSecret"),
            "kubernetes.io/tls secret for the ingresses of both charts",
            |p| p.keystores.tls_secret.clone(),
            |p, v| p.keystores.tls_secret = v,
        ),
        Field::text(
            "API-M keystore secret",
            path(&["keystores", "apim", "secretName"]),
            "secret holding API-M's keystores (the chart's jksSecretName)",
            |p| p.keystores.apim.secret_name.clone(),
            |p, v| p.keystores.apim.secret_name = v,
        ),
        Field::text(
            "IS keystore secret",
            path(&["keystores", "is", "secretName"]),
            "secret holding the Identity Server's keystores",
            |p| p.keystores.is.secret_name.clone(),
            |p, v| p.keystores.is.secret_name = v,
        ),
        store(
            "Alias",
            "apim",
            "alias",
            "alias of API-M's private key",
            API_M,
        ),
        store(
            "Keystore",
            "apim",
            "keystore",
            "primary keystore file (JKS)",
            API_M,
        ),
        store(
            "TLS keystore",
            "apim",
            "tlsKeystore",
            "TLS keystore file",
            API_M,
        ),
        store(
            "Internal keystore",
            "apim",
            "internalKeystore",
            "internal keystore file (secure vault)",
            API_M,
        ),
        store(
            "Truststore",
            "apim",
            "truststore",
            "client truststore file",
            API_M,
        ),
        store(
            "Alias",
            "is",
            "alias",
            "alias of the Identity Server's private key",
            IS,
        ),
        store(
            "Primary keystore",
            "is",
            "primary",
            "primary keystore file (PKCS12 on IS 7.1)",
            IS,
        ),
        store("TLS keystore", "is", "tls", "TLS keystore file", IS),
        store(
            "Internal keystore",
            "is",
            "internal",
            "internal keystore file",
            IS,
        ),
        store(
            "Truststore",
            "is",
            "truststore",
            "client truststore file",
            IS,
        ),
        Field::opt_text(
            "Own API-M keystore",
            path(&["keystores", "provided", "apimKeystore"]),
            "bring your own: an existing API-M keystore instead of a generated one",
            |p| {
                p.keystores
                    .provided
                    .as_ref()
                    .map(|x| x.apim_keystore.display().to_string())
            },
            |p, v| set_provided(p, v, true),
        )
        .with_default("(generated)"),
        Field::opt_text(
            "Own IS keystore",
            path(&["keystores", "provided", "isKeystore"]),
            "bring your own: an existing IS keystore instead of a generated one",
            |p| {
                p.keystores
                    .provided
                    .as_ref()
                    .map(|x| x.is_keystore.display().to_string())
            },
            |p, v| set_provided(p, v, false),
        )
        .with_default("(generated)"),
        Field::opt_text(
            "Corporate CA bundle",
            at("extraCaBundle"),
            "PEM file of more CAs both truststores trust (the public CAs and kmpilot's certificates are always there)",
            |p| {
                p.keystores
                    .extra_ca_bundle
                    .as_ref()
                    .map(|x| x.display().to_string())
            },
            |p, v| p.keystores.extra_ca_bundle = v.map(PathBuf::from),
        )
        .with_default("(none)"),
    ]
}

const API_M: &str = "API-M store files";
const IS: &str = "IS store files";

/// A key alias or store file name inside one product's keystore secret; each file name must
/// differ from the others (the chart mounts them by name).
fn store(
    label: &str,
    product: &'static str,
    key: &'static str,
    help: &str,
    group: &str,
) -> super::form::Field {
    type Get = fn(&Profile) -> &String;
    type Set = fn(&mut Profile) -> &mut String;
    macro_rules! at {
        ($s:ident . $f:ident) => {
            (
                (|p| &p.keystores.$s.$f) as Get,
                (|p| &mut p.keystores.$s.$f) as Set,
            )
        };
    }
    let (get, set) = match (product, key) {
        ("apim", "alias") => at!(apim.alias),
        ("apim", "keystore") => at!(apim.keystore),
        ("apim", "tlsKeystore") => at!(apim.tls_keystore),
        ("apim", "internalKeystore") => at!(apim.internal_keystore),
        ("apim", "truststore") => at!(apim.truststore),
        ("is", "alias") => at!(is.alias),
        ("is", "primary") => at!(is.primary),
        ("is", "tls") => at!(is.tls),
        ("is", "internal") => at!(is.internal),
        _ => at!(is.truststore),
    };
    super::form::Field::text(
        label,
        super::form::path(&["keystores", product, key]),
        help,
        move |p| get(p).clone(),
        move |p, v| *set(p) = v,
    )
    .in_group(group)
}

fn set_provided(p: &mut Profile, v: Option<String>, apim: bool) {
    let mut cur = p.keystores.provided.take().unwrap_or(Provided {
        apim_keystore: PathBuf::new(),
        is_keystore: PathBuf::new(),
    });
    let v = PathBuf::from(v.unwrap_or_default());
    if apim {
        cur.apim_keystore = v;
    } else {
        cur.is_keystore = v;
    }
    let empty = cur.apim_keystore.as_os_str().is_empty() && cur.is_keystore.as_os_str().is_empty();
    p.keystores.provided = (!empty).then_some(cur);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dname_forms() {
        assert!(parse_dname("CN=*.wso2.com, OU=MS, O=WSO2, L=Colombo, ST=Colombo, C=LK").is_ok());
        assert!(parse_dname("OU=MS").unwrap_err().contains("CN"));
        assert!(
            parse_dname("CN=a, C=LKA")
                .unwrap_err()
                .contains("two-letter")
        );
        assert!(parse_dname("CN=a, X=b").unwrap_err().contains("unknown"));
    }
}

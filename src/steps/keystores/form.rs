//! The keystores step's wizard fields.

use super::*;

/// The wizard's fields for this step.
pub fn form(_p: &Profile) -> Vec<crate::steps::form::Field> {
    use crate::steps::form::{Field, path};
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
pub(super) fn store(
    label: &str,
    product: &'static str,
    key: &'static str,
    help: &str,
    group: &str,
) -> crate::steps::form::Field {
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
    crate::steps::form::Field::text(
        label,
        crate::steps::form::path(&["keystores", product, key]),
        help,
        move |p| get(p).clone(),
        move |p, v| *set(p) = v,
    )
    .in_group(group)
}

pub(super) fn set_provided(p: &mut Profile, v: Option<String>, apim: bool) {
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

//! The whole WSO2 set, every file checked by the real keytool.

mod common;

use std::sync::OnceLock;

use kmpilot_keystore::set::{
    BaseTruststore, IdentitySource, KeystoreSet, KeystoreSetSpec, Wso2IsOptions, Wso2Layout,
    Wso2Passwords, Wso2SetOptions, build_set, wso2,
};
use kmpilot_keystore::store::{load_identity, load_trusted_certs};
use kmpilot_keystore::vault::{self, Cipher, VaultKey};
use kmpilot_keystore::{Dn, Error, Identity, KeyPairSpec, Secret};

fn passwords() -> Wso2Passwords {
    Wso2Passwords {
        apim_keystore: "ämkeystore".into(),
        apim_key: "ämkeystore".into(),
        apim_internal_keystore: "internal-store".into(),
        apim_internal_key: "internal-key".into(),
        apim_truststore: "trüst".into(),
        is_keystore: "is-keystore".into(),
        is_truststore: "is-trust".into(),
    }
}

fn spec() -> KeystoreSetSpec {
    KeystoreSetSpec::wso2(Wso2SetOptions {
        apim: IdentitySource::Existing(common::apim_identity().clone()),
        apim_internal: Some(IdentitySource::Generate(KeyPairSpec::new(
            Dn::parse("CN=wso2internal, O=WSO2, C=LK").unwrap(),
            vec![],
        ))),
        is: Some(Wso2IsOptions {
            identity: IdentitySource::Existing(common::is_identity().clone()),
            internal: None,
        }),
        passwords: passwords(),
        layout: Wso2Layout::default(),
    })
}

/// keytool's `SHA256: AB:CD:…` rendering of a certificate fingerprint.
fn fingerprint(der: &[u8]) -> String {
    use sha2::Digest;
    let hex: Vec<String> = sha2::Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    hex.join(":")
}

/// Alias → SHA-256 fingerprint of the first certificate, from `keytool -list -v`.
fn fingerprints_by_alias(listing: &str) -> std::collections::BTreeMap<String, String> {
    listing
        .split("Alias name: ")
        .skip(1)
        .map(|section| {
            let alias = section.lines().next().unwrap().trim().to_string();
            let sha = section
                .lines()
                .find_map(|l| l.trim().strip_prefix("SHA256: "))
                .unwrap_or_default()
                .to_string();
            (alias, sha)
        })
        .collect()
}

/// One set per test binary: building it costs a key and four PKCS#12 encodings.
fn shared_set() -> &'static KeystoreSet {
    static SET: OnceLock<KeystoreSet> = OnceLock::new();
    SET.get_or_init(|| build_set(&spec()).unwrap())
}

fn list(keytool: &std::path::Path, path: &str, pass: &str) -> String {
    common::ok(
        keytool,
        &["-list", "-v", "-keystore", path, "-storepass", pass],
    )
}

#[test]
fn keytool_reads_every_file_of_the_set() {
    let keytool = require!("keytool");
    let dir = tempfile::tempdir().unwrap();
    let set = shared_set();
    let pw = passwords();

    let apim = set.bundle(wso2::APIM_BUNDLE).unwrap();
    let names: Vec<_> = apim.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "wso2carbon.jks",
            "wso2tls.jks",
            "wso2internal.jks",
            "client-truststore.jks"
        ]
    );
    let is = set.bundle(wso2::IS_BUNDLE).unwrap();
    let names: Vec<_> = is.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "primary.p12",
            "tls.p12",
            "internal.p12",
            "client-truststore.p12"
        ]
    );

    let checks: [(&str, &str, &Secret, &str, Option<&Secret>); 8] = [
        (
            "apim",
            "wso2tls.jks",
            &pw.apim_keystore,
            "wso2carbon",
            Some(&pw.apim_key),
        ),
        (
            "apim",
            "wso2carbon.jks",
            &pw.apim_keystore,
            "wso2carbon",
            Some(&pw.apim_key),
        ),
        (
            "apim",
            "wso2internal.jks",
            &pw.apim_internal_keystore,
            "wso2carbon",
            Some(&pw.apim_internal_key),
        ),
        (
            "apim",
            "client-truststore.jks",
            &pw.apim_truststore,
            "wso2carbonssl",
            None,
        ),
        (
            "is",
            "primary.p12",
            &pw.is_keystore,
            "wso2carbon",
            Some(&pw.is_keystore),
        ),
        (
            "is",
            "tls.p12",
            &pw.is_keystore,
            "wso2carbon",
            Some(&pw.is_keystore),
        ),
        (
            "is",
            "internal.p12",
            &pw.is_keystore,
            "wso2carbon",
            Some(&pw.is_keystore),
        ),
        (
            "is",
            "client-truststore.p12",
            &pw.is_truststore,
            "wso2carbon",
            None,
        ),
    ];
    // Files are independent; checking them concurrently halves the wall time.
    let listings: Vec<(String, String)> = std::thread::scope(|scope| {
        let handles: Vec<_> = checks
            .into_iter()
            .map(|(bundle, file, store_pw, alias, key_pw)| {
                let (keytool, dir, set) = (&keytool, &dir, &set);
                scope.spawn(move || {
                    let path = common::write(
                        dir.path(),
                        &format!("{bundle}-{file}"),
                        set.file(bundle, file).unwrap(),
                    );
                    let listing = list(keytool, &path, store_pw.expose());
                    assert!(
                        listing.contains(&format!("Alias name: {alias}")),
                        "{file}:\n{listing}"
                    );
                    let wrong = common::fails(
                        keytool,
                        &["-list", "-keystore", &path, "-storepass", "wrong-password"],
                    );
                    assert!(wrong.contains("password was incorrect"), "{file}: {wrong}");
                    if let Some(key_pw) = key_pw {
                        assert!(listing.contains("PrivateKeyEntry"), "{file}:\n{listing}");
                        let dest = dir.path().join(format!("{bundle}-{file}.converted.p12"));
                        common::ok(
                            keytool,
                            &[
                                "-importkeystore",
                                "-noprompt",
                                "-srckeystore",
                                &path,
                                "-srcstorepass",
                                store_pw.expose(),
                                "-srcalias",
                                alias,
                                "-srckeypass",
                                key_pw.expose(),
                                "-destkeystore",
                                dest.to_str().unwrap(),
                                "-deststoretype",
                                "PKCS12",
                                "-deststorepass",
                                "changeit",
                            ],
                        );
                    }
                    (file.to_string(), listing)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    // Cross-trust, checked on the fingerprints keytool prints per alias.
    let listing = |file: &str| &listings.iter().find(|(f, _)| f == file).unwrap().1;
    let am = fingerprint(common::apim_identity().certificate_der());
    let is = fingerprint(common::is_identity().certificate_der());
    let apim_trust = fingerprints_by_alias(listing("client-truststore.jks"));
    assert_eq!(
        apim_trust,
        [
            ("wso2carbonssl".to_string(), am.clone()),
            ("wso2is".to_string(), is.clone())
        ]
        .into()
    );
    let is_trust = fingerprints_by_alias(listing("client-truststore.p12"));
    assert_eq!(
        is_trust,
        [
            ("wso2carbon".to_string(), is.clone()),
            ("wso2am".to_string(), am.clone())
        ]
        .into()
    );
    assert_eq!(fingerprints_by_alias(listing("tls.p12"))["wso2carbon"], is);
    assert_eq!(
        fingerprints_by_alias(listing("wso2carbon.jks"))["wso2carbon"],
        am
    );

    // The ingress PEM pair: keytool prints the certificate, and it matches the key.
    let pem = set.tls_pem(wso2::APIM_TLS_PEM).unwrap();
    let crt = common::write(dir.path(), "tls.crt", pem.cert_pem.as_bytes());
    let printed = common::ok(&keytool, &["-printcert", "-file", &crt]);
    assert!(printed.contains("Owner: CN=*.wso2.com"), "{printed}");
    assert!(printed.contains("DNSName: gw.wso2.com"), "{printed}");
    assert!(
        pem.key_pem
            .expose()
            .starts_with("-----BEGIN PRIVATE KEY-----\n")
    );
    let back = Identity::from_pem(&pem.cert_pem, pem.key_pem.expose()).unwrap();
    assert_eq!(&back, common::apim_identity());
    assert!(
        !format!("{pem:?}").contains("PRIVATE KEY"),
        "Debug leaks the key"
    );
    assert!(set.tls_pem(wso2::IS_TLS_PEM).is_some());
}

#[test]
fn vault_uses_the_internal_keystore_key() {
    let spec = spec();
    let set = shared_set();
    let internal = set
        .identity(spec.vault_identity.as_deref().unwrap())
        .unwrap();
    assert_ne!(internal, common::apim_identity(), "internal key is its own");
    let from_file = load_identity(
        set.file("apim", "wso2internal.jks").unwrap(),
        "internal-store",
        "wso2carbon",
        "internal-key",
    )
    .unwrap();
    assert_eq!(&from_file, internal);
    let key = VaultKey::from_identity(&from_file).unwrap();
    assert_eq!(&key, &set.vault_key().unwrap());
    let ct = vault::encrypt(&key, "admin", Cipher::Pkcs1v15).unwrap();
    assert_eq!(ct.len(), 344, "base64 of a 256-byte block");
}

#[test]
fn bring_your_own_keystore_and_base_truststore() {
    let keytool = require!("keytool");
    let dir = tempfile::tempdir().unwrap();
    let own = dir.path().join("own.jks");
    common::ok(
        &keytool,
        &[
            "-genkeypair",
            "-keystore",
            own.to_str().unwrap(),
            "-storetype",
            "JKS",
            "-storepass",
            "own-pass",
            "-alias",
            "corp",
            "-keyalg",
            "RSA",
            "-keysize",
            "2048",
            "-dname",
            "CN=apim.corp.example, O=Corp, C=US",
            "-ext",
            "san=dns:apim.corp.example",
        ],
    );
    let base = dir.path().join("base.jks");
    let ca = common::write(
        dir.path(),
        "ca.der",
        common::is_identity().certificate_der(),
    );
    common::ok(
        &keytool,
        &[
            "-importcert",
            "-noprompt",
            "-keystore",
            base.to_str().unwrap(),
            "-storepass",
            "changeit",
            "-alias",
            "corp-root-ca",
            "-file",
            &ca,
        ],
    );

    let byo = load_identity(
        &std::fs::read(&own).unwrap(),
        "own-pass",
        "corp",
        "own-pass",
    )
    .unwrap();
    let mut spec = KeystoreSetSpec::wso2(Wso2SetOptions {
        apim: IdentitySource::Existing(byo.clone()),
        apim_internal: None,
        is: None,
        passwords: Wso2Passwords::all("wso2carbon"),
        layout: Wso2Layout {
            apim_tls_keystore: None,
            ..Wso2Layout::default()
        },
    });
    spec.bundles[0].truststore.as_mut().unwrap().base = Some(BaseTruststore {
        bytes: std::fs::read(&base).unwrap(),
        password: "changeit".into(),
    });
    let set = build_set(&spec).unwrap();
    assert_eq!(set.bundles.len(), 1);

    let ks = common::write(
        dir.path(),
        "wso2carbon.jks",
        set.file("apim", "wso2carbon.jks").unwrap(),
    );
    let listing = list(&keytool, &ks, "wso2carbon");
    assert!(
        listing.contains("Owner: CN=apim.corp.example, O=Corp, C=US"),
        "{listing}"
    );
    let ts = set.file("apim", "client-truststore.jks").unwrap();
    let trusted = load_trusted_certs(ts, "wso2carbon").unwrap();
    let aliases: Vec<_> = trusted.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(aliases, ["corp-root-ca", "wso2carbonssl"]);
    let ts = common::write(dir.path(), "client-truststore.jks", ts);
    let listing = list(&keytool, &ts, "wso2carbon");
    assert!(
        listing.contains("Your keystore contains 2 entries"),
        "{listing}"
    );
    // Without IS, the internal keystore reuses the primary key.
    assert_eq!(spec.vault_identity.as_deref(), Some(wso2::APIM_IDENTITY));
    let names: Vec<_> = set.bundles[0]
        .files
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "wso2carbon.jks",
            "wso2internal.jks",
            "client-truststore.jks"
        ]
    );
}

#[test]
fn spec_mistakes_are_caught_before_key_generation() {
    let mut s = spec();
    s.bundles[1].keystores[2].file = "tls.p12".into();
    let err = build_set(&s).unwrap_err().to_string();
    assert!(err.contains("\"tls.p12\" is used twice"), "{err}");

    let mut s = spec();
    s.bundles[1].keystores[0].key_password = "other".into();
    let err = build_set(&s).unwrap_err().to_string();
    assert!(err.contains("one password"), "{err}");

    let mut s = spec();
    s.bundles[1].keystores[0].password = "pässword".into();
    s.bundles[1].keystores[0].key_password = "pässword".into();
    let err = build_set(&s).unwrap_err().to_string();
    assert!(err.contains("printable ASCII"), "{err}");

    let mut s = spec();
    s.tls[0].identity = "nope".into();
    assert!(matches!(build_set(&s), Err(Error::Set(m)) if m.contains("unknown identity \"nope\"")));

    let mut s = spec();
    s.identities.push((
        "bad".into(),
        IdentitySource::Generate(KeyPairSpec::new(
            Dn::parse("CN=x").unwrap(),
            vec!["bad host".into()],
        )),
    ));
    let err = build_set(&s).unwrap_err().to_string();
    assert!(err.contains("bad host"), "{err}");
}

#[test]
fn debug_output_of_specs_and_sets_has_no_secrets() {
    let s = spec();
    let text = format!("{s:?}");
    assert!(
        !text.contains("internal-key") && !text.contains("ämkeystore"),
        "{text}"
    );
    let text = format!("{:?}", shared_set());
    assert!(!text.contains("PRIVATE KEY"), "{text}");
}

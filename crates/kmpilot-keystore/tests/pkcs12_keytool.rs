//! PKCS#12 (Identity Server 7.1's format) against the real keytool.

mod common;

use kmpilot_keystore::Error;
use kmpilot_keystore::pkcs12::{self, Pkcs12Entry, Pkcs12Store};
use kmpilot_keystore::store::{StoreFormat, load_identity, load_trusted_certs};

/// Printable ASCII only: Java's PKCS12 refuses anything else (see below).
const PASS: &str = "wso2 c@rbon!~";

#[test]
fn keytool_reads_our_p12_and_decrypts_the_key() {
    let keytool = require!("keytool");
    let dir = tempfile::tempdir().unwrap();
    let mut store = Pkcs12Store::new();
    store
        .add_private_key("wso2carbon", common::is_identity())
        .unwrap();
    store
        .add_trusted_cert("wso2am", common::apim_identity().certificate_der())
        .unwrap();
    let bytes = store.to_bytes(PASS).unwrap();
    assert_eq!(StoreFormat::detect(&bytes), Some(StoreFormat::Pkcs12));
    let path = common::write(dir.path(), "primary.p12", &bytes);

    let listing = common::ok(
        &keytool,
        &[
            "-list",
            "-v",
            "-keystore",
            &path,
            "-storetype",
            "PKCS12",
            "-storepass",
            PASS,
        ],
    );
    assert!(listing.contains("Keystore type: PKCS12"), "{listing}");
    assert!(
        listing.contains("Your keystore contains 2 entries"),
        "{listing}"
    );
    assert!(listing.contains("Alias name: wso2carbon"), "{listing}");
    assert!(listing.contains("Alias name: wso2am"), "{listing}");
    assert!(
        listing.contains("Entry type: trustedCertEntry"),
        "{listing}"
    );
    assert!(
        listing.contains("Owner: CN=is.wso2.com, OU=IAM, O=WSO2, L=Zürich, ST=ZH, C=CH"),
        "{listing}"
    );
    assert!(listing.contains("DNSName: is.wso2.com"), "{listing}");

    let wrong = common::fails(
        &keytool,
        &["-list", "-keystore", &path, "-storepass", "wso2carbon"],
    );
    assert!(wrong.contains("password was incorrect"), "{wrong}");

    // Converting to JKS forces keytool to decrypt the PBES2 key bag.
    let jks = dir.path().join("out.jks");
    common::ok(
        &keytool,
        &[
            "-importkeystore",
            "-noprompt",
            "-srckeystore",
            &path,
            "-srcstoretype",
            "PKCS12",
            "-srcstorepass",
            PASS,
            "-srcalias",
            "wso2carbon",
            "-destkeystore",
            jks.to_str().unwrap(),
            "-deststoretype",
            "JKS",
            "-deststorepass",
            "changeit",
            "-destkeypass",
            "changeit",
        ],
    );
    let id = load_identity(
        &std::fs::read(&jks).unwrap(),
        "changeit",
        "wso2carbon",
        "changeit",
    )
    .unwrap();
    assert_eq!(&id, common::is_identity());
}

#[test]
fn we_read_what_keytool_writes_as_pkcs12() {
    let keytool = require!("keytool");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kt.p12");
    let path = path.to_str().unwrap();
    common::ok(
        &keytool,
        &[
            "-genkeypair",
            "-keystore",
            path,
            "-storetype",
            "PKCS12",
            "-storepass",
            PASS,
            "-alias",
            "wso2carbon",
            "-keyalg",
            "RSA",
            "-keysize",
            "2048",
            "-validity",
            "30",
            "-dname",
            "CN=is.wso2.com, O=WSO2, C=LK",
            "-ext",
            "san=dns:is.wso2.com,ip:10.1.2.3",
        ],
    );
    let cert = common::write(
        dir.path(),
        "am.der",
        common::apim_identity().certificate_der(),
    );
    common::ok(
        &keytool,
        &[
            "-importcert",
            "-noprompt",
            "-keystore",
            path,
            "-storepass",
            PASS,
            "-alias",
            "wso2am",
            "-file",
            &cert,
        ],
    );
    let bytes = std::fs::read(path).unwrap();

    let store = pkcs12::read(&bytes, PASS).unwrap();
    let id = store.identity("wso2carbon").unwrap();
    let info = id.cert_info().unwrap();
    assert_eq!(info.subject.to_string(), "CN=is.wso2.com, O=WSO2, C=LK");
    assert_eq!(info.sans, ["is.wso2.com", "10.1.2.3"]);
    assert!(matches!(
        store.get("wso2am"),
        Some(Pkcs12Entry::TrustedCert { .. })
    ));
    let trusted = load_trusted_certs(&bytes, PASS).unwrap();
    assert_eq!(
        trusted,
        vec![(
            "wso2am".to_string(),
            common::apim_identity().certificate_der().to_vec()
        )]
    );
    assert!(matches!(
        pkcs12::read(&bytes, "nope"),
        Err(Error::Integrity)
    ));
}

#[test]
fn non_ascii_pkcs12_passwords_are_refused_like_java_does() {
    let err = Pkcs12Store::new().to_bytes("wso2cärbon").unwrap_err();
    assert!(err.to_string().contains("printable ASCII"), "{err}");

    // The peer agrees: keytool 17 cannot make such a store either.
    let keytool = require!("keytool");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.p12");
    let out = common::fails(
        &keytool,
        &[
            "-genkeypair",
            "-keystore",
            path.to_str().unwrap(),
            "-storetype",
            "PKCS12",
            "-storepass",
            "wso2cärbon",
            "-alias",
            "a",
            "-keyalg",
            "RSA",
            "-keysize",
            "2048",
            "-dname",
            "CN=a",
        ],
    );
    assert!(out.contains("Password is not ASCII"), "{out}");
}

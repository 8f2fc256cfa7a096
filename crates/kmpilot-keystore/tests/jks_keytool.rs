//! JKS written by kmpilot, read by the real keytool, and the reverse.

mod common;

use kmpilot_keystore::jks::{self, Entry, Keystore};
use kmpilot_keystore::{Error, Identity};

const STOREPASS: &str = "störe-pässwörd€";
const KEYPASS: &str = "kéy-pässwörd";

#[test]
fn keytool_lists_our_jks_with_dn_sans_and_refuses_wrong_password() {
    let keytool = require!("keytool");
    let dir = tempfile::tempdir().unwrap();
    let mut ks = Keystore::new();
    ks.add_private_key("wso2carbon", common::apim_identity(), STOREPASS)
        .unwrap();
    let path = common::write(dir.path(), "wso2carbon.jks", &ks.to_bytes(STOREPASS));

    let listing = common::ok(
        &keytool,
        &["-list", "-v", "-keystore", &path, "-storepass", STOREPASS],
    );
    assert!(listing.contains("Keystore type: JKS"), "{listing}");
    assert!(listing.contains("Alias name: wso2carbon"), "{listing}");
    assert!(listing.contains("Entry type: PrivateKeyEntry"), "{listing}");
    assert!(
        listing.contains("Owner: CN=*.wso2.com, OU=MS, O=WSO2, L=Colombo, ST=Colombo, C=LK"),
        "{listing}"
    );
    assert!(
        listing.contains("Issuer: CN=*.wso2.com, OU=MS, O=WSO2, L=Colombo, ST=Colombo, C=LK"),
        "{listing}"
    );
    for san in [
        "DNSName: am.wso2.com",
        "DNSName: gw.wso2.com",
        "DNSName: localhost",
        "IPAddress: 127.0.0.1",
    ] {
        assert!(listing.contains(san), "missing {san}:\n{listing}");
    }
    assert!(
        listing.contains("Signature algorithm name: SHA256withRSA"),
        "{listing}"
    );
    assert!(listing.contains("2048-bit RSA key"), "{listing}");
    assert!(listing.contains("Version: 3"), "{listing}");
    assert!(listing.contains("SubjectKeyIdentifier"), "{listing}");
    assert!(listing.contains("Data_Encipherment"), "{listing}");

    let wrong = common::fails(
        &keytool,
        &["-list", "-keystore", &path, "-storepass", "wso2carbon"],
    );
    assert!(
        wrong.contains("Keystore was tampered with, or password was incorrect"),
        "{wrong}"
    );
}

#[test]
fn keytool_decrypts_our_key_with_a_separate_non_ascii_key_password() {
    let keytool = require!("keytool");
    let dir = tempfile::tempdir().unwrap();
    let mut ks = Keystore::new();
    ks.add_private_key("WSO2Carbon", common::apim_identity(), KEYPASS)
        .unwrap();
    ks.add_trusted_cert("wso2is", common::is_identity().certificate_der())
        .unwrap();
    let src = common::write(dir.path(), "src.jks", &ks.to_bytes(STOREPASS));
    let dest = dir.path().join("dest.p12");
    let dest = dest.to_str().unwrap();

    // -importkeystore decrypts the key: exercises the key protector and the PKCS#8 parse.
    common::ok(
        &keytool,
        &[
            "-importkeystore",
            "-noprompt",
            "-srckeystore",
            &src,
            "-srcstoretype",
            "JKS",
            "-srcstorepass",
            STOREPASS,
            "-srcalias",
            "wso2carbon",
            "-srckeypass",
            KEYPASS,
            "-destkeystore",
            dest,
            "-deststoretype",
            "PKCS12",
            "-deststorepass",
            "changeit",
        ],
    );
    let listing = common::ok(
        &keytool,
        &["-list", "-keystore", dest, "-storepass", "changeit"],
    );
    assert!(listing.contains("wso2carbon, "), "{listing}");
    assert!(listing.contains("PrivateKeyEntry"), "{listing}");

    let bad_key = common::fails(
        &keytool,
        &[
            "-importkeystore",
            "-noprompt",
            "-srckeystore",
            &src,
            "-srcstoretype",
            "JKS",
            "-srcstorepass",
            STOREPASS,
            "-srcalias",
            "wso2carbon",
            "-srckeypass",
            "wrong-key",
            "-destkeystore",
            dir.path().join("x.p12").to_str().unwrap(),
            "-deststoretype",
            "PKCS12",
            "-deststorepass",
            "changeit",
        ],
    );
    assert!(
        bad_key.contains("Cannot recover key") || bad_key.contains("Unrecoverable"),
        "{bad_key}"
    );

    // The trusted entry survives too, and the exported cert is byte-identical.
    let exported = dir.path().join("is.der");
    common::ok(
        &keytool,
        &[
            "-exportcert",
            "-keystore",
            &src,
            "-storepass",
            STOREPASS,
            "-alias",
            "wso2is",
            "-file",
            exported.to_str().unwrap(),
        ],
    );
    assert_eq!(
        std::fs::read(&exported).unwrap(),
        common::is_identity().certificate_der()
    );
}

#[test]
fn we_read_what_keytool_writes() {
    let keytool = require!("keytool");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kt.jks");
    let path = path.to_str().unwrap();
    common::ok(
        &keytool,
        &[
            "-genkeypair",
            "-keystore",
            path,
            "-storetype",
            "JKS",
            "-storepass",
            STOREPASS,
            "-keypass",
            KEYPASS,
            "-alias",
            "wso2carbon",
            "-keyalg",
            "RSA",
            "-keysize",
            "2048",
            "-validity",
            "30",
            "-dname",
            common::PROFILE_DN,
            "-ext",
            "san=dns:am.wso2.com",
        ],
    );
    let cert = common::write(
        dir.path(),
        "is.der",
        common::is_identity().certificate_der(),
    );
    common::ok(
        &keytool,
        &[
            "-importcert",
            "-noprompt",
            "-keystore",
            path,
            "-storepass",
            STOREPASS,
            "-alias",
            "wso2is",
            "-file",
            &cert,
        ],
    );
    let bytes = std::fs::read(path).unwrap();

    let ks = jks::read(&bytes, STOREPASS).unwrap();
    assert_eq!(ks.entries().len(), 2);
    let identity = ks.identity("wso2carbon", KEYPASS).unwrap();
    let info = identity.cert_info().unwrap();
    assert_eq!(info.subject.to_string(), common::PROFILE_DN);
    assert_eq!(info.sans, ["am.wso2.com"]);
    assert_eq!(info.rsa_bits, Some(2048));
    assert!(
        matches!(ks.get("wso2is"), Some(Entry::TrustedCert(t)) if t.cert_der == common::is_identity().certificate_der())
    );

    assert!(matches!(jks::read(&bytes, "wrong"), Err(Error::Integrity)));
    assert!(matches!(
        ks.identity("wso2carbon", "wrong"),
        Err(Error::KeyPassword { .. })
    ));

    // Re-writing what we read gives a store keytool still accepts.
    let rewritten = common::write(dir.path(), "rewritten.jks", &ks.to_bytes("changeit"));
    let listing = common::ok(
        &keytool,
        &["-list", "-keystore", &rewritten, "-storepass", "changeit"],
    );
    assert!(
        listing.contains("Your keystore contains 2 entries"),
        "{listing}"
    );
}

#[test]
fn aliases_are_lower_cased_and_unique() {
    let mut ks = Keystore::new();
    ks.add_trusted_cert("WSO2CarbonSSL", common::is_identity().certificate_der())
        .unwrap();
    assert_eq!(ks.entries()[0].alias(), "wso2carbonssl");
    assert!(matches!(
        ks.add_trusted_cert("wso2carbonssl", common::is_identity().certificate_der()),
        Err(Error::DuplicateAlias(_))
    ));
}

#[test]
fn round_trip_in_rust() {
    let mut ks = Keystore::new();
    ks.add_private_key("wso2carbon", common::apim_identity(), KEYPASS)
        .unwrap();
    ks.add_trusted_cert("wso2is", common::is_identity().certificate_der())
        .unwrap();
    let bytes = ks.to_bytes(STOREPASS);
    let back = jks::read(&bytes, STOREPASS).unwrap();
    assert_eq!(back, ks);
    let identity: Identity = back.identity("WSO2CARBON", KEYPASS).unwrap();
    assert_eq!(&identity, common::apim_identity());
}

//! Key pair specs, certificates and bring-your-own PEM, in Rust only.

mod common;

use kmpilot_keystore::{CertInfo, Dn, Error, Identity, KeyPairSpec};

#[test]
fn generated_certificate_says_what_was_asked() {
    let id = common::apim_identity();
    let info: CertInfo = id.cert_info().unwrap();
    assert_eq!(info.subject.to_string(), common::PROFILE_DN);
    assert_eq!(info.issuer, info.subject, "self-signed");
    assert_eq!(
        info.sans,
        ["am.wso2.com", "gw.wso2.com", "localhost", "127.0.0.1"]
    );
    assert_eq!(info.rsa_bits, Some(2048));
    let days = info
        .not_after
        .duration_since(info.not_before)
        .unwrap()
        .as_secs()
        / 86_400;
    assert_eq!(days, 825);
}

#[test]
fn spec_errors_name_the_bad_input() {
    let dn = Dn::parse("CN=x").unwrap();
    let mut spec = KeyPairSpec::new(dn, vec!["ok.example.com".into(), "bad_host!".into()]);
    assert!(matches!(spec.validate(), Err(Error::San { name, .. }) if name == "bad_host!"));
    spec.sans = vec!["*.wso2.com".into(), "::1".into()];
    spec.validate().unwrap();
    spec.sans = vec!["a.*.com".into()];
    assert!(spec.validate().is_err(), "wildcard only as the first label");
    spec.sans = vec!["münchen.de".into()];
    let err = spec.validate().unwrap_err().to_string();
    assert!(err.contains("punycode"), "{err}");
    spec.sans.clear();
    spec.key_bits = 1024;
    assert!(spec.validate().unwrap_err().to_string().contains("1024"));
    spec.key_bits = 2048;
    spec.validity_days = 0;
    assert!(spec.validate().is_err());
}

#[test]
fn pem_round_trip_and_mismatched_key_is_refused() {
    let apim = common::apim_identity();
    let pem = apim.to_pem_pair();
    assert!(pem.cert_pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
    assert_eq!(
        &Identity::from_pem(&pem.cert_pem, pem.key_pem.expose()).unwrap(),
        apim
    );

    let other = common::is_identity().to_pem_pair();
    let err = Identity::from_pem(&pem.cert_pem, other.key_pem.expose()).unwrap_err();
    assert!(err.to_string().contains("does not match"), "{err}");
    assert!(Identity::from_pem("junk", pem.key_pem.expose()).is_err());
    assert!(format!("{apim:?}").contains("<redacted>"));
    assert!(!format!("{pem:?}").contains("BEGIN PRIVATE KEY"));
}

#[test]
fn pkcs1_rsa_private_key_pem_is_accepted() {
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::pkcs8::DecodePrivateKey;
    let apim = common::apim_identity();
    let key = rsa::RsaPrivateKey::from_pkcs8_der(apim.private_key_pkcs8_der()).unwrap();
    let pkcs1 = key.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF).unwrap();
    let id = Identity::from_pem(&apim.to_pem_pair().cert_pem, &pkcs1).unwrap();
    assert_eq!(&id, apim);
}

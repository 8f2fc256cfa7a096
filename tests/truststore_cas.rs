//! Truststores carry the public CAs and a corporate CA besides kmpilot's certificates: the
//! keystores step's files, opened with the real keytool (`keytool -list -storepass:env`),
//! list the Mozilla root set (count and ISRG Root X1), the cross-trust entries and the
//! certificates of `keystores.extraCaBundle`; a file that is not a PEM bundle is refused
//! with the field's name.

use std::path::Path;
use std::process::Command;

use kmpilot::exec::keystores::{MemoryFiles, generate};
use kmpilot::exec::secrets::Secrets;
use kmpilot::plan::secrets::SecretUse;
use kmpilot::profile::Profile;
use kmpilot::profile::secret::SecretRef;

const PW: &str = "truststore-test-pw";

fn corporate_bundle() -> String {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let mut pem = String::new();
    for cn in ["Example Corp Root CA", "Example Corp Proxy CA"] {
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.distinguished_name.push(DnType::CommonName, cn);
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let key = KeyPair::generate().unwrap();
        pem.push_str(&ca.self_signed(&key).unwrap().pem());
    }
    pem
}

fn make(dir: &Path, bundle: Option<&str>) -> Result<MemoryFiles, String> {
    let mut p = Profile::quickstart("truststores");
    p.keystores.store_password = SecretRef::Literal(PW.into());
    if let Some(b) = bundle {
        std::fs::write(dir.join("corp.pem"), b).unwrap();
        p.keystores.extra_ca_bundle = Some("corp.pem".into());
    }
    let spec = kmpilot::steps::keystores::spec(&p);
    let uses = [SecretUse {
        var: "KEYSTORE_PASSWORD".into(),
        secret: SecretRef::Literal(PW.into()),
    }];
    let secrets = Secrets::resolve(&uses, dir, None).unwrap();
    let mut mem = MemoryFiles::default();
    generate(&spec, &secrets, &dir.join("work"), dir, &mut mem).map(|_| mem)
}

/// `keytool -list` of `file`: (entry count, aliases).
fn keytool_list(file: &Path) -> (usize, Vec<String>) {
    let out = Command::new("keytool")
        .args(["-list", "-keystore"])
        .arg(file)
        .args(["-storepass:env", "TS_PW"])
        .env("TS_PW", PW)
        .output()
        .expect("keytool is installed");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let count = text
        .lines()
        .find_map(|l| {
            l.strip_prefix("Your keystore contains ")
                .and_then(|r| r.split_whitespace().next())
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or_else(|| panic!("no entry count:\n{text}"));
    let aliases = text
        .lines()
        .filter(|l| l.contains("trustedCertEntry"))
        .filter_map(|l| l.split(',').next().map(str::to_string))
        .collect();
    (count, aliases)
}

fn owner(file: &Path, alias: &str) -> String {
    let out = Command::new("keytool")
        .args(["-list", "-v", "-keystore"])
        .arg(file)
        .args(["-storepass:env", "TS_PW", "-alias", alias])
        .env("TS_PW", PW)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Owner: ").map(str::to_string))
        .unwrap_or_default()
}

#[test]
fn keytool_lists_public_cas_corporate_cas_and_kmpilots_certificates() {
    if Command::new("keytool").arg("-help").output().is_err() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "keytool is required on CI"
        );
        eprintln!("SKIPPED: keytool is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mem = make(dir.path(), Some(&corporate_bundle())).unwrap();
    let public = webpki_count();
    for (file, own) in [
        (
            "keystores/client-truststore.jks",
            ["wso2carbonssl", "wso2is"],
        ),
        ("keystores/client-truststore.p12", ["wso2carbon", "wso2am"]),
    ] {
        let path = dir.path().join(file.replace('/', "-"));
        std::fs::write(&path, mem.get(file).unwrap_or_else(|| panic!("no {file}"))).unwrap();
        let (count, aliases) = keytool_list(&path);
        assert_eq!(count, 2 + public + 2, "{file}: {aliases:?}");
        for a in own {
            assert!(
                aliases.iter().any(|x| x == a),
                "{file}: no {a} in {aliases:?}"
            );
        }
        let mozilla = aliases.iter().filter(|a| a.starts_with("mozilla-")).count();
        assert_eq!(mozilla, public, "{file}");
        assert!(
            public > 100,
            "the Mozilla set has well over 100 roots: {public}"
        );
        assert!(
            aliases.iter().any(|a| a == "mozilla-isrg-root-x1"),
            "{aliases:?}"
        );
        assert!(
            owner(&path, "mozilla-isrg-root-x1").starts_with("CN=ISRG Root X1"),
            "{file}"
        );
        assert_eq!(
            owner(&path, "corporate-example-corp-root-ca"),
            "CN=Example Corp Root CA"
        );
        assert!(
            aliases
                .iter()
                .any(|a| a == "corporate-example-corp-proxy-ca"),
            "{aliases:?}"
        );
    }
}

/// How many roots the maintained set ships (the crate kmpilot takes them from).
fn webpki_count() -> usize {
    webpki_root_certs::TLS_SERVER_ROOT_CERTS.len()
}

#[test]
fn a_bundle_that_is_not_pem_is_refused_with_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let err = make(dir.path(), Some("not a certificate\n")).err().unwrap();
    assert!(err.contains("keystores.extraCaBundle"), "{err}");
    assert!(err.contains("corp.pem"), "{err}");
    let empty = make(dir.path(), Some("")).err().unwrap();
    assert!(empty.contains("no -----BEGIN CERTIFICATE-----"), "{empty}");
}

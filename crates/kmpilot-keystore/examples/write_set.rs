//! Writes the default WSO2 keystore set into a directory, for manual inspection
//! with keytool: `cargo run -p kmpilot-keystore --example write_set -- /tmp/set`.

use kmpilot_keystore::set::{
    IdentitySource, KeystoreSetSpec, Wso2IsOptions, Wso2Layout, Wso2Passwords, Wso2SetOptions,
    build_set,
};
use kmpilot_keystore::{Dn, KeyPairSpec};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "keystore-set".into());
    let spec = |dn: &str, sans: &[&str]| {
        Ok::<_, kmpilot_keystore::Error>(IdentitySource::Generate(KeyPairSpec::new(
            Dn::parse(dn)?,
            sans.iter().map(|s| s.to_string()).collect(),
        )))
    };
    let set = build_set(&KeystoreSetSpec::wso2(Wso2SetOptions {
        apim: spec(
            "CN=*.wso2.com, OU=MS, O=WSO2, L=Colombo, ST=Colombo, C=LK",
            &["am.wso2.com", "gw.wso2.com"],
        )?,
        apim_internal: None,
        is: Some(Wso2IsOptions {
            identity: spec("CN=is.wso2.com, O=WSO2, C=LK", &["is.wso2.com"])?,
            internal: None,
        }),
        passwords: Wso2Passwords::all("wso2carbon"),
        layout: Wso2Layout::default(),
    }))?;
    for bundle in &set.bundles {
        let dir = std::path::Path::new(&out).join(&bundle.name);
        std::fs::create_dir_all(&dir)?;
        for file in &bundle.files {
            std::fs::write(dir.join(&file.name), &file.bytes)?;
        }
    }
    for (name, pem) in &set.tls {
        let dir = std::path::Path::new(&out).join(name);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("tls.crt"), &pem.cert_pem)?;
        std::fs::write(dir.join("tls.key"), pem.key_pem.expose())?;
    }
    println!("wrote {out}");
    Ok(())
}

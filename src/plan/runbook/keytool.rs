//! The keytool and openssl commands that make the keystore set by hand, for the runbook.

use crate::plan::keystore_set::KeystoreSetSpec;

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

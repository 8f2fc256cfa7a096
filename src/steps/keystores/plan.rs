//! The keystores step's plan: the key pairs and stores kmpilot writes (natively, keytool commands in the runbook) and the Secrets holding them.

use super::*;

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
    if crate::steps::exposure::gateway_api(p) {
        actions.extend(crate::steps::exposure::after_keystores(p));
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

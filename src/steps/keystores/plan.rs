//! The keystores step's plan: the key pairs and stores kmpilot writes (natively, keytool commands in the runbook) and the Secrets holding them.

use super::*;
use crate::plan::keystore_set::OUT_DIR;

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
        namespace: p.cluster.namespace.clone(),
        tls_secret: p.tls_secret().to_string(),
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
    if p.gateway_api() {
        actions.extend(crate::steps::exposure::after_keystores(p));
    }
    Step::new(StepId::Keystores, actions)
}

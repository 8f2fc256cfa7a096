//! The checks on hand-written renderings, for the cases the stand-in charts cannot produce
//! with kmpilot's values (a port the Service lacks, a vault reference without its [secrets]
//! entry, an ingress with another TLS secret). The rendered stand-ins are tested with helm in
//! tests/verify_charts.rs.

use super::*;
use crate::profile::Profile;
use crate::steps::verify_spec::expect;

fn apim_render(toml: &str, tls: &str, port: u16) -> Rendered {
    let doc = serde_json::json!([
        {"kind": "ConfigMap", "metadata": {"name": "apim-conf"}, "data": {"deployment.toml": toml}},
        {"kind": "Service", "metadata": {"name": "apim-wso2am-all-in-one-am-service"},
         "spec": {"ports": [{"port": port}]}},
        {"kind": "Ingress", "metadata": {"name": "ing"}, "spec": {
            "rules": [{"host": "am.wso2.com"}],
            "tls": [{"hosts": ["am.wso2.com"], "secretName": tls}]}},
    ]);
    Rendered {
        objects: doc.as_array().unwrap().clone(),
    }
}

fn is_render(endpoint: &str) -> Rendered {
    let toml = format!(
        "[server]\nhostname = \"is.wso2.com\"\n\n[[event_listener]]\nid = \"token_revocation\"\n[event_listener.properties]\nnotification_endpoint = \"{endpoint}\"\n'header.X-WSO2-KEY-MANAGER' = \"WSO2-IS\"\n"
    );
    Rendered {
        objects: vec![
            serde_json::json!({"kind": "ConfigMap", "metadata": {"name": "is-toml"}, "data": {"deployment.toml": toml}}),
        ],
    }
}

fn of<'a>(f: &'a [Finding], check: &str) -> Vec<&'a Finding> {
    f.iter()
        .filter(|x| x.check == check && x.level == Level::Error)
        .collect()
}

#[test]
fn under_gateway_api_exposure_any_rendered_ingress_is_an_error() {
    let mut p = Profile::quickstart("t");
    let rendered = apim_render("", "wso2-ingress-tls", 9443);
    let e = expect(&p, ChartKind::ApiManager);
    assert!(
        !of(&check(&e, &rendered, None), "ingress")
            .iter()
            .any(|f| f.message.contains("Gateway API"))
    );
    p.cluster.exposure.kind = crate::profile::sections::exposure::ExposureKind::GatewayApi;
    let e = expect(&p, ChartKind::ApiManager);
    let f = check(&e, &rendered, None);
    let ing = of(&f, "ingress");
    assert_eq!(ing.len(), 1, "{f:#?}");
    assert_eq!(ing[0].object, "Ingress/ing");
    assert_eq!(ing[0].fix, "cluster.exposure.kind");
}

#[test]
fn a_notification_endpoint_on_a_port_the_service_lacks_is_an_error() {
    let p = Profile::quickstart("t");
    let e = expect(&p, ChartKind::IdentityServer);
    let peer = apim_render("", "x", 8243);
    let f = check(
        &e,
        &is_render("https://apim-wso2am-all-in-one-am-service:9443/internal/data/v1/notify"),
        Some(&peer),
    );
    let rev = of(&f, "revocation");
    assert_eq!(rev.len(), 1, "{f:#?}");
    assert!(rev[0].message.contains("does not expose port 9443"));
    let peer = apim_render("", "x", 9443);
    let f = check(
        &e,
        &is_render(
            "https://apim-wso2am-all-in-one-am-service.wso2.svc:9443/internal/data/v1/notify",
        ),
        Some(&peer),
    );
    assert!(
        of(&f, "revocation").is_empty(),
        "svc.ns names the Service: {f:#?}"
    );
}

#[test]
fn a_vault_reference_needs_its_secrets_entry_and_plain_text_is_counted() {
    let mut p = Profile::quickstart("t");
    p.secure_vault.enabled = true;
    let e = expect(&p, ChartKind::ApiManager);
    let toml = "[server]\nhostname = \"am.wso2.com\"\n[truststore]\nfile_name = \"client-truststore.jks\"\npassword = \"$secret{truststore_password}\"\n[keystore.tls]\nfile_name = \"wso2tls.jks\"\npassword = \"plain\"\n[secrets]\nother = \"x\"\n";
    let f = check(&e, &apim_render(toml, &e.tls_secret, 9443), None);
    let ks: Vec<_> = of(&f, "keystore")
        .into_iter()
        .filter(|x| x.key.as_deref().is_some_and(|k| k.ends_with("password")))
        .collect();
    assert_eq!(ks.len(), 2, "{ks:#?}");
    assert!(
        ks.iter()
            .any(|x| x.message.contains("[secrets] has no `truststore_password`"))
    );
    assert!(ks.iter().any(|x| {
        x.message
            .contains("plain text although the secure vault is on")
    }));
    let plain: Vec<_> = f.iter().filter(|x| x.check == "plaintext").collect();
    assert_eq!(plain.len(), 1);
    assert!(
        plain[0].message.starts_with("1 secret value(s)"),
        "{}",
        plain[0].message
    );
}

#[test]
fn an_ingress_with_another_tls_secret_and_a_missing_host_are_errors() {
    let p = Profile::quickstart("t");
    let e = expect(&p, ChartKind::ApiManager);
    let f = check(
        &e,
        &apim_render("[server]\nhostname = \"am.wso2.com\"\n", "other-tls", 9443),
        None,
    );
    let ing = of(&f, "ingress");
    assert!(
        ing.iter()
            .any(|x| x.message.contains("served with TLS secret `other-tls`")
                && x.fix == "keystores.tlsSecret"),
        "{ing:#?}"
    );
    assert!(
        ing.iter()
            .any(|x| x.message.contains("no ingress serves `gw.wso2.com`")
                && x.fix == "apiManager.hostnames.gateway"),
        "{ing:#?}"
    );
}

#[test]
fn a_parse_error_names_its_line_and_the_extra_toml() {
    let mut p = Profile::quickstart("t");
    p.api_manager.extra_toml = "[x]\na = \n".into();
    let e = expect(&p, ChartKind::ApiManager);
    let f = check(
        &e,
        &apim_render(
            "[server]\nhostname = \"am.wso2.com\"\n[x]\na = \n",
            "t",
            9443,
        ),
        None,
    );
    let t = of(&f, "toml");
    assert_eq!(t.len(), 1, "{f:#?}");
    assert!(
        t[0].message.starts_with("not valid TOML at line 4"),
        "{}",
        t[0].message
    );
    assert_eq!(t[0].fix, "apiManager.extraToml");
}

#[test]
fn the_peer_chart_does_not_change_the_identity_server_steps_fingerprint() {
    use crate::exec::journal::fingerprint;
    use crate::plan::StepId;
    let p = Profile::quickstart("t");
    let mut q = p.clone();
    q.api_manager.chart = "./other-chart".into();
    let (a, b) = (crate::steps::plan(&p), crate::steps::plan(&q));
    let f = |plan: &crate::plan::Plan, id| fingerprint(plan.step(id).unwrap());
    assert_eq!(f(&a, StepId::IdentityServer), f(&b, StepId::IdentityServer));
    assert_ne!(f(&a, StepId::ApiManager), f(&b, StepId::ApiManager));
}

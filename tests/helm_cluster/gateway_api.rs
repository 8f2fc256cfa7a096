//! kmpilot's Gateway API objects (src/render/gateway_api.rs) against the real Gateway API CRDs
//! (v1.6.3 standard channel, installed by `scripts/test-cluster up`): the API server, with the
//! CRDs' schemas and CEL rules, takes the Gateway, IS's HTTPRoute and BackendTLSPolicy as
//! kmpilot renders them; the address for DNS comes from the Gateway's status once a controller
//! (here: the test) writes it.

use kmpilot::render::gateway_api as gw;
use serde_json::{Value, json};

use crate::support;
use support::ok;

const HOSTS: [(&str, &str); 4] = [
    ("management", "am.gwapi.test"),
    ("gateway", "gw.gwapi.test"),
    ("websocket", "ws.gwapi.test"),
    ("websub", "websub.gwapi.test"),
];

#[tokio::test]
async fn gateway_route_and_backend_tls_policy_pass_the_real_crds_and_dns_reads_the_status() {
    let _turn = support::one_file::turn(module_path!());
    let Some(tc) = support::test_cluster() else {
        return;
    };
    let mut ns = tc.namespace("gateway-api-cluster");
    let kube = tc.kube().await;
    let class = format!("{}-class", ns.name);
    ns.delete_on_drop(&["gatewayclass", &class]);
    // the Gateway as the API server stored it
    let stored_gateway = || -> Value {
        serde_json::from_str(&ok(&tc.kubectl(&[
            "get",
            "gateways.gateway.networking.k8s.io",
            "kmpilot",
            "-n",
            &ns.name,
            "-o",
            "json",
        ])))
        .unwrap()
    };
    kube.apply(
        &json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass",
                "metadata": {"name": class},
                "spec": {"controllerName": "gateway.envoyproxy.io/gatewayclass-controller"}}),
        false,
    )
    .await
    .expect("GatewayClass");

    let listeners = gw::listeners(&HOSTS, "is.gwapi.test");
    let gateway = gw::gateway(
        "kmpilot", &ns.name, &class, "wso2-tls", &listeners, &ns.name,
    );
    let service = "wso2is-identity-server";
    let parent = gw::ParentRef {
        name: "kmpilot".into(),
        namespace: ns.name.clone(),
        section: Some(gw::IS_SECTION.into()),
    };
    let route = gw::is_http_route("wso2is", &ns.name, &parent, "is.gwapi.test", service);
    let policy = gw::backend_tls_policy("wso2is", &ns.name, service, "kmpilot-ca", "is.gwapi.test");
    for o in [&gateway, &route, &policy] {
        kube.apply(o, false)
            .await
            .unwrap_or_else(|e| panic!("the real CRDs refuse {o:#}: {e}"));
    }

    // read back as stored: the CRDs' defaults filled in, nothing pruned away
    let stored = stored_gateway();
    let hosts: Vec<&str> = stored["spec"]["listeners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["hostname"].as_str().unwrap())
        .collect();
    assert_eq!(
        hosts,
        [
            "am.gwapi.test",
            "gw.gwapi.test",
            "ws.gwapi.test",
            "websub.gwapi.test",
            "is.gwapi.test"
        ]
    );
    let backend = ok(&tc.kubectl(&[
        "get",
        "httproutes.gateway.networking.k8s.io",
        "wso2is",
        "-n",
        &ns.name,
        "-o",
        "jsonpath={.spec.parentRefs[0].sectionName} {.spec.rules[0].backendRefs[0].name}:{.spec.rules[0].backendRefs[0].port} {.spec.rules[0].backendRefs[0].kind}",
    ]));
    assert_eq!(
        backend,
        format!("{} {service}:9443 Service", gw::IS_SECTION),
        "the CRD defaults the backend kind to Service"
    );
    let ca = ok(&tc.kubectl(&[
        "get",
        "backendtlspolicies.gateway.networking.k8s.io",
        "wso2is",
        "-n",
        &ns.name,
        "-o",
        "jsonpath={.spec.validation.caCertificateRefs[0].kind}/{.spec.validation.caCertificateRefs[0].name} {.spec.validation.hostname}",
    ]));
    assert_eq!(ca, "ConfigMap/kmpilot-ca is.gwapi.test");

    // no address until a controller publishes one
    assert_eq!(gw::gateway_address(&stored), None);
    ok(&tc.kubectl(&[
        "patch",
        "gateways.gateway.networking.k8s.io",
        "kmpilot",
        "-n",
        &ns.name,
        "--subresource=status",
        "--type=merge",
        "-p",
        r#"{"status":{"addresses":[{"type":"Hostname","value":"lb.gwapi.test"},{"type":"IPAddress","value":"10.20.30.40"}]}}"#,
    ]));
    let stored = stored_gateway();
    assert_eq!(gw::gateway_address(&stored).as_deref(), Some("10.20.30.40"));

    // a listener without its TLS secret reference is refused by the CRD's CEL rules: the
    // schema is in force for what kmpilot renders too
    let mut broken = gateway.clone();
    broken["metadata"]["name"] = json!("broken");
    broken["spec"]["listeners"][0]["tls"]
        .as_object_mut()
        .unwrap()
        .remove("certificateRefs");
    broken["spec"]["listeners"][0]["tls"]["mode"] = json!("Passthrough");
    let err = kube
        .apply(&broken, true)
        .await
        .expect_err("an HTTPS listener in Passthrough mode is invalid");
    assert_eq!(err.status_code(), Some(422), "{err}");
    assert!(
        err.to_string()
            .contains("tls mode must be Terminate for protocol HTTPS"),
        "{err}"
    );
}

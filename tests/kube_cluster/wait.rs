//! Waits against a real API server (kwok runs the pods): rollouts, pod restarts, ingress
//! addresses written by a "controller", secret keys, existence checks, and timeouts that say
//! what they saw.

use crate::support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::networking::v1::Ingress;
use kmpilot::kube::{Kube, KubeError};
use kube::api::{Api, ListParams, Patch, PatchParams};
use serde_json::{Value, json};

fn deployment(ns: &str, name: &str, replicas: u32, node_selector: Option<Value>) -> Value {
    let mut d = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"replicas": replicas,
                 "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}},
                              "spec": {"containers": [{"name": "c", "image": "example.invalid/web:1"}]}}}
    });
    if let Some(sel) = node_selector {
        d["spec"]["template"]["spec"]["nodeSelector"] = sel;
    }
    d
}

async fn pod_uids(kube: &Kube, ns: &str, app: &str) -> BTreeMap<String, String> {
    let api: Api<Pod> = Api::namespaced(kube.client(), ns);
    api.list(&ListParams::default().labels(&format!("app={app}")))
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .map(|p| (p.metadata.uid.unwrap(), p.metadata.name.unwrap()))
        .collect()
}

#[tokio::test]
async fn deployment_available_then_restart_pods_replaces_them() {
    let _turn = support::one_file::turn(module_path!());
    let Some(tc) = support::test_cluster() else {
        return;
    };
    let ns = tc.namespace("kube-wait-deploy");
    let kube = tc.kube().await;
    kube.apply(&deployment(&ns.name, "web", 2, None), false)
        .await
        .unwrap();

    let t = Instant::now();
    kube.deployment_available(&ns.name, "web", Duration::from_secs(60))
        .await
        .unwrap();
    eprintln!("deployment available after {:?}", t.elapsed());
    let before = pod_uids(&kube, &ns.name, "web").await;
    assert_eq!(before.len(), 2);

    let t = Instant::now();
    let restarted = kube
        .restart_pods(&ns.name, "web-", Duration::from_secs(60))
        .await
        .unwrap();
    eprintln!("pods replaced after {:?}: {restarted:?}", t.elapsed());
    let mut deleted = restarted.deleted.clone();
    deleted.sort();
    let mut old_names: Vec<String> = before.values().cloned().collect();
    old_names.sort();
    assert_eq!(deleted, old_names);
    assert_eq!(restarted.replacements.len(), 2);
    let after = pod_uids(&kube, &ns.name, "web").await;
    for uid in before.keys() {
        assert!(
            !after.contains_key(uid),
            "old pod {uid} still there: {after:?}"
        );
    }
    for name in &restarted.replacements {
        assert!(!old_names.contains(name), "{name} is not a replacement");
    }
    kube.deployment_available(&ns.name, "web", Duration::from_secs(30))
        .await
        .unwrap();

    // nothing to restart, or nothing that would come back: refuse instead of waiting in vain
    let err = kube
        .restart_pods(&ns.name, "nope-", Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no pods named nope-*"), "{err}");
    let bare = json!({"apiVersion": "v1", "kind": "Pod",
                      "metadata": {"name": "bare-1", "namespace": ns.name},
                      "spec": {"containers": [{"name": "c", "image": "x"}]}});
    kube.apply(&bare, false).await.unwrap();
    let err = kube
        .restart_pods(&ns.name, "bare-", Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("have no controller"), "{err}");
    let api: Api<Pod> = Api::namespaced(kube.client(), &ns.name);
    assert!(
        api.get_opt("bare-1").await.unwrap().is_some(),
        "not deleted"
    );
}

#[tokio::test]
async fn deployment_that_cannot_schedule_times_out_saying_what_it_saw() {
    let _turn = support::one_file::turn(module_path!());
    let Some(tc) = support::test_cluster() else {
        return;
    };
    let ns = tc.namespace("kube-wait-deploy-timeout");
    let kube = tc.kube().await;
    let nowhere = json!({"kmpilot-test/no-such-node": "true"});
    kube.apply(&deployment(&ns.name, "stuck", 1, Some(nowhere)), false)
        .await
        .unwrap();
    let t = Instant::now();
    let err = kube
        .deployment_available(&ns.name, "stuck", Duration::from_secs(4))
        .await
        .unwrap_err();
    let waited = t.elapsed();
    assert!(matches!(err, KubeError::Timeout { .. }), "{err}");
    assert!(
        waited >= Duration::from_secs(4) && waited < Duration::from_secs(8),
        "{waited:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!(
            "timed out after 4s waiting for deployment {}/stuck to be available; last seen: ",
            ns.name
        )),
        "{msg}"
    );
    assert!(msg.contains("0 available"), "{msg}");

    let err = kube
        .deployment_available(&ns.name, "absent", Duration::from_secs(1))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .ends_with("last seen: the deployment does not exist"),
        "{err}"
    );
}

#[tokio::test]
async fn ingress_address_written_by_a_controller_is_seen() {
    let _turn = support::one_file::turn(module_path!());
    let Some(tc) = support::test_cluster() else {
        return;
    };
    let ns = tc.namespace("kube-wait-ingress");
    let kube = tc.kube().await;
    let ing = json!({
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": "apim", "namespace": ns.name},
        "spec": {"ingressClassName": "nginx",
                 "rules": [{"host": "am.wso2.com", "http": {"paths": [{"path": "/", "pathType": "Prefix",
                            "backend": {"service": {"name": "apim", "port": {"number": 9443}}}}]}},
                           {"host": "gw.wso2.com"}]}
    });
    kube.apply(&ing, false).await.unwrap();
    assert_eq!(
        kube.ingress_address(&ns.name, "gw.wso2.com").await.unwrap(),
        None
    );

    let err = kube
        .wait_ingress_address(&ns.name, "gw.wso2.com", Duration::from_secs(1))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("ingress apim serves gw.wso2.com but has no load-balancer address yet"),
        "{err}"
    );
    let err = kube
        .wait_ingress_address(&ns.name, "other.wso2.com", Duration::from_secs(1))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no ingress in"), "{err}");

    let waiter = {
        let kube = kube.clone();
        let ns = ns.name.clone();
        tokio::spawn(async move {
            let t = Instant::now();
            let a = kube
                .wait_ingress_address(&ns, "gw.wso2.com", Duration::from_secs(30))
                .await;
            (a, t.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    // what an ingress controller does: write the status subresource
    let api: Api<Ingress> = Api::namespaced(kube.client(), &ns.name);
    let written = Instant::now();
    api.patch_status(
        "apim",
        &PatchParams::default(),
        &Patch::Merge(json!({"status": {"loadBalancer": {"ingress": [{"ip": "172.18.0.5"}]}}})),
    )
    .await
    .unwrap();
    let (addr, _) = waiter.await.unwrap();
    eprintln!(
        "address seen {:?} after the status write",
        written.elapsed()
    );
    assert_eq!(addr.unwrap(), "172.18.0.5");
    assert_eq!(
        kube.ingress_address(&ns.name, "am.wso2.com")
            .await
            .unwrap()
            .as_deref(),
        Some("172.18.0.5")
    );
}

#[tokio::test]
async fn secret_key_wait_and_existence_checks() {
    let _turn = support::one_file::turn(module_path!());
    let Some(tc) = support::test_cluster() else {
        return;
    };
    let mut ns = tc.namespace("kube-wait-secret");
    let kube = tc.kube().await;
    let data = BTreeMap::from([("a".to_string(), b"1".to_vec())]);
    kube.apply_secret(&ns.name, "s", Some("Opaque"), data, false)
        .await
        .unwrap();
    assert_eq!(
        kube.wait_secret_key(&ns.name, "s", "a", Duration::from_secs(5))
            .await
            .unwrap(),
        b"1"
    );
    let err = kube
        .wait_secret_key(&ns.name, "s", "token", Duration::from_secs(1))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .ends_with("last seen: the secret exists with keys [a] (type Opaque)"),
        "{err}"
    );
    // the key arriving later is seen
    let later = {
        let kube = kube.clone();
        let ns = ns.name.clone();
        tokio::spawn(async move {
            kube.wait_secret_key(&ns, "s", "b", Duration::from_secs(20))
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let out = tc.kubectl(&[
        "-n",
        &ns.name,
        "patch",
        "secret",
        "s",
        "-p",
        r#"{"stringData":{"b":"2"}}"#,
    ]);
    assert!(out.status.success());
    assert_eq!(later.await.unwrap().unwrap(), b"2");

    assert!(kube.namespace_exists(&ns.name).await.unwrap());
    assert!(
        !kube
            .namespace_exists("kmpilot-no-such-namespace")
            .await
            .unwrap()
    );
    assert!(
        !kube
            .ingress_class_exists("kmpilot-test-class")
            .await
            .unwrap()
    );
    ns.delete_on_drop(&["ingressclass", "kmpilot-test-class"]);
    kube.apply(
        &json!({"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
                "metadata": {"name": "kmpilot-test-class"}, "spec": {"controller": "k8s.io/ingress-nginx"}}),
        false,
    )
    .await
    .unwrap();
    assert!(
        kube.ingress_class_exists("kmpilot-test-class")
            .await
            .unwrap()
    );
    assert!(
        !kube
            .csi_driver_exists("kmpilot-test.csi.example")
            .await
            .unwrap()
    );
    ns.delete_on_drop(&["csidriver", "kmpilot-test.csi.example"]);
    kube.apply(
        &json!({"apiVersion": "storage.k8s.io/v1", "kind": "CSIDriver",
                "metadata": {"name": "kmpilot-test.csi.example"}, "spec": {}}),
        false,
    )
    .await
    .unwrap();
    assert!(
        kube.csi_driver_exists("kmpilot-test.csi.example")
            .await
            .unwrap()
    );
}

//! Server-side apply against a real API server: outcomes, idempotence, custom resources, dry
//! run, secrets patched key by key.

use crate::support;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kmpilot::kube::ApplyOutcome;
use kube::api::{Api, DynamicObject, ListParams};
use serde_json::json;

#[tokio::test]
async fn ssa_creates_then_configures_then_leaves_unchanged() {
    let _turn = support::one_file::turn(module_path!());
    let Some(tc) = support::test_cluster() else {
        return;
    };
    let ns = tc.namespace("kube-apply-ssa");
    let kube = tc.kube().await;
    let cm = |v: &str| {
        json!({"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"name": "settings", "namespace": ns.name, "labels": {"app": "kmpilot-test"}},
               "data": {"mode": v}})
    };

    let first = kube.apply(&cm("a"), false).await.unwrap();
    assert_eq!(first.outcome, ApplyOutcome::Created);
    assert_eq!(
        first.to_string(),
        format!("ConfigMap {}/settings created", ns.name)
    );
    let again = kube.apply(&cm("a"), false).await.unwrap();
    assert_eq!(again.outcome, ApplyOutcome::Unchanged);
    assert_eq!(again.resource_version, first.resource_version);
    let changed = kube.apply(&cm("b"), false).await.unwrap();
    assert_eq!(changed.outcome, ApplyOutcome::Configured);
    assert_eq!(changed.uid, first.uid, "the same object, not a new one");
    assert_eq!(
        kube.apply(&cm("b"), false).await.unwrap().outcome,
        ApplyOutcome::Unchanged
    );

    let api: Api<ConfigMap> = Api::namespaced(kube.client(), &ns.name);
    let list = api
        .list(&ListParams::default().labels("app=kmpilot-test"))
        .await
        .unwrap();
    assert_eq!(list.items.len(), 1, "no duplicates");
    let got = &list.items[0];
    assert_eq!(got.data.as_ref().unwrap()["mode"], "b");
    let managers: Vec<_> = got
        .metadata
        .managed_fields
        .iter()
        .flatten()
        .filter_map(|m| m.manager.clone())
        .collect();
    assert_eq!(managers, ["kmpilot"]);

    // a namespaced object without a namespace lands in the context's default namespace
    // (here "default"), like kubectl; cluster-scoped kinds ignore one
    let cr = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                    "metadata": {"name": "kmpilot-test-apply-scope", "namespace": "ignored"},
                    "rules": []});
    let mut ns = ns;
    ns.delete_on_drop(&["clusterrole", "kmpilot-test-apply-scope"]);
    let applied = kube.apply(&cr, false).await.unwrap();
    assert_eq!(applied.namespace, None);
    assert_eq!(
        applied.to_string(),
        "ClusterRole kmpilot-test-apply-scope created"
    );
}

#[tokio::test]
async fn dry_run_creates_nothing_and_reports_what_would_change() {
    let _turn = support::one_file::turn(module_path!());
    let Some(tc) = support::test_cluster() else {
        return;
    };
    let ns = tc.namespace("kube-apply-dry-run");
    let kube = tc.kube().await;
    let cm = |v: &str| {
        json!({"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"name": "dry", "namespace": ns.name}, "data": {"k": v}})
    };
    let api: Api<ConfigMap> = Api::namespaced(kube.client(), &ns.name);

    let would = kube.apply(&cm("1"), true).await.unwrap();
    assert_eq!(would.outcome, ApplyOutcome::Created);
    assert!(would.dry_run);
    assert!(
        api.get_opt("dry").await.unwrap().is_none(),
        "dry run stored nothing"
    );

    kube.apply(&cm("1"), false).await.unwrap();
    let rv = api.get("dry").await.unwrap().metadata.resource_version;
    assert_eq!(
        kube.apply(&cm("1"), true).await.unwrap().outcome,
        ApplyOutcome::Unchanged
    );
    assert_eq!(
        kube.apply(&cm("2"), true).await.unwrap().outcome,
        ApplyOutcome::Configured
    );
    let after = api.get("dry").await.unwrap();
    assert_eq!(
        after.metadata.resource_version, rv,
        "dry run changed nothing"
    );
    assert_eq!(after.data.unwrap()["k"], "1");

    // the server validates in a dry run: a bad object fails without being stored
    let bad = json!({"apiVersion": "v1", "kind": "ConfigMap",
                     "metadata": {"name": "Not_A_Valid_Name", "namespace": ns.name}});
    let err = kube.apply(&bad, true).await.unwrap_err();
    assert_eq!(err.status_code(), Some(422), "{err}");
    assert!(err.to_string().contains("apply ConfigMap"), "{err}");
}

#[tokio::test]
async fn custom_resources_apply_through_discovery() {
    let _turn = support::one_file::turn(module_path!());
    let Some(tc) = support::test_cluster() else {
        return;
    };
    let mut ns = tc.namespace("kube-apply-crd");
    let kube = tc.kube().await;
    // a permissive stand-in for the API operator's Security CRD (the real one is not needed to
    // prove discovery + SSA of a custom kind)
    let crd = json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "securities.wso2.com"},
        "spec": {"group": "wso2.com", "scope": "Namespaced",
                 "names": {"plural": "securities", "singular": "security", "kind": "Security", "listKind": "SecurityList"},
                 "versions": [{"name": "v1alpha1", "served": true, "storage": true,
                               "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]}
    });
    ns.delete_on_drop(&["crd", "securities.wso2.com"]);
    let applied = kube.apply(&crd, false).await.unwrap();
    assert_ne!(applied.outcome, ApplyOutcome::Unchanged);

    let security = |issuer: &str| {
        json!({"apiVersion": "wso2.com/v1alpha1", "kind": "Security",
               "metadata": {"name": "jwt-security", "namespace": ns.name},
               "spec": {"type": "JWT", "securityConfig": [{"issuer": issuer, "audience": "aud",
                        "certificate": "cert", "validateSubscription": false}]}})
    };
    // applied right after its CRD: discovery waits for the kind to be served
    let created = kube
        .apply(&security("https://is/oauth2/token"), false)
        .await
        .unwrap();
    assert_eq!(created.outcome, ApplyOutcome::Created);
    assert_eq!(
        kube.apply(&security("https://is/oauth2/token"), false)
            .await
            .unwrap()
            .outcome,
        ApplyOutcome::Unchanged
    );
    assert_eq!(
        kube.apply(&security("https://is2/oauth2/token"), false)
            .await
            .unwrap()
            .outcome,
        ApplyOutcome::Configured
    );
    let (ar, _) = kube
        .resolve_kind("wso2.com/v1alpha1", "Security")
        .await
        .unwrap();
    let api: Api<DynamicObject> = Api::namespaced_with(kube.client(), &ns.name, &ar);
    let all = api.list(&ListParams::default()).await.unwrap();
    assert_eq!(all.items.len(), 1);
    assert_eq!(
        all.items[0].data["spec"]["securityConfig"][0]["issuer"],
        "https://is2/oauth2/token"
    );

    // a kind no CRD defines is reported as such, without waiting
    let unknown = json!({"apiVersion": "wso2.com/v1alpha1", "kind": "NoSuchKind",
                         "metadata": {"name": "x", "namespace": ns.name}});
    let t = std::time::Instant::now();
    let err = kube.apply(&unknown, false).await.unwrap_err().to_string();
    assert!(
        t.elapsed() < std::time::Duration::from_secs(3),
        "no CRD defines it: fails at once"
    );
    assert!(
        err.contains("does not serve NoSuchKind in wso2.com/v1alpha1"),
        "{err}"
    );
}

#[tokio::test]
async fn apply_secret_sets_only_its_own_keys() {
    let _turn = support::one_file::turn(module_path!());
    let Some(tc) = support::test_cluster() else {
        return;
    };
    let ns = tc.namespace("kube-apply-secret");
    let kube = tc.kube().await;
    // an existing secret another tool made (like sts-apikey in istio-system)
    let out = tc.kubectl(&[
        "-n",
        &ns.name,
        "create",
        "secret",
        "generic",
        "sts-apikey",
        "--from-literal=other=keep-me",
        "--from-literal=apiKey=old",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let data = BTreeMap::from([("apiKey".to_string(), b"new-\x00-binary".to_vec())]);
    let applied = kube
        .apply_secret(&ns.name, "sts-apikey", None, data.clone(), false)
        .await
        .unwrap();
    assert_eq!(applied.outcome, ApplyOutcome::Configured);
    let api: Api<Secret> = Api::namespaced(kube.client(), &ns.name);
    let s = api.get("sts-apikey").await.unwrap();
    let d = s.data.unwrap();
    assert_eq!(d["apiKey"].0, b"new-\x00-binary");
    assert_eq!(d["other"].0, b"keep-me", "keys other managers own are kept");
    assert_eq!(s.type_.as_deref(), Some("Opaque"));
    let again = kube
        .apply_secret(&ns.name, "sts-apikey", None, data, false)
        .await
        .unwrap();
    assert_eq!(again.outcome, ApplyOutcome::Unchanged);

    // a new TLS secret with its type
    let tls = BTreeMap::from([
        ("tls.crt".to_string(), b"crt".to_vec()),
        ("tls.key".to_string(), b"key".to_vec()),
    ]);
    let created = kube
        .apply_secret(
            &ns.name,
            "ingress-tls",
            Some("kubernetes.io/tls"),
            tls,
            false,
        )
        .await
        .unwrap();
    assert_eq!(created.outcome, ApplyOutcome::Created);
    assert_eq!(
        api.get("ingress-tls").await.unwrap().type_.as_deref(),
        Some("kubernetes.io/tls")
    );
}

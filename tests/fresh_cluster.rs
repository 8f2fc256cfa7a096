//! Against the real test control plane (kube-apiserver + etcd + kwok, started by
//! `scripts/with-test-cluster`), with nothing deployed yet: `kmpilot doctor` names the one
//! cause instead of a page of failures, and a pod of the namespace can be described and its
//! events read as the wizard's pods pane does (`d`, `e`).

mod support;
use support::deployment::Deployment;

#[test]
fn doctor_on_a_namespace_with_nothing_deployed_stops_at_the_first_cause() {
    if support::test_cluster().is_none() {
        return;
    }
    let d = Deployment::new("kmp-doctor-fresh");
    let profile = d.write("profile.yaml", &d.quickstart_yaml());
    let out = d.kmpilot(&["doctor", "-f"]).arg(&profile).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let fails: Vec<&str> = text.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert_eq!(fails.len(), 1, "one cause, not a page of failures:\n{text}");
    assert!(
        fails[0].contains("nothing is deployed in namespace kmp-doctor-fresh"),
        "{text}"
    );
    assert!(text.contains("unhealthy"), "{text}");
}

#[tokio::test]
async fn a_pod_is_described_and_its_events_read_like_kubectl_describe() {
    let Some(c) = support::test_cluster() else {
        return;
    };
    let d = Deployment::new("kmp-pod-views");
    let ns = d.ns.clone();
    let _ = support::kubectl(&["create", "namespace", &ns]);
    let manifest = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: viewed, namespace: {ns}}}\nspec:\n  containers:\n  - {{name: server, image: 'localhost:5000/wso2is-km:7.1.0'}}\n"
    );
    let file = d.write("pod.yaml", &manifest);
    support::ok(&support::kubectl(&["apply", "-f", file.to_str().unwrap()]));
    // an event of our own, as the kubelet would write one about the pull
    let event = format!(
        "apiVersion: v1\nkind: Event\nmetadata: {{name: viewed.pull, namespace: {ns}}}\ninvolvedObject: {{kind: Pod, name: viewed, namespace: {ns}}}\nreason: Failed\nmessage: 'Failed to pull image localhost:5000/wso2is-km:7.1.0'\ntype: Warning\nlastTimestamp: '2026-01-01T00:00:00Z'\ncount: 3\n"
    );
    let file = d.write("event.yaml", &event);
    support::ok(&support::kubectl(&["apply", "-f", file.to_str().unwrap()]));
    let kube = c.kube().await;
    let described = kube.pod_describe(&ns, "viewed").await.unwrap().join("\n");
    assert!(described.contains("Name:       viewed"), "{described}");
    assert!(
        described.contains("Image:     localhost:5000/wso2is-km:7.1.0"),
        "{described}"
    );
    let events = kube.pod_events(&ns, "viewed").await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.contains("Warning Failed: Failed to pull image") && e.contains("(×3)")),
        "{events:?}"
    );
    // a pod that is not there: the error says which
    let err = kube
        .pod_describe(&ns, "absent")
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("absent"), "{err}");
}

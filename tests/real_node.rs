//! Tests only a running cluster can fail: pods that really run, on the test cluster's real node
//! (`scripts/test-node`: containerd + runc, the kubelet, kube-proxy, the CNI bridge and CoreDNS),
//! beside the kwok nodes every other cluster test uses. Run with
//! `KMPILOT_TEST_REAL_NODE=1 scripts/with-test-cluster cargo test --test real_node` (CI does).
//!
//! Every pod here is pinned to the real node (its label and its taint's toleration) and runs
//! the image `scripts/test-node` assembled from `tools/node-images` (`kmpilot-testpod`: a
//! stand-in server and a DNS client, not a WSO2 product), imported into the node's containerd
//! without a registry.

#[path = "real_node/ingress.rs"]
mod ingress;
mod support;

use std::time::Duration;

use kmpilot::kube::Kube;
use serde_json::{Value, json};
use support::{Cleanup, TestCluster};

const NODE: &str = "kmpilot-real-node";
const IMAGE: &str = "kmpilot.local/testpod:1";

/// The test cluster with its real node, or `None` with a SKIPPED line when the run did not
/// start one (`KMPILOT_TEST_REAL_NODE=1` is what `.ci/run` sets).
fn real_node() -> Option<TestCluster> {
    let c = support::test_cluster()?;
    if std::env::var("KMPILOT_TEST_REAL_NODE").as_deref() != Ok("1") {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: the test cluster has no real node (start it with KMPILOT_TEST_REAL_NODE=1 scripts/with-test-cluster ...)"
        );
        return None;
    }
    Some(c)
}

/// A pod spec that lands on the real node and uses the locally imported image.
fn on_real_node(mut spec: Value) -> Value {
    spec["nodeSelector"] = json!({"kmpilot.test/real-node": "true"});
    spec["tolerations"] =
        json!([{"key": "kmpilot.test/real-node", "operator": "Exists", "effect": "NoSchedule"}]);
    spec["terminationGracePeriodSeconds"] = json!(1);
    spec["automountServiceAccountToken"] = json!(false);
    if let Some(cs) = spec["containers"].as_array_mut() {
        for c in cs {
            if c.get("image").is_none() {
                c["image"] = json!(IMAGE);
            }
            c["imagePullPolicy"] = json!("Never");
        }
    }
    spec
}

fn pod(ns: &str, name: &str, labels: Value, spec: Value) -> String {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "labels": labels},
        "spec": on_real_node(spec),
    })
    .to_string()
}

fn service(ns: &str, name: &str, selector: Value, port: u16, target: Value) -> String {
    json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"selector": selector, "ports": [{"port": port, "targetPort": target, "protocol": "TCP"}]},
    })
    .to_string()
}

/// A stand-in server container: HTTP (or HTTPS) on `port`, /ready as the readiness probe.
fn server(args: &[&str], port: u16, port_name: &str) -> Value {
    let mut a = vec!["serve".to_string(), format!("-port={port}")];
    a.extend(args.iter().map(|s| s.to_string()));
    json!({
        "name": "server",
        "command": ["/bin/kmpilot-testpod"],
        "args": a,
        "ports": [{"name": port_name, "containerPort": port}],
        "readinessProbe": {
            "httpGet": {"path": "/ready", "port": port, "scheme": if args.iter().any(|x| x.starts_with("-tls-cert")) { "HTTPS" } else { "HTTP" }},
            "periodSeconds": 1, "failureThreshold": 1,
        },
    })
}

fn pod_json(c: &TestCluster, ns: &str, name: &str) -> Option<Value> {
    let out = c.kubectl(&["get", "pod", name, "-n", ns, "-o", "json"]);
    out.status
        .success()
        .then(|| serde_json::from_slice(&out.stdout).ok())
        .flatten()
}

fn is_ready(p: &Value) -> bool {
    p["status"]["conditions"].as_array().is_some_and(|cs| {
        cs.iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
    })
}

/// Waits until the pod is Ready on the real node; on timeout the panic shows its status and
/// events, so a node problem is visible in the test's output.
async fn wait_ready(c: &TestCluster, ns: &str, name: &str, timeout: Duration) -> Value {
    let start = std::time::Instant::now();
    loop {
        if let Some(p) = pod_json(c, ns, name)
            && is_ready(&p)
        {
            assert_eq!(
                p["spec"]["nodeName"], NODE,
                "{name} is not on the real node"
            );
            return p;
        }
        if start.elapsed() > timeout {
            let desc = c.kubectl(&["describe", "pod", name, "-n", ns]);
            panic!(
                "pod {ns}/{name} not ready after {timeout:?}:\n{}",
                String::from_utf8_lossy(&desc.stdout)
            );
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

fn ns(c: &TestCluster, name: &str) -> Cleanup {
    c.namespace(name)
}

// ---------------------------------------------------------------------------------------------
// a) cluster DNS and ClusterIP Services

/// A pod resolves a Service by its short name (the kubelet's search path, CoreDNS's answer)
/// and connects to its ClusterIP (kube-proxy's DNAT to the backend pod on the bridge). Fails
/// without CoreDNS or the kube-dns Service (no answer), without kube-proxy (no route to the
/// ClusterIP) or when the kubelet does not give pods the cluster DNS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pod_resolves_a_service_through_coredns_and_connects_real_node() {
    let Some(c) = real_node() else { return };
    let g = ns(&c, "real-node-dns");
    let n = g.name.as_str();
    support::apply_yaml(&pod(
        n,
        "web",
        json!({"app": "web"}),
        json!({"containers": [server(&[], 8080, "http")]}),
    ));
    support::apply_yaml(&service(n, "web", json!({"app": "web"}), 80, json!("http")));
    wait_ready(&c, n, "web", Duration::from_secs(60)).await;
    let cluster_ip = support::jsonpath("service", "web", n, "{.spec.clusterIP}");

    support::apply_yaml(&pod(
        n,
        "client",
        json!({"app": "client"}),
        json!({"restartPolicy": "Never", "containers": [{
            "name": "client", "command": ["/bin/kmpilot-testpod"], "args": ["dial", "web", "80", "30"],
        }]}),
    ));
    let kube = c.kube().await;
    let log = support::eventually(
        "the client pod's log says whether it reached the Service",
        Duration::from_secs(90),
        || async {
            let (_, lines) = kube.pod_logs(n, "client").await.ok()?;
            lines
                .iter()
                .any(|l| l == "DIAL OK" || l == "DIAL FAILED")
                .then(|| lines.join("\n"))
        },
    )
    .await;
    assert!(
        log.contains("DIAL OK"),
        "the client did not reach web:80:\n{log}"
    );
    assert!(
        log.contains(&format!("resolved web to [{cluster_ip}]")),
        "`web` must resolve to the Service's ClusterIP {cluster_ip}:\n{log}"
    );
    assert!(log.contains("bytes back"), "{log}");
}

// ---------------------------------------------------------------------------------------------
// b) kmpilot's port-forward to a real pod

/// kmpilot's own port-forward (`kube::port_forward`: the Service → a ready pod → a local
/// listener whose connections go through the API server and the kubelet to the pod) carries
/// a TLS session to a stand-in server in a pod, verified for a public name that resolves
/// nowhere. Fails when the forward does not reach the kubelet (API server address
/// preference, kubelet streaming), picks the wrong pod port, or drops bytes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn port_forward_carries_verified_tls_to_a_real_pod_real_node() {
    use kmpilot::kube::port_forward::{LocalForward, ready_pod_of_service};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let Some(c) = real_node() else { return };
    let g = ns(&c, "real-node-port-forward");
    let n = g.name.as_str();
    let public = "is.real-node.kmpilot.invalid";
    let (ca_der, cert_pem, key_pem) = test_pki(public);
    let secret = json!({
        "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
        "metadata": {"name": "is-tls", "namespace": n},
        "stringData": {"tls.crt": cert_pem, "tls.key": key_pem},
    });
    support::apply_yaml(&secret.to_string());
    let mut container = server(
        &["-tls-cert=/tls/tls.crt", "-tls-key=/tls/tls.key"],
        9443,
        "servlet-https",
    );
    container["volumeMounts"] = json!([{"name": "tls", "mountPath": "/tls", "readOnly": true}]);
    support::apply_yaml(&pod(
        n,
        "is-standin",
        json!({"app": "is-standin"}),
        json!({"containers": [container], "volumes": [{"name": "tls", "secret": {"secretName": "is-tls"}}]}),
    ));
    // the Service port differs from the pod port, and targets it by name, like the IS chart
    support::apply_yaml(&service(
        n,
        "is",
        json!({"app": "is-standin"}),
        443,
        json!("servlet-https"),
    ));
    wait_ready(&c, n, "is-standin", Duration::from_secs(60)).await;

    kmpilot::kube::ensure_crypto_provider();
    let kube = c.kube().await;
    let target = ready_pod_of_service(kube.client(), n, "is", 443)
        .await
        .expect("a ready pod behind the Service");
    assert_eq!((target.pod.as_str(), target.port), ("is-standin", 9443));
    let fwd = LocalForward::to_pod(kube.client(), target)
        .await
        .expect("local listener");

    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca_der.into()).expect("test CA");
    let tls = std::sync::Arc::new(
        rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    );
    for round in 0..2 {
        // a new connection is a new port-forward stream: both must work
        let tcp = tokio::net::TcpStream::connect(fwd.local()).await.unwrap();
        let name = rustls::pki_types::ServerName::try_from(public).unwrap();
        let mut s = tokio::time::timeout(
            Duration::from_secs(20),
            tokio_rustls::TlsConnector::from(tls.clone()).connect(name, tcp),
        )
        .await
        .expect("TLS handshake in time")
        .unwrap_or_else(|e| {
            panic!(
                "TLS handshake through the port-forward failed: {e}; forward error: {:?}",
                fwd.last_error()
            )
        });
        let req =
            format!("GET /round-{round} HTTP/1.1\r\nHost: {public}\r\nConnection: close\r\n\r\n");
        s.write_all(req.as_bytes()).await.unwrap();
        let mut body = String::new();
        let _ = tokio::time::timeout(Duration::from_secs(20), s.read_to_string(&mut body)).await;
        assert!(
            body.starts_with("HTTP/1.1 200")
                && body.contains(&format!("testpod is-standin /round-{round}")),
            "the stand-in's answer through the port-forward: {body:?} (forward error: {:?})",
            fwd.last_error()
        );
    }
    // and a name the certificate does not carry is refused by the client, as it must be
    let tcp = tokio::net::TcpStream::connect(fwd.local()).await.unwrap();
    let wrong = rustls::pki_types::ServerName::try_from("am.real-node.kmpilot.invalid").unwrap();
    let refused = tokio::time::timeout(
        Duration::from_secs(20),
        tokio_rustls::TlsConnector::from(tls).connect(wrong, tcp),
    )
    .await
    .expect("handshake in time");
    assert!(
        refused.is_err(),
        "a certificate for {public} must not verify for another name"
    );
}

/// A CA (DER) and a server certificate for `name` it signed, with its key (PEM).
fn test_pki(name: &str) -> (Vec<u8>, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "kmpilot real-node test CA");
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().unwrap();
    let mut leaf = CertificateParams::new(vec![name.to_string()]).unwrap();
    leaf.distinguished_name.push(DnType::CommonName, name);
    let cert = leaf.signed_by(&key, &issuer).unwrap();
    (ca_cert.der().to_vec(), cert.pem(), key.serialize_pem())
}

// ---------------------------------------------------------------------------------------------
// e) the live panes see a real restart

/// kmpilot's pod watchers (the live panes' data, `kube::spawn_watchers`) show a real restart:
/// the container's process is killed on the node (SIGKILL through the node's containerd),
/// the kubelet restarts it, and the pane's row goes not-ready and back to 1/1 with one more
/// restart. Fails when the rows stop following the pod's container statuses.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_panes_show_a_real_restart_real_node() {
    use kmpilot::kube::snapshot::WatchUpdate;
    let Some(c) = real_node() else { return };
    let g = ns(&c, "real-node-restart");
    let n = g.name.to_string();
    support::apply_yaml(&pod(
        &n,
        "restarter",
        json!({"app": "restarter"}),
        json!({"containers": [server(&[], 8080, "http")]}),
    ));
    let p = wait_ready(&c, &n, "restarter", Duration::from_secs(60)).await;
    let id = p["status"]["containerStatuses"][0]["containerID"]
        .as_str()
        .and_then(|s| s.strip_prefix("containerd://"))
        .expect("a containerd container id")
        .to_string();

    let kube: Kube = c.kube().await;
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let _w = kmpilot::kube::spawn_watchers(kube.client(), vec![n.clone()], tx);
    let row = |rx: &mut tokio::sync::mpsc::Receiver<WatchUpdate>| {
        let u = rx.try_recv().ok()?;
        match u {
            WatchUpdate::Pods(s) => s.rows.iter().find(|r| r.name == "restarter").cloned(),
            _ => None,
        }
    };
    // the row as the pane first shows it: ready, no restarts
    let first = support::eventually(
        "the pane shows the pod ready",
        Duration::from_secs(30),
        || {
            let r = row(&mut rx);
            async move { r.filter(|r| r.ready == "1/1") }
        },
    )
    .await;
    assert_eq!(first.restarts, 0, "{first:?}");

    let kill = std::process::Command::new(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/test-node"),
    )
    .args(["ctr", "tasks", "kill", "-s", "SIGKILL", &id])
    .output()
    .expect("scripts/test-node ctr");
    assert!(
        kill.status.success(),
        "killing the container's process: {}",
        String::from_utf8_lossy(&kill.stderr)
    );

    let mut seen = Vec::new();
    let back = support::eventually(
        "the pane shows the restart and the pod ready again",
        Duration::from_secs(60),
        || {
            let r = row(&mut rx);
            if let Some(r) = &r {
                seen.push(format!("{} {} restarts={}", r.ready, r.status, r.restarts));
            }
            async move { r.filter(|r| r.restarts >= 1 && r.ready == "1/1") }
        },
    )
    .await;
    assert_eq!(back.restarts, 1, "{back:?}; rows seen: {seen:?}");
    assert!(
        seen.iter().any(|s| s.starts_with("0/1")),
        "the pane never showed the pod not ready between the kill and the restart: {seen:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// d) the kubelet's own AppArmor refusal

/// This machine's kernel has no AppArmor. The real kubelet rejects a pod that asks for an
/// AppArmor profile, and kmpilot recognises the rejection as it really looks
/// (`kube::rejected_for_apparmor`, `kube::rows::pod_problem`); then kmpilot's `auto` decision,
/// whose probe pod lands on the real node (the fake nodes cordoned, the node's taint lifted
/// for the test), turns AppArmor off for IS. Fails when the rejection's shape (phase Failed,
/// reason AppArmor) is no longer what kmpilot matches, or when `auto` keeps the chart's
/// AppArmor default on a node that refuses it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kubelets_apparmor_refusal_is_recognised_and_auto_avoids_it_real_node() {
    use kmpilot::profile::Profile;
    use kmpilot::profile::sections::identity_server::AppArmor;
    let Some(c) = real_node() else { return };
    let g = ns(&c, "real-node-apparmor");
    let n = g.name.to_string();

    // 1. a pod asking for RuntimeDefault, bound to the real node
    let mut spec = json!({"restartPolicy": "Never", "containers": [{
        "name": "c", "command": ["/bin/kmpilot-testpod"], "args": ["pause"],
        "securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}},
    }]});
    spec = on_real_node(spec);
    support::apply_yaml(
        &json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "wants-apparmor", "namespace": n}, "spec": spec})
        .to_string(),
    );
    let rejected = support::eventually(
        "the kubelet decides on the AppArmor pod",
        Duration::from_secs(60),
        || async {
            let p = pod_json(&c, &n, "wants-apparmor")?;
            (p["status"]["phase"] == "Failed" || p["status"]["phase"] == "Running").then_some(p)
        },
    )
    .await;
    let pod: k8s_openapi::api::core::v1::Pod = serde_json::from_value(rejected.clone()).unwrap();
    assert!(
        kmpilot::kube::rejected_for_apparmor(&pod),
        "kmpilot does not recognise the kubelet's answer as an AppArmor rejection: {}",
        rejected["status"]
    );
    let problem = kmpilot::kube::rows::pod_problem(&pod).expect("a problem kmpilot reports");
    assert!(
        problem.contains("AppArmor is not enabled on the host")
            && problem.contains("identityServer.appArmor"),
        "{problem}"
    );

    // 2. kmpilot's own probe and decision, with the real node the only place to schedule
    let _restore = RealNodeAlone::take(&c);
    let mut p = Profile::quickstart(&n);
    p.cluster.namespace = n.clone();
    p.cluster.kubeconfig = Some(c.kubeconfig.clone());
    assert_eq!(p.identity_server.app_armor, AppArmor::Auto);
    let (r, d) = kmpilot::exec::adapt::resolve(&p, true).await;
    let d = d.expect("decisions");
    let why = d
        .iter()
        .find(|d| d.path == "identityServer.appArmor")
        .map(|d| d.why.clone())
        .unwrap_or_default();
    assert_eq!(
        r.identity_server.app_armor,
        AppArmor::Disabled,
        "auto must turn AppArmor off on a node without it; decisions: {d:#?}"
    );
    assert!(
        why.contains("rejected") && why.contains("AppArmor is not enabled on the host"),
        "the decision must come from the kubelet's refusal: {why}"
    );
}

/// Cordons every other node and lifts the real node's taint, so a pod that does not ask for
/// the real node (kmpilot's probe) lands there; undone on drop, also when the test fails.
struct RealNodeAlone {
    cluster: TestCluster,
    cordoned: Vec<String>,
}

impl RealNodeAlone {
    fn take(c: &TestCluster) -> RealNodeAlone {
        let out =
            support::ok(&c.kubectl(&["get", "nodes", "-o", "jsonpath={.items[*].metadata.name}"]));
        let cordoned: Vec<String> = out
            .split_whitespace()
            .filter(|n| *n != NODE)
            .map(str::to_string)
            .collect();
        let guard = RealNodeAlone {
            cluster: c.clone(),
            cordoned,
        };
        for n in &guard.cordoned {
            support::ok(&c.kubectl(&["cordon", n]));
        }
        support::ok(&c.kubectl(&["taint", "node", NODE, "kmpilot.test/real-node-"]));
        guard
    }
}

impl Drop for RealNodeAlone {
    fn drop(&mut self) {
        let _ = self.cluster.kubectl(&[
            "taint",
            "node",
            NODE,
            "kmpilot.test/real-node=true:NoSchedule",
            "--overwrite",
        ]);
        for n in &self.cordoned {
            let _ = self.cluster.kubectl(&["uncordon", n]);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// c) helm --wait gated by a real readiness probe

/// A chart whose Deployment's pod serves /ready (the stand-in server) installs with
/// `helm upgrade --install --wait`: the real kubelet's probe passes, helm returns. The same
/// chart told never to become ready fails helm's wait, and kmpilot's report of it
/// (`Kube::not_ready_reasons`, what the executor adds to a failed `helm --wait`) carries the
/// kubelet's probe message. Fails when the probe does not gate helm (kwok would call any pod
/// ready) or when the report loses the probe's words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helm_wait_is_gated_by_a_real_readiness_probe_real_node() {
    let Some(c) = real_node() else { return };
    let g = ns(&c, "real-node-helm-wait");
    let n = g.name.to_string();
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("probe-standin");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: probe-standin\nversion: 0.1.0\ndescription: a stand-in chart for the real-node tests\n",
    )
    .unwrap();
    let mut container = server(&[], 8080, "http");
    container["args"] = json!([
        "serve",
        "-port=8080",
        "-never-ready={{ .Values.neverReady }}"
    ]);
    let deploy = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "{{ .Release.Name }}"},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "{{ .Release.Name }}"}},
            "template": {
                "metadata": {"labels": {"app": "{{ .Release.Name }}"}},
                "spec": on_real_node(json!({"containers": [container]})),
            },
        },
    });
    std::fs::write(chart.join("templates/deployment.yaml"), deploy.to_string()).unwrap();
    std::fs::write(chart.join("values.yaml"), "neverReady: false\n").unwrap();

    let helm = |release: &str, never_ready: bool| {
        std::process::Command::new("helm")
            .args(["upgrade", "--install", release])
            .arg(&chart)
            .args(["-n", &n, "--wait", "--timeout", "25s"])
            .arg(format!("--set=neverReady={never_ready}"))
            .env("KUBECONFIG", &c.kubeconfig)
            .output()
            .expect("helm on PATH (the test cluster's env)")
    };
    let good = helm("ready", false);
    assert!(
        good.status.success(),
        "a pod that passes its probe must let helm --wait return: {}",
        String::from_utf8_lossy(&good.stderr)
    );

    let start = std::time::Instant::now();
    let stuck = helm("stuck", true);
    assert!(
        !stuck.status.success(),
        "helm --wait must not return success while the pod's readiness probe fails"
    );
    assert!(
        start.elapsed() >= Duration::from_secs(20),
        "helm gave up before its timeout: {}",
        String::from_utf8_lossy(&stuck.stderr)
    );
    let kube = c.kube().await;
    let reasons = kube.not_ready_reasons(&n).await.expect("reasons");
    assert_eq!(
        reasons.len(),
        1,
        "only the stuck release's pod is not ready: {reasons:?}"
    );
    assert!(
        reasons[0].starts_with("pod stuck-")
            && reasons[0].contains(
                "Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503"
            ),
        "{reasons:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// the wizard's pod details (`l`, `d`, `e`) from a real kubelet

/// The run screen's `l`, `d` and `e` on a pod that really runs: the log comes from the
/// kubelet through the API server (which must reach the kubelet at the node's InternalIP; with
/// the Hostname preferred, as the first trial found, this fails), the description names the
/// real node and a running container, and the events are the kubelet's own. Fails when
/// `Kube::pod_logs` reads another container or nothing, or the API server cannot reach the
/// kubelet.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pod_logs_describe_and_events_come_from_the_real_kubelet_real_node() {
    let Some(c) = real_node() else { return };
    let g = ns(&c, "real-node-details");
    let n = g.name.to_string();
    support::apply_yaml(&pod(
        &n,
        "talker",
        json!({"app": "talker"}),
        json!({"containers": [server(&[], 8080, "http")]}),
    ));
    wait_ready(&c, &n, "talker", Duration::from_secs(60)).await;
    let kube: Kube = c.kube().await;

    let (container, lines) = kube.pod_logs(&n, "talker").await.expect("pod logs");
    assert_eq!(container, "server");
    assert!(
        lines.iter().any(|l| l.contains("serving on :8080")),
        "the server's own first line, from the kubelet: {lines:?}"
    );

    let described = kube.pod_describe(&n, "talker").await.expect("describe");
    let text = described.join("\n");
    assert!(text.contains(NODE), "{text}");
    assert!(text.contains("State:     Running since"), "{text}");

    let events = support::eventually(
        "the kubelet's Started event",
        Duration::from_secs(30),
        || {
            let kube = kube.clone();
            let n = n.clone();
            async move {
                let e = kube.pod_events(&n, "talker").await.ok()?;
                e.iter().any(|l| l.contains("Started")).then_some(e)
            }
        },
    )
    .await;
    assert!(
        events
            .iter()
            .any(|l| l.contains("Scheduled") || l.contains("Pulled") || l.contains("Created")),
        "{events:?}"
    );
}

#[path = "real_node/standins.rs"]
mod standins;

#[path = "real_node/quickstart.rs"]
mod quickstart;

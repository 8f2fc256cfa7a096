//! The STAND-IN API-M and IS as pods on the real node (the image `scripts/build-standin-image`
//! builds from `examples/standin_km/`, i.e. tests/km_support's stand-ins), serving the
//! keystores kmpilot generated and put into the cluster (`apply --only keystores`: the Secrets
//! `apim-keystores` and `is-keystores`, mounted by the pods as the charts mount them), behind
//! Services named and numbered as the charts name them. kmpilot then runs its key-manager step
//! and its destroy through the profile, as a person would: the public names resolve nowhere,
//! so discovery and registration go through kmpilot's own port-forward; the stand-in API-M's
//! pod resolves and connects to every endpoint it is given, as API-M's pod will.

use std::path::PathBuf;
use std::process::Output;
use std::time::Duration;

use serde_json::{Value, json};

use super::support::deployment::Deployment;
use super::{real_node, service, support, wait_ready};

const IS_ADMIN_PASSWORD: &str = "kmpilot-test-is-admin";
/// The chart's Services, written out (not taken from kmpilot, so the test does not agree
/// with kmpilot by construction): wso2/kubernetes-is `<release>-identity-server` with
/// `servlet-https` 9443; the all-in-one chart's `<fullname>-am-service` with 9443 and 8243.
const IS_SERVICE: &str = "is-identity-server";
const APIM_SERVICE: &str = "apim-wso2am-all-in-one-am-service";

/// The stand-in image's name, when it was built and the node imported it; else `None` with a
/// SKIPPED line (under CI a failure: the image is part of the real node's set).
pub(super) fn standin_image() -> Option<String> {
    let cache = std::env::var_os("KMPILOT_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/kmpilot"));
    let image = std::fs::read_to_string(cache.join("standin-images/current.ref"))
        .ok()
        .map(|s| s.trim().to_string());
    let loaded = image.as_ref().is_some_and(|i| {
        let out = test_node(&["ctr", "images", "ls", "-q"]);
        String::from_utf8_lossy(&out.stdout).lines().any(|l| l == i)
    });
    if loaded {
        return image;
    }
    let msg = "the stand-in API-M/IS image is not on the real node: run scripts/build-standin-image \
               before starting the cluster (or scripts/build-standin-image --load)";
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}");
    }
    eprintln!("SKIPPED: {msg}");
    None
}

fn test_node(args: &[&str]) -> Output {
    std::process::Command::new(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/test-node"))
        .args(args)
        .output()
        .expect("scripts/test-node")
}

/// One namespace with kmpilot's keystores and the two stand-in pods behind the charts'
/// Services, and the quickstart profile (key manager registered, no proof) pointing at them.
struct Standins {
    dep: Deployment,
    profile: PathBuf,
}

impl Standins {
    /// `apim_truststore`: the store of the `apim-keystores` Secret the API-M stand-in trusts
    /// (its client truststore, as API-M; a keystore without IS's certificate to see a refusal).
    async fn up(
        c: &support::TestCluster,
        ns: &str,
        image: &str,
        apim_truststore: &str,
    ) -> Standins {
        let dep = Deployment::new(ns);
        support::ok(&c.kubectl(&["create", "namespace", ns]));
        let yaml = dep.quickstart_yaml().replace(
            "keyManager: { register: false }",
            "keyManager: { register: true, prove: false }",
        );
        assert!(yaml.contains("register: true"), "{yaml}");
        let profile = dep.write("profile.yaml", &yaml);
        let s = Standins { dep, profile };
        s.kmpilot_ok(&["apply", "--yes", "--only", "keystores"]);

        support::apply_yaml(
            &json!({
                "apiVersion": "v1", "kind": "Secret",
                "metadata": {"name": "standin-passwords", "namespace": ns},
                "stringData": {
                    "keystore": support::deployment::STORE_PASSWORD,
                    "admin": support::deployment::ADMIN_PASSWORD,
                },
            })
            .to_string(),
        );
        let line = support::chart_version(&support::charts().join("wso2am-standin"));
        support::apply_yaml(&standin_pod(
            ns,
            "apim-standin",
            json!({"deployment": "apim-wso2am-all-in-one-am"}),
            image,
            "apim-keystores",
            json!([
                "apim",
                "--keystore",
                "/ks/wso2tls.jks",
                "--truststore",
                format!("/ks/{apim_truststore}"),
                "--line",
                line,
            ]),
        ));
        support::apply_yaml(&standin_pod(
            ns,
            "is-standin",
            json!({"app.kubernetes.io/name": "identity-server", "app.kubernetes.io/instance": "is"}),
            image,
            "is-keystores",
            json!([
                "is",
                "--keystore",
                "/ks/tls.p12",
                "--public-base",
                format!("https://is.{ns}.test")
            ]),
        ));
        support::apply_yaml(&service(
            ns,
            IS_SERVICE,
            json!({"app.kubernetes.io/name": "identity-server", "app.kubernetes.io/instance": "is"}),
            9443,
            json!("servlet-https"),
        ));
        support::apply_yaml(&service(
            ns,
            APIM_SERVICE,
            json!({"deployment": "apim-wso2am-all-in-one-am"}),
            9443,
            json!("servlet-https"),
        ));
        for p in ["apim-standin", "is-standin"] {
            wait_ready(c, ns, p, Duration::from_secs(90)).await;
        }
        // a ready pod is in the Service's endpoints before kube-proxy has written the rules
        // that lead its ClusterIP there; the node itself goes through the same rules
        for svc in [IS_SERVICE, APIM_SERVICE] {
            let ip = support::jsonpath("service", svc, ns, "{.spec.clusterIP}");
            support::eventually(
                &format!("kube-proxy leads {svc}'s ClusterIP {ip}:9443 to its pod"),
                Duration::from_secs(30),
                || {
                    let ip = ip.clone();
                    async move {
                        tokio::net::TcpStream::connect((ip.as_str(), 9443))
                            .await
                            .ok()
                    }
                },
            )
            .await;
        }
        s
    }

    fn ns(&self) -> &str {
        &self.dep.ns
    }

    /// `kmpilot ARGS -f PROFILE`: exit code and both streams together.
    fn kmpilot(&self, args: &[&str]) -> (i32, String) {
        support::deployment::run(
            self.dep
                .kmpilot(args)
                .arg("-f")
                .arg(&self.profile)
                .env("IS_ADMIN_PASSWORD", IS_ADMIN_PASSWORD),
        )
    }

    fn kmpilot_ok(&self, args: &[&str]) -> String {
        let (code, text) = self.kmpilot(args);
        assert_eq!(code, 0, "kmpilot {args:?} failed:\n{text}");
        text
    }

    /// The stand-in API-M's own view (`/standin/state`), read in its pod through the API
    /// server's Service proxy.
    fn apim_state(&self, c: &support::TestCluster) -> Value {
        let path = format!(
            "/api/v1/namespaces/{}/services/https:{APIM_SERVICE}:9443/proxy/standin/state",
            self.ns()
        );
        let out = support::ok(&c.kubectl(&["get", "--raw", &path]));
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
    }
}

/// A stand-in pod on the real node: `image` run with `args`, the keystore Secret `secret`
/// mounted at /ks, the passwords from `standin-passwords`, ready once it accepts TLS on 9443.
fn standin_pod(
    ns: &str,
    name: &str,
    labels: Value,
    image: &str,
    secret: &str,
    args: Value,
) -> String {
    let env = |var: &str, key: &str| json!({"name": var, "valueFrom": {"secretKeyRef": {"name": "standin-passwords", "key": key}}});
    super::pod(
        ns,
        name,
        labels,
        json!({
            "containers": [{
                "name": "standin", "image": image, "command": ["/bin/standin_km"], "args": args,
                "env": [env("KEYSTORE_PASSWORD", "keystore"), env("APIM_ADMIN_PASSWORD", "admin")],
                "ports": [{"name": "servlet-https", "containerPort": 9443}],
                "volumeMounts": [{"name": "ks", "mountPath": "/ks", "readOnly": true}],
                "readinessProbe": {"tcpSocket": {"port": 9443}, "periodSeconds": 1},
            }],
            "volumes": [{"name": "ks", "secret": {"secretName": secret}}],
        }),
    )
}

/// Discovery and registration through kmpilot's own port-forward (the public names resolve
/// nowhere), TLS verified for the public names with the certificates kmpilot made; the stand-in
/// API-M's pod resolves every server-to-server endpoint through CoreDNS to the IS Service and
/// verifies IS's certificate for the in-cluster name; then `kmpilot destroy` through the profile
/// removes the key manager from the pod. Fails when the route does not fall back to the
/// port-forward, when the pod certificates do not carry the public names, when an endpoint
/// kmpilot registers is not what a pod can reach, or when destroy leaves the registration
/// (checked: `reach::decide` without the port-forward fails the apply on the DNS error; the
/// pod's check answering Ok unchecked fails the endpoint lines; destroy's DELETE made a dry
/// run leaves the key manager in the pod).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_manager_registered_through_port_forward_to_standin_pods_and_destroyed_real_node() {
    let Some(c) = real_node() else { return };
    let Some(image) = standin_image() else { return };
    let s = Standins::up(&c, "real-node-km", &image, "client-truststore.jks").await;
    let ns = s.ns().to_string();

    let out = s.kmpilot_ok(&["apply", "--yes", "--only", "key-manager"]);
    for host in [format!("is.{ns}.test"), format!("am.{ns}.test")] {
        assert!(
            out.contains(&format!(
                "{host} does not resolve here: via port-forward to pod"
            )),
            "{host} must be reached through kmpilot's port-forward:\n{out}"
        );
        assert!(out.contains(&format!("TLS verified for {host}")), "{out}");
    }

    let state = s.apim_state(&c);
    let kms = state["keyManagers"].as_array().unwrap();
    assert_eq!(kms.len(), 1, "{state:#}");
    let is_ip = support::jsonpath("service", IS_SERVICE, &ns, "{.spec.clusterIP}");
    let resolved: Vec<&str> = state["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    // 6 top-level + 6 endpoints[] + JWKS + 2 connector properties
    assert_eq!(resolved.len(), 15, "{resolved:#?}");
    for l in &resolved {
        assert!(
            l.contains(&format!(
                "→ {is_ip} (cluster DNS), TLS verified for {IS_SERVICE}"
            )) && l.contains("HTTP/1.1 "),
            "each endpoint resolves in the pod to the IS Service and answers over verified TLS: {l}"
        );
    }
    assert!(
        resolved
            .iter()
            .any(|l| l.starts_with("certificates.value (JWKS)") && l.ends_with("HTTP/1.1 200 OK")),
        "the JWKS answers: {resolved:#?}"
    );

    let id = kms[0]["id"].as_str().unwrap().to_string();
    let out = s.kmpilot_ok(&["destroy", "--yes"]);
    let state = s.apim_state(&c);
    assert_eq!(
        state["keyManagers"],
        json!([]),
        "destroy must remove the key manager from API-M:\n{out}"
    );
    let log: Vec<&str> = state["log"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        log.contains(&format!("DELETE /api/am/admin/v4/key-managers/{id} → 200").as_str()),
        "{log:#?}"
    );
}

/// The stand-in API-M's pod refuses a registration whose endpoints its pod cannot reach:
/// public names CoreDNS does not know (`serverEndpoints: public` with a laptop hostname); with
/// IS's certificate missing from the truststore it was given, the in-cluster names whose TLS
/// it cannot verify; and, IS's pod gone, the Service it cannot connect to. kmpilot's apply
/// fails with the pod's reason; nothing is saved. Fails when the stand-in stops resolving or
/// connecting from the pod (it would accept all three: checked by making
/// `PodNetwork::reach` answer Ok unchecked).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_apim_pod_refuses_endpoints_it_cannot_resolve_or_verify_real_node() {
    let Some(c) = real_node() else { return };
    let Some(image) = standin_image() else { return };
    // API-M given its own keystore as truststore: IS's certificate is not in it
    let s = Standins::up(&c, "real-node-km-refused", &image, "wso2tls.jks").await;
    let ns = s.ns().to_string();

    let public = std::fs::read_to_string(&s.profile).unwrap().replace(
        "keyManager: { register: true, prove: false }",
        "keyManager: { register: true, prove: false, serverEndpoints: public }",
    );
    std::fs::write(&s.profile, public).unwrap();
    let (code, out) = s.kmpilot(&["apply", "--yes", "--only", "key-manager"]);
    assert_ne!(code, 0, "{out}");
    assert!(
        out.contains(&format!("https://is.{ns}.test/"))
            && out.contains("does not resolve in the pod (cluster DNS)"),
        "the pod's resolver refuses the public name:\n{out}"
    );

    let in_cluster = std::fs::read_to_string(&s.profile)
        .unwrap()
        .replace(", serverEndpoints: public", "");
    std::fs::write(&s.profile, in_cluster).unwrap();
    let (code, out) = s.kmpilot(&["apply", "--yes", "--only", "key-manager"]);
    assert_ne!(code, 0, "{out}");
    assert!(
        out.contains(&format!("not verified for {IS_SERVICE}")),
        "the pod reached IS's Service but cannot verify its certificate:\n{out}"
    );

    // IS gone (its Service without a ready pod: kube-proxy refuses the ClusterIP), discovery
    // off so that kmpilot itself does not need IS: the pod cannot connect
    support::ok(&c.kubectl(&["delete", "pod", "is-standin", "-n", &ns, "--wait=true"]));
    let no_discovery = std::fs::read_to_string(&s.profile).unwrap().replace(
        "keyManager: { register: true, prove: false }",
        "keyManager: { register: true, prove: false, discover: false }",
    );
    std::fs::write(&s.profile, no_discovery).unwrap();
    let (code, out) = s.kmpilot(&["apply", "--yes", "--only", "key-manager"]);
    assert_ne!(code, 0, "{out}");
    assert!(
        out.contains("TCP connection to") && out.contains(&format!("({IS_SERVICE}.{ns}.svc)")),
        "the pod resolves IS's Service but cannot connect to it:\n{out}"
    );
    let state = s.apim_state(&c);
    assert_eq!(state["keyManagers"], json!([]), "{state:#}");
}

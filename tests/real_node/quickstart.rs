//! The quickstart applied on the real node: kmpilot installs the stand-in charts
//! (`tests/charts`: the real charts' Deployments, mounts and probes, the API-M one for 4.7, the
//! line people run today) with the STAND-IN images (`standin-apim`, `standin-is`: the
//! configuration read where the charts mount it, `examples/standin_km/image.rs`), so `helm
//! --wait` is gated by the probes the real kubelet runs with the charts' own timings (60 s
//! before the first one), not by kwok's fiat. The namespace is pinned to the real node the way
//! a cluster admin pins one to a node pool (the PodNodeSelector and PodTolerationRestriction
//! admission plugins `scripts/test-cluster` enables); the charts themselves are not changed.
//! DNS mode `none`: the Ingress through a real controller is `ingress.rs`'s; the names resolve
//! nowhere, so the key manager is registered through kmpilot's port-forward.

use serde_json::{Value, json};

use super::support::deployment::Deployment;
use super::{NODE, real_node, support};

/// The stand-in images' names: the archive `scripts/build-standin-image` built holds
/// `standin-km`, `standin-apim` and `standin-is` with one tag.
fn images() -> Option<(String, String)> {
    let km = super::standins::standin_image()?;
    let (_, tag) = km.rsplit_once(':').expect("a tagged image");
    Some((format!("standin-apim:{tag}"), format!("standin-is:{tag}")))
}

/// Where `scripts/build-standin-image` names its images (no registry serves it: the node's
/// containerd has them imported).
const REGISTRY: &str = "kmpilot.local";

/// A namespace whose pods the API server sends to the real node (its label, its taint's
/// toleration), without the charts knowing.
fn pinned_namespace(dep: &Deployment) {
    support::apply_yaml(
        &json!({
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": dep.ns, "annotations": {
                "scheduler.alpha.kubernetes.io/node-selector": "kmpilot.test/real-node=true",
                "scheduler.alpha.kubernetes.io/defaultTolerations":
                    r#"[{"key":"kmpilot.test/real-node","operator":"Exists","effect":"NoSchedule"}]"#,
            }},
        })
        .to_string(),
    );
}

/// The quickstart profile on the stand-in charts with the stand-in images, laptop sizing (the
/// node has 2 CPUs), the key manager registered (no proof: the stand-in image has no gateway
/// of its own to prove against), DNS mode none.
fn profile(dep: &Deployment, apim: &str, is: &str) -> std::path::PathBuf {
    let charts = support::charts();
    let yaml = dep.profile_yaml(
        &charts.join("identity-server-standin"),
        &charts.join("wso2am-4.7-standin"),
        "  sizing: laptop\n",
    );
    let (apim_repo, apim_tag) = apim.split_once(':').unwrap();
    let (is_repo, is_tag) = is.split_once(':').unwrap();
    let is_image =
        r#"image: { build: false, registry: docker.io, repository: wso2/wso2is, tag: "7.1.0" }"#;
    assert!(yaml.contains(is_image), "{yaml}");
    let mut yaml = yaml
        .replace(
            is_image,
            &format!(
                r#"image: {{ build: false, registry: {REGISTRY}, repository: {is_repo}, tag: "{is_tag}" }}"#
            ),
        )
        .replace(
            "keyManager: { register: false }",
            "keyManager: { register: true, prove: false }",
        );
    let dns = yaml
        .lines()
        .find(|l| l.starts_with("dns:"))
        .unwrap()
        .to_string();
    yaml = yaml.replace(&dns, "dns: { mode: none }");
    let chart_version = yaml
        .lines()
        .find(|l| l.trim_start().starts_with("chartVersion:"))
        .unwrap()
        .to_string();
    yaml = yaml.replace(
        &chart_version,
        &format!(
            "{chart_version}\n  image: {{ registry: {REGISTRY}, repository: {apim_repo}, tag: \"{apim_tag}\" }}"
        ),
    );
    dep.write("profile.yaml", &yaml)
}

/// The real node, the stand-in images, a namespace `ns` pinned to the node and the profile;
/// `None` (SKIPPED) without the node or the images.
fn pinned_quickstart(ns: &str) -> Option<(Deployment, std::path::PathBuf)> {
    real_node()?;
    let (apim, is) = images()?;
    let dep = Deployment::new(ns);
    pinned_namespace(&dep);
    let profile = profile(&dep, &apim, &is);
    Some((dep, profile))
}

fn kmpilot(dep: &Deployment, profile: &std::path::Path, args: &[&str]) -> (i32, String) {
    support::deployment::run(dep.kmpilot(args).arg("-f").arg(profile))
}

fn pods(ns: &str) -> Vec<Value> {
    let out = support::ok(&support::kubectl(&["get", "pods", "-n", ns, "-o", "json"]));
    let v: Value = serde_json::from_str(&out).unwrap();
    v["items"].as_array().unwrap().clone()
}

/// An RFC 3339 time of the API (`startedAt`, `lastTransitionTime`) in seconds.
fn seconds(ts: &Value) -> i64 {
    let t: k8s_openapi::apimachinery::pkg::apis::meta::v1::Time =
        serde_json::from_value(ts.clone()).unwrap_or_else(|e| panic!("{ts}: {e}"));
    t.0.as_second()
}

/// The quickstart applies on the real node, and `helm --wait` returned only once the charts'
/// own probes had passed in the real kubelet: each product's pod runs on the real node, became
/// Ready no sooner than the chart's 60 s initial delay after its container started (kwok would
/// have made it Ready at once), and the stand-in API-M in its pod, started from the mounted
/// `deployment.toml` and keystores, holds the key manager kmpilot registered through its
/// port-forward, every endpoint reached from the pod over verified TLS. Fails when the probes
/// do not gate the install (checked: the stand-in chart without its start-up probe's 60 s
/// initial delay makes API-M Ready in seconds, and the delay assertion fails), when the chart
/// mounts are not where the image reads them (the server never listens on 9443), when the
/// registration does not reach the pod, or when kmpilot's AppArmor probe asks another node
/// than the one the namespace's pods land on (it did, from `default`: the kubelet refused
/// the IS pod).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quickstart_waits_for_the_charts_probes_and_registers_the_key_manager_real_node() {
    let Some((dep, profile)) = pinned_quickstart("real-node-quickstart") else {
        return;
    };

    let (code, out) = kmpilot(&dep, &profile, &["apply", "--yes"]);
    assert_eq!(code, 0, "the quickstart on the real node failed:\n{out}");

    let pods = pods(&dep.ns);
    for product in ["wso2am", "wso2is"] {
        let p = pods
            .iter()
            .find(|p| p["spec"]["containers"][0]["name"] == product)
            .unwrap_or_else(|| panic!("no {product} pod: {pods:#?}"));
        assert_eq!(
            p["spec"]["nodeName"], NODE,
            "{product} must run on the real node"
        );
        let started =
            seconds(&p["status"]["containerStatuses"][0]["state"]["running"]["startedAt"]);
        let ready = p["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["type"] == "Ready")
            .unwrap();
        assert_eq!(ready["status"], "True", "{product}: {p:#}");
        let waited = seconds(&ready["lastTransitionTime"]) - started;
        assert!(
            waited >= 60,
            "{product} became Ready {waited} s after its container started: the chart's probes \
             (60 s initial delay) did not gate it"
        );
    }

    let path = format!(
        "/api/v1/namespaces/{}/services/https:apim-wso2am-all-in-one-am-service:9443/proxy/standin/state",
        dep.ns
    );
    let state: Value =
        serde_json::from_str(&support::ok(&support::kubectl(&["get", "--raw", &path])))
            .expect("the stand-in's state");
    assert_eq!(
        state["keyManagers"].as_array().map(Vec::len),
        Some(1),
        "{state:#}\n{out}"
    );
    let resolved = state["resolved"].as_array().unwrap();
    assert!(!resolved.is_empty(), "{state:#}");
    for l in resolved {
        let l = l.as_str().unwrap();
        assert!(l.contains("(cluster DNS), TLS verified for"), "{l}");
    }
}

/// A product pod that never starts fails kmpilot's install step with the kubelet's own words:
/// the API-M keystore Secret tampered with after kmpilot made it (its keystores replaced by
/// bytes that are no keystore), the stand-in server cannot open its TLS one and never listens
/// on 9443, the chart's start-up probe (`timeout 1 bash -c "</dev/tcp/localhost/9443"`, run by
/// the kubelet in the container) fails, and `helm --wait` times out: kmpilot's report carries
/// the probe's message, not only "context deadline exceeded". Fails when the not-ready report
/// loses the events (checked: `kube::not_ready` answering nothing leaves only helm's timeout).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_product_pod_that_never_starts_fails_the_install_with_the_probes_message_real_node() {
    let Some((dep, profile)) = pinned_quickstart("real-node-quickstart-broken") else {
        return;
    };
    let (code, out) = kmpilot(&dep, &profile, &["apply", "--yes", "--only", "keystores"]);
    assert_eq!(code, 0, "{out}");

    let secret: Value = serde_json::from_str(&support::ok(&support::kubectl(&[
        "get",
        "secret",
        "apim-keystores",
        "-n",
        &dep.ns,
        "-o",
        "json",
    ])))
    .unwrap();
    // every keystore but the truststore replaced by bytes that are no keystore
    let mut data = secret["data"].as_object().unwrap().clone();
    let mut broken = 0;
    for (k, v) in data.iter_mut() {
        if k.ends_with(".jks") && !k.contains("truststore") {
            *v = json!("bm90IGEga2V5c3RvcmU="); // "not a keystore"
            broken += 1;
        }
    }
    assert!(broken > 0, "no keystore in {:?}", data.keys());
    support::apply_yaml(
        &json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "apim-keystores", "namespace": dep.ns},
            "data": data,
        })
        .to_string(),
    );

    let (code, out) = kmpilot(&dep, &profile, &["apply", "--yes", "--only", "api-manager"]);
    assert_ne!(
        code, 0,
        "API-M cannot open its keystore, the install must fail:\n{out}"
    );
    assert!(
        out.contains("Startup probe failed") && out.contains("/dev/tcp/localhost/9443"),
        "kmpilot's report must carry the kubelet's probe message:\n{out}"
    );
}

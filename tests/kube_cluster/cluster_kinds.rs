//! Clusters shaped like the ones people really use, on the real test control plane: fake
//! (kwok) nodes carrying the provider IDs, labels, node info and allocatable figures kind,
//! minikube, k3d, Docker Desktop and EKS nodes carry (`shared/reference/cluster-kinds.md` §1),
//! the ingress classes each ships, ingress status written the way each controller writes it,
//! and a kubeconfig whose context is named as each tool names it. Per scenario: what kmpilot
//! detects and decides (image delivery, ingress, AppArmor — through the real probe pod and
//! the test cluster's `apparmor-reject` kwok stage —, sizing), what the DNS step writes, and
//! that a cluster too small for both pods is refused before anything is installed.
//!
//! The scenarios run one after another in one test: while it runs, the test cluster's own
//! nodes are cordoned and its ingress classes set aside (restored at the end, also on panic),
//! so only the scenario's nodes and classes are what kmpilot sees. Every node and class a
//! scenario creates is deleted when it ends.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use kmpilot::plan::{self, Action, StepId};
use kmpilot::profile::Profile;
use kmpilot::profile::sections::cluster::Sizing;
use kmpilot::profile::sections::cluster_kind::{ClusterKind, Delivery};
use kmpilot::profile::sections::identity_server::AppArmor;

use crate::support;
use support::ok;

fn kubectl(kubeconfig: &Path, args: &[&str]) -> Output {
    Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .arg("--request-timeout=20s")
        .args(args)
        .output()
        .expect("kubectl on PATH")
}

fn apply_json(kubeconfig: &Path, v: &serde_json::Value) {
    let mut c = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(["apply", "--server-side", "--force-conflicts", "-f", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    c.stdin
        .take()
        .unwrap()
        .write_all(v.to_string().as_bytes())
        .unwrap();
    assert!(c.wait().unwrap().success(), "kubectl apply {v}");
}

/// A node as one kind's kubelet registers it.
struct FakeNode {
    name: &'static str,
    provider_id: &'static str,
    labels: &'static [(&'static str, &'static str)],
    os_image: &'static str,
    kernel: &'static str,
    kubelet: &'static str,
    runtime: &'static str,
    cpu: &'static str,
    memory: &'static str,
    /// What the kind's own system pods request on it (kube-system DaemonSets, the control
    /// plane's static pods), created as pods bound to the node.
    system_cpu: &'static str,
    system_memory: &'static str,
}

struct Scenario {
    /// The kubeconfig context, as the tool names it.
    context: &'static str,
    nodes: Vec<FakeNode>,
    /// IngressClasses the kind ships: (name, controller).
    classes: &'static [(&'static str, &'static str)],
    /// What the controller writes into an Ingress's status: ("ip"|"hostname", value).
    ingress_status: Option<(&'static str, &'static str)>,
}

fn label(test: &str) -> String {
    format!("kmpilot.test/cluster-kinds={test}")
}

/// Creates the scenario's nodes (kwok manages them: the test cluster's kwok manages every
/// node, and they carry kwok's annotation anyway), their system pods and classes.
fn create(kc: &Path, s: &Scenario, test: &str) {
    for n in &s.nodes {
        let mut labels = serde_json::Map::new();
        labels.insert("kubernetes.io/hostname".into(), n.name.into());
        labels.insert("kubernetes.io/os".into(), "linux".into());
        labels.insert("kmpilot.test/cluster-kinds".into(), test.into());
        for (k, v) in n.labels {
            labels.insert((*k).into(), (*v).into());
        }
        let mut spec = serde_json::json!({});
        if !n.provider_id.is_empty() {
            spec["providerID"] = n.provider_id.into();
        }
        // status on create is kept for nodes; kwok's node-initialize stage keeps allocatable
        // and nodeInfo as given and only adds conditions
        let node = serde_json::json!({
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": n.name, "labels": labels,
                         "annotations": {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"}},
            "spec": spec,
            "status": {
                "allocatable": {"cpu": n.cpu, "memory": n.memory, "pods": "110"},
                "capacity": {"cpu": n.cpu, "memory": n.memory, "pods": "110"},
                "nodeInfo": {"osImage": n.os_image, "kernelVersion": n.kernel,
                             "kubeletVersion": n.kubelet, "containerRuntimeVersion": n.runtime,
                             "architecture": "amd64", "operatingSystem": "linux",
                             "kubeProxyVersion": "", "machineID": "", "systemUUID": "", "bootID": ""},
            },
        });
        let mut c = Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(kc)
            .args(["create", "-f", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        use std::io::Write;
        c.stdin
            .take()
            .unwrap()
            .write_all(node.to_string().as_bytes())
            .unwrap();
        assert!(c.wait().unwrap().success(), "create node {}", n.name);
        // what the kind's system pods already request there
        apply_json(
            kc,
            &serde_json::json!({
                "apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": format!("system-{}", n.name), "namespace": "kube-system",
                             "labels": {"kmpilot.test/cluster-kinds": test}},
                "spec": {"nodeName": n.name, "containers": [{"name": "c", "image": "registry.k8s.io/pause:3.10",
                    "resources": {"requests": {"cpu": n.system_cpu, "memory": n.system_memory}}}]},
            }),
        );
    }
    for (name, controller) in s.classes {
        apply_json(
            kc,
            &serde_json::json!({
                "apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
                "metadata": {"name": name, "labels": {"kmpilot.test/cluster-kinds": test}},
                "spec": {"controller": controller},
            }),
        );
    }
    // Ready (kwok's node-initialize stage) before anything is decided
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let out = ok(&kubectl(
            kc,
            &[
                "get",
                "nodes",
                "-l",
                &label(test),
                "-o",
                "jsonpath={range .items[*]}{.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}{end}",
            ],
        ));
        if out.lines().filter(|l| *l == "True").count() == s.nodes.len() {
            break;
        }
        assert!(Instant::now() < deadline, "scenario nodes not Ready: {out}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn destroy(kc: &Path, test: &str) {
    let l = label(test);
    let _ = kubectl(
        kc,
        &[
            "delete",
            "pods",
            "-n",
            "kube-system",
            "-l",
            &l,
            "--wait=false",
            "--grace-period=0",
            "--force",
        ],
    );
    let _ = kubectl(kc, &["delete", "ingressclass", "-l", &l, "--wait=false"]);
    let _ = kubectl(kc, &["delete", "nodes", "-l", &l, "--wait=false"]);
}

struct Destroy(PathBuf, &'static str);

impl Drop for Destroy {
    fn drop(&mut self) {
        destroy(&self.0, self.1);
    }
}

impl Scenario {
    fn guard(kc: &Path, test: &'static str) -> Destroy {
        Destroy(kc.to_path_buf(), test)
    }
}

/// Sets the test cluster's own nodes and classes aside while the scenarios run.
struct Aside {
    kc: PathBuf,
    cordoned: Vec<String>,
    classes: Vec<serde_json::Value>,
}

impl Aside {
    fn new(kc: &Path) -> Aside {
        let nodes: serde_json::Value =
            serde_json::from_str(&ok(&kubectl(kc, &["get", "nodes", "-o", "json"]))).unwrap();
        let mut cordoned = Vec::new();
        for n in nodes["items"].as_array().unwrap() {
            let name = n["metadata"]["name"].as_str().unwrap().to_string();
            let leftover = n["metadata"]["labels"]["kmpilot.test/cluster-kinds"].is_string();
            if leftover {
                // from a run that was killed
                let _ = kubectl(kc, &["delete", "node", &name, "--wait=false"]);
                continue;
            }
            if n["spec"]["unschedulable"].as_bool() != Some(true) {
                ok(&kubectl(kc, &["cordon", &name]));
                cordoned.push(name);
            }
        }
        let classes: serde_json::Value =
            serde_json::from_str(&ok(&kubectl(kc, &["get", "ingressclass", "-o", "json"])))
                .unwrap();
        let mut kept = Vec::new();
        for c in classes["items"].as_array().unwrap() {
            let name = c["metadata"]["name"].as_str().unwrap();
            ok(&kubectl(kc, &["delete", "ingressclass", name]));
            if c["metadata"]["labels"]["kmpilot.test/cluster-kinds"].is_string() {
                continue; // a scenario's, left by a run that was killed
            }
            kept.push(serde_json::json!({
                "apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
                "metadata": {"name": name, "annotations": c["metadata"]["annotations"].clone(),
                             "labels": c["metadata"]["labels"].clone()},
                "spec": c["spec"].clone(),
            }));
        }
        Aside {
            kc: kc.to_path_buf(),
            cordoned,
            classes: kept,
        }
    }
}

impl Drop for Aside {
    fn drop(&mut self) {
        for n in &self.cordoned {
            let _ = kubectl(&self.kc, &["uncordon", n]);
        }
        for c in &self.classes {
            let mut c = c.clone();
            if c["metadata"]["annotations"].is_null() {
                c["metadata"].as_object_mut().unwrap().remove("annotations");
            }
            if c["metadata"]["labels"].is_null() {
                c["metadata"].as_object_mut().unwrap().remove("labels");
            }
            apply_json(&self.kc, &c);
        }
    }
}

/// A copy of the test kubeconfig whose context is named as `context` (the tool's naming).
fn kubeconfig_named(tc: &Path, dir: &Path, context: &str) -> PathBuf {
    let f = dir.join(format!("kubeconfig-{}", context.replace([':', '/'], "_")));
    std::fs::copy(tc, &f).unwrap();
    let current = ok(&kubectl(&f, &["config", "current-context"]));
    ok(&kubectl(
        &f,
        &["config", "rename-context", current.trim(), context],
    ));
    ok(&kubectl(&f, &["config", "use-context", context]));
    f
}

fn profile(ns: &str, kubeconfig: &Path, hosts: &Path) -> Profile {
    let mut p = Profile::quickstart(ns);
    p.cluster.namespace = ns.into();
    p.cluster.kubeconfig = Some(kubeconfig.to_path_buf());
    p.dns.hosts_file = hosts.to_path_buf();
    p.dns.wait_seconds = 60;
    p
}

fn write_profile(dir: &Path, p: &Profile) -> PathBuf {
    let f = dir.join(format!("{}.yaml", p.name));
    kmpilot::profile::save::save(p, &f).unwrap();
    f
}

fn step_commands(plan: &plan::Plan, id: StepId) -> Vec<String> {
    plan.step(id)
        .map(|s| {
            s.actions
                .iter()
                .map(|a| match a {
                    Action::Run(c) => c.command_line(),
                    other => other.summary(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn decision<'a>(d: &'a [kmpilot::steps::adapt::Decision], path: &str) -> &'a str {
    d.iter()
        .find(|x| x.path == path)
        .map(|x| x.why.as_str())
        .unwrap_or_else(|| panic!("no decision for {path}: {d:#?}"))
}

fn kmpilot(args: &[&str], kubeconfig: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kmpilot"))
        .args(args)
        .env("KUBECONFIG", kubeconfig)
        .env(
            "KMPILOT_STATE_DIR",
            kubeconfig.parent().unwrap().join("state"),
        )
        .env(
            "KMPILOT_CONFIG_DIR",
            kubeconfig.parent().unwrap().join("config"),
        )
        .env("APIM_ADMIN_PASSWORD", "admin-Pw-1")
        .env("KEYSTORE_PASSWORD", "store-Pw-1")
        .output()
        .unwrap()
}

/// The ingress the DNS step reads, with the status the kind's controller writes.
fn ingress_with_status(kc: &Path, ns: &str, p: &Profile, field: &str, value: &str) {
    ok(&kubectl(kc, &["create", "namespace", ns]));
    apply_json(
        kc,
        &serde_json::json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "apim-management", "namespace": ns},
            "spec": {"rules": [{"host": p.api_manager.hostnames.management}]},
        }),
    );
    let patch = serde_json::json!({"status": {"loadBalancer": {"ingress": [{field: value}]}}});
    ok(&kubectl(
        kc,
        &[
            "patch",
            "ingress",
            "apim-management",
            "-n",
            ns,
            "--subresource=status",
            "--type=merge",
            "-p",
            &patch.to_string(),
        ],
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_cluster_kind_is_detected_and_adapted_to() {
    let _turn = support::one_file::turn(module_path!());
    let Some(tc) = support::test_cluster() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let kc = tc.kubeconfig.clone();
    let _aside = Aside::new(&kc);
    let hosts = dir.path().join("hosts");

    // ---- kind on an Ubuntu laptop: cloud-provider-kind serves Ingress (LB IP) --------
    let kind = Scenario {
        context: "kind-ck",
        nodes: vec![FakeNode {
            name: "ck-control-plane",
            provider_id: "kind://docker/ck/ck-control-plane",
            labels: &[("node-role.kubernetes.io/control-plane", "")],
            os_image: "Debian GNU/Linux 13 (trixie)",
            kernel: "6.8.0-45-generic",
            kubelet: "v1.34.0",
            runtime: "containerd://2.1.4",
            cpu: "8",
            memory: "16Gi",
            system_cpu: "950m",
            system_memory: "290Mi",
        }],
        classes: &[("cloud-provider-kind", "kind.sigs.k8s.io/ingress-controller")],
        ingress_status: Some(("ip", "172.18.0.5")),
    };
    // ---- minikube with a VM driver, default size (2 CPUs, ~3.8 Gi): too small --------
    let minikube = Scenario {
        context: "minikube",
        nodes: vec![FakeNode {
            name: "minikube",
            provider_id: "",
            labels: &[
                ("minikube.k8s.io/name", "minikube"),
                ("minikube.k8s.io/primary", "true"),
                ("minikube.k8s.io/version", "v1.37.0"),
            ],
            os_image: "Buildroot 2025.02",
            kernel: "6.6.95",
            kubelet: "v1.34.0",
            runtime: "docker://28.4.0",
            cpu: "2",
            memory: "3912Mi",
            system_cpu: "750m",
            system_memory: "170Mi",
        }],
        classes: &[("nginx", "k8s.io/ingress-nginx")],
        ingress_status: Some(("ip", "192.168.49.2")),
    };
    // ---- k3d on a Fedora host (SELinux, no AppArmor): Traefik ------------------------
    let k3d = Scenario {
        context: "k3d-noapparmor",
        nodes: vec![FakeNode {
            name: "k3d-noapparmor-server-0",
            provider_id: "k3s://k3d-noapparmor-server-0",
            labels: &[("node.kubernetes.io/instance-type", "k3s")],
            os_image: "K3s v1.33.4+k3s1",
            kernel: "6.15.9-201.fc42.x86_64",
            kubelet: "v1.33.4+k3s1",
            runtime: "containerd://2.0.5-k3s2",
            cpu: "8",
            memory: "16Gi",
            system_cpu: "200m",
            system_memory: "140Mi",
        }],
        classes: &[("traefik", "traefik.io/ingress-controller")],
        ingress_status: None,
    };
    // ---- Docker Desktop on a 4-CPU Mac: LinuxKit, no ingress controller --------------
    let docker_desktop = Scenario {
        context: "docker-desktop",
        nodes: vec![FakeNode {
            name: "docker-desktop",
            provider_id: "",
            labels: &[("node-role.kubernetes.io/control-plane", "")],
            os_image: "Docker Desktop",
            kernel: "6.10.14-linuxkit",
            kubelet: "v1.32.2",
            runtime: "docker://27.4.0",
            cpu: "4",
            memory: "7841Mi",
            system_cpu: "950m",
            system_memory: "290Mi",
        }],
        classes: &[],
        ingress_status: Some(("hostname", "localhost")),
    };
    // ---- EKS, two m5.large nodes, AWS Load Balancer Controller -----------------------
    let eks = Scenario {
        context: "arn:aws:eks:eu-west-1:123456789012:cluster/wso2",
        nodes: [
            "ip-10-0-1-23.eu-west-1.compute.internal",
            "ip-10-0-2-45.eu-west-1.compute.internal",
        ]
        .into_iter()
        .zip([
            "aws:///eu-west-1a/i-0a1b2c3d4e5f60718",
            "aws:///eu-west-1b/i-0f1e2d3c4b5a69788",
        ])
        .map(|(name, pid)| FakeNode {
            name,
            provider_id: pid,
            labels: &[
                ("eks.amazonaws.com/nodegroup", "ng-1"),
                ("node.kubernetes.io/instance-type", "m5.large"),
            ],
            os_image: "Amazon Linux 2023.6.20250115",
            kernel: "6.1.119-129.201.amzn2023.x86_64",
            kubelet: "v1.31.4-eks-aeac579",
            runtime: "containerd://1.7.25",
            cpu: "1930m",
            memory: "7101Mi",
            system_cpu: "125m",
            system_memory: "150Mi",
        })
        .collect(),
        classes: &[("alb", "ingress.k8s.aws/alb")],
        ingress_status: Some((
            "hostname",
            "k8s-wso2-apim-0a1b2c3d4e-1234567890.eu-west-1.elb.amazonaws.com",
        )),
    };

    let mut report = Vec::new();
    for (test, s) in [
        ("kind", &kind),
        ("minikube", &minikube),
        ("k3d", &k3d),
        ("docker-desktop", &docker_desktop),
        ("eks", &eks),
    ] {
        // the scenario's nodes, pods and classes go when it ends, also on a failure
        let _gone = Scenario::guard(&kc, test);
        create(&kc, s, test);
        let kconf = kubeconfig_named(&kc, dir.path(), s.context);
        let ns = format!("ck-{test}");
        let _ = kubectl(
            &kc,
            &["delete", "namespace", &ns, "--wait=true", "--timeout=60s"],
        );
        let p = profile(&ns, &kconf, &hosts);
        let (r, d) = kmpilot::exec::adapt::resolve(&p, true).await;
        let d = d.unwrap_or_else(|e| panic!("{test}: {e}"));
        let plan = kmpilot::steps::plan(&r);
        let image = step_commands(&plan, StepId::IsImage);
        let ingress = decision(&d, "apiManager.ingress.className").to_string();
        report.push(format!(
            "{test}: kind {} name {:?}; image {:?}; appArmor {:?}; sizing {:?}; ingress: {ingress}",
            r.cluster.kind,
            r.cluster.name,
            r.identity_server.image.delivery,
            r.identity_server.app_armor,
            r.cluster.sizing
        ));
        let is_values = plan
            .artifact("identity-server/values.yaml")
            .unwrap()
            .content
            .clone();
        match test {
            "kind" => {
                assert_eq!(r.cluster.kind, ClusterKind::Kind, "{d:#?}");
                assert_eq!(r.cluster.name.as_deref(), Some("ck"));
                assert_eq!(r.identity_server.image.delivery, Delivery::Load);
                assert!(
                    image
                        .iter()
                        .any(|c| c
                            == "kind load docker-image localhost:5000/wso2is-km:7.1.0 --name ck"),
                    "{image:#?}"
                );
                // Ubuntu kernel: only the kubelet can tell; the probe pod was admitted
                assert_eq!(r.identity_server.app_armor, AppArmor::Enabled);
                assert!(
                    decision(&d, "identityServer.appArmor").contains("admitted"),
                    "{d:#?}"
                );
                assert_eq!(r.cluster.sizing, Sizing::Chart);
                assert!(
                    ingress.contains("cloud-provider-kind") && ingress.contains("ignores"),
                    "{ingress}"
                );
                assert!(
                    ingress.contains("cluster.ingress.install: true"),
                    "{ingress}"
                );
                // offered as a step the executor runs, with kind's settings
                let mut q = r.clone();
                q.cluster.ingress.install = true;
                let pre = step_commands(&kmpilot::steps::plan(&q), StepId::Prerequisites);
                assert!(
                    pre.iter().any(|c| c
                        .starts_with("helm upgrade --install ingress-nginx ingress-nginx")
                        && c.contains("controller.hostPort.enabled=true")
                        && c.contains("publish-status-address=localhost")),
                    "{pre:#?}"
                );
                assert!(
                    pre.iter().any(|c| c.contains("retired in March 2026")),
                    "{pre:#?}"
                );
            }
            "minikube" => {
                assert_eq!(r.cluster.kind, ClusterKind::Minikube);
                assert!(
                    image
                        .iter()
                        .any(|c| c
                            == "minikube image load localhost:5000/wso2is-km:7.1.0 -p minikube"),
                    "{image:#?}"
                );
                assert_eq!(r.identity_server.app_armor, AppArmor::Disabled);
                assert!(decision(&d, "identityServer.appArmor").contains("Buildroot"));
                assert!(
                    is_values.contains("apparmor:\n    enabled: false"),
                    "{is_values}"
                );
                assert!(
                    ingress.contains("ingress-nginx") && ingress.contains("retired"),
                    "{ingress}"
                );
                let sizing = decision(&d, "cluster.sizing");
                assert!(sizing.contains("will not fit"), "{sizing}");
            }
            "k3d" => {
                assert_eq!(r.cluster.kind, ClusterKind::K3d);
                assert_eq!(r.cluster.name.as_deref(), Some("noapparmor"));
                assert!(
                    image
                        .iter()
                        .any(|c| c
                            == "k3d image import localhost:5000/wso2is-km:7.1.0 -c noapparmor"),
                    "{image:#?}"
                );
                // nothing in the node says so: the kubelet (the kwok stage) rejected the probe
                assert_eq!(r.identity_server.app_armor, AppArmor::Disabled);
                let why = decision(&d, "identityServer.appArmor");
                assert!(
                    why.contains("Cannot enforce AppArmor: AppArmor is not enabled on the host"),
                    "{why}"
                );
                assert!(ingress.contains("Traefik"), "{ingress}");
                assert_eq!(r.cluster.sizing, Sizing::Chart);
            }
            "docker-desktop" => {
                assert_eq!(r.cluster.kind, ClusterKind::DockerDesktop);
                assert_eq!(r.identity_server.image.delivery, Delivery::Shared);
                assert!(
                    !image.iter().any(|c| c.starts_with("docker push")),
                    "{image:#?}"
                );
                assert_eq!(r.identity_server.app_armor, AppArmor::Disabled);
                assert!(decision(&d, "identityServer.appArmor").contains("LinuxKit"));
                // 4 CPUs minus the system pods' 950m cannot hold 2 × 2 CPUs; 2 × 500m fits
                assert_eq!(r.cluster.sizing, Sizing::Laptop, "{d:#?}");
                assert!(
                    decision(&d, "cluster.sizing").contains("3050m CPU"),
                    "{d:#?}"
                );
                let apim_values = plan
                    .artifact("api-manager/values.yaml")
                    .unwrap()
                    .content
                    .clone();
                assert!(apim_values.contains("cpu: 500m") && is_values.contains("cpu: 500m"));
                assert!(is_values.contains("failureThreshold: 90"), "{is_values}");
                assert!(
                    ingress.contains("no controller that can reach an HTTPS backend"),
                    "{ingress}"
                );
                // a pod asking for AppArmor on this node is rejected as the kubelet does, and
                // kmpilot explains it
                apply_json(
                    &kc,
                    &serde_json::json!({
                        "apiVersion": "v1", "kind": "Pod",
                        "metadata": {"name": "apparmor-pod", "namespace": "kube-system",
                                     "labels": {"kmpilot.test/cluster-kinds": test}},
                        "spec": {"nodeName": "docker-desktop", "containers": [{"name": "wso2is", "image": "wso2/wso2is:7.1.0",
                            "securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}}}]},
                    }),
                );
                let k = tc.kube().await;
                let pods: kube::Api<k8s_openapi::api::core::v1::Pod> =
                    kube::Api::namespaced(k.client(), "kube-system");
                let why = support::eventually(
                    "the AppArmor pod is rejected",
                    Duration::from_secs(60),
                    || {
                        let pods = pods.clone();
                        async move {
                            let p = pods.get("apparmor-pod").await.ok()?;
                            kmpilot::kube::rows::pod_problem(&p)
                        }
                    },
                )
                .await;
                assert!(
                    why.contains("AppArmor is not enabled on the host")
                        && why.contains("identityServer.appArmor: disabled"),
                    "{why}"
                );
            }
            "eks" => {
                assert_eq!(r.cluster.kind, ClusterKind::Eks);
                assert_eq!(r.identity_server.image.delivery, Delivery::Push);
                assert!(
                    image
                        .iter()
                        .any(|c| c == "docker push localhost:5000/wso2is-km:7.1.0"),
                    "{image:#?}"
                );
                assert_eq!(r.identity_server.app_armor, AppArmor::Enabled);
                assert!(
                    ingress.contains("AWS Load Balancer Controller"),
                    "{ingress}"
                );
                // 1805m left per node: an m5.large never holds a 2-CPU request, however many
                // the node group adds; 500m does
                assert_eq!(r.cluster.sizing, Sizing::Laptop, "{d:#?}");
                assert!(
                    decision(&d, "cluster.sizing").contains("1805m CPU"),
                    "{d:#?}"
                );
            }
            _ => unreachable!(),
        }

        // too small: refused before anything is installed, with the numbers
        if test == "minikube" {
            let mut q = p.clone();
            q.identity_server.image.build = false;
            let pf = write_profile(dir.path(), &q);
            let t0 = Instant::now();
            let out = kmpilot(&["apply", "-f", pf.to_str().unwrap(), "--yes"], &kconf);
            let took = t0.elapsed();
            let stderr = String::from_utf8_lossy(&out.stderr).to_string();
            let stdout = String::from_utf8_lossy(&out.stdout).to_string();
            assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
            assert!(stderr.contains("will not fit"), "{stdout}\n{stderr}");
            assert!(
                stderr.contains("minikube: 1250m CPU / 3.7Gi free of 2 / 3.8Gi"),
                "the numbers: {stderr}"
            );
            assert!(
                stderr.contains("give the cluster more CPU/memory"),
                "{stderr}"
            );
            // nothing installed: not even the namespace
            let nsout = kubectl(&kc, &["get", "namespace", &ns]);
            assert!(!nsout.status.success(), "namespace {ns} was created");
            report.push(format!(
                "minikube: apply → stop: will not fit in {:.2} s",
                took.as_secs_f64()
            ));
        }

        // the DNS step with the ingress address as this kind's controller reports it
        if let Some((field, value)) = s.ingress_status {
            ingress_with_status(&kc, &ns, &r, field, value);
            std::fs::write(&hosts, "127.0.0.1 localhost\n").unwrap();
            let pf = write_profile(dir.path(), &p);
            let out = kmpilot(
                &[
                    "apply",
                    "-f",
                    pf.to_str().unwrap(),
                    "--only",
                    "dns",
                    "--yes",
                ],
                &kconf,
            );
            let stdout = String::from_utf8_lossy(&out.stdout).to_string();
            let text = std::fs::read_to_string(&hosts).unwrap();
            for line in text
                .lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            {
                let first = line.split_whitespace().next().unwrap_or("");
                assert!(
                    first.parse::<std::net::IpAddr>().is_ok(),
                    "{test}: a hosts line starts with {first:?}: {text}"
                );
            }
            match test {
                "docker-desktop" => {
                    assert!(text.contains("127.0.0.1 am.wso2.com"), "{text}\n{stdout}")
                }
                "eks" => {
                    assert!(!text.contains("am.wso2.com"), "{text}");
                    assert!(
                        stdout.contains(&format!("am.wso2.com. CNAME {value}.")),
                        "{stdout}"
                    );
                }
                _ => assert!(
                    text.contains(&format!("{value} am.wso2.com")),
                    "{text}\n{stdout}"
                ),
            }
            assert!(
                out.status.success(),
                "{test}: {stdout}\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }

        let _ = kubectl(&kc, &["delete", "namespace", &ns, "--wait=false"]);
    }
    let _ = writeln_stderr(&report.join("\n"));
}

fn writeln_stderr(s: &str) -> std::io::Result<()> {
    use std::io::Write;
    writeln!(std::io::stderr(), "{s}")
}

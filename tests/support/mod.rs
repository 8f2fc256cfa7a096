//! Shared gate and helpers for tests that need a real control plane
//! (`scripts/with-test-cluster cargo test --test kube_cluster`, `--test helm_cluster`, …).
#![allow(dead_code)] // each test binary uses a different subset

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use kmpilot::kube::Kube;

pub mod deployment;
pub mod one_file;
pub mod tmux;
pub mod tui;

/// The cluster `scripts/with-test-cluster` (or `eval "$(scripts/test-cluster up)"`) exported.
#[derive(Debug, Clone)]
pub struct TestCluster {
    pub kubeconfig: PathBuf,
    /// `KMPILOT_TEST_CLUSTER`: the cluster name the scripts use (for restart-apiserver).
    pub name: String,
}

/// The test cluster, or `None` with a visible SKIPPED line when there is none. Under CI
/// (`CI=true`) a missing cluster is a failure: a test suite that silently skips its cluster
/// tests proves nothing.
pub fn test_cluster() -> Option<TestCluster> {
    let name = std::env::var("KMPILOT_TEST_CLUSTER")
        .ok()
        .filter(|s| !s.is_empty());
    let kubeconfig = std::env::var_os("KUBECONFIG").filter(|s| !s.is_empty());
    match (name, kubeconfig) {
        (Some(name), Some(kubeconfig)) => Some(TestCluster {
            kubeconfig: PathBuf::from(kubeconfig),
            name,
        }),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                panic!(
                    "CI=true but no test cluster: run the cluster tests under \
                     scripts/with-test-cluster (KMPILOT_TEST_CLUSTER and KUBECONFIG unset)"
                );
            }
            // straight to the stream: libtest captures print!/eprint! of passing tests
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: no test cluster (run under scripts/with-test-cluster)"
            );
            None
        }
    }
}

impl TestCluster {
    pub async fn kube(&self) -> Kube {
        Kube::connect(Some(&self.kubeconfig), None)
            .await
            .expect("client for the test cluster")
    }

    /// `kubectl` against the test cluster (on PATH from the scripts).
    pub fn kubectl(&self, args: &[&str]) -> std::process::Output {
        Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("--request-timeout=20s")
            .args(args)
            .output()
            .expect("run kubectl (is the test cluster's PATH exported?)")
    }

    /// `scripts/test-cluster ARGS` for this cluster.
    pub fn script(&self, args: &[&str]) -> std::process::Output {
        Command::new(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/test-cluster"))
            .args(args)
            .env("KMPILOT_TEST_CLUSTER_NAME", &self.name)
            .output()
            .expect("run scripts/test-cluster")
    }

    /// A namespace for one test, named after it, created fresh (a leftover from an earlier
    /// run is deleted first) and deleted when the guard drops — also when the test panics.
    pub fn namespace(&self, test_name: &str) -> Cleanup {
        let ns: String = test_name
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .take(63)
            .collect::<String>()
            .trim_matches('-')
            .to_string();
        let out = self.kubectl(&[
            "delete",
            "namespace",
            &ns,
            "--ignore-not-found",
            "--wait=true",
            "--timeout=60s",
        ]);
        assert!(
            out.status.success(),
            "delete leftover namespace {ns}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = self.kubectl(&["create", "namespace", &ns]);
        assert!(
            out.status.success(),
            "create namespace {ns}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut c = Cleanup {
            cluster: self.clone(),
            name: ns.clone(),
            deletes: Vec::new(),
        };
        c.delete_on_drop(&["namespace", &ns]);
        c
    }
}

/// Deletes what a test created (namespace, cluster-scoped objects) when dropped.
pub struct Cleanup {
    cluster: TestCluster,
    /// The namespace name.
    pub name: String,
    deletes: Vec<Vec<String>>,
}

impl Cleanup {
    /// `kubectl delete ARGS --ignore-not-found --wait=false` on drop, in reverse order.
    pub fn delete_on_drop(&mut self, args: &[&str]) {
        self.deletes
            .push(args.iter().map(|s| s.to_string()).collect());
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        for args in self.deletes.iter().rev() {
            let mut a: Vec<&str> = vec!["delete"];
            a.extend(args.iter().map(String::as_str));
            a.extend(["--ignore-not-found", "--wait=false"]);
            let _ = self.cluster.kubectl(&a);
        }
    }
}

/// Polls `f` until it returns `Some`, at most `timeout`; panics naming `what`.
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(t) = f().await {
            return t;
        }
        assert!(
            start.elapsed() < timeout,
            "timed out after {timeout:?}: {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `kubectl apply -f -` of `yaml` against the exported test cluster; panics with the YAML on
/// failure.
pub fn apply_yaml(yaml: &str) {
    let mut c = Command::new("kubectl")
        .args(["apply", "-f", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("run kubectl (is the test cluster's PATH exported?)");
    c.stdin
        .take()
        .expect("piped")
        .write_all(yaml.as_bytes())
        .expect("write to kubectl");
    assert!(
        c.wait().expect("kubectl ran").success(),
        "kubectl apply failed for:\n{yaml}"
    );
}

/// The IngressClass installing the NGINX ingress controller leaves behind; once per test
/// binary, since parallel creates of the same object race (AlreadyExists).
pub fn ensure_nginx_ingress_class() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        apply_yaml(
            "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: nginx}\nspec: {controller: k8s.io/ingress-nginx}\n",
        )
    });
}

/// `kubectl` on PATH (the test cluster's KUBECONFIG is in the environment); its output as it is.
pub fn kubectl(args: &[&str]) -> Output {
    Command::new("kubectl")
        .args(args)
        .output()
        .expect("kubectl on PATH")
}

/// Creates `ns` empty. A namespace an earlier run deleted with --wait=false may still be
/// terminating: objects put into it would vanish with it, so wait for it to be gone first.
pub fn fresh_namespace(ns: &str) {
    ok(&kubectl(&[
        "delete",
        "namespace",
        ns,
        "--ignore-not-found",
        "--wait=true",
        "--timeout=120s",
    ]));
    ok(&kubectl(&["create", "namespace", ns]));
}

/// `kubectl get KIND NAME -n NS -o jsonpath=PATH`: what it printed (the test fails when
/// kubectl does).
pub fn jsonpath(kind: &str, name: &str, ns: &str, path: &str) -> String {
    ok(&kubectl(&[
        "get",
        kind,
        name,
        "-n",
        ns,
        "-o",
        &format!("jsonpath={path}"),
    ]))
}

/// The standard output of a command that must have succeeded (else the test fails with both streams).
pub fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// The stand-in charts (`tests/charts`), used in place of the WSO2 charts no test machine can download.
pub fn charts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/charts")
}

/// The API-M stand-in chart of a line (`4.7`): `wso2am-4.7-standin`; 4.5's is the first one
/// written, `wso2am-standin`.
pub fn apim_standin(line: &str) -> PathBuf {
    if line == "4.5" {
        charts().join("wso2am-standin")
    } else {
        charts().join(format!("wso2am-{line}-standin"))
    }
}

/// The `version` of a chart directory's Chart.yaml (a stand-in's: the line it stands in for).
pub fn chart_version(chart: &Path) -> String {
    let text = std::fs::read_to_string(chart.join("Chart.yaml")).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("version:"))
        .map(|v| v.trim().trim_matches('"').to_string())
        .unwrap_or_else(|| panic!("{} has no version", chart.display()))
}

/// Plays the ingress controller: gives release `release`'s management ingress in `ns` the
/// address `ip` once it exists (or stops waiting when `child`, the apply, ended first).
pub fn publish_ingress_address(ns: &str, release: &str, ip: &str, child: &mut std::process::Child) {
    let (name, patch) = ingress_address(release, ip);
    publish_status(ns, "ingress", &name, &patch, child)
}

/// [`publish_ingress_address`] once, without waiting: whether the ingress existed (and now has
/// the address).
pub fn try_publish_ingress_address(ns: &str, release: &str, ip: &str) -> bool {
    let (name, patch) = ingress_address(release, ip);
    try_publish_status(ns, "ingress", &name, &patch)
}

/// The management ingress of `release` and the status patch that gives it the address `ip`.
fn ingress_address(release: &str, ip: &str) -> (String, String) {
    (
        format!("{release}-wso2am-all-in-one-management-ingress"),
        format!(r#"{{"status":{{"loadBalancer":{{"ingress":[{{"ip":"{ip}"}}]}}}}}}"#),
    )
}

/// Plays a controller: once `kind/name` exists in `ns`, writes `patch` into its status (or
/// stops waiting when `child`, the apply, ended first).
pub fn publish_status(
    ns: &str,
    kind: &str,
    name: &str,
    patch: &str,
    child: &mut std::process::Child,
) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(240) {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        if try_publish_status(ns, kind, name, patch) {
            return;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    panic!("{kind} {name} never appeared");
}

/// [`publish_status`] once, without waiting: whether `kind/name` existed (and now has `patch`).
pub fn try_publish_status(ns: &str, kind: &str, name: &str, patch: &str) -> bool {
    if !kubectl(&["get", kind, name, "-n", ns, "-o", "name"])
        .status
        .success()
    {
        return false;
    }
    ok(&kubectl(&[
        "patch",
        kind,
        name,
        "-n",
        ns,
        "--subresource=status",
        "--type=merge",
        "-p",
        patch,
    ]));
    true
}

/// A copy of the folder `from` (a stand-in chart a test changes) at `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let t = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), t).unwrap();
        }
    }
}

/// The directory holding the helm of `major` (4 or 3) that scripts/build-test-bins built: from
/// `KMPILOT_TEST_HELM3`/`KMPILOT_TEST_HELM4` (scripts/test-cluster env), else the script's
/// cache dirs. `None` with a visible SKIPPED line when it is not built; a failure under CI.
pub fn helm_dir(major: u8) -> Option<PathBuf> {
    let from_env = std::env::var_os(format!("KMPILOT_TEST_HELM{major}"))
        .map(PathBuf::from)
        .and_then(|p| p.parent().map(Path::to_path_buf));
    let dir = from_env.or_else(|| {
        let flag = if major == 4 {
            "--print-helm4-dir"
        } else {
            "--print-dir"
        };
        let o = Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/build-test-bins"))
            .arg(flag)
            .output()
            .ok()?;
        Some(PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
    });
    match dir.filter(|d| d.join("helm").is_file()) {
        Some(d) => Some(d),
        None if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") => {
            panic!("CI=true but no Helm {major} built (scripts/build-test-bins)")
        }
        None => {
            let _ = writeln!(std::io::stderr(), "SKIPPED: no Helm {major} built");
            None
        }
    }
}

/// `PATH` with `dir` first (the helm a child process runs).
pub fn path_with(dir: &Path) -> std::ffi::OsString {
    let mut paths = vec![dir.to_path_buf()];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).unwrap()
}

/// One helm major for a test that runs helm: a PATH with that helm first, and a fresh folder
/// (`work`) holding `user_plugins`, the person's helm plugins folder, which must stay empty.
pub struct WithHelm {
    pub major: u8,
    pub path: std::ffi::OsString,
    pub work: tempfile::TempDir,
    pub user_plugins: PathBuf,
}

impl WithHelm {
    /// `c` with this helm first on PATH and the person's (empty) plugins as HELM_PLUGINS.
    pub fn env<'c>(&self, c: &'c mut Command) -> &'c mut Command {
        c.env("PATH", &self.path)
            .env("HELM_PLUGINS", &self.user_plugins)
    }
}

/// `test` with Helm 4, then with Helm 3 (as `helm_dir` finds them: a major not built is
/// skipped, and fails on CI); after each, nothing was written into the person's plugins.
pub fn for_each_helm(mut test: impl FnMut(&WithHelm)) {
    for major in [4u8, 3] {
        let Some(helm_dir) = helm_dir(major) else {
            continue;
        };
        let work = tempfile::tempdir().unwrap();
        let user_plugins = work.path().join("user-plugins");
        std::fs::create_dir(&user_plugins).unwrap();
        let h = WithHelm {
            major,
            path: path_with(&helm_dir),
            work,
            user_plugins,
        };
        test(&h);
        assert_eq!(
            std::fs::read_dir(&h.user_plugins).unwrap().count(),
            0,
            "Helm {major}: nothing written into the person's plugins"
        );
    }
}

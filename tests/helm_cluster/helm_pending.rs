//! An interrupted install leaves the Helm release `pending-install`; `kmpilot apply --resume`
//! recovers it and completes. Against the real test control plane with the real helm and the
//! stand-in charts: a ResourceQuota of zero pods in the namespace keeps the IS and API-M pods
//! from ever being created, so both `helm upgrade --install --wait`, running side by side,
//! wait; once helm has recorded both releases as pending-install the test kills both helm
//! processes with SIGKILL (they cannot clean up), lifts the quota (the pods can now start, as
//! after a fixed cluster), and resumes.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::support;

fn run(cmd: &str, args: &[&str]) -> Output {
    Command::new(cmd).args(args).output().expect("on PATH")
}

fn helm_status(ns: &str, release: &str) -> Option<String> {
    let o = run("helm", &["status", release, "-n", ns, "-o", "json"]);
    if !o.status.success() {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).ok()?;
    v["info"]["status"].as_str().map(str::to_string)
}

/// The helm processes whose parent is `parent`.
fn helm_children(parent: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // "pid (comm) state ppid …"
        let Some((comm, rest)) = stat.split_once(") ") else {
            continue;
        };
        let ppid = rest
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse::<u32>().ok());
        if comm.ends_with("(helm") && ppid == Some(parent) {
            out.push(pid);
        }
    }
    out
}

#[test]
fn a_release_left_pending_by_a_killed_helm_is_recovered_by_resume() {
    let _turn = support::one_file::turn(module_path!());
    if support::test_cluster().is_none() {
        return;
    }
    let ns = "kmp-pending";
    let _ = run(
        "kubectl",
        &[
            "delete",
            "namespace",
            ns,
            "--wait=true",
            "--ignore-not-found",
        ],
    );
    support::ensure_nginx_ingress_class();
    assert!(
        run("kubectl", &["create", "namespace", ns])
            .status
            .success()
    );
    support::apply_yaml(&format!(
        "apiVersion: v1\nkind: ResourceQuota\nmetadata: {{name: no-pods, namespace: {ns}}}\nspec: {{hard: {{pods: \"0\"}}}}\n"
    ));
    let dir = tempfile::tempdir().unwrap();
    let charts = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/charts");
    let profile = dir.path().join("p.yaml");
    std::fs::write(
        &profile,
        format!(
            "apiVersion: kmpilot/v1\nkind: Profile\nname: {ns}\ncluster: {{ namespace: {ns} }}\n\
             identityServer:\n  chart: {is}\n  hostname: is.{ns}.test\n  image: {{ build: false, registry: docker.io, repository: wso2/wso2is, tag: \"7.1.0\" }}\n  helmTimeoutMinutes: 3\n\
             apiManager:\n  chart: {am}\n  chartVersion: 4.5.0-10\n  hostnames: {{ management: am.{ns}.test, gateway: gw.{ns}.test, websocket: ws.{ns}.test, websub: websub.{ns}.test }}\n  helmTimeoutMinutes: 3\n\
             keyManager: {{ register: false }}\ndns: {{ mode: none }}\n",
            is = charts.join("identity-server-standin").display(),
            am = charts.join("wso2am-standin").display(),
        ),
    )
    .unwrap();
    let apply = |extra: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_kmpilot"));
        c.args(["apply", "--yes", "-f"])
            .arg(&profile)
            .args(extra)
            .env("KMPILOT_STATE_DIR", dir.path().join("state"))
            .env("KEYSTORE_PASSWORD", "kmpilot-test-store")
            .env("APIM_ADMIN_PASSWORD", "kmpilot-test-admin")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        c
    };

    // the first run: IS's and API-M's helm run side by side (both need only the keystores),
    // and both wait for pods the quota never lets exist
    let mut first = apply(&[]).spawn().unwrap();
    let end = Instant::now() + Duration::from_secs(240);
    let killed = loop {
        assert!(
            Instant::now() < end,
            "the IS and API-M releases never both showed pending-install"
        );
        if let Ok(Some(st)) = first.try_wait() {
            let out = first.wait_with_output().unwrap();
            panic!(
                "apply ended ({st}) before helm could be killed:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let pending = |r| helm_status(ns, r).as_deref() == Some("pending-install");
        if pending("is") && pending("apim") {
            // two helm processes in the middle of their installs, killed at once
            let pids = helm_children(first.id());
            if pids.len() == 2 {
                for pid in &pids {
                    assert!(run("kill", &["-9", &pid.to_string()]).status.success());
                }
                break pids;
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let out = first.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "the run with helm {killed:?} killed failed"
    );
    // helm could not clean up: the releases are stuck, and a plain helm upgrade would refuse
    for r in ["is", "apim"] {
        assert_eq!(
            helm_status(ns, r).as_deref(),
            Some("pending-install"),
            "{r}: {stderr}"
        );
    }

    // the cluster is fixed; the resumed run recovers the release and completes
    assert!(
        run("kubectl", &["delete", "resourcequota", "no-pods", "-n", ns])
            .status
            .success()
    );
    let out = apply(&["--resume"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "resume failed:\n{stdout}\n{stderr}");
    for r in ["is", "apim"] {
        assert!(
            stdout.contains(&format!("recovering {r}: helm uninstall {r}")),
            "the pending release {r} was not recovered:\n{stdout}"
        );
    }
    assert_eq!(helm_status(ns, "is").as_deref(), Some("deployed"));
    assert_eq!(helm_status(ns, "apim").as_deref(), Some("deployed"));
    let _ = run("kubectl", &["delete", "namespace", ns, "--wait=false"]);
}

//! `kmpilot apply` against the real test control plane (kube-apiserver + etcd + controller
//! manager + scheduler + kwok nodes, started by `scripts/with-test-cluster`), with the real
//! helm and the project's stand-in charts (tests/charts) in place of the WSO2 charts, which
//! no test machine can download. The ingress address is written into the ingress status by the
//! test, as an ingress controller would.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support;
use support::deployment::{Deployment, finish};
use support::{charts, copy_dir, jsonpath, kubectl, ok};

/// The shared gate: a visible SKIPPED without a cluster, a failure under CI.
fn cluster() -> bool {
    support::test_cluster().is_some()
}

/// The quickstart with the API-M chart `apim_chart`, as profile.yaml.
fn write_profile(run: &Deployment, apim_chart: &Path) -> PathBuf {
    let text = run.profile_yaml(&charts().join("identity-server-standin"), apim_chart, "");
    run.write("profile.yaml", &text)
}

#[test]
fn quickstart_applies_with_standin_charts_and_a_second_run_creates_nothing() {
    let _turn = support::one_file::turn(module_path!());
    if !cluster() {
        return;
    }
    let run = Deployment::new("kmp-e2e");
    let profile = write_profile(&run, &charts().join("wso2am-standin"));
    let mut child = run.spawn_apply(&profile, &[]);
    run.publish_ingress_address("10.20.30.40", &mut child);
    let (code, out, err) = finish(child);
    assert_eq!(code, 0, "apply failed\nstdout:\n{out}\nstderr:\n{err}");

    // the hosts file maps every hostname to the ingress address, between markers
    let hosts = run.hosts();
    assert!(hosts.starts_with("127.0.0.1 localhost\n"));
    assert!(hosts.contains("10.20.30.40 am.kmp-e2e.test gw.kmp-e2e.test ws.kmp-e2e.test websub.kmp-e2e.test is.kmp-e2e.test"), "{hosts}");
    // the keystores reached the cluster under the names the values use
    let keys = jsonpath("secret", "apim-keystores", "kmp-e2e", "{.data}");
    for f in [
        "wso2carbon.jks",
        "wso2tls.jks",
        "wso2internal.jks",
        "client-truststore.jks",
    ] {
        assert!(keys.contains(f), "{f} missing from {keys}");
    }
    assert_eq!(
        jsonpath("secret", "wso2-ingress-tls", "kmp-e2e", "{.type}"),
        "kubernetes.io/tls"
    );
    // both releases deployed, their pods running on kwok nodes
    let releases = ok(&Command::new("helm")
        .args(["list", "-n", "kmp-e2e", "-o", "json"])
        .output()
        .unwrap());
    assert!(
        releases.contains("\"name\":\"is\"")
            && releases.contains("\"name\":\"apim\"")
            && releases.matches("deployed").count() == 2,
        "{releases}"
    );
    let phases = ok(&kubectl(&[
        "get",
        "pods",
        "-n",
        "kmp-e2e",
        "-o",
        "jsonpath={.items[*].status.phase}",
    ]));
    assert_eq!(
        phases
            .split_whitespace()
            .filter(|p| *p == "Running")
            .count(),
        2,
        "{phases}"
    );
    // no secret value in what was printed
    assert!(!out.contains("kmpilot-test-store") && !err.contains("kmpilot-test-store"));
    assert!(!out.contains("kmpilot-test-admin") && !err.contains("kmpilot-test-admin"));

    // doctor: pods and ingresses are healthy; the test hostnames are mapped only in the
    // profile's own hosts file, which doctor reads and says so; the console URLs answer
    // nowhere (no resolver reads that file), so the deployment is not healthy
    let o = Command::new(env!("CARGO_BIN_EXE_kmpilot"))
        .args(["doctor", "-o", "json", "-f"])
        .arg(&profile)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let checks = report["checks"].as_array().unwrap();
    let of = |kind: &str| {
        checks
            .iter()
            .filter(|c| c["check"] == kind)
            .collect::<Vec<_>>()
    };
    assert_eq!(of("pod").len(), 2);
    assert!(of("pod").iter().all(|c| c["ok"] == true), "{report}");
    assert!(
        of("ingress")
            .iter()
            .any(|c| c["ok"] == true && c["detail"].as_str().unwrap().contains("10.20.30.40")),
        "{report}"
    );
    assert!(
        of("dns").iter().all(|c| c["ok"] == true
            && c["detail"]
                .as_str()
                .unwrap()
                .contains("mapped to 10.20.30.40 in")),
        "{report}"
    );
    assert!(of("url").iter().all(|c| c["ok"] == false), "{report}");
    assert_eq!(report["healthy"], false);

    // a second full run changes nothing that exists and creates nothing new
    let before = (
        run.names("secrets").len(),
        run.names("ingresses").len(),
        run.names("deployments").len(),
        run.names("services").len(),
    );
    let child = run.spawn_apply(&profile, &[]);
    let (code, out, err) = finish(child);
    assert_eq!(code, 0, "second apply failed\n{out}\n{err}");
    let after = (
        run.names("secrets").len(),
        run.names("ingresses").len(),
        run.names("deployments").len(),
        run.names("services").len(),
    );
    assert_eq!(before, after);
    assert_eq!(run.hosts(), hosts);
    assert!(out.contains("already maps 10.20.30.40"), "{out}");
}

#[test]
fn a_dry_run_changes_nothing() {
    let _turn = support::one_file::turn(module_path!());
    if !cluster() {
        return;
    }
    let run = Deployment::new("kmp-dry");
    let _ = kubectl(&["create", "namespace", "kmp-dry"]);
    let profile = write_profile(&run, &charts().join("wso2am-standin"));
    let (code, out, err) = finish(run.spawn_apply(&profile, &["--dry-run", "--only", "keystores"]));
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("(dry run)"), "{out}");
    assert_eq!(run.names("secrets").len(), 0, "a dry run stored nothing");
    assert!(
        !run.dir.path().join("state/journal/kmp-dry.json").exists(),
        "a dry run records nothing"
    );
}

#[test]
fn a_failing_helm_step_stops_the_run_and_resume_finishes_it() {
    let _turn = support::one_file::turn(module_path!());
    if !cluster() {
        return;
    }
    let run = Deployment::new("kmp-resume");
    // a chart that renders offline (so it verifies) but fails when helm installs it: helm
    // fails in the api-manager step, after IS is installed
    let broken = run.dir.path().join("fails-on-install");
    copy_dir(&charts().join("wso2am-standin"), &broken);
    std::fs::write(
        broken.join("templates/fail-on-install.yaml"),
        "{{- if (lookup \"v1\" \"Namespace\" \"\" .Release.Namespace) }}{{ fail \"simulated install failure\" }}{{ end -}}\n",
    )
    .unwrap();
    let profile = write_profile(&run, &broken);
    let (code, out, err) = finish(run.spawn_apply(&profile, &[]));
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        err.contains("api-manager failed: helm exited with"),
        "{err}"
    );
    assert!(err.contains("hint:"), "{err}");
    assert!(err.contains("--resume"), "{err}");
    assert_eq!(
        run.names("deployments").len(),
        1,
        "IS was installed before the failure"
    );

    // fix the profile and resume: the finished steps are skipped, the rest runs
    let profile = write_profile(&run, &charts().join("wso2am-standin"));
    let mut child = run.spawn_apply(&profile, &["--resume"]);
    run.publish_ingress_address("10.20.30.41", &mut child);
    let (code, out, err) = finish(child);
    assert_eq!(code, 0, "{out}\n{err}");
    for step in ["prerequisites", "keystores", "identity-server"] {
        assert!(
            out.contains(&format!("{step} — skipped: done in an earlier run")),
            "{step} not skipped:\n{out}"
        );
    }
    assert!(out.contains("✓ api-manager"), "{out}");
    assert_eq!(run.names("deployments").len(), 2);
}

/// A chart whose rendering fails verification (its deployment.toml declares a table twice
/// once the profile's extraToml is in) stops `apply` before anything changes: no step before
/// it runs, no release, no secret.
#[test]
fn a_chart_that_fails_verification_stops_apply_with_the_cluster_untouched() {
    let _turn = support::one_file::turn(module_path!());
    if !cluster() {
        return;
    }
    let run = Deployment::new("kmp-verify");
    let _ = kubectl(&["create", "namespace", "kmp-verify"]);
    // a chart version whose template declares [role_mgt] itself: kmpilot's own extraConfigs
    // (createRoles) declare it too — only the rendered whole shows the clash
    let chart = run.dir.path().join("is-declares-role-mgt");
    copy_dir(&charts().join("identity-server-standin"), &chart);
    let toml = chart.join("confs/deployment.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        text.replace(
            "[realm_manager]",
            "[role_mgt]\nallow_system_prefix_for_role = false\n\n[realm_manager]",
        ),
    )
    .unwrap();
    let profile = write_profile(&run, &charts().join("wso2am-standin"));
    let text = std::fs::read_to_string(&profile)
        .unwrap()
        .replace(
            &format!(
                "  chart: {}",
                charts().join("identity-server-standin").display()
            ),
            &format!("  chart: {}", chart.display()),
        )
        .replace(
            "keyManager: { register: false }",
            "keyManager: { register: false, createRoles: true }",
        );
    std::fs::write(&profile, text).unwrap();
    let (code, out, err) = finish(run.spawn_apply(&profile, &[]));
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(err.contains("identity-server failed: verification found 1 error(s) in the rendered identity-server chart; nothing was installed"), "{err}");
    assert!(
        format!("{out}{err}").contains("table [role_mgt] is declared twice"),
        "{out}\n{err}"
    );
    assert!(
        !out.contains("✓ prerequisites") && !out.contains("✓ keystores"),
        "no step ran: {out}"
    );
    let releases = ok(&Command::new("helm")
        .args(["list", "-n", "kmp-verify", "-q"])
        .args(kmpilot::plan::helm::LIST_ANY_STATE)
        .output()
        .unwrap());
    assert_eq!(releases.trim(), "", "no release");
    assert_eq!(
        run.names("secrets").len(),
        0,
        "no secret created or changed"
    );
    assert!(
        run.names("configmaps").len() <= 1,
        "only the namespace root CA ConfigMap"
    );
}

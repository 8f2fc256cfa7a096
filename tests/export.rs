//! `kmpilot export`: every artifact plus an executable runbook.sh that bash accepts; never
//! writes into a directory of the user's own files; a second export replaces the first.

use assert_cmd::Command;

mod support;

fn profile(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("profiles")
        .join(format!("{name}.yaml"))
}

/// `kmpilot export -f <example> -o OUT_DIR`.
fn export(name: &str, out_dir: &std::path::Path) -> std::process::Output {
    Command::cargo_bin("kmpilot")
        .unwrap()
        .args(["export", "-f"])
        .arg(profile(name))
        .arg("-o")
        .arg(out_dir)
        .output()
        .unwrap()
}

#[test]
fn export_writes_every_artifact_and_a_valid_runbook() {
    for name in ["quickstart", "production-like", "privatejet", "kms-sts"] {
        let dir = tempfile::tempdir().unwrap();
        let out_dir = dir.path().join("out");
        let out = export(name, &out_dir);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let plan = kmpilot::steps::plan(
            &kmpilot::profile::load::from_path(&profile(name), kmpilot::steps::validate)
                .unwrap()
                .profile,
        );
        for a in &plan.artifacts {
            assert_eq!(
                std::fs::read_to_string(out_dir.join(&a.path)).unwrap(),
                a.content,
                "{name}: {}",
                a.path
            );
        }
        let runbook = out_dir.join("runbook.sh");
        use std::os::unix::fs::PermissionsExt;
        assert_ne!(
            std::fs::metadata(&runbook).unwrap().permissions().mode() & 0o111,
            0,
            "runbook is executable"
        );
        let check = std::process::Command::new("bash")
            .arg("-n")
            .arg(&runbook)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&check.stderr)
        );
        // the second export into the same directory replaces the first
        let again = export(name, &out_dir);
        assert_eq!(again.status.code(), Some(0));
    }
}

#[test]
fn export_refuses_a_directory_of_other_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let out = Command::cargo_bin("kmpilot")
        .unwrap()
        .args(["export", "-f"])
        .arg(profile("quickstart"))
        .arg("-o")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn runbook_reads_secrets_from_the_environment_only() {
    let plan = kmpilot::steps::plan(
        &kmpilot::profile::load::from_path(&profile("production-like"), kmpilot::steps::validate)
            .unwrap()
            .profile,
    );
    let rb = &plan.artifact("runbook.sh").unwrap().content;
    assert!(rb.contains(": \"${KEYSTORE_PASSWORD:?"));
    assert!(rb.contains("-storepass:env KEYSTORE_PASSWORD"));
    assert!(rb.contains("--set-file wso2.apim.configurations.adminPassword=<(printf '%s' \"$WSO2_ADMIN_PASSWORD\" | openssl pkeyutl -encrypt"));
    assert!(
        !rb.contains("--set wso2"),
        "no secret on a helm command line"
    );
}

/// The runbook of a Gateway API exposure profile decides the post-renderer by the helm it
/// runs: its start up to the helm preamble's end followed by a post-rendered command as
/// the runbook writes one drops the Ingress of a small chart with Helm 4 and with Helm 3.
#[test]
fn the_runbook_drops_the_ingress_with_helm_4_and_helm_3() {
    let mut p = kmpilot::profile::Profile::quickstart("gw");
    p.cluster.exposure.kind = kmpilot::profile::sections::exposure::ExposureKind::GatewayApi;
    let plan = kmpilot::steps::plan(&p);
    let rb = &plan.artifact("runbook.sh").unwrap().content;
    let is = plan
        .steps
        .iter()
        .flat_map(|s| &s.actions)
        .find_map(|a| match a {
            kmpilot::plan::Action::Run(c) if !c.drop_kinds.is_empty() => Some(c.command_line()),
            _ => None,
        })
        .expect("the IS install drops kinds");
    assert!(
        rb.contains(&is.replace(" -f -", "")),
        "the runbook runs {is}"
    );
    // the script up to the end of its helm preamble (before the secrets it reads)
    let end = rb.find("\nesac\n").expect("the helm preamble") + "\nesac\n".len();
    let preamble = &rb[..end];
    assert!(
        preamble.contains("KMPILOT_HELM_POST_RENDERER"),
        "{preamble}"
    );

    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("chart");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: c\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::write(
        chart.join("templates/all.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: kept\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: dropped\n",
    )
    .unwrap();
    let mut template = kmpilot::plan::Command::new("helm", ["template", "r", "./chart"]);
    template.drop_kinds = vec!["Ingress".into()];
    support::for_each_helm(|h| {
        let major = h.major;
        let work = h.work.path();
        std::os::unix::fs::symlink(&chart, work.join("chart")).unwrap();
        // the preamble's `cd "$(dirname "$0")"` is the script's own directory: here, `work`
        let script = work.join("runbook.sh");
        std::fs::write(
            &script,
            format!("{preamble}\n{}\n", template.command_line()),
        )
        .unwrap();
        let o = h
            .env(std::process::Command::new("bash").arg(&script))
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "Helm {major}: {out}\n{err}");
        assert!(out.contains("name: kept"), "Helm {major}: {out}");
        assert!(!out.contains("kind: Ingress"), "Helm {major}: {out}");
    });
}

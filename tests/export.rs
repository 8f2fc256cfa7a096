//! `kmpilot export`: every artifact plus an executable runbook.sh that bash accepts; never
//! writes into a directory of the user's own files; a second export replaces the first.

use assert_cmd::Command;

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

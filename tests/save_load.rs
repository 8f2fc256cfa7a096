//! Saving and loading: a saved profile loads back equal, a failed save leaves the old file as it
//! was, literal secrets never reach the disk, and the store commands work on a private config
//! directory.

use std::path::Path;

use assert_cmd::Command;
use kmpilot::profile::secret::SecretRef;
use kmpilot::profile::{Profile, load, save};

#[test]
fn every_example_profile_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["quickstart", "production-like", "privatejet", "kms-sts"] {
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("profiles")
            .join(format!("{name}.yaml"));
        let p = load::from_path(&src, kmpilot::steps::validate)
            .unwrap()
            .profile;
        let out = dir.path().join(format!("{name}.yaml"));
        let replaced = save::save(&p, &out).unwrap();
        assert!(replaced.is_empty());
        let again = load::from_path(&out, kmpilot::steps::validate)
            .unwrap()
            .profile;
        assert_eq!(p, again, "{name}");
    }
}

#[test]
fn literals_become_prompts_when_saved() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = Profile::quickstart("lit");
    p.keystores.store_password = SecretRef::Literal("hunter2".into());
    let out = dir.path().join("lit.yaml");
    let replaced = save::save(&p, &out).unwrap();
    assert_eq!(replaced, vec!["keystores.storePassword".to_string()]);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains("hunter2"));
    let again = load::from_path(&out, kmpilot::steps::validate)
        .unwrap()
        .profile;
    assert_eq!(again.keystores.store_password, SecretRef::Prompt(true));
}

#[test]
fn a_failed_save_leaves_the_previous_file_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.yaml");
    save::save(&Profile::quickstart("first"), &path).unwrap();
    let before = std::fs::read_to_string(&path).unwrap();
    // the write fails half-way, as on a full disk
    let err = kmpilot::util::atomic_file::write_atomic_with(&path, |f| {
        use std::io::Write;
        f.write_all(b"apiVersion: kmpilot/v1\nkind: Prof")?;
        Err(std::io::Error::other("disk full"))
    });
    assert!(err.is_err());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "temporary file left behind: {leftovers:?}"
    );
}

#[test]
fn profiles_new_list_show_use_the_store() {
    let cfg = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::cargo_bin("kmpilot")
            .unwrap()
            .env("KMPILOT_CONFIG_DIR", cfg.path())
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["profiles", "list"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("no profiles"));
    assert_eq!(run(&["profiles", "new", "lab"]).status.code(), Some(0));
    assert!(cfg.path().join("profiles/lab.yaml").exists());
    assert_eq!(
        run(&["profiles", "new", "lab"]).status.code(),
        Some(2),
        "no silent overwrite"
    );
    assert_eq!(run(&["profiles", "new", "Bad Name"]).status.code(), Some(2));
    let out = run(&["profiles", "list", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["profiles"], serde_json::json!(["lab"]));
    let out = run(&["profiles", "show", "lab"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("name: lab"));
    // a name from the store works wherever -f takes a profile
    assert_eq!(run(&["validate", "-f", "lab"]).status.code(), Some(0));
}

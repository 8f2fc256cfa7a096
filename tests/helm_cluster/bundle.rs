//! `kmpilot doctor --bundle` against the real test cluster: known secrets are planted in the
//! cluster (a Secret, a chart-style ConfigMap with a plain-text password), in the profile (a
//! literal and an env reference) and in kmpilot's log; the bundle is unpacked with the real
//! `tar` and searched for every one of them.

use std::path::Path;
use std::process::Command;

use crate::support;

const IN_SECRET: &str = "planted-secret-value-5d1c";
const IN_TOML: &str = "planted-toml-password-77";
const IN_LITERAL: &str = "planted-literal-pw-31aa";
const IN_ENV: &str = "planted-env-pw-55bb";

fn write_profile(dir: &Path, kubeconfig: &Path, ns: &str) -> std::path::PathBuf {
    let mut text = std::fs::read_to_string("profiles/quickstart.yaml").unwrap();
    text = text.replace("namespace: wso2", &format!("namespace: {ns}"));
    let mut doc: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    doc["cluster"]["namespace"] = ns.into();
    doc["cluster"]["kubeconfig"] = kubeconfig.display().to_string().into();
    doc["apiManager"]["admin"]["password"] = serde_json::json!({ "literal": IN_LITERAL });
    doc["keystores"]["storePassword"] = serde_json::json!({ "env": "BUNDLE_TEST_STORE_PW" });
    let path = dir.join("bundle-test.yaml");
    std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    path
}

#[test]
fn bundle_holds_the_cluster_state_and_none_of_the_planted_secrets() {
    let _turn = support::one_file::turn(module_path!());
    let Some(tc) = support::test_cluster() else {
        return;
    };
    let ns = tc.namespace("bundle-cluster");
    let ns = ns.name.clone();
    support::apply_yaml(&format!(
        "apiVersion: v1\nkind: Secret\nmetadata: {{name: apim-admin, namespace: {ns}}}\n\
         stringData: {{password: {IN_SECRET}}}\n---\n\
         apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: is-conf, namespace: {ns}}}\n\
         data:\n  deployment.toml: |\n    [server]\n    hostname = \"is.wso2.com\"\n    \
         [super_admin]\n    username = \"admin\"\n    password = \"{IN_TOML}\"\n---\n\
         apiVersion: v1\nkind: Pod\nmetadata: {{name: is-0, namespace: {ns}}}\n\
         spec:\n  containers: [{{name: wso2is, image: wso2/wso2is:7.1.0}}]\n"
    ));

    let work = tempfile::tempdir().unwrap();
    let state = work.path().join("state");
    std::fs::create_dir_all(&state).unwrap();
    std::fs::write(
        state.join("kmpilot.log"),
        format!("INFO a line that leaked {IN_ENV} and {IN_SECRET}\n"),
    )
    .unwrap();
    let profile = write_profile(work.path(), &tc.kubeconfig, &ns);
    let bundle = work.path().join("out").join("support.tar.gz");
    std::fs::create_dir_all(bundle.parent().unwrap()).unwrap();

    let out = Command::new(env!("CARGO_BIN_EXE_kmpilot"))
        .args(["doctor", "-f"])
        .arg(&profile)
        .arg("--bundle")
        .arg(&bundle)
        .args(["--log-lines", "50"])
        .env("KMPILOT_STATE_DIR", &state)
        .env("BUNDLE_TEST_STORE_PW", IN_ENV)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // unhealthy (no WSO2 pods run here) is exit 1; the bundle is written either way
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "doctor failed: {stderr}"
    );
    assert!(bundle.exists(), "no bundle written: {stderr}");
    assert!(stderr.contains("bundle:"), "{stderr}");

    let unpack = work.path().join("unpacked");
    std::fs::create_dir_all(&unpack).unwrap();
    let tar = Command::new("tar")
        .arg("xzf")
        .arg(&bundle)
        .arg("-C")
        .arg(&unpack)
        .output()
        .unwrap();
    assert!(
        tar.status.success(),
        "{}",
        String::from_utf8_lossy(&tar.stderr)
    );
    let root = unpack.join("kmpilot-bundle-quickstart");
    assert!(root.is_dir(), "bundle root missing");

    for file in [
        "README.txt",
        "versions.json",
        "doctor.json",
        "profile.yaml",
        "cluster/nodes.yaml",
        "cluster/nodes.txt",
        "cluster/events.yaml",
        "cluster/secrets.txt",
        "pods/is-0.txt",
        "pods/is-0.yaml",
        "config/is-conf/deployment.toml",
        "kmpilot/kmpilot.log",
        "errors.txt",
    ] {
        assert!(root.join(file).is_file(), "{file} missing from the bundle");
    }
    let read = |f: &str| std::fs::read_to_string(root.join(f)).unwrap();
    assert!(read("versions.json").contains("\"kubernetes\""));
    assert!(read("cluster/secrets.txt").contains("apim-admin"));
    assert!(read("cluster/secrets.txt").contains("keys: password"));
    assert!(read("pods/is-0.txt").contains("Name:       is-0"));
    let toml = read("config/is-conf/deployment.toml");
    assert!(toml.contains("hostname = \"is.wso2.com\""), "{toml}");
    assert!(toml.contains("password = \"«redacted»\""), "{toml}");

    // grep -r: not one planted value anywhere in the unpacked bundle
    for planted in [IN_SECRET, IN_TOML, IN_LITERAL, IN_ENV] {
        let grep = Command::new("grep")
            .args(["-r", "-l", planted])
            .arg(&unpack)
            .output()
            .unwrap();
        assert!(
            grep.stdout.is_empty(),
            "{planted} found in: {}",
            String::from_utf8_lossy(&grep.stdout)
        );
    }
    // and not in the compressed bytes either
    let raw = std::fs::read(&bundle).unwrap();
    assert!(
        !raw.windows(IN_SECRET.len())
            .any(|w| w == IN_SECRET.as_bytes())
    );
}

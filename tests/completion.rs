//! Shell completions and the man page: the hook `kmpilot completion SHELL` prints is sourced by
//! a real bash, which then asks the binary (clap_complete's dynamic engine) for candidates —
//! profile names from the store after `-f`, step ids after `--only`.

use std::path::Path;
use std::process::Command;

fn cargo_bin(_: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_BIN_EXE_kmpilot"))
}

fn store_with(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("profiles");
    std::fs::create_dir_all(&profiles).unwrap();
    let quickstart = std::fs::read_to_string("profiles/quickstart.yaml").unwrap();
    for n in names {
        std::fs::write(profiles.join(format!("{n}.yaml")), &quickstart).unwrap();
    }
    dir
}

/// Runs bash with the sourced hook and completes `line` (the last word is the one completed).
fn bash_complete(config: &Path, line: &[&str]) -> Vec<String> {
    bash_complete_with(config, line, &[])
}

/// The same, with more environment for the binary (a kubeconfig).
fn bash_complete_with(config: &Path, line: &[&str], env: &[(&str, &Path)]) -> Vec<String> {
    let bin_dir = cargo_bin("kmpilot").parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let words = line
        .iter()
        .map(|w| format!("'{w}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let cword = line.len() - 1;
    let script = format!(
        "source <(kmpilot completion bash) || exit 9\n\
         COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_TYPE=9\n\
         _clap_complete_kmpilot kmpilot '{cur}' '{prev}'\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        cur = line[cword],
        prev = line[cword - 1],
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(script)
        .env("PATH", path)
        .env("KMPILOT_CONFIG_DIR", config)
        .envs(env.iter().copied())
        .current_dir(config)
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "bash failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn bash_completes_profile_names_from_the_store_after_f() {
    let store = store_with(&["laptop-eval", "customer-acme", "lab"]);
    let got = bash_complete(store.path(), &["kmpilot", "apply", "-f", "la"]);
    assert!(got.contains(&"laptop-eval".to_string()), "{got:?}");
    assert!(got.contains(&"lab".to_string()), "{got:?}");
    assert!(!got.contains(&"customer-acme".to_string()), "{got:?}");
}

#[test]
fn bash_completes_subcommands_and_step_ids() {
    let store = store_with(&[]);
    let subs = bash_complete(store.path(), &["kmpilot", "va"]);
    assert_eq!(subs, vec!["validate".to_string()]);
    let steps = bash_complete(store.path(), &["kmpilot", "apply", "--only", "key"]);
    assert!(steps.iter().any(|s| s.starts_with("key")), "{steps:?}");
    assert!(steps.iter().all(|s| s.starts_with("key")), "{steps:?}");
}

#[test]
fn every_shell_gets_a_hook_and_an_unknown_one_is_bad_input() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = Command::new(cargo_bin("kmpilot"))
            .args(["completion", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("COMPLETE"), "{shell}: {text}");
        assert!(text.contains("kmpilot"), "{shell}: {text}");
    }
    let out = Command::new(cargo_bin("kmpilot"))
        .args(["completion", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn man_page_documents_every_command() {
    let out = Command::new(cargo_bin("kmpilot"))
        .arg("man")
        .output()
        .unwrap();
    assert!(out.status.success());
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.contains(".TH kmpilot 1"), "{page}");
    for cmd in ["validate", "plan", "apply", "doctor", "completion"] {
        assert!(page.contains(cmd), "{cmd} missing from the page");
    }

    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(cargo_bin("kmpilot"))
        .args(["man", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    for page in ["kmpilot.1", "kmpilot-apply.1", "kmpilot-profiles-list.1"] {
        let text = std::fs::read_to_string(dir.path().join(page)).unwrap();
        assert!(text.starts_with(".ie") || text.contains(".TH"), "{page}");
    }
}

#[test]
fn bash_completes_the_import_flags_and_kube_contexts() {
    let store = store_with(&[]);
    let flags = bash_complete(store.path(), &["kmpilot", "profiles", "import", "--"]);
    for f in ["--from-cluster", "--hosts-file", "--force", "--output"] {
        assert!(flags.contains(&f.to_string()), "{f} not in {flags:?}");
    }
    let kubeconfig = store.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://10.0.0.1:6443'}\n\
         users:\n- name: u\n  user: {}\ncontexts:\n- name: lab-east\n  context: {cluster: c, user: u}\n\
         - name: lab-west\n  context: {cluster: c, user: u}\n- name: prod\n  context: {cluster: c, user: u}\n",
    )
    .unwrap();
    let got = bash_complete_with(
        store.path(),
        &["kmpilot", "profiles", "import", "--context", "lab"],
        &[("KUBECONFIG", &kubeconfig)],
    );
    assert_eq!(got, vec!["lab-east".to_string(), "lab-west".to_string()]);
}

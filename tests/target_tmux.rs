//! The real binary in a real terminal names the cluster it would change before it changes it:
//! `apply`'s "Apply this plan to …? [y/N]", `destroy`'s question, and the wizard's header all
//! write the kubeconfig context, its API server and the namespace, read from the kubeconfig
//! (here one of the test's own, pointing at a port nothing listens on: nothing is changed,
//! every question is answered "no").

#[path = "support/tmux.rs"]
mod tmux;

use tmux::Tmux;

const KUBECONFIG: &str = "apiVersion: v1
kind: Config
current-context: lab-east
clusters:
- name: east
  cluster: {server: 'https://127.0.0.1:9'}
contexts:
- name: lab-east
  context: {cluster: east, user: u}
users:
- name: u
  user: {token: not-a-real-token}
";

const TARGET: &str = "context lab-east (https://127.0.0.1:9), namespace wso2";

fn start(name: &str, args: &str) -> (Tmux, tempfile::TempDir) {
    let bin = env!("CARGO_BIN_EXE_kmpilot");
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kubeconfig"), KUBECONFIG).unwrap();
    let t = Tmux {
        socket: format!("kmpilot-target-{name}-{}", std::process::id()),
    };
    t.start(&format!(
        "cd '{root}' && KUBECONFIG='{d}/kubeconfig' KMPILOT_CONFIG_DIR='{d}/config' \
         KMPILOT_STATE_DIR='{d}/state' '{bin}' {args}; echo kmpilot-exit=$?; sleep 600",
        d = dir.path().display()
    ));
    (t, dir)
}

#[test]
fn apply_names_the_context_server_and_namespace_it_would_change() {
    if !tmux::available() {
        return;
    }
    let (t, _dir) = start("apply", "apply -f profiles/quickstart.yaml");
    let (ok, s) = t.wait_for(&[&format!("Apply this plan to {TARGET}? [y/N]")], 60, || {});
    assert!(ok, "{s}");
    t.keys(&["n", "Enter"]);
    let (ok, s) = t.wait_for(&["nothing changed", "kmpilot-exit=0"], 20, || {});
    assert!(ok, "{s}");
}

#[test]
fn destroy_names_the_context_server_and_namespace_it_would_change() {
    if !tmux::available() {
        return;
    }
    let (t, _dir) = start("destroy", "destroy -f profiles/quickstart.yaml");
    let (ok, s) = t.wait_for(&[&format!("for profile quickstart on {TARGET}")], 60, || {});
    assert!(ok, "{s}");
    t.keys(&["no", "Enter"]);
    let (ok, s) = t.wait_for(&["nothing changed", "kmpilot-exit=0"], 20, || {});
    assert!(ok, "{s}");
}

#[test]
fn the_wizard_header_names_the_target() {
    if !tmux::available() {
        return;
    }
    let (t, _dir) = start("tui", "tui -f profiles/quickstart.yaml");
    let (ok, s) = t.wait_for(&[TARGET, "Cluster & prerequisites"], 30, || {});
    assert!(ok, "{s}");
    let header = s.lines().next().unwrap_or_default();
    assert!(header.contains(TARGET), "the header: {header}");
    t.keys(&["q"]);
    let (ok, s) = t.wait_for(&["kmpilot-exit=0"], 20, || {});
    assert!(ok, "{s}");
}

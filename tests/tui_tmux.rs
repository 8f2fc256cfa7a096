//! The real binary in a real terminal: `kmpilot tui -f profiles/quickstart.yaml` in a detached
//! tmux session (80×24 and 120×40), driven with `send-keys`, read with `capture-pane`; after
//! quitting, the terminal must be back to normal (alternate screen left, raw mode off).
//!
//! Skipped with a message when tmux is missing (or the `tui` subcommand is not there yet),
//! unless CI=true, where that is a failure.

use std::path::Path;
use std::process::Command;

#[path = "support/tmux.rs"]
mod tmux;
use tmux::Tmux;

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

fn skip(why: &str) {
    if ci() {
        panic!("tui_tmux cannot run on CI: {why}");
    }
    eprintln!("SKIPPED tui_tmux: {why}");
}

fn drive(width: u16, height: u16) {
    let bin = env!("CARGO_BIN_EXE_kmpilot");
    let root = env!("CARGO_MANIFEST_DIR");
    let config = tempfile::tempdir().unwrap();
    let socket = format!("kmpilot-tui-test-{}-{width}", std::process::id());
    let t = Tmux { socket };
    // after the wizard: report its exit code and whether the tty is back in canonical mode
    let script = format!(
        "cd '{root}' && KMPILOT_CONFIG_DIR='{}' '{bin}' tui -f profiles/quickstart.yaml; \
         echo kmpilot-exit=$?; stty -a | tr ' ' '\\n' | grep -x -- '-\\?icanon' | sed 's/^/tty-/'; sleep 600",
        config.path().display()
    );
    t.start_sized(width, height, &script);

    // a capture can land in the middle of the first frame: wait for all of it, not for its
    // first words and then assert on the rest
    let (ok, s) = t.wait_until(
        |s| {
            ["Cluster & prerequisites", "Steps", "Namespace"]
                .iter()
                .all(|w| s.contains(w))
        },
        20,
        || {},
    );
    assert!(
        ok,
        "{width}x{height}: the step list and the first step's form did not appear:\n{s}"
    );
    assert_eq!(
        t.alternate_on(),
        "1",
        "the wizard uses the alternate screen"
    );

    // down two steps to Keystores, into its form, down one field
    t.keys(&["Down", "Down", "Enter", "Down"]);
    let (ok, s) = t.wait_until(
        |s| s.contains("Distinguished name") && s.contains("Validity (days)"),
        10,
        || {},
    );
    assert!(
        ok,
        "{width}x{height}: the Keystores form did not appear:\n{s}"
    );
    // help overlay and back
    t.keys(&["?"]);
    let (ok, s) = t.wait_for(&["closes this help"], 10, || {});
    assert!(ok, "help overlay:\n{s}");
    t.keys(&["Escape"]);
    // a condition, not a pause: the overlay is gone once a redraw shows the form without it
    let (ok, s) = t.wait_until(
        |s| !s.contains("closes this help") && s.contains("Distinguished name"),
        10,
        || {},
    );
    assert!(ok, "the help overlay did not close:\n{s}");
    // an unmodified profile quits without asking
    t.keys(&["q"]);
    let (ok, s) = t.wait_for(&["kmpilot-exit="], 10, || {});
    assert!(ok, "{width}x{height}: the wizard did not quit:\n{s}");
    assert!(s.contains("kmpilot-exit=0"), "{s}");
    // the stty line is printed after the exit line: wait for the whole of it
    let (ok, s) = t.wait_until(
        |s| s.contains("tty-icanon") || s.contains("tty--icanon"),
        10,
        || {},
    );
    assert!(ok, "{s}");
    assert!(s.contains("tty-icanon"), "raw mode left on:\n{s}");
    assert!(!s.contains("tty--icanon"), "raw mode left on:\n{s}");
    assert_eq!(t.alternate_on(), "0", "alternate screen left");
    assert!(
        !s.contains("Cluster & prerequisites"),
        "the wizard's screen is gone:\n{s}"
    );
}

fn ready() -> bool {
    if !tmux::available() {
        return false;
    }
    let bin = env!("CARGO_BIN_EXE_kmpilot");
    let help = Command::new(bin).args(["tui", "--help"]).output();
    if !help.is_ok_and(|o| o.status.success()) {
        skip("`kmpilot tui` is not wired into the CLI in this build");
        return false;
    }
    assert!(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("profiles/quickstart.yaml")
            .exists()
    );
    true
}

#[test]
fn wizard_in_tmux_80x24() {
    if ready() {
        drive(80, 24);
    }
}

#[test]
fn wizard_in_tmux_120x40() {
    if ready() {
        drive(120, 40);
    }
}

/// The helm the review's verification runs: on PATH, or the test-bins build's.
fn helm_dir() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    if let Some(d) = std::env::split_paths(&path).find(|d| d.join("helm").is_file()) {
        return Some(d);
    }
    let cache = std::env::var_os("KMPILOT_CACHE")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(std::env::var("HOME").unwrap_or_default())
                .join(".cache/kmpilot")
        });
    std::fs::read_dir(cache.join("k8s-bins"))
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|d| d.join("helm").is_file())
}

/// The real binary's review verifies the rendered charts in the background (helm on the
/// stand-in charts): a profile whose API-M extraToml reopens a table the chart's template
/// set shows the error next to the plan, and "run" names it before asking again.
#[test]
fn review_verifies_the_rendered_charts_in_tmux() {
    if !ready() {
        return;
    }
    let Some(helm) = helm_dir() else {
        skip("no helm (on PATH or in the k8s-bins cache)");
        return;
    };
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("verify.yaml");
    std::fs::write(
        &profile,
        format!(
            "apiVersion: kmpilot/v1\nkind: Profile\nname: tmux-verify\nidentityServer:\n  chart: {root}/tests/charts/identity-server-standin\napiManager:\n  chart: {root}/tests/charts/wso2am-standin\n  chartVersion: 4.5.0-10\n  extraToml: |\n    [transport.https.properties]\n    proxyPort = 8443\n"
        ),
    )
    .unwrap();
    let t = Tmux {
        socket: format!("kmpilot-tui-verify-{}", std::process::id()),
    };
    let script = format!(
        "PATH='{}':$PATH KMPILOT_CONFIG_DIR='{}' '{}' tui -f '{}'; echo kmpilot-exit=$?; sleep 600",
        helm.display(),
        dir.path().display(),
        env!("CARGO_BIN_EXE_kmpilot"),
        profile.display()
    );
    t.start_sized(120, 40, &script);
    let (ok, s) = t.wait_for(&["Cluster & prerequisites"], 20, || {});
    assert!(ok, "{s}");
    // the step list: down to "Review & run" (the last step; Down stops there)
    for _ in 0..kmpilot::tui::app::WizardStep::ALL.len() {
        t.keys(&["Down"]);
    }
    let (ok, s) = t.wait_for(&["✗ verified api-manager"], 60, || {});
    assert!(ok, "the review's verification did not show:\n{s}");
    assert!(s.contains("✓ verified identity-server"), "{s}");
    assert!(s.contains("fix apiManager.extraToml"), "{s}");
    t.keys(&["Enter", "r"]);
    let (ok, s) = t.wait_for(
        &["1 verification error(s) in the rendered charts"],
        10,
        || {},
    );
    assert!(ok, "the run confirmation did not name the error:\n{s}");
    t.keys(&["Escape", "q"]);
    let (ok, s) = t.wait_for(&["kmpilot-exit="], 10, || {});
    assert!(ok && s.contains("kmpilot-exit=0"), "{s}");
}

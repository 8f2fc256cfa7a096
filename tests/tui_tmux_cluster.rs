//! The wizard end to end in a real terminal against the real test control plane: the real
//! binary in tmux opens a profile that uses the project's stand-in charts (tests/charts); the
//! Cluster step shows the live checks passing; the context is picked from the kubeconfig;
//! Ctrl-O lists the profile store; "Review & run" starts the run with send-keys; the keystore
//! password (`prompt: true`) is typed into the wizard's masked dialog; the Pods pane shows the
//! pods of both releases turn Running (kwok nodes). The test plays the ingress controller by
//! writing the management ingress's address into its status, as in tests/helm_cluster/apply.rs.
//! Afterwards: the keystore in the cluster opens with the typed password (real keytool), the
//! typed password never reached the screen, and the profile file the wizard was only asked to
//! run is byte-identical.

use std::process::Command;

mod support;
use support::deployment::Deployment;
use support::kubectl;
use support::tmux::Tmux;

#[test]
fn wizard_runs_the_quickstart_and_the_pods_pane_shows_them_running() {
    if support::test_cluster().is_none() {
        return;
    }
    if !support::tmux::available() {
        return;
    }
    let ns = "kmp-tui";
    let d = Deployment::new(ns);
    let dir = &d.dir;
    let profile = d.write(
        "tui.yaml",
        &d.quickstart_yaml().replace(
            "keyManager:",
            "keystores: { storePassword: { prompt: true } }\nkeyManager:",
        ),
    );
    let profile_before = std::fs::read(&profile).unwrap();
    // a second profile in the store, for Ctrl-O
    let store = dir.path().join("state/config/profiles");
    std::fs::create_dir_all(&store).unwrap();
    std::fs::write(
        store.join("customer-repro.yaml"),
        "apiVersion: kmpilot/v1\nkind: Profile\nname: customer-repro\ndescription: ticket 4711\n",
    )
    .unwrap();
    let context = format!("kwok-{}", std::env::var("KMPILOT_TEST_CLUSTER").unwrap());

    let t = Tmux {
        socket: format!("kmpilot-tui-cluster-{}", std::process::id()),
    };
    let script = format!(
        "export KMPILOT_STATE_DIR='{state}' KMPILOT_CONFIG_DIR='{state}/config' APIM_ADMIN_PASSWORD=tui-admin \
         KUBECONFIG='{kc}' PATH='{path}'; '{bin}' tui -f '{profile}'; echo kmpilot-exit=$?; sleep 600",
        state = dir.path().join("state").display(),
        kc = std::env::var("KUBECONFIG").unwrap(),
        path = std::env::var("PATH").unwrap(),
        bin = env!("CARGO_BIN_EXE_kmpilot"),
        profile = profile.display(),
    );
    t.start(&script);
    let (ok, s) = t.wait_for(&["Cluster & prerequisites"], 20, || {});
    assert!(ok, "the wizard did not open:\n{s}");

    // the Cluster step checks the real cluster at once
    let (ok, s) = t.wait_for(
        &[
            "✓ kubectl is installed",
            "✓ helm is installed",
            "✓ cluster of the current context answers",
            "✓ ingress class `nginx` exists",
            "all passed",
        ],
        30,
        || {},
    );
    assert!(ok, "live checks:\n{s}");

    // pick the context from the kubeconfig: fields, down past the product line and name to Context, Enter, the test
    // cluster's context (second row, after "leave empty"), Enter
    t.keys(&["Enter", "Down", "Down", "Down", "Enter"]);
    let (ok, s) = t.wait_for(&["Kubeconfig context", &context, "(current)"], 10, || {});
    assert!(ok, "context picker:\n{s}");
    t.keys(&["Down", "Enter"]);
    let (ok, s) = t.wait_for(
        &[
            &format!("✓ cluster of context {context} answers"),
            "all passed",
        ],
        30,
        || {},
    );
    assert!(ok, "the picked context is checked:\n{s}");

    // Ctrl-O lists the store (real files); Esc leaves it
    t.keys(&["C-o"]);
    let (ok, s) = t.wait_for(
        &["Open profile", "customer-repro", "ticket 4711"],
        10,
        || {},
    );
    assert!(ok, "open dialog:\n{s}");
    t.keys(&["Escape"]);

    // the last step is "Review & run": back to the steps, there, into it, run, confirm
    t.keys(&["Tab", "End", "Enter", "r"]);
    let (ok, s) = t.wait_for(&["Run the plan"], 10, || {});
    assert!(ok, "{s}");
    t.keys(&["y"]);

    // the keystore password is `prompt: true`: the wizard asks for it, masked
    // named by what it is and where the profile sets it, not as a variable to export
    let (ok, s) = t.wait_for(&["Secret needed", "keystores.storePassword"], 30, || {});
    assert!(ok, "no prompt for the keystore password:\n{s}");
    let typed = "typed-in-tmux-42";
    t.cmd(&["send-keys", "-t", "run", "-l", typed]);
    // every typed character has arrived once there is one mask dot for each
    let dots = "•".repeat(typed.len());
    let (ok, s) = t.wait_for(&[&dots], 10, || {});
    assert!(ok, "masked input:\n{s}");
    assert!(!s.contains(typed), "the typed secret is on screen:\n{s}");
    t.keys(&["Enter"]);

    // play the ingress controller while the wizard runs
    let mut published = false;
    let mut publish = || {
        published = published || support::try_publish_ingress_address(ns, "apim", "10.9.8.7");
    };
    // The run finishes with the summary dialog (console URLs) over the run screen. It covers
    // part of the Pods pane, so the pods are read only after it is closed, never while a
    // dialog may be drawn over them (a fast run used to open it before the wait saw the rows).
    let (ok, s) = t.wait_for(
        &[
            "Run summary",
            "✓ Every step succeeded.",
            &format!("https://am.{ns}.test/publisher"),
        ],
        360,
        &mut publish,
    );
    assert!(ok, "no summary of a successful run with console URLs:\n{s}");
    assert!(
        !s.contains(typed) && !s.contains("tui-admin"),
        "a secret reached the screen:\n{s}"
    );
    let hosts = d.hosts();
    assert!(hosts.contains(&format!("10.9.8.7 am.{ns}.test")), "{hosts}");

    // Enter closes the summary (on the bare run screen it would open the log's lines whole)
    t.keys(&["Enter"]);
    let (ok, s) = t.wait_until(|s| !s.contains("Run summary"), 10, || {});
    assert!(ok, "the summary did not close:\n{s}");
    // the Pods pane, read inside its own box only, shows both releases' pods Running
    let (ok, s) = t.wait_until(
        |s| {
            let rows = pods_pane_rows(s);
            ["is-identity-server", "am-deployment"].iter().all(|pod| {
                rows.iter()
                    .any(|r| r.contains(pod) && r.contains("Running"))
            })
        },
        60,
        || {},
    );
    assert!(
        ok,
        "the Pods pane does not show both releases' pods Running:\n{s}"
    );
    // the password typed into the dialog is the one the keystores were made with
    keystore_opens_with(ns, typed);

    // quit: the context change is unsaved, so the guard asks; discard; the terminal comes back
    t.keys(&["q"]);
    let (ok, s) = t.wait_for(&["unsaved changes"], 10, || {});
    assert!(ok, "quit guard:\n{s}");
    t.keys(&["d"]);
    let (ok, s) = t.wait_for(&["kmpilot-exit="], 20, || {});
    assert!(ok, "the wizard did not quit:\n{s}");
    assert_eq!(
        std::fs::read(&profile).unwrap(),
        profile_before,
        "the wizard rewrote a profile it was only asked to run"
    );
    let log = std::fs::read_to_string(dir.path().join("state/kmpilot.log")).unwrap_or_default();
    assert!(!log.contains(typed), "the typed secret reached the log");
}

/// The rows of the run screen's Pods pane: the lines inside the box titled "Pods (n)", right
/// of the Progress column, down to the box's bottom border. The log pane above also names the
/// pods and releases, so a match anywhere on screen could be the log.
fn pods_pane_rows(screen: &str) -> Vec<String> {
    // the Progress column is 33 wide on a terminal of 100 columns or more (layout::run)
    let right = |l: &str| l.chars().skip(33).collect::<String>();
    let mut rows = Vec::new();
    let mut inside = false;
    for l in screen.lines().map(right) {
        if inside {
            if l.starts_with('└') {
                break;
            }
            rows.push(l);
        } else if l.starts_with('┌') && l.contains(" Pods (") {
            inside = true;
        }
    }
    rows
}

/// `keytool -list` opens API-M's keystore from the cluster's secret with `password`.
fn keystore_opens_with(ns: &str, password: &str) {
    let out = kubectl(&[
        "get",
        "secret",
        "apim-keystores",
        "-n",
        ns,
        "-o",
        "jsonpath={.data.wso2carbon\\.jks}",
    ]);
    assert!(out.status.success(), "{out:?}");
    use base64::Engine;
    let jks = base64::engine::general_purpose::STANDARD
        .decode(String::from_utf8_lossy(&out.stdout).trim())
        .expect("base64 keystore");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wso2carbon.jks");
    std::fs::write(&file, jks).unwrap();
    let list = |pass: &str| {
        Command::new("keytool")
            .args(["-list", "-keystore"])
            .arg(&file)
            .args(["-storepass", pass])
            .output()
            .expect("keytool runs")
    };
    let ok = list(password);
    assert!(
        ok.status.success(),
        "keytool refused the typed password: {}",
        String::from_utf8_lossy(&ok.stdout)
    );
    assert!(!list("not-the-password").status.success());
}

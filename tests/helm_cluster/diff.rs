//! `kmpilot diff` against the real test control plane (kube-apiserver + etcd + kwok nodes,
//! started by `scripts/with-test-cluster`), with the real helm and the project's stand-in
//! charts (tests/charts), after a real `kmpilot apply`; the key-manager comparison against the
//! STAND-IN FOR API-M (tests/km_support), as the registration tests use it.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::km_support;
use crate::support;
use support::deployment::Deployment;
use support::tmux::Tmux;
use support::{charts, kubectl, ok};

use serde_json::Value;

const STORE_PASSWORD: &str = "kmp-diff-store-Vq81";
const ADMIN_PASSWORD: &str = "kmp-diff-admin-Lx42";

struct Setup {
    d: Deployment,
    /// A copy of the IS stand-in chart, so a test can change its version.
    is_chart: PathBuf,
}

impl Setup {
    fn new(ns: &str) -> Setup {
        let d = Deployment::new(ns);
        let is_chart = d.dir.path().join("is-chart");
        support::copy_dir(&charts().join("identity-server-standin"), &is_chart);
        Setup { d, is_chart }
    }

    /// The profile, with `edit` applied to its text; written to `name`.
    fn profile(&self, name: &str, edit: impl Fn(String) -> String) -> PathBuf {
        let text = self
            .d
            .profile_yaml(&self.is_chart, &charts().join("wso2am-standin"), "");
        self.d.write(name, &edit(text))
    }

    /// `kmpilot ARGS -f PROFILE` with this test's passwords (they are grepped for) and colours
    /// left to the terminal test.
    fn kmpilot(&self, args: &[&str], profile: &Path, store_password: &str) -> Command {
        let mut c = self.d.kmpilot(args);
        c.arg("-f")
            .arg(profile)
            .env("KEYSTORE_PASSWORD", store_password)
            .env("APIM_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env_remove("NO_COLOR");
        c
    }

    fn apply(&self, profile: &Path) {
        let child = self
            .kmpilot(&["apply", "--yes"], profile, STORE_PASSWORD)
            .spawn()
            .unwrap();
        self.d.apply_with(child, "10.20.30.42");
    }

    /// `kmpilot diff` as text and as JSON: (exit code, text, report).
    fn diff(&self, profile: &Path, store_password: &str) -> (i32, String, Value) {
        let text = self
            .kmpilot(&["diff"], profile, store_password)
            .output()
            .unwrap();
        let json = self
            .kmpilot(&["diff", "-o", "json"], profile, store_password)
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&json.stdout).unwrap_or_else(|e| {
            panic!(
                "diff -o json is not JSON ({e}):\n{}\n{}",
                String::from_utf8_lossy(&json.stdout),
                String::from_utf8_lossy(&json.stderr)
            )
        });
        let code = text.status.code().unwrap_or(-1);
        assert_eq!(
            Some(code),
            json.status.code(),
            "text and JSON agree on the exit code"
        );
        let shown = format!(
            "{}{}{}{}",
            String::from_utf8_lossy(&text.stdout),
            String::from_utf8_lossy(&text.stderr),
            String::from_utf8_lossy(&json.stdout),
            String::from_utf8_lossy(&json.stderr)
        );
        for secret in [STORE_PASSWORD, ADMIN_PASSWORD, store_password, PLANTED] {
            assert!(
                !shown.contains(secret),
                "a secret value appeared in the diff:\n{shown}"
            );
            let b64 = base64_of(secret);
            assert!(
                !shown.contains(&b64),
                "a secret value (base64) appeared:\n{shown}"
            );
        }
        (
            code,
            String::from_utf8_lossy(&text.stdout).to_string(),
            report,
        )
    }
}

const PLANTED: &str = "planted-live-secret-R7t3";

fn base64_of(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// The items of `step` that would change something.
fn changed<'a>(report: &'a Value, step: &str) -> Vec<&'a Value> {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["step"] == step)
        .flat_map(|s| s["items"].as_array().unwrap())
        .filter(|i| i["change"] == "create" || i["change"] == "update")
        .collect()
}

/// The steps with a change.
fn steps_changed(report: &Value) -> Vec<String> {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["changes"].as_u64().unwrap() > 0)
        .map(|s| s["step"].as_str().unwrap().to_string())
        .collect()
}

fn lines_of(item: &Value) -> Vec<String> {
    item["lines"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|l| {
                    format!(
                        "{} {}",
                        l["op"].as_str().unwrap(),
                        l["text"].as_str().unwrap()
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn diff_after_apply_is_empty_and_each_change_shows_in_its_step() {
    let _turn = support::one_file::turn(module_path!());
    if support::test_cluster().is_none() {
        return;
    }
    let s = Setup::new("kmp-diff");
    let profile = s.profile("profile.yaml", |t| t);

    // before apply: everything is to be created
    let (code, _, report) = s.diff(&profile, STORE_PASSWORD);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(changed(&report, "prerequisites")[0]["change"], "create");

    s.apply(&profile);

    // 1. right after apply: nothing to change
    let (code, text, report) = s.diff(&profile, STORE_PASSWORD);
    assert_eq!(code, 0, "{text}");
    assert_eq!(report["changes"], 0, "{report:#}");
    assert!(text.contains("0 to create, 0 to change"), "{text}");
    assert!(!text.contains('\x1b'), "no colours when not on a terminal");

    // 2. a changed hostname: the IS release's values and the hosts block, nothing else
    let p = s.profile("hostname.yaml", |t| {
        t.replace("hostname: is.kmp-diff.test", "hostname: is2.kmp-diff.test")
    });
    let (code, text, report) = s.diff(&p, STORE_PASSWORD);
    assert_eq!(code, 1, "{text}");
    assert_eq!(steps_changed(&report), ["identity-server", "dns"], "{text}");
    let is = lines_of(changed(&report, "identity-server")[0]);
    assert!(
        is.contains(&"remove deployment.ingress.hostName: \"is.kmp-diff.test\"".to_string())
            && is.contains(&"add deployment.ingress.hostName: \"is2.kmp-diff.test\"".to_string()),
        "{text}"
    );
    let dns = lines_of(changed(&report, "dns")[0]);
    assert!(
        dns.iter()
            .any(|l| l.starts_with("add 10.20.30.42 ") && l.ends_with(" is2.kmp-diff.test")),
        "{text}"
    );

    // 3. a changed chart version: the IS release, its chart line
    let chart_yaml = s.is_chart.join("Chart.yaml");
    let original = std::fs::read_to_string(&chart_yaml).unwrap();
    std::fs::write(
        &chart_yaml,
        original.replace("version: 7.1.0-3", "version: 7.1.0-4"),
    )
    .unwrap();
    let (code, text, report) = s.diff(&profile, STORE_PASSWORD);
    std::fs::write(&chart_yaml, &original).unwrap();
    assert_eq!(code, 1, "{text}");
    assert_eq!(steps_changed(&report), ["identity-server"], "{text}");
    assert_eq!(
        lines_of(changed(&report, "identity-server")[0]),
        [
            "remove chart: identity-server-7.1.0-3",
            "add chart: identity-server-7.1.0-4"
        ],
        "{text}"
    );

    // 4. a changed annotation in the profile (the management ingress's): the API-M release
    let p = s.profile("annotation.yaml", |t| {
        t.replace(
            "  helmTimeoutMinutes: 2\nkeyManager",
            "  helmTimeoutMinutes: 2\n  ingress:\n    annotations:\n      management: { nginx.ingress.kubernetes.io/backend-protocol: HTTPS, nginx.ingress.kubernetes.io/proxy-body-size: 50m }\nkeyManager",
        )
    });
    let (code, text, report) = s.diff(&p, STORE_PASSWORD);
    assert_eq!(code, 1, "{text}");
    assert_eq!(steps_changed(&report), ["api-manager"], "{text}");
    let apim = lines_of(changed(&report, "api-manager")[0]);
    assert!(
        apim.contains(&"add kubernetes.ingress.management.annotations.nginx.ingress.kubernetes.io/proxy-body-size: \"50m\"".to_string())
            && apim.iter().any(|l| l.starts_with("remove kubernetes.ingress.management.annotations.nginx.ingress.kubernetes.io/affinity")),
        "{text}"
    );

    // 5. a live annotation someone else set is not kmpilot's field and apply leaves it: no
    // change; a label kmpilot's manifest sets, changed live, shows in the prerequisites step
    // (and once kubectl owns that label, the apply's managedFields bookkeeping differs too:
    // only kmpilot's fields are compared, so step 6 sees no Namespace change)
    ok(&kubectl(&[
        "annotate",
        "namespace",
        "kmp-diff",
        "team.example/owner=ops",
    ]));
    let (code, text, _) = s.diff(&profile, STORE_PASSWORD);
    assert_eq!(
        code, 0,
        "someone else's annotation is not kmpilot's to report\n{text}"
    );
    ok(&kubectl(&[
        "label",
        "namespace",
        "kmp-diff",
        "app.kubernetes.io/managed-by=someone-else",
        "--overwrite",
    ]));
    let (code, text, report) = s.diff(&profile, STORE_PASSWORD);
    assert_eq!(code, 1, "{text}");
    assert_eq!(steps_changed(&report), ["prerequisites"], "{text}");
    let ns = lines_of(changed(&report, "prerequisites")[0]);
    assert!(
        ns.contains(&"remove     app.kubernetes.io/managed-by: someone-else".to_string())
            && ns.contains(&"add     app.kubernetes.io/managed-by: kmpilot".to_string()),
        "{text}"
    );
    ok(&kubectl(&[
        "label",
        "namespace",
        "kmp-diff",
        "app.kubernetes.io/managed-by=kmpilot",
        "--overwrite",
    ]));

    // 6. secret values: a value planted in a secret kmpilot manages and a different store
    // password show as "changed", never as values (Setup::diff greps every output)
    let planted = format!(
        r#"{{"data":{{"admin-password":"{}"}}}}"#,
        base64_of(PLANTED)
    );
    ok(&kubectl(&[
        "patch",
        "secret",
        "apim-kmpilot-credentials",
        "-n",
        "kmp-diff",
        "--type=merge",
        "-p",
        &planted,
    ]));
    let (code, text, report) = s.diff(&profile, STORE_PASSWORD);
    assert_eq!(code, 1, "{text}");
    assert_eq!(steps_changed(&report), ["api-manager"], "{text}");
    assert_eq!(
        lines_of(changed(&report, "api-manager")[0]),
        ["secret admin-password: (secret) changed"],
        "{text}"
    );
    // another store password: the values that carry it change, and the keystores in the
    // cluster do not open with it, so apply would stop at the keystores step (exit 3, as
    // kubectl diff exits above 1 when the server refuses the apply)
    let (code, text, report) = s.diff(&profile, "kmp-diff-other-store-P0w9");
    assert_eq!(code, 3, "{text}");
    let keystores = &report["steps"][1];
    assert_eq!(keystores["step"], "keystores");
    assert!(
        keystores["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["change"] == "error"
                && i["detail"]
                    .as_str()
                    .unwrap()
                    .contains("apply would stop here")),
        "{text}"
    );
    let apim: Vec<String> = changed(&report, "api-manager")
        .into_iter()
        .flat_map(lines_of)
        .collect();
    assert!(
        apim.contains(
            &"secret wso2.apim.configurations.security.truststore.password: (secret) changed"
                .to_string()
        ),
        "{text}"
    );
    ok(&kubectl(&[
        "delete",
        "secret",
        "apim-kmpilot-credentials",
        "-n",
        "kmp-diff",
    ]));

    // 7. deleted objects show as to be created: secrets, and a helm release
    ok(&kubectl(&[
        "delete",
        "secret",
        "wso2-ingress-tls",
        "-n",
        "kmp-diff",
    ]));
    ok(&Command::new("helm")
        .args(["uninstall", "is", "-n", "kmp-diff", "--wait"])
        .output()
        .unwrap());
    let (code, text, report) = s.diff(&profile, STORE_PASSWORD);
    assert_eq!(code, 1, "{text}");
    let ks = changed(&report, "keystores");
    assert_eq!(ks.len(), 1, "{text}");
    assert_eq!(ks[0]["what"], "Secret kmp-diff/wso2-ingress-tls");
    assert_eq!(ks[0]["change"], "create");
    assert_eq!(
        lines_of(ks[0]),
        ["add tls.crt: (secret)", "add tls.key: (secret)"]
    );
    let apim = changed(&report, "api-manager");
    assert_eq!(apim[0]["what"], "Secret kmp-diff/apim-kmpilot-credentials");
    assert_eq!(apim[0]["change"], "create", "{text}");
    let is = changed(&report, "identity-server");
    assert_eq!(is[0]["change"], "create", "{text}");
    assert!(
        text.contains("+ helm release kmp-diff/is (to be created)"),
        "{text}"
    );
}

/// The key-manager registration against the stand-in API-M: to be created before it is
/// registered, unchanged after, and a changed field and connector password show up with the
/// password masked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_apim_registration_diff() {
    let _turn = support::one_file::turn(module_path!());
    use kmpilot::exec::diff::{Change, diff};
    use kmpilot::profile::secret::SecretRef;
    if support::test_cluster().is_none() {
        return;
    }
    let standin = km_support::StandIn::start(0).await;
    let tls = standin.trust();
    let p = kmpilot::profile::Profile::quickstart("kmp-diff-km");
    let mut reg = standin.registration(&p, tls);
    reg.admin.password = SecretRef::Literal(km_support::ADMIN_PASSWORD.into());
    reg.connector.password = SecretRef::Literal(km_support::CONNECTOR_PASSWORD.into());
    let dir = tempfile::tempdir().unwrap();
    let opts = kmpilot::exec::RunOptions {
        dry_run: false,
        resume: false,
        from: None,
        only: None,
        work_dir: dir.path().to_path_buf(),
        state_dir: dir.path().to_path_buf(),
        base_dir: dir.path().to_path_buf(),
        concurrency: 1,
        skip: Vec::new(),
        allow_upgrade: false,
    };
    let plan_of = |reg: &kmpilot::plan::key_manager::Registration| kmpilot::plan::Plan {
        profile: p.name.clone(),
        cluster: kmpilot::steps::cluster_target(&p),
        steps: vec![kmpilot::plan::Step::new(
            kmpilot::plan::StepId::KeyManager,
            vec![kmpilot::plan::Action::RegisterKeyManager(Box::new(
                reg.clone(),
            ))],
        )],
        artifacts: vec![],
        console_urls: vec![],
        journal: None,
    };
    let secrets_for = |connector: &str| {
        kmpilot::exec::secrets::Secrets::resolve(
            &[
                kmpilot::plan::secrets::SecretUse {
                    var: "APIM_ADMIN_PASSWORD".into(),
                    secret: SecretRef::Literal(km_support::ADMIN_PASSWORD.into()),
                },
                kmpilot::plan::secrets::SecretUse {
                    var: "IS_ADMIN_PASSWORD".into(),
                    secret: SecretRef::Literal(connector.into()),
                },
            ],
            dir.path(),
            None,
        )
        .unwrap()
    };
    let item = |r: &kmpilot::exec::diff::DiffReport| {
        assert!(r.error.is_none(), "{:?}", r.error);
        r.steps[0].items[0].clone()
    };
    let secrets = secrets_for(km_support::CONNECTOR_PASSWORD);

    let before = diff(&plan_of(&reg), &opts, &secrets).await;
    assert_eq!(item(&before).change, Change::Create, "{before:#?}");
    assert_eq!(before.exit_code(), 1);

    km_support::register_ok(&reg).await;
    let after = diff(&plan_of(&reg), &opts, &secrets).await;
    assert_eq!(item(&after).change, Change::None, "{after:#?}");
    assert_eq!(after.exit_code(), 0);

    let mut changed = reg.clone();
    changed.body["displayName"] = Value::String("Renamed IS 7".into());
    changed.connector.password = SecretRef::Literal("a-new-connector-password-Hk2".into());
    let other = secrets_for("a-new-connector-password-Hk2");
    let r = diff(&plan_of(&changed), &opts, &other).await;
    let i = item(&r);
    assert_eq!(i.change, Change::Update, "{r:#?}");
    let text = kmpilot::exec::diff::render::text(&r, false);
    assert!(text.contains("+ displayName: Renamed IS 7"), "{text}");
    assert!(
        text.contains("~ additionalProperties.Password: (secret) changed"),
        "{text}"
    );
    let json = kmpilot::exec::diff::render::json(&r).to_string();
    for secret in km_support::all_secrets(&standin)
        .iter()
        .chain(["a-new-connector-password-Hk2".to_string()].iter())
    {
        assert!(
            !text.contains(secret.as_str()) && !json.contains(secret.as_str()),
            "{text}"
        );
    }
}

/// Exit codes without a cluster: a bad profile is bad input (2, with its YAML path), a cluster
/// that does not answer is a comparison that failed (3, said once, nothing compared).
#[test]
fn diff_exit_codes_for_bad_input_and_no_cluster() {
    let _turn = support::one_file::turn(module_path!());
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "apiVersion: kmpilot/v1\nkind: Profile\nname: bad\ncluster: { namespace: 'Not A Name' }\n",
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_kmpilot"))
        .args(["diff", "-f"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("cluster.namespace"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // a kubeconfig whose server nobody listens on
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:9'}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n",
    )
    .unwrap();
    let good = dir.path().join("good.yaml");
    std::fs::write(
        &good,
        "apiVersion: kmpilot/v1\nkind: Profile\nname: nocluster\ncluster: { namespace: wso2 }\n",
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_kmpilot"))
        .args(["diff", "-o", "json", "-f"])
        .arg(&good)
        .env("KUBECONFIG", &kubeconfig)
        .env("KMPILOT_STATE_DIR", dir.path().join("state"))
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        report["error"]
            .as_str()
            .unwrap()
            .contains("does not answer"),
        "{report:#}"
    );
    assert_eq!(report["steps"].as_array().unwrap().len(), 0);
}

/// The wizard's Review in a real terminal (the real binary in tmux) after a real apply: on
/// the applied profile it says run changes nothing; on one with another IS hostname it names
/// the IS release and the hosts block, as `kmpilot diff` does, and shows no secret.
#[test]
fn wizard_review_shows_the_diff_against_the_live_cluster() {
    let _turn = support::one_file::turn(module_path!());
    if support::test_cluster().is_none() {
        return;
    }
    if !support::tmux::available() {
        return;
    }
    let s = Setup::new("kmp-diff-tui");
    let profile = s.profile("profile.yaml", |t| t);
    s.apply(&profile);
    let changed = s.profile("changed.yaml", |t| {
        t.replace(
            "hostname: is.kmp-diff-tui.test",
            "hostname: id.kmp-diff-tui.test",
        )
    });

    let review = |profile: &Path, expect: &[&str]| {
        // a server of its own per review: a server just told to exit may still hold the
        // socket when the next session starts
        let socket = format!(
            "kmpilot-diff-tui-{}-{}",
            std::process::id(),
            profile.file_stem().unwrap().to_string_lossy()
        );
        let t = Tmux { socket };
        let script = format!(
            "export KMPILOT_STATE_DIR='{state}' KMPILOT_CONFIG_DIR='{state}/config' KEYSTORE_PASSWORD='{STORE_PASSWORD}' \
             APIM_ADMIN_PASSWORD='{ADMIN_PASSWORD}' KUBECONFIG='{kc}' PATH='{path}'; '{bin}' tui -f '{profile}'; sleep 600",
            state = s.d.dir.path().join("state").display(),
            kc = std::env::var("KUBECONFIG").unwrap(),
            path = std::env::var("PATH").unwrap(),
            bin = env!("CARGO_BIN_EXE_kmpilot"),
            profile = profile.display(),
        );
        t.start(&script);
        let (ok, s) = t.wait_for(&["Cluster & prerequisites"], 90, || {});
        assert!(ok, "waited for the wizard:\n{s}");
        // the step list has the focus: its last step is the Review
        t.keys(&["End"]);
        let (ok, screen) = t.wait_for(expect, 90, || {});
        assert!(ok, "waited for {expect:?}:\n{screen}");
        for secret in [STORE_PASSWORD, ADMIN_PASSWORD] {
            assert!(!screen.contains(secret), "{screen}");
        }
        screen
    };
    review(&profile, &["= live cluster: run changes nothing"]);
    let screen = review(
        &changed,
        &[
            "~ live cluster: run changes 2 thing(s)",
            "~ identity-server: helm release kmp-diff-tui/is (to be changed)",
            "+ deployment.ingress.hostName: \"id.kmp-diff-tui.test\"",
            "~ dns: hosts file",
        ],
    );
    assert!(!screen.contains("api-manager: helm release"), "{screen}");
}

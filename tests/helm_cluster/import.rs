//! `kmpilot profiles import --from-cluster` against the real test control plane, with the real
//! helm and the project's stand-in charts (tests/charts) in place of the WSO2 charts: apply an
//! example, import it, and the imported profile plans the same steps and artifacts — compared
//! with `import::roundtrip::comparable`, i.e. modulo secret references and exactly the fields
//! the import's own report lists as not recorded on the cluster.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use kmpilot::import::Report;
use kmpilot::profile::Profile;

use crate::km_support;
use crate::support;
use support::deployment::Deployment;
use support::{kubectl, ok};

/// The two tests share the cluster-wide PrivateJet scan: one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

const STORE_PW: &str = "kmpilot-import-store";
/// The stand-in API-M's admin password: apply puts it into the cluster's credentials Secret,
/// from which import reads it for the Admin REST API.
const ADMIN_PW: &str = km_support::ADMIN_PASSWORD;
const PJ_PW: &str = "kmpilot-import-pj-basic";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn example(name: &str) -> Profile {
    kmpilot::profile::load::from_path(
        &root().join("profiles").join(name),
        kmpilot::steps::validate,
    )
    .unwrap()
    .profile
}

fn kmpilot(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kmpilot"));
    c.args(args)
        .env("KMPILOT_STATE_DIR", dir.join("state"))
        .env("KMPILOT_CONFIG_DIR", dir.join("config"))
        .env("KEYSTORE_PASSWORD", STORE_PW)
        .env("APIM_ADMIN_PASSWORD", ADMIN_PW)
        .env("PRIVATEJET_BASIC_PASSWORD", PJ_PW)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Imports `name` from `ns` into the store under `dir`, returns the report and the profile.
fn import(dir: &Path, name: &str, ns: &str, hosts: &Path) -> (Report, Profile, String) {
    let o = kmpilot(
        dir,
        &[
            "profiles",
            "import",
            "--from-cluster",
            name,
            "-n",
            ns,
            "-o",
            "json",
            "--hosts-file",
        ],
    )
    .arg(hosts)
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let report: Report = serde_json::from_slice(&o.stdout).expect("a JSON report");
    let path = dir.join("config/profiles").join(format!("{name}.yaml"));
    assert_eq!(report.path.as_deref(), Some(path.to_str().unwrap()));
    let file = std::fs::read_to_string(&path).unwrap();
    let imported = kmpilot::profile::load::from_path(&path, kmpilot::steps::validate)
        .unwrap_or_else(|e| panic!("the imported profile loads: {e:?}\n{file}"))
        .profile;
    // no secret value in what import printed or wrote
    let printed =
        String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr);
    for secret in [STORE_PW, ADMIN_PW, PJ_PW] {
        assert!(!file.contains(secret), "{secret} in the imported profile");
        assert!(!printed.contains(secret), "{secret} on screen");
    }
    (report, imported, file)
}

/// Same steps and artifacts, once the fields the report names are taken from the original.
fn assert_same_plan(orig: &Profile, imported: &Profile, report: &Report) {
    let (a, b) = kmpilot::import::roundtrip::comparable(orig, imported, report);
    let (pa, pb) = (kmpilot::steps::plan(&a), kmpilot::steps::plan(&b));
    let ids = |p: &kmpilot::plan::Plan| p.steps.iter().map(|s| s.id).collect::<Vec<_>>();
    assert_eq!(ids(&pa), ids(&pb), "the same steps");
    for (x, y) in pa.artifacts.iter().zip(&pb.artifacts) {
        assert_eq!(x.path, y.path);
        assert_eq!(x.content, y.content, "artifact {}", x.path);
    }
    assert_eq!(pa.artifacts.len(), pb.artifacts.len());
    let (mut va, mut vb) = (
        serde_json::to_value(&pa).unwrap(),
        serde_json::to_value(&pb).unwrap(),
    );
    // the plan's cluster namespace is where IS and API-M go: a profile that installs neither
    // (the PrivateJet example) keeps the example's, its import the namespace it was read
    // from, and no action of the plan uses it
    if !a.identity_server.install && !a.api_manager.install {
        va["cluster"]["namespace"] = serde_json::Value::Null;
        vb["cluster"]["namespace"] = serde_json::Value::Null;
    }
    assert_eq!(
        va, vb,
        "the plans (cluster, actions, commands, manifests) are the same"
    );
    // and what the report took from the original is only what it says the cluster lacks
    for s in report.secrets.iter() {
        assert!(!s.is_empty());
    }
}

#[test]
fn the_quickstart_applied_then_imported_plans_the_same() {
    let _turn = support::one_file::turn(module_path!());
    if support::test_cluster().is_none() {
        return;
    }
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let ns = "kmp-import-qs";
    let d = Deployment::new(ns);
    let dir = &d.dir;
    let hosts = d.hosts_file();

    // the quickstart example, changed only where the test cluster needs it: the stand-in
    // charts (no chart repository here), a ready IS image (no image build here), the test's
    // namespace, hostnames and hosts file, no registration (no API-M process behind kwok)
    let mut orig = example("quickstart.yaml");
    // on the line of the stand-in chart it installs (helm takes a local chart's own version,
    // whatever --version says): the 4.5 stand-in, so the 4.5 line
    kmpilot::steps::product_line::choose(
        &mut orig,
        kmpilot::steps::product_line::by_name("4.5").unwrap(),
    );
    orig.name = "kmp-import-qs".into();
    orig.cluster.namespace = ns.into();
    let is = &mut orig.identity_server;
    is.chart = root()
        .join("tests/charts/identity-server-standin")
        .display()
        .to_string();
    is.hostname = "is.kmp-import.test".into();
    is.image.build = false;
    is.image.registry = "docker.io".into();
    is.image.repository = "wso2/wso2is".into();
    is.helm_timeout_minutes = 2;
    let am = &mut orig.api_manager;
    am.chart = root()
        .join("tests/charts/wso2am-standin")
        .display()
        .to_string();
    am.hostnames.management = "am.kmp-import.test".into();
    am.hostnames.gateway = "gw.kmp-import.test".into();
    am.helm_timeout_minutes = 2;
    orig.key_manager.register = false;
    orig.dns.hosts_file = hosts.clone();
    orig.dns.wait_seconds = 120;
    let profile = dir.path().join("qs.yaml");
    kmpilot::profile::save::save(&orig, &profile).unwrap();

    let mut child = kmpilot(dir.path(), &["apply", "--yes", "-f"])
        .arg(&profile)
        .spawn()
        .unwrap();
    d.publish_ingress_address("10.20.30.41", &mut child);
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "apply: {}", text(&o));

    let (report, imported, file) = import(dir.path(), &orig.name, ns, &hosts);
    // `profiles import` of this deployment again, with `extra` arguments
    let reimport = |extra: &[&str]| {
        kmpilot(
            dir.path(),
            &[
                "profiles",
                "import",
                "--from-cluster",
                "kmp-import-qs",
                "-n",
                ns,
            ],
        )
        .args(extra)
        .arg("--hosts-file")
        .arg(&hosts)
        .output()
        .unwrap()
    };
    // the PrivateJet test's targets may share this cluster: next to API-M 4.5 (no PrivateJet)
    // they are listed as another deployment's, never mapped into this profile
    assert!(
        report
            .unmapped
            .iter()
            .all(|u| u.detail.contains("it belongs to another deployment")),
        "{:#?}",
        report.unmapped
    );
    assert!(imported.private_jet.clusters.is_empty());
    // what was read from the cluster
    assert_eq!(imported.identity_server.hostname, "is.kmp-import.test");
    assert_eq!(imported.api_manager.hostnames.gateway, "gw.kmp-import.test");
    assert_eq!(imported.api_manager.chart_version, "4.5.0-10");
    assert_eq!(imported.identity_server.image.repository, "wso2/wso2is");
    assert!(!imported.identity_server.image.build);
    assert_eq!(imported.dns.hosts_file, hosts);
    // secrets: references to be asked for, and the values helm holds were skipped
    assert!(
        report
            .secrets
            .iter()
            .any(|s| s == "keystores.storePassword"),
        "{:?}",
        report.secrets
    );
    assert!(file.contains("prompt: true"));
    assert!(
        !file.contains("env:"),
        "no reference survives from anywhere\n{file}"
    );
    assert!(
        report
            .secret_values_skipped
            .iter()
            .any(|s| s.contains("superAdmin.password")),
        "{:?}",
        report.secret_values_skipped
    );
    // the report is also at the top of the file
    assert!(
        file.starts_with("# Imported by `kmpilot profiles import --from-cluster`"),
        "{file}"
    );
    assert!(file.contains("# Not recorded on the cluster"));
    assert_same_plan(&orig, &imported, &report);

    // the written file is a profile kmpilot plans from
    let path = dir.path().join("config/profiles/kmp-import-qs.yaml");
    let before = std::fs::read(&path).unwrap();
    let o = kmpilot(dir.path(), &["plan", "--brief", "-f", "kmp-import-qs"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    // an existing profile is not replaced without --force (exit 2, file untouched)
    let o = reimport(&[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let o = reimport(&["--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    // a change on the cluster that no profile field renders is listed, not dropped
    let values = dir.path().join("extra.yaml");
    std::fs::write(&values, "wso2:\n  deployment:\n    replicas: 3\n").unwrap();
    ok(&Command::new("helm")
        .args([
            "upgrade",
            "apim",
            am_chart().to_str().unwrap(),
            "-n",
            ns,
            "--reuse-values",
            "-f",
        ])
        .arg(&values)
        .output()
        .unwrap());
    let o = reimport(&["--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("release apim: wso2.deployment.replicas"),
        "{out}"
    );
    let file = std::fs::read_to_string(&path).unwrap();
    assert!(
        file.contains("#   release apim: wso2.deployment.replicas: the cluster has 3"),
        "{file}"
    );

    // the key-manager registration, read through the Admin REST API of the stand-in API-M
    // (tests/km_support: DCR, password grant, list and get, as API-M checks them); the admin
    // password comes from the cluster's credentials Secret that apply created
    let rt = tokio::runtime::Runtime::new().unwrap();
    let standin = rt.block_on(km_support::StandIn::start(0));
    let mut held = orig.clone();
    held.key_manager.register = true;
    held.key_manager.name = "CorpIS".into();
    held.key_manager.display_name = "Corporate IS".into();
    let tls = standin.trust();
    let reg = standin.registration(&held, tls);
    let ca = standin.ca_file().display().to_string();
    rt.block_on(km_support::register_ok(&reg));
    let o = reimport(&[
        "--force",
        "-o",
        "json",
        "--admin-url",
        &standin.base,
        "--ca-file",
        &ca,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let report: Report = serde_json::from_slice(&o.stdout).unwrap();
    let km = kmpilot::profile::load::from_path(&path, kmpilot::steps::validate)
        .unwrap()
        .profile
        .key_manager;
    assert_eq!(
        (km.name.as_str(), km.display_name.as_str()),
        ("CorpIS", "Corporate IS")
    );
    assert!(km.register);
    assert!(
        report
            .mapped
            .iter()
            .any(|m| m.field == "keyManager.name" && m.from.starts_with("Admin REST API")),
        "{:#?}",
        report.mapped
    );
    assert!(!report.not_recorded.iter().any(|n| n.field == "keyManager"));
    let file = std::fs::read_to_string(&path).unwrap();
    for secret in [ADMIN_PW, km_support::CONNECTOR_PASSWORD] {
        assert!(!file.contains(secret) && !String::from_utf8_lossy(&o.stdout).contains(secret));
        assert!(!String::from_utf8_lossy(&o.stderr).contains(secret));
    }
    // API-M holding none for this IS: the imported profile does not register
    standin.state.0.lock().unwrap().key_managers.clear();
    let o = reimport(&["--force", "--admin-url", &standin.base, "--ca-file", &ca]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        !kmpilot::profile::load::from_path(&path, kmpilot::steps::validate)
            .unwrap()
            .profile
            .key_manager
            .register
    );
}

fn am_chart() -> PathBuf {
    root().join("tests/charts/wso2am-standin")
}

#[test]
fn bad_input_exits_2_and_an_empty_namespace_is_not_a_profile() {
    let _turn = support::one_file::turn(module_path!());
    if support::test_cluster().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let o = kmpilot(
        dir.path(),
        &["profiles", "import", "--from-cluster", "Not_A_Name"],
    )
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = kmpilot(
        dir.path(),
        &["profiles", "import", "--from-cluster", "x", "-n", "Bad_NS"],
    )
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let ns = "kmp-import-empty";
    let o = kmpilot(
        dir.path(),
        &["profiles", "import", "--from-cluster", "x", "-n", ns],
    )
    .output()
    .unwrap();
    // PrivateJet accounts are looked for in every namespace, and other tests (kube_cluster::private_jet)
    // leave some on the shared cluster: with them the import is a PrivateJet-only profile,
    // without them there is nothing to import
    let accounts: serde_json::Value = serde_json::from_str(&ok(&kubectl(&[
        "get",
        "serviceaccounts",
        "-A",
        "-l",
        "app.kubernetes.io/managed-by=kmpilot",
        "-o",
        "json",
    ])))
    .unwrap();
    let pj_accounts = accounts["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| !a["metadata"]["annotations"]["kmpilot.io/private-jet-entry"].is_null())
        .count();
    if pj_accounts == 0 {
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("nothing kmpilot deploys"),
            "{}",
            text(&o)
        );
        assert!(!dir.path().join("config/profiles/x.yaml").exists());
    } else {
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let p = kmpilot::profile::load::from_path(
            &dir.path().join("config/profiles/x.yaml"),
            kmpilot::steps::validate,
        )
        .unwrap()
        .profile;
        assert!(!p.identity_server.install && !p.api_manager.install);
        assert!(!p.private_jet.clusters.is_empty());
    }
}

#[test]
fn the_privatejet_example_applied_then_imported_plans_the_same() {
    let _turn = support::one_file::turn(module_path!());
    if support::test_cluster().is_none() {
        return;
    }
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    support::apply_yaml(
        &std::fs::read_to_string(root().join("tests/crds/test-crds.yaml")).unwrap(),
    );
    let dir = tempfile::tempdir().unwrap();
    // the PrivateJet example, changed only where the 1.36 test cluster needs it: both targets
    // on the test cluster's own context in fresh namespaces, and no API Operator install —
    // its real CRDs are apiextensions.k8s.io/v1beta1, which 1.36 does not serve, and kmpilot
    // refuses before changing anything (helm_cluster::tracks proves that refusal). The operator
    // mode ConfigMap still goes into wso2-system, as on a cluster that has the operator.
    let mut orig = example("privatejet.yaml");
    orig.name = "kmp-import-pj".into();
    let merge = dir.path().join("deployment.toml");
    std::fs::write(&merge, "[server]\nhostname = \"am.wso2.com\"\n").unwrap();
    orig.private_jet.merge_into = Some(merge.clone());
    let namespaces = ["kmp-import-pj-one", "kmp-import-pj-two"];
    for (c, ns) in orig.private_jet.clusters.iter_mut().zip(namespaces) {
        c.context = None;
        c.namespace = ns.into();
        c.install_operator = false;
    }
    for ns in namespaces {
        support::fresh_namespace(ns);
    }
    let _ = kubectl(&["create", "namespace", "wso2-system"]);
    let profile = dir.path().join("pj.yaml");
    kmpilot::profile::save::save(&orig, &profile).unwrap();
    let o = kmpilot(
        dir.path(),
        &["apply", "--yes", "--only", "private-jet", "-f"],
    )
    .arg(&profile)
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(0), "apply: {}", text(&o));

    let hosts = dir.path().join("hosts");
    std::fs::write(&hosts, "127.0.0.1 localhost\n").unwrap();
    let (report, imported, _file) = import(dir.path(), &orig.name, "kmp-import-pj-none", &hosts);
    assert!(report.unmapped.is_empty(), "{:#?}", report.unmapped);
    let found: Vec<&str> = imported
        .private_jet
        .clusters
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found.contains(&"docker-desktop") && found.contains(&"edge-east"),
        "{found:?}"
    );
    // security resources and the credential's user name came from the cluster
    let one = imported
        .private_jet
        .clusters
        .iter()
        .find(|c| c.name == "docker-desktop")
        .unwrap();
    let sec = one.security.as_ref().expect("security resources imported");
    assert_eq!(
        sec.jwt.as_ref().unwrap().issuer,
        "https://am.wso2.com/oauth2/token"
    );
    assert_eq!(sec.basic.as_ref().unwrap().credentials.username, "admin");
    // the cluster-wide scan lists clusters in the order the API returns them; the profile's
    // order is the entry order of the merged deployment.toml, so compare in the original's
    let mut imported = imported;
    imported.private_jet.clusters.sort_by_key(|c| {
        orig.private_jet
            .clusters
            .iter()
            .position(|o| o.name == c.name)
    });
    assert_same_plan(&orig, &imported, &report);
    for ns in namespaces {
        let _ = kubectl(&["delete", "namespace", ns, "--wait=false"]);
    }
    for c in &orig.private_jet.clusters {
        let _ = kubectl(&[
            "delete",
            "clusterrolebinding",
            &c.binding(),
            "--ignore-not-found",
        ]);
    }
}

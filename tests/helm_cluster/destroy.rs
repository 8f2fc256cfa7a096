//! `kmpilot destroy` against the real test control plane (kube-apiserver + etcd + controller
//! manager + kwok nodes, `scripts/with-test-cluster`), with the real helm and the project's
//! stand-in charts (tests/charts) — as `helm_cluster::apply` applies them. What kmpilot created is
//! read from its creation ledger and each object is asserted gone by asking the cluster; what
//! the test plants itself must survive.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support;
use support::deployment::{Deployment, finish};
use support::{jsonpath, kubectl, ok};

fn cluster() -> bool {
    support::test_cluster().is_some()
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The quickstart deployment, its profile written, and what destroy is asked and answers.
struct Run {
    d: Deployment,
    profile: PathBuf,
}

impl std::ops::Deref for Run {
    type Target = Deployment;
    fn deref(&self) -> &Deployment {
        &self.d
    }
}

const HOSTS_BEFORE: &str =
    "127.0.0.1 localhost\n# the machine's own lines stay as they are\n::1 ip6-localhost\n";

impl Run {
    fn new(ns: &str) -> Run {
        let d = Deployment::with_hosts(ns, HOSTS_BEFORE);
        let profile = d.write("profile.yaml", &d.quickstart_yaml());
        Run { d, profile }
    }

    fn kmpilot(&self, args: &[&str]) -> Command {
        let mut c = self.d.kmpilot(args);
        c.arg("-f").arg(&self.profile);
        c
    }

    fn apply(&self) {
        self.d.apply(&self.profile, "10.20.30.40");
    }

    fn destroy(&self, extra: &[&str]) -> (i32, String, String) {
        let mut args = vec!["destroy"];
        args.extend_from_slice(extra);
        finish(self.kmpilot(&args).spawn().unwrap())
    }

    fn ledger(&self) -> serde_json::Value {
        ledger_in(self.dir.path(), &self.ns)
    }

    fn releases(&self) -> Vec<String> {
        let o = Command::new("helm")
            .args(["list", "-q", "-n", &self.ns])
            .args(kmpilot::plan::helm::LIST_ANY_STATE)
            .output()
            .unwrap();
        ok(&o).lines().map(str::to_string).collect()
    }
}

/// `kmpilot ARGS -f PROFILE` with its state under `dir` and the one secret `env` the profile
/// names: (exit code, stdout, stderr).
fn kmpilot_in(
    dir: &Path,
    profile: &Path,
    env: (&str, &str),
    args: &[&str],
) -> (i32, String, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_kmpilot"))
        .args(args)
        .arg("-f")
        .arg(profile)
        .env("KMPILOT_STATE_DIR", dir.join("state"))
        .env(env.0, env.1)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    finish(child)
}

/// kmpilot's creation ledger of profile `name`, in the state under `dir`.
fn ledger_in(dir: &Path, name: &str) -> serde_json::Value {
    let p = dir.join("state/created").join(format!("{name}.json"));
    serde_json::from_slice(&std::fs::read(&p).unwrap_or_else(|e| panic!("{p:?}: {e}"))).unwrap()
}

/// The objects `ledger` lists; the test fails unless an object of each of `kinds` is among
/// them.
fn recorded(ledger: &serde_json::Value, kinds: &[&str]) -> Vec<serde_json::Value> {
    let objects = ledger["objects"].as_array().unwrap().clone();
    for k in kinds {
        assert!(
            objects.iter().any(|o| o["kind"] == *k),
            "{k} not recorded: {ledger:#}"
        );
    }
    objects
}

/// `kubectl get` of one object the ledger names: whether it exists.
fn exists(o: &serde_json::Value) -> bool {
    let group = o["group"].as_str().unwrap_or("");
    let kind = o["kind"].as_str().unwrap().to_lowercase();
    let resource = if group.is_empty() {
        kind
    } else {
        format!("{kind}.{group}")
    };
    let name = o["name"].as_str().unwrap();
    let mut args = vec![
        "get",
        resource.as_str(),
        name,
        "-o",
        "name",
        "--ignore-not-found",
    ];
    if let Some(ns) = o["namespace"].as_str() {
        args.extend(["-n", ns]);
    }
    !ok(&kubectl(&args)).trim().is_empty()
}

#[test]
fn destroy_removes_what_apply_created_and_leaves_a_planted_object_and_its_namespace() {
    let _turn = support::one_file::turn(module_path!());
    if !cluster() {
        return;
    }
    let run = Run::new("kmp-destroy");
    run.apply();
    assert_ne!(run.hosts(), HOSTS_BEFORE);
    let ns = run.ns.as_str();
    // what the run itself created, by the ledger; every kind apply makes is in it
    let ledger = run.ledger();
    let objects = recorded(&ledger, &["Namespace", "Secret"]);
    let secrets: Vec<&str> = objects
        .iter()
        .filter(|o| o["kind"] == "Secret")
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    for s in ["apim-keystores", "is-keystores"] {
        assert!(secrets.contains(&s), "{s}: {ledger:#}");
    }
    // the two installs run side by side: the ledger lists them as they finished
    let mut releases: Vec<&str> = ledger["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["release"].as_str().unwrap())
        .collect();
    releases.sort();
    assert_eq!(releases, ["apim", "is"]);
    assert_eq!(ledger["hosts"].as_array().unwrap().len(), 1, "{ledger:#}");
    for o in &objects {
        assert!(exists(o), "{o} should exist after apply");
    }
    // somebody else's object in the namespace
    ok(&kubectl(&[
        "create",
        "configmap",
        "planted",
        "-n",
        ns,
        "--from-literal=owner=someone-else",
    ]));

    // without a terminal and without --yes: refused, nothing touched
    let (code, out, err) = run.destroy(&[]);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(run.releases().len(), 2);

    // --dry-run lists what would go and what stays, and changes nothing
    let hosts_applied = run.hosts();
    let secrets_before = run.names("secrets");
    let (code, out, err) = run.destroy(&["--dry-run"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("would uninstall helm release kmp-destroy/apim"),
        "{out}"
    );
    assert!(
        out.contains("would delete Secret kmp-destroy/apim-keystores"),
        "{out}"
    );
    assert!(out.contains("would remove the lines between"), "{out}");
    assert!(
        out.contains("left alone: Namespace kmp-destroy") && out.contains("ConfigMap planted"),
        "{out}"
    );
    assert_eq!(run.releases().len(), 2);
    assert_eq!(run.names("secrets"), secrets_before);
    assert_eq!(run.hosts(), hosts_applied);
    for o in &objects {
        assert!(exists(o), "{o} removed by a dry run");
    }

    let started = Instant::now();
    let (code, out, err) = run.destroy(&["--yes"]);
    assert_eq!(code, 0, "destroy failed\n{out}\n{err}");
    eprintln!(
        "destroy took {:.1}s\n{out}",
        started.elapsed().as_secs_f64()
    );
    assert!(run.releases().is_empty(), "{:?}", run.releases());
    for o in &objects {
        if o["kind"] == "Namespace" {
            continue;
        }
        assert!(!exists(o), "{o} is still there\n{out}");
    }
    assert!(
        run.names("secrets").is_empty(),
        "{:?}",
        run.names("secrets")
    );
    for kind in ["deployments", "services", "ingresses", "configmaps"] {
        let left: Vec<String> = run
            .names(kind)
            .into_iter()
            .filter(|n| n != "configmap/planted" && n != "configmap/kube-root-ca.crt")
            .collect();
        assert!(left.is_empty(), "{kind}: {left:?}");
    }
    // the planted object keeps the namespace kmpilot created
    ok(&kubectl(&["get", "configmap", "planted", "-n", ns]));
    ok(&kubectl(&["get", "namespace", ns]));
    assert!(
        out.contains("left alone: Namespace kmp-destroy") && out.contains("ConfigMap planted"),
        "{out}"
    );
    assert_eq!(run.hosts(), HOSTS_BEFORE, "the hosts file byte for byte");

    // twice: nothing left to do, nothing changes
    let (code, out, err) = run.destroy(&["--yes"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("not installed (nothing to remove)"), "{out}");
    assert!(!out.contains("deleted "), "{out}");
    assert_eq!(run.hosts(), HOSTS_BEFORE);
    ok(&kubectl(&["get", "configmap", "planted", "-n", ns]));
}

#[test]
fn a_destroy_killed_midway_finishes_when_run_again_namespace_included() {
    let _turn = support::one_file::turn(module_path!());
    if !cluster() {
        return;
    }
    let run = Run::new("kmp-destroy-kill");
    run.apply();
    let ns = run.ns.as_str();
    let objects = run.ledger()["objects"].as_array().unwrap().clone();
    // the IS keystore secret's finalizers, as the test sets them
    let finalizers = |list: &str| {
        let patch = format!(r#"{{"metadata":{{"finalizers":{list}}}}}"#);
        ok(&kubectl(&[
            "patch",
            "secret",
            "is-keystores",
            "-n",
            ns,
            "--type=merge",
            "-p",
            &patch,
        ]))
    };
    // hold the IS keystore secret in deletion, so the destroy is surely midway when killed
    finalizers(r#"["kmpilot.test/hold"]"#);
    let mut child = run.kmpilot(&["destroy", "--yes"]).spawn().unwrap();
    let start = Instant::now();
    loop {
        let o = kubectl(&[
            "get",
            "secret",
            "is-keystores",
            "-n",
            ns,
            "-o",
            "jsonpath={.metadata.deletionTimestamp}",
        ]);
        if o.status.success() && !o.stdout.is_empty() {
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            let (_, out, err) = finish(child);
            panic!("destroy ended ({status}) before it reached the keystores\n{out}\n{err}");
        }
        assert!(
            start.elapsed() < Duration::from_secs(240),
            "the destroy never reached the keystores"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // kill -9: no chance to clean up
    child.kill().unwrap();
    let (code, _, _) = finish(child);
    assert_eq!(code, -1, "killed by a signal");
    let journal = run
        .dir
        .path()
        .join(format!("state/journal/{ns}.destroy.json"));
    let j: serde_json::Value = serde_json::from_slice(&std::fs::read(&journal).unwrap()).unwrap();
    assert_eq!(j["steps"]["api-manager"]["status"], "done", "{j:#}");
    assert!(j["steps"].get("prerequisites").is_none(), "{j:#}");
    ok(&kubectl(&["get", "namespace", ns]));

    finalizers("null");
    let (code, out, err) = run.destroy(&["--yes"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("resuming an interrupted destroy"), "{out}");
    assert!(
        out.contains("api-manager — skipped: done in an earlier run"),
        "{out}"
    );
    // nothing else was in the namespace kmpilot created: it goes too
    let start = Instant::now();
    while kubectl(&["get", "namespace", ns]).status.success() {
        assert!(
            start.elapsed() < Duration::from_secs(180),
            "namespace {ns} still there\n{out}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    for o in &objects {
        assert!(!exists(o), "{o} is still there\n{out}");
    }
    assert_eq!(run.hosts(), HOSTS_BEFORE);
    assert!(!journal.exists(), "a finished destroy leaves no journal");
}

const DEPLOYMENT_TOML: &str = r#"# API-M deployment.toml: comments, layout and other tables stay
[server]
hostname = "am.wso2.com" # the public name

[apim.cors]
allow_origins = "*"

# someone else's cluster, which destroy must keep
[[ContainerMgtClusterConfig]]
type = "Kubernetes"
clusterName = "theirs"
displayName = "Their cluster"
properties.Replicas = 3
"#;

#[test]
fn privatejet_destroy_removes_the_rbac_tokens_crs_and_merged_blocks_only() {
    let _turn = support::one_file::turn(module_path!());
    if !cluster() {
        return;
    }
    support::apply_yaml(
        &std::fs::read_to_string(root().join("tests/crds/test-crds.yaml")).unwrap(),
    );
    let dir = tempfile::tempdir().unwrap();
    let ns = "kmp-destroy-pj";
    // the namespace is the test's, not kmpilot's: it stays
    support::fresh_namespace(ns);
    let toml_path = dir.path().join("deployment.toml");
    std::fs::write(&toml_path, DEPLOYMENT_TOML).unwrap();
    let profile = dir.path().join("pj.yaml");
    std::fs::write(
        &profile,
        format!(
            r#"apiVersion: kmpilot/v1
kind: Profile
name: kmp-destroy-pj
identityServer: {{ install: false }}
apiManager: {{ install: false, chart: wso2/am-pattern-1, chartVersion: 3.2.0-5 }}
privateJet:
  mergeInto: {toml}
  clusters:
    - name: pj-destroy
      displayName: Destroyed
      namespace: {ns}
      accessUrl: https://one.example.com
      clusterRole: kmp-destroy-pj-role
      operatorMode: ingress
      security:
        basic:
          name: securitybasic
          credentials: {{ username: admin, password: {{ env: PJ_BASIC_PASSWORD }} }}
"#,
            toml = toml_path.display()
        ),
    )
    .unwrap();
    let kmpilot = |args: &[&str]| {
        kmpilot_in(
            dir.path(),
            &profile,
            ("PJ_BASIC_PASSWORD", "pj-basic-secret"),
            args,
        )
    };
    // the operator's own namespace holds its config; the test makes it, as the operator would
    let _ = kubectl(&["create", "namespace", "wso2-system"]);
    // cluster-wide: an earlier run's would be there before this apply (and so not its own)
    let _ = kubectl(&[
        "delete",
        "clusterrole,clusterrolebinding",
        "kmp-destroy-pj-role",
        "kmpilot-privatejet-kmp-destroy-pj-wso2am-privatejet",
        "--ignore-not-found",
    ]);
    let _ = kubectl(&[
        "delete",
        "configmap",
        "controller-config",
        "-n",
        "wso2-system",
        "--ignore-not-found",
    ]);
    let (code, out, err) = kmpilot(&["apply", "--yes", "--only", "private-jet"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_ne!(
        std::fs::read_to_string(&toml_path).unwrap(),
        DEPLOYMENT_TOML
    );
    let ledger = ledger_in(dir.path(), "kmp-destroy-pj");
    let objects = recorded(
        &ledger,
        &[
            "ServiceAccount",
            "Secret",
            "ClusterRole",
            "ClusterRoleBinding",
            "Security",
            "ConfigMap",
        ],
    );
    for o in &objects {
        assert!(exists(o), "{o}");
    }

    let (code, out, err) = kmpilot(&["destroy", "--yes"]);
    assert_eq!(code, 0, "{out}\n{err}");
    for o in &objects {
        assert!(!exists(o), "{o} is still there\n{out}");
    }
    assert_eq!(
        std::fs::read_to_string(&toml_path).unwrap(),
        DEPLOYMENT_TOML,
        "the merged deployment.toml byte for byte\n{out}"
    );
    ok(&kubectl(&["get", "namespace", ns]));
    let _ = kubectl(&["delete", "namespace", ns, "--wait=false"]);
}

/// The KMS track replaces IBM's `key-management-api` deployment with a sidecar-injected copy
/// (the real istioctl); destroy puts back the original kmpilot kept before replacing it, and
/// removes the Istio, cert-manager and IBM objects it created. The `sts-apikey` secret was
/// there before (kmpilot patched one key into it): it stays.
#[test]
fn kms_destroy_restores_the_original_kms_deployment_and_keeps_the_sts_secret() {
    let _turn = support::one_file::turn(module_path!());
    if !cluster() {
        return;
    }
    support::apply_yaml(
        &std::fs::read_to_string(root().join("tests/crds/test-crds.yaml")).unwrap(),
    );
    ok(&kubectl(&[
        "get",
        "configmap",
        "istio-sidecar-injector",
        "-n",
        "istio-system",
    ]));
    // a clean slate (the tracks test uses the same objects; cargo runs test binaries one at
    // a time)
    for args in [
        &["deployment", "key-management-api", "-n", "kube-system"][..],
        &[
            "configmap",
            "kmpilot-original-key-management-api",
            "-n",
            "kube-system",
        ],
        &["deployment", "tokenadapter", "-n", "istio-system"],
        &["secret", "sts-apikey", "-n", "istio-system"],
    ] {
        let mut a = vec!["delete"];
        a.extend_from_slice(args);
        a.extend(["--ignore-not-found", "--cascade=foreground", "--wait=true"]);
        ok(&kubectl(&a));
    }
    support::apply_yaml(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: sts-apikey, namespace: istio-system}\nstringData: {apikey: old-key, other: kept}\n---\n\
         apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: tokenadapter, namespace: istio-system}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: tokenadapter}}\n  template:\n    metadata: {labels: {app: tokenadapter}}\n    spec: {containers: [{name: sts, image: ibmcom/sts:1}]}\n---\n\
         apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: key-management-api, namespace: kube-system}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: kms-api}}\n  template:\n    metadata: {labels: {app: kms-api}}\n    spec: {containers: [{name: api, image: ibmcom/kms-api:1}]}\n",
    );
    let spec_of = || -> serde_json::Value {
        let v: serde_json::Value = serde_json::from_str(&ok(&kubectl(&[
            "get",
            "deployment",
            "key-management-api",
            "-n",
            "kube-system",
            "-o",
            "json",
        ])))
        .unwrap();
        v["spec"]["template"].clone()
    };
    let original = spec_of();
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("kms.yaml");
    std::fs::write(
        &profile,
        "apiVersion: kmpilot/v1\nkind: Profile\nname: kmp-destroy-kms\nidentityServer: {install: false}\napiManager: {install: false}\nkmsSts:\n  enabled: true\n  apiKey: {env: KMS_API_KEY}\n  sourceCrn: 'crn:v1:staging:public:sts:us-south:a/1234:123456789::'\n  targetCrns: ['crn:v1:icp:private:kms:mycluster:n/kube-system:0d705d95-e216-4ce4-9c81-38eeef4eee3b::']\n  certificate: {apiVersion: cert-manager.io/v1, ipAddresses: [9.42.136.50]}\n",
    )
    .unwrap();
    let kmpilot = |args: &[&str]| {
        kmpilot_in(
            dir.path(),
            &profile,
            ("KMS_API_KEY", "kms-api-key-123"),
            args,
        )
    };
    let (code, out, err) = kmpilot(&["apply", "--yes", "--only", "kms-sts"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let injected = spec_of();
    assert_ne!(injected, original, "the sidecar was injected");
    ok(&kubectl(&[
        "get",
        "configmap",
        "kmpilot-original-key-management-api",
        "-n",
        "kube-system",
    ]));
    // a second apply keeps the first original, not its own injected copy
    let (code, out, err) = kmpilot(&["apply", "--yes", "--only", "kms-sts"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("kept in ConfigMap kmpilot-original-key-management-api already"),
        "{out}"
    );
    let ledger = ledger_in(dir.path(), "kmp-destroy-kms");
    let objects = recorded(
        &ledger,
        &[
            "Certificate",
            "Gateway",
            "VirtualService",
            "DestinationRule",
            "IdentityMappingPolicy",
            "ConfigMap",
        ],
    );
    assert!(
        !objects.iter().any(|o| o["name"] == "sts-apikey"),
        "the secret was there before: {ledger:#}"
    );

    let (code, out, err) = kmpilot(&["destroy", "--yes"]);
    assert_eq!(code, 0, "{out}\n{err}");
    for o in &objects {
        assert!(!exists(o), "{o} is still there\n{out}");
    }
    let restored = spec_of();
    let containers: Vec<&str> = restored["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(containers, ["api"], "{restored:#}\n{out}");
    assert!(restored["spec"]["initContainers"].is_null(), "{restored:#}");
    assert!(
        restored["metadata"]["annotations"]["sidecar.istio.io/status"].is_null(),
        "{restored:#}"
    );
    assert_eq!(
        restored, original,
        "the original pod template is back\n{out}"
    );
    assert!(
        out.contains("left alone: Secret istio-system/sts-apikey"),
        "{out}"
    );
    let other = jsonpath("secret", "sts-apikey", "istio-system", "{.data.other}");
    assert!(!other.is_empty());
}

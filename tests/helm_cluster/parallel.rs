//! Steps side by side, against the real test control plane with the real helm and the
//! project's stand-in charts (tests/charts) and the named docker stand-in
//! (tests/docker-standin). Every assertion is on the order of the events `apply -o json`
//! prints (one channel, in the order the executor sent them), never on a clock: where overlap
//! must be observable, the stand-in build is held open until the test has seen what it
//! waits for.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Command;

use kmpilot::plan::StepId;
use serde_json::Value;

use crate::support;
use support::deployment::Deployment;
use support::{charts, kubectl};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

struct Env {
    d: Deployment,
    profile: PathBuf,
}

impl std::ops::Deref for Env {
    type Target = Deployment;
    fn deref(&self) -> &Deployment {
        &self.d
    }
}

impl Env {
    /// A fresh namespace and a profile installing both stand-in charts, with the IS image
    /// built (`build`) and the key manager registered (`register`); no DNS step.
    fn new(ns: &str, build: bool, register: bool) -> Env {
        let d = Deployment::new(ns);
        let image = if build {
            "{ build: true, base: wso2/wso2is:7.1.0, registry: localhost:5000, repository: wso2is-km, tag: \"7.1.0\", delivery: push }"
        } else {
            "{ build: false, registry: docker.io, repository: wso2/wso2is, tag: \"7.1.0\" }"
        };
        let profile = d.write(
            "p.yaml",
            &format!(
                "apiVersion: kmpilot/v1\nkind: Profile\nname: {ns}\ncluster: {{ namespace: {ns} }}\n\
                 identityServer:\n  chart: {is}\n  hostname: is.{ns}.test\n  image: {image}\n  helmTimeoutMinutes: 3\n\
                 apiManager:\n  chart: {am}\n  chartVersion: 4.5.0-10\n  hostnames: {{ management: am.{ns}.test, gateway: gw.{ns}.test, websocket: ws.{ns}.test, websub: websub.{ns}.test }}\n  helmTimeoutMinutes: 3\n\
                 keyManager: {{ register: {register}, discover: false }}\ndns: {{ mode: none }}\n",
                is = charts().join("identity-server-standin").display(),
                am = charts().join("wso2am-standin").display(),
            ),
        );
        Env { d, profile }
    }

    /// `kmpilot apply -o json` with the named docker stand-in first on PATH.
    fn apply(&self, extra: &[&str]) -> Command {
        let path = format!(
            "{}:{}",
            root().join("tests/docker-standin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut c = self.d.kmpilot(&["apply", "--yes", "-o", "json", "-f"]);
        c.arg(&self.profile)
            .args(extra)
            .env("PATH", path)
            .env("DOCKER_STANDIN_STATE", self.dir.path().join("images"))
            .env("DOCKER_STANDIN_BUILD_SECONDS", "0");
        c
    }

    /// What the plan says each step needs (the executor's contract).
    fn needs(&self) -> Vec<(StepId, Vec<StepId>)> {
        let loaded =
            kmpilot::profile::load::from_path(&self.profile, kmpilot::steps::validate).unwrap();
        let plan = kmpilot::steps::plan(&loaded.profile);
        plan.steps
            .iter()
            .map(|s| (s.id, plan.needs(s.id)))
            .collect()
    }
}

/// The executor's events, in the order printed.
fn events(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v.get("event").is_some())
        .collect()
}

/// Index of the first event `kind` of `step`.
fn at(evs: &[Value], kind: &str, step: StepId) -> Option<usize> {
    evs.iter()
        .position(|e| e["event"] == kind && e["step"] == step.as_str())
}

fn started(evs: &[Value]) -> Vec<String> {
    evs.iter()
        .filter(|e| e["event"] == "step-started")
        .map(|e| e["step"].as_str().unwrap().to_string())
        .collect()
}

/// No step starts before every step it needs has finished.
fn assert_needs_first(evs: &[Value], needs: &[(StepId, Vec<StepId>)], out: &str) {
    for (id, ns) in needs {
        let Some(s) = at(evs, "step-started", *id) else {
            continue;
        };
        for n in ns {
            let done = at(evs, "step-finished", *n)
                .or_else(|| at(evs, "step-skipped", *n))
                .unwrap_or_else(|| {
                    panic!(
                        "{} started, {} never finished\n{out}",
                        id.as_str(),
                        n.as_str()
                    )
                });
            assert!(
                done < s,
                "{} started (event {s}) before {} finished (event {done})\n{out}",
                id.as_str(),
                n.as_str()
            );
        }
    }
}

/// The image build is held open until API-M has finished: API-M, which needs only the
/// keystores, starts and completes while the build runs; IS waits for the image.
#[test]
fn steps_start_after_their_needs_and_independent_ones_overlap() {
    let _turn = support::one_file::turn(module_path!());
    if support::test_cluster().is_none() {
        return;
    }
    let env = Env::new("kmp-par-order", true, false);
    let release = env.dir.path().join("release-build");
    let mut child = env
        .apply(&[])
        .env("DOCKER_STANDIN_BUILD_UNTIL", &release)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if line.contains(r#""event":"step-finished","step":"api-manager""#) {
            std::fs::write(&release, "").unwrap();
        }
        lines.push(line);
    }
    std::fs::write(&release, "").unwrap();
    let status = child.wait().unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    let out = lines.join("\n");
    assert!(status.success(), "apply failed:\n{out}\n{err}");
    let evs = events(&out);
    assert_needs_first(&evs, &env.needs(), &out);
    let ix = |k, s| at(&evs, k, s).unwrap_or_else(|| panic!("no {k} {s:?}\n{out}"));
    // the image and the keystores start together once the prerequisites are done
    assert!(ix("step-started", StepId::Keystores) < ix("step-finished", StepId::IsImage));
    // API-M runs, and finishes, while the image is still being built
    assert!(ix("step-started", StepId::ApiManager) < ix("step-finished", StepId::IsImage));
    assert!(ix("step-finished", StepId::ApiManager) < ix("step-finished", StepId::IsImage));
    assert!(ix("step-started", StepId::IdentityServer) > ix("step-finished", StepId::IsImage));
    // both releases are there
    for r in ["is", "apim"] {
        let o = Command::new("helm")
            .args(["status", r, "-n", &env.ns, "-o", "json"])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
        assert_eq!(v["info"]["status"], "deployed", "{r}");
    }
}

/// A Service the IS chart renders already exists, owned by nobody: helm refuses the IS
/// install. API-M, which does not need IS, completes; the key-manager registration, which
/// needs both, never starts. Once the conflict is gone, `--resume` runs only IS and the
/// registration.
#[test]
fn a_failed_is_install_stops_only_what_needs_it_and_resume_runs_only_that() {
    let _turn = support::one_file::turn(module_path!());
    if support::test_cluster().is_none() {
        return;
    }
    let env = Env::new("kmp-par-fail", false, true);
    assert!(kubectl(&["create", "namespace", &env.ns]).status.success());
    support::apply_yaml(&format!(
        "apiVersion: v1\nkind: Service\nmetadata: {{name: is-identity-server, namespace: {}}}\nspec: {{ports: [{{port: 9443}}]}}\n",
        env.ns
    ));
    let o = env.apply(&[]).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "apply succeeded:\n{out}\n{err}");
    let evs = events(&out);
    assert_needs_first(&evs, &env.needs(), &out);
    assert!(
        at(&evs, "step-failed", StepId::IdentityServer).is_some(),
        "{out}"
    );
    assert!(
        at(&evs, "step-finished", StepId::ApiManager).is_some(),
        "{out}"
    );
    assert!(
        at(&evs, "step-started", StepId::KeyManager).is_none(),
        "{out}"
    );
    let blocked = at(&evs, "step-blocked", StepId::KeyManager).expect("key-manager blocked");
    assert_eq!(evs[blocked]["needs"][0], "identity-server");

    assert!(
        kubectl(&["delete", "service", "is-identity-server", "-n", &env.ns])
            .status
            .success()
    );
    let o = env.apply(&["--resume"]).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    let evs = events(&out);
    assert_needs_first(&evs, &env.needs(), &out);
    // nothing finished is repeated, nothing unfinished is left out
    assert_eq!(started(&evs), ["identity-server", "key-manager"], "{out}");
    for s in [StepId::Prerequisites, StepId::Keystores, StepId::ApiManager] {
        let i = at(&evs, "step-skipped", s).unwrap_or_else(|| panic!("{s:?} not skipped\n{out}"));
        assert_eq!(evs[i]["reason"], "done in an earlier run (journal)");
    }
    assert!(
        at(&evs, "step-finished", StepId::IdentityServer).is_some(),
        "{out}"
    );
}

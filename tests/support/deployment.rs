//! One deployment of the stand-in charts (tests/charts) for a cluster test: a namespace of its
//! own, a temporary folder for the profile, kmpilot's state and the hosts file, the quickstart
//! profile on the stand-in charts, and `kmpilot` run against them. What a test file adds is
//! only what is specific to it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use super::{charts, kubectl, ok};

/// The hosts file a deployment starts with.
pub const HOSTS: &str = "127.0.0.1 localhost\n";
/// `KEYSTORE_PASSWORD` and `APIM_ADMIN_PASSWORD` of [`Deployment::kmpilot`]; a test that greps
/// its output for secrets sets its own.
pub const STORE_PASSWORD: &str = "kmpilot-test-store";
pub const ADMIN_PASSWORD: &str = "kmpilot-test-admin";

/// The namespace is deleted (not waited for) when the deployment drops, also when the test
/// panics.
pub struct Deployment {
    pub dir: tempfile::TempDir,
    pub ns: String,
}

impl Deployment {
    /// A deployment into `ns` whose hosts file holds [`HOSTS`].
    pub fn new(ns: &str) -> Deployment {
        Deployment::with_hosts(ns, HOSTS)
    }

    /// Namespace `ns` as a fresh one (what an earlier run left is deleted, waited for), the
    /// IngressClass the NGINX controller leaves behind, and a hosts file holding `hosts`.
    pub fn with_hosts(ns: &str, hosts: &str) -> Deployment {
        let _ = kubectl(&[
            "delete",
            "namespace",
            ns,
            "--wait=true",
            "--ignore-not-found",
            "--timeout=180s",
        ]);
        super::ensure_nginx_ingress_class();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("hosts"), hosts).unwrap();
        Deployment {
            dir,
            ns: ns.to_string(),
        }
    }

    pub fn hosts_file(&self) -> PathBuf {
        self.dir.path().join("hosts")
    }

    /// The hosts file as it is now.
    pub fn hosts(&self) -> String {
        std::fs::read_to_string(self.hosts_file()).unwrap()
    }

    /// The quickstart on the stand-in charts: both products in the namespace, hostnames under
    /// `<ns>.test`, a ready IS image, no registration, the hosts file as DNS.
    pub fn quickstart_yaml(&self) -> String {
        self.profile_yaml(
            &charts().join("identity-server-standin"),
            &charts().join("wso2am-standin"),
            "",
        )
    }

    /// [`quickstart_yaml`](Self::quickstart_yaml) with other charts, and `cluster_extra` (YAML
    /// lines indented by two) added to the `cluster` section.
    pub fn profile_yaml(&self, is_chart: &Path, apim_chart: &Path, cluster_extra: &str) -> String {
        let ns = &self.ns;
        format!(
            r#"apiVersion: kmpilot/v1
kind: Profile
name: {ns}
cluster:
  namespace: {ns}
{cluster_extra}identityServer:
  chart: {is_chart}
  hostname: is.{ns}.test
  image: {{ build: false, registry: docker.io, repository: wso2/wso2is, tag: "7.1.0" }}
  helmTimeoutMinutes: 2
apiManager:
  chart: {apim_chart}
  chartVersion: {apim_version}
  hostnames: {{ management: am.{ns}.test, gateway: gw.{ns}.test, websocket: ws.{ns}.test, websub: websub.{ns}.test }}
  helmTimeoutMinutes: 2
keyManager: {{ register: false }}
dns: {{ mode: hosts-file, hostsFile: {hosts}, waitSeconds: 120 }}
"#,
            is_chart = is_chart.display(),
            apim_chart = apim_chart.display(),
            // the stand-in's own line: its values and checks are that line's
            apim_version = super::chart_version(apim_chart),
            hosts = self.hosts_file().display(),
        )
    }

    /// `text` written to `name` in the deployment's folder.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    /// `kmpilot ARGS` with the deployment's state folder and the test passwords, no input,
    /// both output streams piped.
    pub fn kmpilot(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_kmpilot"));
        c.args(args)
            .env("KMPILOT_STATE_DIR", self.dir.path().join("state"))
            .env("KEYSTORE_PASSWORD", STORE_PASSWORD)
            .env("APIM_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    /// `kmpilot apply --yes -f PROFILE EXTRA…`, started.
    pub fn spawn_apply(&self, profile: &Path, extra: &[&str]) -> Child {
        self.kmpilot(&["apply", "--yes", "-f"])
            .arg(profile)
            .args(extra)
            .spawn()
            .unwrap()
    }

    /// Applies `profile` with the ingress controller's part played ([`Self::publish_ingress_address`]
    /// with `ip`); the test fails unless the apply succeeds.
    pub fn apply(&self, profile: &Path, ip: &str) {
        self.apply_with(self.spawn_apply(profile, &[]), ip);
    }

    /// [`Self::apply`] of an apply already started.
    pub fn apply_with(&self, mut child: Child, ip: &str) {
        self.publish_ingress_address(ip, &mut child);
        let (code, out, err) = finish(child);
        assert_eq!(code, 0, "apply failed\nstdout:\n{out}\nstderr:\n{err}");
    }

    /// Plays the ingress controller: gives the management ingress an address once it exists.
    pub fn publish_ingress_address(&self, ip: &str, child: &mut Child) {
        super::publish_ingress_address(&self.ns, "apim", ip, child)
    }

    /// Objects of `kind` in the namespace, as `kind/name`; helm's own release-history secrets
    /// are left out (every `helm upgrade` adds a revision, which is history, not a new object
    /// of ours).
    pub fn names(&self, kind: &str) -> Vec<String> {
        let mut args = vec!["get", kind, "-n", &self.ns, "-o", "name"];
        if kind == "secrets" {
            args.push("--field-selector=type!=helm.sh/release.v1");
        }
        ok(&kubectl(&args)).lines().map(str::to_string).collect()
    }
}

impl Drop for Deployment {
    fn drop(&mut self) {
        let _ = kubectl(&[
            "delete",
            "namespace",
            &self.ns,
            "--wait=false",
            "--ignore-not-found",
        ]);
    }
}

/// Runs `cmd` to its end: its exit code (-1 when killed) and both output streams together.
pub fn run(cmd: &mut Command) -> (i32, String) {
    let o = cmd.output().expect("kmpilot");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.code().unwrap_or(-1), text)
}

/// Waits for `child`: its exit code (-1 when killed), standard output and error.
pub fn finish(child: Child) -> (i32, String, String) {
    let o = child.wait_with_output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).to_string(),
        String::from_utf8_lossy(&o.stderr).to_string(),
    )
}

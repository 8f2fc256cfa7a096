//! `kmpilot doctor --bundle FILE.tar.gz`: what a support engineer asks for first, in one file —
//! versions, nodes, the namespace's events and pods (described), container logs (current and
//! previous), Helm history and values, the `.toml` files the charts rendered, the profile
//! (references only), kmpilot's log and journal, and the doctor report — every file redacted
//! ([`redact`]) before it is packed, the way `must-gather` and `kubectl cluster-info dump` are
//! used, without their habit of shipping Secrets.
//!
//! Read-only: nothing in the cluster changes. What cannot be gathered (a pod without logs, no
//! helm on PATH) is listed in `errors.txt` instead of failing the bundle.

pub mod redact;

use std::path::{Path, PathBuf};
use std::time::Duration;

use k8s_openapi::api::core::v1::{ConfigMap, Event, Node, Pod, Secret};
use kube::api::{Api, ListParams, LogParams};
use serde::Serialize;

use crate::kube::Kube;
use crate::profile::Profile;
use crate::profile::secret::SecretRef;
use redact::Redactor;

#[derive(Debug, Clone)]
pub struct BundleOptions {
    /// The `.tar.gz` to write (atomically: a temporary file renamed into place).
    pub path: PathBuf,
    /// Last lines of each container log.
    pub log_lines: i64,
    /// kmpilot's state directory (log, journal).
    pub state_dir: PathBuf,
    /// The profile's directory, for relative `file:` secret references.
    pub base_dir: PathBuf,
}

#[derive(Debug, Serialize)]
pub struct BundleSummary {
    pub path: PathBuf,
    pub files: Vec<String>,
    /// What could not be gathered, and why.
    pub errors: Vec<String>,
    /// How many distinct secret values were searched for and masked.
    pub known_secrets: usize,
}

/// One bundle being assembled: files by relative path, each redacted when added.
struct Contents {
    redactor: Redactor,
    files: Vec<(String, String)>,
    errors: Vec<String>,
}

impl Contents {
    fn add(&mut self, path: impl Into<String>, text: &str) {
        self.files.push((path.into(), self.redactor.text(text)));
    }
    fn add_yaml<T: Serialize>(&mut self, path: &str, value: &T) {
        match serde_json::to_value(value) {
            Ok(mut v) => {
                strip_noise(&mut v);
                self.add(path, &crate::render::yaml(&v));
            }
            Err(e) => self.errors.push(format!("{path}: {e}")),
        }
    }
    fn error(&mut self, what: impl Into<String>) {
        let e = self.redactor.text(&what.into());
        self.errors.push(e);
    }
}

/// `managedFields` and the last-applied annotation are long and repeat the object (the latter
/// can even repeat a Secret's data); a bundle reader never needs them.
fn strip_noise(v: &mut serde_json::Value) {
    if let Some(meta) = v.get_mut("metadata").and_then(|m| m.as_object_mut()) {
        meta.remove("managedFields");
        if let Some(a) = meta.get_mut("annotations").and_then(|a| a.as_object_mut()) {
            a.remove("kubectl.kubernetes.io/last-applied-configuration");
        }
    }
    if let Some(items) = v.get_mut("items").and_then(|i| i.as_array_mut()) {
        items.iter_mut().for_each(strip_noise);
    }
}

/// Gathers the bundle for `p` and writes it to `opts.path`. `doctor` is the doctor report
/// already computed. `kube` is `None` when the cluster did not answer (the bundle then holds
/// what is local: profile, log, journal, doctor report).
pub async fn write(
    p: &Profile,
    kube: Option<&Kube>,
    doctor: &serde_json::Value,
    opts: &BundleOptions,
) -> std::io::Result<BundleSummary> {
    let mut c = Contents {
        redactor: Redactor::default(),
        files: Vec::new(),
        errors: Vec::new(),
    };
    learn_profile_secrets(p, &opts.base_dir, &mut c.redactor);
    if let Some(k) = kube {
        learn_cluster_secrets(k, &p.cluster.namespace, &mut c).await;
    }

    let mut versions = serde_json::json!({ "kmpilot": env!("CARGO_PKG_VERSION") });
    if let Some(k) = kube {
        match k.server_version().await {
            Ok(v) => versions["kubernetes"] = v.into(),
            Err(e) => c.error(format!("server version: {e}")),
        }
    }
    match crate::profile::save::to_yaml(p) {
        // to_yaml writes references only: a `literal:` becomes `prompt: true`
        Ok((yaml, _)) => c.add("profile.yaml", &yaml),
        Err(e) => c.error(format!("profile: {e}")),
    }
    c.add(
        "doctor.json",
        &serde_json::to_string_pretty(doctor).unwrap_or_default(),
    );
    local_state(p, opts, &mut c);
    if let Some(k) = kube {
        cluster_state(p, k, opts.log_lines, &mut c).await;
        helm_state(p, &mut c, &mut versions).await;
    }
    c.add(
        "versions.json",
        &serde_json::to_string_pretty(&versions).unwrap_or_default(),
    );
    let errors = std::mem::take(&mut c.errors);
    c.add("errors.txt", &(errors.join("\n") + "\n"));
    c.add("README.txt", README);

    let files: Vec<String> = c.files.iter().map(|(p, _)| p.clone()).collect();
    pack(&opts.path, &p.name, &c.files)?;
    Ok(BundleSummary {
        path: opts.path.clone(),
        files,
        errors,
        known_secrets: c.redactor.len(),
    })
}

const README: &str = "kmpilot support bundle\n\n\
versions.json      kmpilot, Kubernetes, Helm releases and chart versions\n\
doctor.json        the doctor report\n\
profile.yaml       the profile (secret references only)\n\
cluster/           nodes (with conditions), the namespace's events, Secret names and keys (never values)\n\
pods/              one describe-like file and the object per pod\n\
logs/              last lines of each container log, current and previous\n\
helm/              per release: history and the values it was installed with\n\
config/            .toml files the charts rendered into ConfigMaps (deployment.toml)\n\
kmpilot/           kmpilot's log and run journal\n\
errors.txt         what could not be gathered\n\n\
Every file was redacted before packing: values of the namespace's Secrets and of the profile's\n\
secret references, values of keys named like password/secret/token, and private keys are\n\
replaced by «redacted».\n";

/// Values the profile's references resolve to without asking anyone: environment variables
/// that are set, files that exist, literals.
fn learn_profile_secrets(p: &Profile, base: &Path, r: &mut Redactor) {
    let plan = crate::steps::plan(p);
    for u in crate::plan::secrets::uses(&plan) {
        match &u.secret {
            SecretRef::Env(var) => {
                if let Ok(v) = std::env::var(var) {
                    r.add(&v);
                }
            }
            SecretRef::File(path) => {
                let path = if path.is_absolute() {
                    path.clone()
                } else {
                    base.join(path)
                };
                if let Ok(text) = std::fs::read_to_string(path) {
                    r.add(text.lines().next().unwrap_or_default());
                }
            }
            SecretRef::Literal(v) => r.add(v),
            SecretRef::Prompt(_) => {}
        }
    }
}

/// Every value of every Secret in the namespace is a value to mask; the Secrets themselves go
/// into the bundle as names, types and keys.
async fn learn_cluster_secrets(k: &Kube, ns: &str, c: &mut Contents) {
    let api: Api<Secret> = Api::namespaced(k.client(), ns);
    match api.list(&ListParams::default()).await {
        Ok(list) => {
            let mut index = String::new();
            for s in &list.items {
                let name = s.metadata.name.clone().unwrap_or_default();
                let ty = s.type_.clone().unwrap_or_default();
                let mut keys: Vec<&String> = Vec::new();
                for (key, value) in s.data.iter().flatten() {
                    keys.push(key);
                    // keystores are binary: their bytes never appear as text, but their
                    // base64 form could (a values file, a log)
                    match std::str::from_utf8(&value.0) {
                        Ok(text) => c.redactor.add(text),
                        Err(_) => {
                            use base64::Engine as _;
                            c.redactor
                                .add(&base64::engine::general_purpose::STANDARD.encode(&value.0));
                        }
                    }
                }
                for (key, value) in s.string_data.iter().flatten() {
                    keys.push(key);
                    c.redactor.add(value);
                }
                index.push_str(&format!(
                    "{name}\t{ty}\tkeys: {}\n",
                    keys.iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                ));
            }
            c.add("cluster/secrets.txt", &index);
        }
        Err(e) => c.error(format!("secrets of {ns}: {e}")),
    }
}

fn local_state(p: &Profile, opts: &BundleOptions, c: &mut Contents) {
    let log = opts.state_dir.join("kmpilot.log");
    match std::fs::read_to_string(&log) {
        Ok(text) => {
            // the last 5,000 lines: enough for the runs that matter, bounded for old state dirs
            let lines: Vec<&str> = text.lines().collect();
            let tail = lines[lines.len().saturating_sub(5000)..].join("\n");
            c.add("kmpilot/kmpilot.log", &tail);
        }
        Err(e) => c.error(format!("{}: {e}", log.display())),
    }
    let journal = crate::exec::journal::path(&opts.state_dir, &p.name);
    match std::fs::read_to_string(&journal) {
        Ok(text) => c.add("kmpilot/journal.json", &text),
        Err(e) => c.error(format!("{}: {e}", journal.display())),
    }
}

async fn cluster_state(p: &Profile, k: &Kube, log_lines: i64, c: &mut Contents) {
    let ns = &p.cluster.namespace;
    let lp = ListParams::default();
    match Api::<Node>::all(k.client()).list(&lp).await {
        Ok(nodes) => {
            let mut summary = String::new();
            for n in &nodes.items {
                let conds = n
                    .status
                    .as_ref()
                    .and_then(|s| s.conditions.as_ref())
                    .map(|cs| {
                        cs.iter()
                            .map(|c| format!("{}={}", c.type_, c.status))
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .unwrap_or_default();
                summary.push_str(&format!(
                    "{}\t{}\n",
                    n.metadata.name.clone().unwrap_or_default(),
                    conds
                ));
            }
            c.add("cluster/nodes.txt", &summary);
            c.add_yaml("cluster/nodes.yaml", &nodes);
        }
        Err(e) => c.error(format!("nodes: {e}")),
    }
    let events = match Api::<Event>::namespaced(k.client(), ns).list(&lp).await {
        Ok(list) => {
            c.add_yaml("cluster/events.yaml", &list);
            list.items
        }
        Err(e) => {
            c.error(format!("events of {ns}: {e}"));
            Vec::new()
        }
    };
    let pods_api: Api<Pod> = Api::namespaced(k.client(), ns);
    match pods_api.list(&lp).await {
        Ok(pods) => {
            for pod in &pods.items {
                let name = pod.metadata.name.clone().unwrap_or_default();
                c.add(format!("pods/{name}.txt"), &describe_pod(pod, &events));
                c.add_yaml(&format!("pods/{name}.yaml"), pod);
                pod_logs(&pods_api, pod, log_lines, c).await;
            }
        }
        Err(e) => c.error(format!("pods of {ns}: {e}")),
    }
    match Api::<ConfigMap>::namespaced(k.client(), ns).list(&lp).await {
        Ok(list) => {
            for cm in &list.items {
                let name = cm.metadata.name.clone().unwrap_or_default();
                for (key, value) in cm.data.iter().flatten() {
                    if key.ends_with(".toml") {
                        c.add(format!("config/{name}/{key}"), value);
                    }
                }
            }
        }
        Err(e) => c.error(format!("configmaps of {ns}: {e}")),
    }
}

async fn pod_logs(api: &Api<Pod>, pod: &Pod, lines: i64, c: &mut Contents) {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let containers = pod.spec.iter().flat_map(|s| {
        s.init_containers
            .iter()
            .flatten()
            .chain(s.containers.iter())
            .map(|c| c.name.clone())
    });
    for container in containers.collect::<Vec<_>>() {
        for previous in [false, true] {
            let params = LogParams {
                container: Some(container.clone()),
                previous,
                tail_lines: Some(lines),
                ..Default::default()
            };
            let suffix = if previous { ".previous" } else { "" };
            let res = tokio::time::timeout(Duration::from_secs(20), api.logs(&name, &params)).await;
            match res {
                Ok(Ok(text)) => c.add(format!("logs/{name}/{container}{suffix}.log"), &text),
                // no previous container is the normal case, not worth an error line
                Ok(Err(_)) if previous => {}
                Ok(Err(e)) => c.error(format!("logs of {name}/{container}: {e}")),
                Err(_) => c.error(format!("logs of {name}/{container}: timed out")),
            }
        }
    }
}

/// `kubectl describe pod`, the parts people read: node, phase and reason, each container's
/// image, state and restarts, conditions, and the pod's events.
fn describe_pod(pod: &Pod, events: &[Event]) -> String {
    let row = crate::kube::rows::pod_row(pod);
    let mut s = format!(
        "Name:       {}\nNamespace:  {}\nNode:       {}\nStatus:     {}\nReady:      {}\nRestarts:   {}\n",
        row.name,
        row.namespace,
        pod.spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_else(|| "<none>".into()),
        row.status,
        row.ready,
        row.restarts,
    );
    if let Some(st) = &pod.status {
        if let Some(m) = &st.message {
            s.push_str(&format!("Message:    {m}\n"));
        }
        s.push_str("Containers:\n");
        for cs in st.container_statuses.iter().flatten() {
            let state = cs
                .state
                .as_ref()
                .map(|st| {
                    if let Some(w) = &st.waiting {
                        format!("Waiting ({})", w.reason.clone().unwrap_or_default())
                    } else if let Some(t) = &st.terminated {
                        format!(
                            "Terminated ({}, exit {})",
                            t.reason.clone().unwrap_or_default(),
                            t.exit_code
                        )
                    } else {
                        "Running".into()
                    }
                })
                .unwrap_or_default();
            s.push_str(&format!(
                "  {}: image {} state {} ready {} restarts {}\n",
                cs.name, cs.image, state, cs.ready, cs.restart_count
            ));
        }
        s.push_str("Conditions:\n");
        for cond in st.conditions.iter().flatten() {
            s.push_str(&format!(
                "  {} {} {}\n",
                cond.type_,
                cond.status,
                cond.message.clone().unwrap_or_default()
            ));
        }
    }
    s.push_str("Events:\n");
    for e in events.iter().filter(|e| {
        e.involved_object.kind.as_deref() == Some("Pod")
            && e.involved_object.name.as_deref() == Some(row.name.as_str())
    }) {
        s.push_str(&format!(
            "  {} {} {}\n",
            e.type_.clone().unwrap_or_default(),
            e.reason.clone().unwrap_or_default(),
            e.message.clone().unwrap_or_default()
        ));
    }
    s
}

/// Releases in the namespace (`helm list`), and per release its history and the values it
/// was installed with (`helm get values`: where kmpilot's secrets went on standard input, so
/// the redactor matters most here).
async fn helm_state(p: &Profile, c: &mut Contents, versions: &mut serde_json::Value) {
    let ns = p.cluster.namespace.clone();
    let flags = p.cluster.helm_flags();
    let mut args = vec!["list", "-n", &ns, "-o", "json"];
    args.extend(crate::plan::helm::LIST_ANY_STATE);
    let list = helm(&args, &flags).await;
    let releases: Vec<serde_json::Value> = match list {
        Ok(out) => serde_json::from_str(&out).unwrap_or_default(),
        Err(e) => {
            c.error(format!("helm list: {e}"));
            return;
        }
    };
    versions["helmReleases"] = serde_json::Value::Array(
        releases
            .iter()
            .map(|r| {
                serde_json::json!({
                    "name": r["name"], "chart": r["chart"], "appVersion": r["app_version"],
                    "status": r["status"], "revision": r["revision"],
                })
            })
            .collect(),
    );
    for r in &releases {
        let Some(name) = r["name"].as_str() else {
            continue;
        };
        for (file, args) in [
            (
                "history.json",
                vec!["history", name, "-n", &ns, "-o", "json"],
            ),
            (
                "values.yaml",
                vec!["get", "values", name, "-n", &ns, "-o", "yaml"],
            ),
        ] {
            match helm(&args, &flags).await {
                Ok(out) => c.add(format!("helm/{name}/{file}"), &out),
                Err(e) => c.error(format!("helm {}: {e}", args.join(" "))),
            }
        }
    }
}

async fn helm(args: &[&str], flags: &[String]) -> Result<String, String> {
    use super::process::{QueryFailure, helm_query};
    helm_query(args, flags, Duration::from_secs(30))
        .await
        .map_err(|f| match f {
            QueryFailure::Failed(stderr) => stderr,
            QueryFailure::CannotRun(e) => e.to_string(),
            QueryFailure::TimedOut => "timed out after 30 s".into(),
        })
}

/// Writes the tar.gz next to its destination and renames it into place, so an interrupted
/// bundle never leaves a truncated file under the name the user gave.
fn pack(dest: &Path, profile: &str, files: &[(String, String)]) -> std::io::Result<()> {
    let dir = dest
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = tempfile::NamedTempFile::new_in(dir)?;
    {
        let gz = flate2::write::GzEncoder::new(tmp.as_file(), flate2::Compression::default());
        let mut tar = tar::Builder::new(gz);
        let root = format!("kmpilot-bundle-{profile}");
        for (path, text) in files {
            let mut header = tar::Header::new_gnu();
            header.set_size(text.len() as u64);
            header.set_mode(0o644);
            header.set_mtime(0);
            header.set_cksum();
            tar.append_data(&mut header, format!("{root}/{path}"), text.as_bytes())?;
        }
        tar.into_inner()?.finish()?;
    }
    tmp.persist(dest).map_err(|e| e.error)?;
    Ok(())
}

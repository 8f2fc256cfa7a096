//! A `helm upgrade --install` against the live release: the chart and version against
//! `helm list`, the values (the plan's values files merged as helm merges them, then the secret
//! values from standard input) against `helm get values` (the user-supplied values of the
//! deployed revision). A secret value is compared by hash and shown only as "changed".

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use super::fields::{flatten, merge};
use super::report::{Change, DiffLine, Item, Op};
use crate::exec::ctx::Ctx;
use crate::plan::{Command, SecretValue};

const KIND: &str = "helm-release";

pub(crate) fn is_upgrade(c: &Command) -> bool {
    c.program == "helm" && c.args.first().is_some_and(|a| a == "upgrade")
}

/// What the `helm upgrade` command line says.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Upgrade {
    pub release: String,
    pub chart: String,
    pub version: Option<String>,
    pub namespace: Option<String>,
    /// `--kubeconfig=…`, `--kube-context=…`: passed on to `helm list` / `helm get`.
    pub cluster_flags: Vec<String>,
    /// `-f` files, in order; `-` is standard input (the secret values).
    pub values: Vec<String>,
}

pub(crate) fn parse(args: &[String]) -> Upgrade {
    let mut u = Upgrade::default();
    let mut positional = Vec::new();
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let mut value = |inline: Option<String>| inline.or_else(|| it.next().cloned());
        match flag {
            "--version" => u.version = value(inline),
            "-n" | "--namespace" => u.namespace = value(inline),
            "-f" | "--values" => u.values.extend(value(inline)),
            "--kubeconfig" | "--kube-context" => {
                if let Some(v) = value(inline) {
                    u.cluster_flags.push(format!("{flag}={v}"));
                }
            }
            "--timeout" => {
                value(inline);
            }
            f if f.starts_with('-') => {}
            _ => positional.push(a.clone()),
        }
    }
    let mut p = positional.into_iter();
    u.release = p.next().unwrap_or_default();
    u.chart = p.next().unwrap_or_default();
    u
}

pub(super) async fn compare(ctx: &mut Ctx<'_>, c: &Command) -> Item {
    let u = parse(&c.args);
    let ns = u
        .namespace
        .clone()
        .unwrap_or_else(|| ctx.plan.cluster.namespace.clone());
    let what = format!("helm release {ns}/{}", u.release);
    let (chart_name, version) = match wanted_chart(ctx, &u) {
        Ok(x) => x,
        Err(e) => return Item::error(KIND, what, e),
    };
    let wanted = format!("{chart_name}-{version}");
    let desired = match desired_values(ctx, c, &u) {
        Ok(v) => v,
        Err(e) => return Item::error(KIND, what, e),
    };
    let live = match live_release(&u, &ns).await {
        Ok(l) => l,
        Err(e) => return Item::error(KIND, what, e),
    };
    let Some((chart, status)) = live else {
        let mut lines = vec![DiffLine::new(Op::Add, format!("chart: {wanted}"))];
        lines.extend(values_lines(&BTreeMap::new(), &desired));
        return Item::new(KIND, what, Change::Create)
            .detail("not installed: apply installs it")
            .lines(lines);
    };
    let live_values = match helm_json(&u, &ns, &["get", "values", &u.release, "-o", "json"]).await {
        Ok(v) => v,
        Err(e) => return Item::error(KIND, what, e),
    };
    let live_flat: BTreeMap<String, Live> = flatten(&live_values)
        .into_iter()
        .map(|(k, v)| {
            let d = v.as_str().map(|s| super::report::digest(s.as_bytes()));
            (
                k,
                Live {
                    value: v,
                    digest: d,
                },
            )
        })
        .collect();
    let mut lines = Vec::new();
    if chart != wanted {
        lines.push(DiffLine::new(Op::Remove, format!("chart: {chart}")));
        lines.push(DiffLine::new(Op::Add, format!("chart: {wanted}")));
    }
    lines.extend(values_lines(&live_flat, &desired));
    let mut item = Item::new(
        KIND,
        what,
        if lines.is_empty() {
            Change::None
        } else {
            Change::Update
        },
    )
    .lines(lines);
    let mut notes = Vec::new();
    // another line of the chart is a migration, not an upgrade (`apply` refuses it)
    if let Some(change) = crate::exec::line_change::line_change(&u.release, &chart, &version) {
        notes.push(change.note());
    }
    if status != "deployed" {
        notes.push(format!(
            "the release is {status}: apply recovers it first (rollback or uninstall, when you agree)"
        ));
    }
    let missing = unavailable(ctx, c);
    if !missing.is_empty() {
        if item.change == Change::None {
            item.change = Change::NotCompared;
        }
        notes.push(format!(
            "secret values not compared: {}",
            missing.join("; ")
        ));
    }
    if !notes.is_empty() {
        item = item.detail(notes.join("; "));
    }
    item
}

/// Why each secret value could not be resolved here (each reason once).
fn unavailable(ctx: &Ctx<'_>, c: &Command) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in c.stdin.iter().flat_map(|o| &o.entries) {
        let r = match &e.value {
            SecretValue::Ref(r) | SecretValue::VaultEncrypted { secret: r, .. } => r,
        };
        let why = crate::exec::secrets::unavailable(r, &e.shell_var);
        if ctx.secrets.get(r, &e.shell_var).is_none() && !out.contains(&why) {
            out.push(why);
        }
    }
    out
}

struct Live {
    value: Value,
    digest: Option<[u8; 32]>,
}

/// A value the plan sets: plain (shown) or secret (compared by digest, never shown).
#[derive(Debug)]
pub(super) enum Want {
    Plain(Value),
    Secret(Option<[u8; 32]>),
}

/// One line per values path that differs, in path order.
fn values_lines(live: &BTreeMap<String, Live>, desired: &BTreeMap<String, Want>) -> Vec<DiffLine> {
    let mut out = Vec::new();
    let paths: BTreeSet<&String> = live.keys().chain(desired.keys()).collect();
    let show = |v: &Value| serde_json::to_string(v).unwrap_or_default();
    for p in paths {
        match (live.get(p), desired.get(p)) {
            (None, Some(Want::Plain(v))) => {
                out.push(DiffLine::new(Op::Add, format!("{p}: {}", show(v))))
            }
            (None, Some(Want::Secret(_))) => {
                out.push(DiffLine::new(Op::Add, format!("{p}: (secret)")))
            }
            (Some(l), None) => out.push(DiffLine::new(
                Op::Remove,
                if looks_secret(p) {
                    format!("{p}: (secret)")
                } else {
                    format!("{p}: {}", show(&l.value))
                },
            )),
            (Some(l), Some(Want::Plain(v))) if l.value != *v => {
                if looks_secret(p) {
                    out.push(DiffLine::new(Op::Secret, format!("{p}: (secret) changed")));
                } else if let (Some(a), Some(b)) = (l.value.as_str(), v.as_str())
                    && (a.contains('\n') || b.contains('\n'))
                {
                    // a file in a value (deployment.toml extras): its lines, not one long string
                    out.push(DiffLine::new(Op::Context, format!("{p}: |")));
                    for mut line in super::report::unified(a, b) {
                        line.text = format!("  {}", line.text);
                        out.push(line);
                    }
                } else {
                    out.push(DiffLine::new(
                        Op::Remove,
                        format!("{p}: {}", show(&l.value)),
                    ));
                    out.push(DiffLine::new(Op::Add, format!("{p}: {}", show(v))));
                }
            }
            (Some(l), Some(Want::Secret(Some(d)))) if l.digest != Some(*d) => {
                out.push(DiffLine::new(Op::Secret, format!("{p}: (secret) changed")))
            }
            _ => {}
        }
    }
    out
}

/// A live value kmpilot no longer sets whose name says it is a secret is not shown.
fn looks_secret(path: &str) -> bool {
    let last = path.rsplit('.').next().unwrap_or(path).to_ascii_lowercase();
    ["password", "secret", "token", "privatekey", "passphrase"]
        .iter()
        .any(|s| last.contains(s))
}

/// The values `helm upgrade` would be given, flattened: the `-f` files merged in order, the
/// secret document from standard input last.
fn desired_values(
    ctx: &Ctx<'_>,
    c: &Command,
    u: &Upgrade,
) -> Result<BTreeMap<String, Want>, String> {
    let mut merged = Value::Object(Default::default());
    for f in u.values.iter().filter(|f| f.as_str() != "-") {
        let text = match ctx.plan.artifact(f) {
            Some(a) => a.content.clone(),
            None => std::fs::read_to_string(ctx.opts.work_dir.join(f))
                .map_err(|e| format!("values file {f}: {e}"))?,
        };
        let v: Value = serde_saphyr::from_str(&text)
            .map_err(|e| format!("values file {f} is not YAML: {e}"))?;
        merge(&mut merged, &v);
    }
    let mut out: BTreeMap<String, Want> = flatten(&merged)
        .into_iter()
        .map(|(k, v)| (k, Want::Plain(v)))
        .collect();
    if let Some(o) = &c.stdin {
        for e in &o.entries {
            let path = e.path.join(".");
            let want = match &e.value {
                SecretValue::Ref(r) => Want::Secret(
                    ctx.secrets
                        .get(r, &e.shell_var)
                        .map(|v| super::report::digest(v.as_bytes())),
                ),
                // a new ciphertext every time (random padding): not comparable, not a change
                SecretValue::VaultEncrypted { .. } => Want::Secret(None),
            };
            out.insert(path, want);
        }
    }
    Ok(out)
}

/// The chart's name and version as `helm list` reports a release of it (`name-version`): from
/// a local chart's Chart.yaml (helm ignores `--version` for a directory), else the repository
/// chart's name and `--version`.
pub(crate) fn wanted_chart(ctx: &Ctx<'_>, u: &Upgrade) -> Result<(String, String), String> {
    if let Some(dir) = local_chart(ctx, &u.chart) {
        let path = dir.join("Chart.yaml");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let v: Value = serde_saphyr::from_str(&text)
            .map_err(|e| format!("{} is not YAML: {e}", path.display()))?;
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        return match (s("name"), s("version")) {
            (Some(n), Some(ver)) => Ok((n, ver)),
            _ => Err(format!("{} has no name or version", path.display())),
        };
    }
    let name = u.chart.rsplit('/').next().unwrap_or(&u.chart).to_string();
    Ok((name, u.version.clone().unwrap_or_default()))
}

fn local_chart(ctx: &Ctx<'_>, chart: &str) -> Option<PathBuf> {
    let p = Path::new(chart);
    [
        p.to_path_buf(),
        ctx.opts.base_dir.join(p),
        ctx.opts.work_dir.join(p),
    ]
    .into_iter()
    .find(|c| c.join("Chart.yaml").is_file())
}

/// `(chart, status)` of the release, or `None` when it is not installed.
pub(crate) async fn live_release(
    u: &Upgrade,
    ns: &str,
) -> Result<Option<(String, String)>, String> {
    let filter = format!("^{}$", regex_escape(&u.release));
    let mut args = vec!["list", "--filter", &filter, "-o", "json"];
    args.extend(crate::plan::helm::LIST_ANY_STATE);
    let v = helm_json(u, ns, &args).await?;
    Ok(v.as_array()
        .and_then(|a| {
            a.iter()
                .find(|r| r.get("name").and_then(Value::as_str) == Some(u.release.as_str()))
        })
        .map(|r| {
            let s = |k: &str| {
                r.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            (s("chart"), s("status"))
        }))
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            let special = ".+*?()|[]{}^$\\".contains(c);
            special
                .then_some('\\')
                .into_iter()
                .chain(std::iter::once(c))
        })
        .collect()
}

/// Runs `helm ARGS -n NS` (with the plan's cluster flags) and parses its JSON output. helm's
/// error output is not shown as is: `helm get values` errors may quote values.
async fn helm_json(u: &Upgrade, ns: &str, args: &[&str]) -> Result<Value, String> {
    let out = tokio::time::timeout(
        Duration::from_secs(60),
        tokio::process::Command::new("helm")
            .args(args)
            .args(["-n", ns])
            .args(&u.cluster_flags)
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .map_err(|_| format!("helm {} did not answer within 60 s", args[0]))?
    .map_err(|e| format!("cannot run helm: {e}"))?;
    if !out.status.success() {
        let first = String::from_utf8_lossy(&out.stderr)
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no output")
            .chars()
            .take(300)
            .collect::<String>();
        return Err(format!("helm {} {}: {first}", args[0], args[1]));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("helm {} output: {e}", args[0]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn reads_the_upgrade_command() {
        let u = parse(&args(
            "upgrade --install is wso2/identity-server --version 7.1.0-3 -n wso2 --kube-context=kind -f identity-server/values.yaml -f - --wait --timeout 20m",
        ));
        assert_eq!(u.release, "is");
        assert_eq!(u.chart, "wso2/identity-server");
        assert_eq!(u.version.as_deref(), Some("7.1.0-3"));
        assert_eq!(u.namespace.as_deref(), Some("wso2"));
        assert_eq!(u.cluster_flags, ["--kube-context=kind"]);
        assert_eq!(u.values, ["identity-server/values.yaml", "-"]);
        assert_eq!(regex_escape("a.b"), "a\\.b");
    }

    #[test]
    fn a_multi_line_value_is_diffed_by_line() {
        let live: BTreeMap<String, Live> = [(
            "toml".to_string(),
            Live {
                value: json!("[a]\nx = 1\n[b]\ny = 2\n"),
                digest: None,
            },
        )]
        .into_iter()
        .collect();
        let desired: BTreeMap<String, Want> = [(
            "toml".to_string(),
            Want::Plain(json!("[a]\nx = 1\n[b]\ny = 3\n")),
        )]
        .into_iter()
        .collect();
        let text: Vec<String> = values_lines(&live, &desired)
            .iter()
            .map(|l| format!("{:?} {}", l.op, l.text))
            .collect();
        assert_eq!(
            text,
            [
                "Context toml: |",
                "Context   [a]",
                "Context   x = 1",
                "Context   [b]",
                "Remove   y = 2",
                "Add   y = 3"
            ]
        );
    }

    #[test]
    fn values_lines_never_show_a_secret() {
        let live: BTreeMap<String, Live> = [
            ("a.host", json!("old.test")),
            ("a.password", json!("hunter2-live")),
            ("gone.password", json!("hunter3-live")),
            ("same", json!(1)),
        ]
        .into_iter()
        .map(|(k, v)| {
            let d = v
                .as_str()
                .map(|s| super::super::report::digest(s.as_bytes()));
            (
                k.to_string(),
                Live {
                    value: v,
                    digest: d,
                },
            )
        })
        .collect();
        let desired: BTreeMap<String, Want> = [
            ("a.host", Want::Plain(json!("new.test"))),
            (
                "a.password",
                Want::Secret(Some(super::super::report::digest(b"hunter2-new"))),
            ),
            ("same", Want::Plain(json!(1))),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let lines = values_lines(&live, &desired);
        let text: Vec<String> = lines
            .iter()
            .map(|l| format!("{:?} {}", l.op, l.text))
            .collect();
        assert_eq!(
            text,
            [
                "Remove a.host: \"old.test\"",
                "Add a.host: \"new.test\"",
                "Secret a.password: (secret) changed",
                "Remove gone.password: (secret)",
            ]
        );
    }
}

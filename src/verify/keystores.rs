//! Keystores and the truststore: each file name in deployment.toml is a key of the Secret
//! kmpilot creates and is mounted (by `subPath`) from it, and each password is there — a
//! value, or with the secure vault a `$secret{alias}` whose alias `[secrets]` holds.

use serde_json::Value;

use super::finding::{Finding, Level, label};
use super::input::Input;
use super::toml_files::{TomlFile, get};
use crate::plan::verify_spec::Expect;

const STORES: [(&str, &[&str]); 4] = [
    ("keystore.primary", &["keystore", "primary"]),
    ("keystore.tls", &["keystore", "tls"]),
    ("keystore.internal", &["keystore", "internal"]),
    ("truststore", &["truststore"]),
];

pub fn check(i: &Input<'_>, out: &mut Vec<Finding>) {
    for f in i.tomls.iter().filter(|f| f.file == "deployment.toml") {
        let Some(t) = &f.table else { continue };
        for (idx, (name, path)) in STORES.iter().enumerate() {
            let Some(store) = get(t, path).and_then(|v| v.as_table()) else {
                continue;
            };
            let fix = &i.expect.keystore_files[idx].1;
            match store.get("file_name").and_then(|v| v.as_str()) {
                Some(file) => file_checks(i, f, name, file, fix, out),
                None => out.push(
                    Finding::new(
                        Level::Error,
                        i.expect.chart,
                        "keystore",
                        &f.object,
                        format!("[{name}] has no file_name"),
                        fix,
                    )
                    .file(&f.file)
                    .key(format!("[{name}] file_name")),
                ),
            }
            for key in ["password", "key_password"] {
                if let Some(v) = store.get(key) {
                    password_check(i.expect, f, t, name, key, v, out);
                }
            }
        }
    }
}

fn file_checks(
    i: &Input<'_>,
    f: &TomlFile,
    store: &str,
    file: &str,
    fix: &str,
    out: &mut Vec<Finding>,
) {
    let e = i.expect;
    let key = format!("[{store}] file_name");
    if !e.keystore_files.iter().any(|(n, _)| n == file) {
        let keys: Vec<&str> = e.keystore_files.iter().map(|(n, _)| n.as_str()).collect();
        out.push(
            Finding::new(
                Level::Error,
                e.chart,
                "keystore",
                &f.object,
                format!(
                    "`{file}` is not a key of Secret {} (its keys: {})",
                    e.keystore_secret,
                    keys.join(", ")
                ),
                fix,
            )
            .file(&f.file)
            .key(&key)
            .expected("a file name of the keystores kmpilot creates"),
        );
    }
    // mounted from kmpilot's secret, by subPath, into the server container
    let mut mounted_from: Option<String> = None;
    let mut workload = String::from("(none)");
    for w in i.rendered.workloads() {
        let spec = &w["spec"]["template"]["spec"];
        for c in spec["containers"].as_array().into_iter().flatten() {
            if c["name"].as_str() != Some(e.container.as_str()) {
                continue;
            }
            workload = label(w);
            for m in c["volumeMounts"].as_array().into_iter().flatten() {
                if m["subPath"].as_str() != Some(file) {
                    continue;
                }
                let vol = m["name"].as_str().unwrap_or_default();
                let secret = volume_secret(spec, vol);
                if secret.as_deref() == Some(e.keystore_secret.as_str()) {
                    return;
                }
                mounted_from =
                    Some(secret.unwrap_or_else(|| format!("volume `{vol}` (not a Secret)")));
            }
        }
    }
    out.push(
        Finding::new(
            Level::Error,
            e.chart,
            "keystore",
            workload,
            match mounted_from {
                Some(s) => format!(
                    "`{file}` is mounted from {s}, not from Secret {}",
                    e.keystore_secret
                ),
                None => format!(
                    "`{file}` is not mounted (by subPath) from Secret {}",
                    e.keystore_secret
                ),
            },
            fix,
        )
        .key(format!("volumeMounts[subPath={file}]"))
        .expected(format!(
            "a volumeMount with subPath {file} from Secret {}",
            e.keystore_secret
        )),
    );
}

fn volume_secret(pod_spec: &Value, name: &str) -> Option<String> {
    pod_spec["volumes"]
        .as_array()?
        .iter()
        .find(|v| v["name"].as_str() == Some(name))?["secret"]["secretName"]
        .as_str()
        .map(str::to_string)
}

fn password_check(
    e: &Expect,
    f: &TomlFile,
    t: &toml::Table,
    store: &str,
    key: &str,
    v: &toml::Value,
    out: &mut Vec<Finding>,
) {
    let value = v.as_str().unwrap_or_default();
    let at = format!("[{store}] {key}");
    let finding = |msg: String| {
        Finding::new(
            Level::Error,
            e.chart,
            "keystore",
            &f.object,
            msg,
            &e.password_path,
        )
        .file(&f.file)
        .key(&at)
    };
    let alias = value
        .strip_prefix("$secret{")
        .and_then(|s| s.strip_suffix('}'));
    match alias {
        Some(alias) if e.secure_vault => {
            let entry = get(t, &["secrets", alias]).and_then(|v| v.as_str());
            if entry.is_none_or(str::is_empty) {
                out.push(
                    finding(format!(
                        "refers to $secret{{{alias}}} but [secrets] has no `{alias}`"
                    ))
                    .expected(format!("[secrets] {alias} = \"<ciphertext>\"")),
                );
            }
        }
        Some(alias) => out.push(
            finding(format!(
                "refers to $secret{{{alias}}} but the secure vault is off"
            ))
            .expected("the password itself")
            .hint("secureVault.enabled: true, or leave the password to kmpilot"),
        ),
        None if value.is_empty() => out.push(
            finding("the password is empty".into())
                .expected("a non-empty password")
                .hint(
                    "set the keystore password's source (env, file or prompt) to a non-empty value",
                ),
        ),
        None if e.secure_vault && !value.starts_with("$env{") && !value.starts_with("${") => out
            .push(
                finding("is in plain text although the secure vault is on".into())
                    .expected("$secret{…}"),
            ),
        None => {}
    }
}

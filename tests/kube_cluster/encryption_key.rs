//! API-M 4.7's encryption key against the real test control plane (scripts/with-test-cluster)
//! with the real helm and the 4.7 stand-in chart (tests/charts/wso2am-4.7-standin, which
//! refuses to render without the key and, on install, without the key in the Secret the pod
//! reads it from): kmpilot makes it once, every later run keeps it, and it is in no file
//! kmpilot writes, no log and no plan or export output.

use std::path::Path;
use std::process::Command;

use crate::support;
use support::deployment::{Deployment, finish};
use support::{apim_standin, charts, jsonpath};

const SECRET: &str = "apim-kmpilot-credentials";

fn key_in_cluster(ns: &str) -> String {
    use base64::Engine;
    let b64 = jsonpath("secret", SECRET, ns, "{.data.encryption-key}");
    let key = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .unwrap();
    String::from_utf8(key).unwrap()
}

/// Every file under `dir` (recursively) that holds `needle`.
fn files_holding(dir: &Path, needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p)
                && bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
            {
                hits.push(p.display().to_string());
            }
        }
    }
    hits
}

#[test]
fn the_4_7_quickstart_applies_twice_with_one_key_that_no_file_or_output_holds() {
    let _turn = support::one_file::turn(module_path!());
    if support::test_cluster().is_none() {
        return;
    }
    let run = Deployment::new("kmp-e47");
    let text = run.profile_yaml(
        &charts().join("identity-server-standin"),
        &apim_standin("4.7"),
        "",
    );
    assert!(text.contains("chartVersion: 4.7.0-1"), "{text}");
    let profile = run.write("profile.yaml", &text);
    let mut outputs = String::new();

    let child = run.spawn_apply(&profile, &[]);
    let mut child = child;
    run.publish_ingress_address("10.20.30.47", &mut child);
    let (code, out, err) = finish(child);
    assert_eq!(code, 0, "apply failed\nstdout:\n{out}\nstderr:\n{err}");
    outputs.push_str(&out);
    outputs.push_str(&err);

    let key = key_in_cluster(&run.ns);
    assert_eq!(key.len(), 64, "64 hex characters");
    assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));
    // the chart reads it from that Secret, by reference
    let env = jsonpath(
        "deployment",
        "apim-wso2am-all-in-one-am-deployment-1",
        &run.ns,
        "{.spec.template.spec.containers[0].env[?(@.name==\"WSO2_ENCRYPTION_KEY\")].valueFrom.secretKeyRef}",
    );
    assert!(
        env.contains(SECRET) && env.contains("encryption-key"),
        "{env}"
    );

    // the second run keeps it
    let (code, out, err) = finish(run.spawn_apply(&profile, &[]));
    assert_eq!(code, 0, "second apply failed\n{out}\n{err}");
    outputs.push_str(&out);
    outputs.push_str(&err);
    assert_eq!(key_in_cluster(&run.ns), key, "the key never changes");

    // diff: the Secret is unchanged (the key is kept, not regenerated)
    let o = run
        .kmpilot(&["diff", "-o", "json", "-f"])
        .arg(&profile)
        .output()
        .unwrap();
    let diff = String::from_utf8_lossy(&o.stdout).to_string();
    outputs.push_str(&diff);
    outputs.push_str(&String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value =
        serde_json::from_str(&diff).unwrap_or_else(|e| panic!("{e}: {diff}"));
    let item = v["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["items"].as_array().cloned().unwrap_or_default())
        .find(|i| i["what"].as_str().is_some_and(|w| w.ends_with(SECRET)))
        .unwrap_or_else(|| panic!("no item for the Secret: {diff}"));
    assert_eq!(item["change"], "none", "{item}");

    // a profile naming another key is refused, and the cluster's stays
    let other = "ab".repeat(32);
    let refused = run.write(
        "other-key.yaml",
        &text.replace(
            "  helmTimeoutMinutes: 2\nkeyManager",
            "  helmTimeoutMinutes: 2\n  encryptionKey: { env: OTHER_KEY }\nkeyManager",
        ),
    );
    let o = run
        .kmpilot(&["apply", "--yes", "-f"])
        .arg(&refused)
        .env("OTHER_KEY", &other)
        .output()
        .unwrap();
    assert_ne!(o.status.code(), Some(0));
    let said = String::from_utf8_lossy(&o.stderr).to_string() + &String::from_utf8_lossy(&o.stdout);
    assert!(said.contains("can never change"), "{said}");
    outputs.push_str(&said);
    assert_eq!(key_in_cluster(&run.ns), key);

    // plan and export print where it comes from, never the key
    let o = run.kmpilot(&["plan", "-f"]).arg(&profile).output().unwrap();
    outputs.push_str(&String::from_utf8_lossy(&o.stdout));
    let export_dir = run.dir.path().join("export");
    let o = run
        .kmpilot(&["export", "-f"])
        .arg(&profile)
        .arg("-o")
        .arg(&export_dir)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // destroy --keep-secrets keeps it: a reinstall gets the same key
    let o = run
        .kmpilot(&["destroy", "--yes", "--keep-secrets", "-f"])
        .arg(&profile)
        .output()
        .unwrap();
    outputs.push_str(&String::from_utf8_lossy(&o.stdout));
    outputs.push_str(&String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(key_in_cluster(&run.ns), key, "kept by --keep-secrets");

    // state directory, work directory, log, hosts file, profile, export: none holds the key
    let hits = files_holding(run.dir.path(), &key);
    assert!(hits.is_empty(), "the key is in {hits:?}");
    assert!(!outputs.contains(&key), "the key was printed");

    // destroy without --keep-secrets removes it
    let o = run
        .kmpilot(&["destroy", "--yes", "-f"])
        .arg(&profile)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let left = Command::new("kubectl")
        .args([
            "get",
            "secret",
            SECRET,
            "-n",
            &run.ns,
            "--ignore-not-found",
            "-o",
            "name",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&left.stdout).trim().is_empty());
}

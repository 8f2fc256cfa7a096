//! Upgrades are not silent. Against the real test control plane (kube-apiserver + etcd + kwok,
//! `scripts/with-test-cluster`) with the real helm: the API-M stand-in chart (tests/charts) is
//! installed by `kmpilot apply` at 4.5.0-10, then the profile names the 4.6 stand-in at
//! 4.6.0-5 — another line of the chart. `diff` calls it a line upgrade,
//! `apply` refuses it before anything changes (the migration guide in its hint), and
//! `apply --allow-upgrade` does it.

use std::process::Command;

use crate::support;
use support::charts;
use support::deployment::{Deployment, finish};

/// `(chart, revision)` of `release` in `ns` as `helm list` reports them.
fn release(ns: &str, name: &str) -> (String, String) {
    let o = Command::new("helm")
        // every state, with the filters both helm majors have (Helm 4 has no -a)
        .arg("list")
        .args(kmpilot::plan::helm::LIST_ANY_STATE)
        .args(["-n", ns, "-o", "json"])
        .output()
        .expect("helm on PATH");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let r = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no release {name}: {v}"));
    (
        r["chart"].as_str().unwrap().to_string(),
        r["revision"].to_string(),
    )
}

#[test]
fn an_in_place_line_upgrade_is_refused_unless_asked_for_and_shows_in_diff() {
    let _turn = support::one_file::turn(module_path!());
    if support::test_cluster().is_none() {
        return;
    }
    let d = Deployment::new("kmp-line-up");
    let ns = d.ns.clone();
    let old = charts().join("wso2am-standin");
    let is_chart = charts().join("identity-server-standin");
    let on_old = d.write("old.yaml", &d.profile_yaml(&is_chart, &old, ""));
    d.apply(&on_old, "10.20.30.44");
    let (chart, apim_rev) = release(&ns, "apim");
    assert_eq!(chart, "wso2am-all-in-one-4.5.0-10");
    let (_, is_rev) = release(&ns, "is");

    let on_new = d.write(
        "new.yaml",
        &d.profile_yaml(&is_chart, &charts().join("wso2am-4.6-standin"), ""),
    );
    // diff names the line change
    let o = d.kmpilot(&["diff", "-f"]).arg(&on_new).output().unwrap();
    let shown = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("line upgrade 4.5 → 4.6")
            && shown.contains("--allow-upgrade")
            && shown.contains(kmpilot::exec::line_change::MIGRATION_GUIDE),
        "{shown}"
    );

    // apply refuses, before any step changes anything
    let (code, out, err) = finish(d.spawn_apply(&on_new, &[]));
    assert_eq!(code, 1, "apply did not refuse\n{out}\n{err}");
    for want in [
        "release apim runs chart 4.5.0-10",
        "(line 4.5 → 4.6)",
        "H2",
        "--allow-upgrade",
        kmpilot::exec::line_change::MIGRATION_GUIDE,
    ] {
        assert!(err.contains(want), "missing {want:?}:\n{out}\n{err}");
    }
    assert_eq!(release(&ns, "apim"), (chart.clone(), apim_rev.clone()));
    assert_eq!(release(&ns, "is").1, is_rev, "IS was touched: {out}");

    // asked explicitly, it upgrades and says so
    let child = d.spawn_apply(&on_new, &["--allow-upgrade"]);
    let mut child = child;
    d.publish_ingress_address("10.20.30.44", &mut child);
    let (code, out, err) = finish(child);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("upgrading release apim in place from chart 4.5.0-10 to 4.6.0-5"),
        "{out}"
    );
    assert_eq!(release(&ns, "apim").0, "wso2am-all-in-one-4.6.0-5");
}

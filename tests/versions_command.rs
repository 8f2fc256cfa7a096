//! `kmpilot versions`: the lines kmpilot knows, what each supports and where each fact was read,
//! as text and as JSON (read from `chart_lines`, so a new line shows without touching the
//! command).

use std::process::Command;

use serde_json::Value;

fn kmpilot(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kmpilot"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn versions_as_json_lists_every_line_with_its_facts_and_sources() {
    let (code, out) = kmpilot(&["versions", "-o", "json"]);
    assert_eq!(code, 0, "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let lines = v["apiManager"].as_array().unwrap();
    let names: Vec<_> = lines.iter().map(|l| l["line"].as_str().unwrap()).collect();
    assert_eq!(names, ["4.7", "4.6", "4.5"]);
    let by = |n: &str| lines.iter().find(|l| l["line"] == n).unwrap().clone();
    let (l47, l46, l45) = (by("4.7"), by("4.6"), by("4.5"));
    assert_eq!(l47["current"], true);
    assert_eq!(l45["current"], false);
    assert_eq!(
        (
            &l45["kmConnector"],
            &l46["kmConnector"],
            &l47["kmConnector"]
        ),
        (
            &Value::from("2.0.4"),
            &Value::from("2.0.8"),
            &Value::from("2.1.3")
        )
    );
    assert!(l45["kmAuthShape"].as_str().unwrap().contains("flat"));
    assert!(l46["kmAuthShape"].as_str().unwrap().contains("BasicAuth"));
    assert_eq!(
        (
            &l45["notificationHandler"],
            &l46["notificationHandler"],
            &l47["notificationHandler"]
        ),
        (
            &Value::from("2.0.5"),
            &Value::from("2.0.8"),
            &Value::from("2.1.3")
        )
    );
    assert_eq!(l47["encryptionKeyRequired"], true);
    assert_eq!(l45["encryptionKeyRequired"], false);
    assert!(
        l47["gatewayDefault"]
            .as_str()
            .unwrap()
            .starts_with("Gateway API")
    );
    assert_eq!(l45["gatewayDefault"], "Ingress");
    assert_eq!(l47["defaultChartVersion"], "4.7.0-1");
    for l in lines {
        let sources = l["sources"].as_array().unwrap();
        assert!(!sources.is_empty(), "{l}");
        assert!(
            sources
                .iter()
                .all(|s| s["fact"].is_string() && s["source"].is_string()),
            "{l}"
        );
    }
    let is = v["identityServer"].as_array().unwrap();
    let is71 = is
        .iter()
        .find(|l| l["line"] == "7.1")
        .expect("IS 7.1 listed");
    assert_eq!(is71["buildVersion"], "7.1.0");
    assert!(v["otherIsCharts"].as_str().unwrap().contains("verify"));
}

#[test]
fn versions_as_text_names_each_line_its_connector_and_sources() {
    let (code, out) = kmpilot(&["versions"]);
    assert_eq!(code, 0, "{out}");
    for want in [
        "API-M 4.7 (new profiles)",
        "API-M 4.6 —",
        "API-M 4.5 —",
        "connector WSO2-IS-7 2.0.8, Authentication: BasicAuth",
        "connector WSO2-IS-7 2.0.4, Username/Password (flat)",
        "notification handler 2.1.3",
        "required (the chart fails without one)",
        "source: ",
        "IS 7.1: chart wso2/identity-server 7.1.0-3",
    ] {
        assert!(out.contains(want), "missing {want:?} in:\n{out}");
    }
    // the 4.7 block comes first, the 4.5 block last
    assert!(out.find("API-M 4.7").unwrap() < out.find("API-M 4.5").unwrap());
}

#[test]
fn versions_is_in_the_manual_and_the_help() {
    let (code, out) = kmpilot(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("versions"), "{out}");
    let (code, out) = kmpilot(&["man"]);
    assert_eq!(code, 0);
    assert!(out.contains("versions"), "{out}");
}

//! Malformed profiles: each one must fail `validate` and `plan` with exit code 2, name the YAML
//! path and line, say what is wrong, and leave the file as it was.

use assert_cmd::Command;

const HEAD: &str = "apiVersion: kmpilot/v1\nkind: Profile\nname: bad\n";

struct Case {
    yaml: String,
    path: &'static str,
    message: &'static str,
    line: usize,
}

fn case(body: &str, path: &'static str, message: &'static str, line: usize) -> Case {
    Case {
        yaml: format!("{HEAD}{body}"),
        path,
        message,
        line,
    }
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            yaml: "kind: Profile\nname: x\n".into(),
            path: "apiVersion",
            message: "missing field `apiVersion`",
            line: 1,
        },
        Case {
            yaml: "apiVersion: kmpilot/v2\nkind: Profile\nname: x\n".into(),
            path: "apiVersion",
            message: "unsupported apiVersion",
            line: 1,
        },
        Case {
            yaml: "apiVersion: kmpilot/v1\nkind: Profil\nname: x\n".into(),
            path: "kind",
            message: "unsupported kind",
            line: 2,
        },
        Case {
            yaml: "apiVersion: kmpilot/v1\nkind: Profile\nname: My Profile\n".into(),
            path: "name",
            message: "not a profile name",
            line: 3,
        },
        Case {
            yaml: "apiVersion: kmpilot/v1\nkind: Profile\nname: x\ncluster: {namespace: [a\n"
                .into(),
            path: "(document)",
            message: "YAML syntax",
            line: 4,
        },
        case(
            "cluster:\n  namespce: wso2\n",
            "cluster.namespce",
            "unknown field `namespce`",
            5,
        ),
        case(
            "cluster:\n  namespace: WSO2_NS\n",
            "cluster.namespace",
            "not a valid namespace name",
            5,
        ),
        case("cluster: 5\n", "cluster", "wrong type", 4),
        case(
            "apiManager:\n  chartVersion: \"4.5\"\n",
            "apiManager.chartVersion",
            "not a chart version",
            5,
        ),
        case(
            "apiManager:\n  hostnames:\n    gateway: https://gw.wso2.com\n",
            "apiManager.hostnames.gateway",
            "not a valid hostname",
            6,
        ),
        case(
            "apiManager:\n  hostnames:\n    websub: gw.wso2.com\n",
            "apiManager.hostnames.websub",
            "used by two ingresses",
            6,
        ),
        case(
            "apiManager:\n  databases:\n    type: mongo\n",
            "apiManager.databases.type",
            "unknown value `mongo`",
            6,
        ),
        case(
            "apiManager:\n  databases:\n    type: mysql\n",
            "apiManager.databases.apimDb",
            "needs its connection",
            5,
        ),
        case(
            "apiManager:\n  databases:\n    type: mysql\n    apimDb: {url: 'jdbc:postgresql://db/apim', username: u, password: {env: P}}\n    sharedDb: {url: 'jdbc:mysql://db/shared', username: u, password: {env: P}}\n",
            "apiManager.databases.apimDb.url",
            "is not a mysql JDBC URL",
            7,
        ),
        case(
            "apiManager:\n  ingress:\n    annotations:\n      controlPlane: {a: b}\n",
            "apiManager.ingress.annotations.controlPlane",
            "no ingress named `controlPlane`",
            7,
        ),
        case(
            "apiManager:\n  chartVersion: 4.5.0-7\n",
            "apiManager.image.digest",
            "registry/repository@digest",
            4,
        ),
        case(
            "apiManager:\n  admin: {username: admin, password: {vault: x}}\n",
            "apiManager.admin.password.vault",
            "unknown value `vault`",
            5,
        ),
        case(
            "apiManager:\n  admin: {username: admin, password: {env: 1BAD}}\n",
            "apiManager.admin.password.env",
            "not an environment variable name",
            5,
        ),
        case(
            "apiManager:\n  helmTimeoutMinutes: soon\n",
            "apiManager.helmTimeoutMinutes",
            "value is not valid",
            5,
        ),
        case(
            "identityServer:\n  hostname: is_wso2\n",
            "identityServer.hostname",
            "not a valid hostname",
            5,
        ),
        case(
            "identityServer:\n  extraToml: \"[server]\\nhostname = 'x'\\n\"\n",
            "identityServer.extraToml",
            "[server] is already written by the chart",
            5,
        ),
        case(
            "identityServer:\n  extraToml: \"[oauth\\n\"\n",
            "identityServer.extraToml",
            "not valid TOML",
            5,
        ),
        case(
            "identityServer:\n  image:\n    registry: https://localhost:5000\n",
            "identityServer.image.registry",
            "not an image registry",
            6,
        ),
        case(
            "keystores:\n  dname: \"OU=x\"\n",
            "keystores.dname",
            "no CN",
            5,
        ),
        case(
            "keystores:\n  keySize: 1024\n",
            "keystores.keySize",
            "1024-bit RSA is not offered",
            5,
        ),
        case(
            "keystores:\n  apim:\n    tlsKeystore: wso2carbon.jks\n",
            "keystores.apim.tlsKeystore",
            "also used by `keystore`",
            6,
        ),
        case(
            "secureVault:\n  enabled: true\n",
            "secureVault.provider",
            "needs a cloud secret store",
            4,
        ),
        case(
            "keyManager:\n  endpoints:\n    issuer: not-a-url\n",
            "keyManager.endpoints.issuer",
            "not a valid http(s) URL",
            6,
        ),
        case(
            "dns:\n  address: am.wso2.com\n",
            "dns.address",
            "not an IP address",
            5,
        ),
        case(
            "dns:\n  mode: dnsmasq\n",
            "dns.mode",
            "unknown value `dnsmasq`",
            5,
        ),
        case(
            "privateJet:\n  clusters:\n    - name: a\n      displayName: A\n      accessUrl: https://a\n      operatorMode: privateJet\n",
            "privateJet.clusters[0].operatorMode",
            "not an operator mode",
            9,
        ),
        case(
            "privateJet:\n  clusters:\n    - name: a\n      dispName: A\n",
            "privateJet.clusters[0].dispName",
            "unknown field `dispName`",
            7,
        ),
        case(
            "kmsSts:\n  enabled: true\n  sourceCrn: 'crn:v1:bad'\n  targetCrns: []\n",
            "kmsSts.sourceCrn",
            "not a Cloud Resource Name",
            6,
        ),
        case(
            "kmsSts:\n  enabled: true\n  certificate:\n    dnsNames: [9.42.136.50]\n",
            "kmsSts.certificate.dnsNames[0]",
            "is an IP address",
            7,
        ),
        case(
            "kmsSts:\n  enabled: true\n  istioApiVersion: v1alpha3\n",
            "kmsSts.istioApiVersion",
            "not an API group/version",
            6,
        ),
        case(
            "kmsSts:\n  enabled: true\n  gateway:\n    virtualService: KMS_VS\n",
            "kmsSts.gateway.virtualService",
            "KMS_VS",
            7,
        ),
    ]
}

fn kmpilot() -> Command {
    let mut c = Command::cargo_bin("kmpilot").unwrap();
    c.env_remove("NO_COLOR");
    c
}

#[test]
fn at_least_twenty_malformed_profiles_are_rejected_with_path_line_and_message() {
    let cases = cases();
    assert!(cases.len() >= 20);
    let dir = tempfile::tempdir().unwrap();
    for (i, c) in cases.iter().enumerate() {
        let file = dir.path().join(format!("case{i}.yaml"));
        std::fs::write(&file, &c.yaml).unwrap();
        let out = kmpilot()
            .args(["validate", "-f"])
            .arg(&file)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(2),
            "case {i} ({}): exit code; stderr:\n{stderr}",
            c.path
        );
        let expected_head = format!("{}:{}:", file.display(), c.line);
        let line = stderr
            .lines()
            .find(|l| l.contains(&format!(": {}: ", c.path)) && l.contains(c.message))
            .unwrap_or_else(|| {
                panic!(
                    "case {i}: no line naming `{}` with `{}` in:\n{stderr}",
                    c.path, c.message
                )
            });
        assert!(
            line.starts_with(&expected_head),
            "case {i}: expected {expected_head} in `{line}`"
        );

        // json output carries the same facts for scripts
        let out = kmpilot()
            .args(["validate", "-o", "json", "-f"])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["valid"], false);
        assert!(
            v["issues"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["path"] == c.path && i["line"] == c.line),
            "case {i}: {v}"
        );

        // plan refuses too, prints no plan, and the file is untouched
        let out = kmpilot().args(["plan", "-f"]).arg(&file).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "case {i}: plan exit code");
        assert!(out.stdout.is_empty(), "case {i}: plan printed a plan");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), c.yaml);
    }
}

#[test]
fn all_problems_are_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("many.yaml");
    std::fs::write(
        &file,
        format!("{HEAD}cluster:\n  namespce: x\napiManager:\n  chartVersion: nope\n  databases: {{type: mongo}}\ndns:\n  address: host\n"),
    )
    .unwrap();
    let out = kmpilot()
        .args(["validate", "-o", "json", "-f"])
        .arg(&file)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&str> = v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    for p in [
        "cluster.namespce",
        "apiManager.chartVersion",
        "apiManager.databases.type",
        "dns.address",
    ] {
        assert!(paths.contains(&p), "{p} missing from {paths:?}");
    }
}

#[test]
fn a_missing_file_is_bad_input_with_a_hint() {
    let out = kmpilot()
        .args(["validate", "-f", "/nonexistent/profile.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("cannot read profile /nonexistent/profile.yaml")
    );
}

#[test]
fn literal_secrets_validate_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lit.yaml");
    std::fs::write(
        &file,
        format!("{HEAD}keystores:\n  storePassword: {{literal: s3cret}}\n"),
    )
    .unwrap();
    let out = kmpilot()
        .args(["validate", "-f"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(":5:") && err.contains("warning: keystores.storePassword.literal"),
        "{err}"
    );
    assert!(!err.contains("s3cret"));
}

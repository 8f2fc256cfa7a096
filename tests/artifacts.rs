//! Every artifact of every example profile: pinned by a reviewed snapshot, and parsed back with
//! the parser of its format, so a snapshot can never silently accept a broken file.

use std::path::{Path, PathBuf};

use kmpilot::plan::{self, ArtifactKind, describe};
use kmpilot::profile::{Profile, load};

const PROFILES: [&str; 4] = ["quickstart", "production-like", "privatejet", "kms-sts"];

fn profile_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("profiles")
        .join(format!("{name}.yaml"))
}

fn load(name: &str) -> Profile {
    load::from_path(&profile_path(name), kmpilot::steps::validate)
        .unwrap_or_else(|e| panic!("{name}: {e:?}"))
        .profile
}

#[test]
fn every_artifact_matches_its_reviewed_snapshot() {
    for name in PROFILES {
        let plan = kmpilot::steps::plan(&load(name));
        for a in &plan.artifacts {
            let snap = format!("{name}__{}", a.path.replace(['/', '.'], "_"));
            insta::assert_snapshot!(snap, &a.content);
        }
        insta::assert_snapshot!(format!("{name}__plan"), describe::text(&plan, false));
    }
}

/// A 4.5 profile plans byte-identically to kmpilot before it knew other lines: the quickstart
/// as it was on 4.5 (tests/data/quickstart-4.5.yaml, `git show` of the file before the move to
/// 4.7) against copies of its snapshots taken then (`artifacts__quickstart-45__*`), which must
/// never be re-accepted with changes.
#[test]
fn a_4_5_profile_plans_byte_identically_to_before_the_chart_lines() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/quickstart-4.5.yaml");
    let p = load::from_path(&path, kmpilot::steps::validate)
        .unwrap()
        .profile;
    assert_eq!(p.api_manager.chart_version, "4.5.0-10");
    let plan = kmpilot::steps::plan(&p);
    for a in &plan.artifacts {
        let snap = format!("quickstart-45__{}", a.path.replace(['/', '.'], "_"));
        insta::assert_snapshot!(snap, &a.content);
    }
    insta::assert_snapshot!("quickstart-45__plan", describe::text(&plan, false));
}

#[test]
fn every_artifact_parses_with_its_format() {
    for name in PROFILES {
        let plan = kmpilot::steps::plan(&load(name));
        assert!(!plan.artifacts.is_empty());
        for a in &plan.artifacts {
            let what = format!("{name}: {}", a.path);
            match a.kind {
                ArtifactKind::Yaml => {
                    let v: serde_json::Value = serde_saphyr::from_str(&a.content)
                        .unwrap_or_else(|e| panic!("{what}: {e}"));
                    assert!(v.is_object(), "{what} is not a mapping");
                }
                ArtifactKind::Toml => {
                    toml::from_str::<toml::Table>(&a.content)
                        .unwrap_or_else(|e| panic!("{what}: {e}"));
                }
                ArtifactKind::Json => {
                    serde_json::from_str::<serde_json::Value>(&a.content)
                        .unwrap_or_else(|e| panic!("{what}: {e}"));
                }
                ArtifactKind::Shell => {
                    let out = std::process::Command::new("bash")
                        .arg("-n")
                        .arg("-c")
                        .arg(&a.content)
                        .output()
                        .expect("bash runs");
                    assert!(
                        out.status.success(),
                        "{what}: bash -n: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
                ArtifactKind::Dockerfile => {
                    let first = a
                        .content
                        .lines()
                        .find(|l| !l.starts_with('#') && !l.trim().is_empty())
                        .unwrap();
                    assert!(first.starts_with("FROM "), "{what}: {first}");
                    assert!(
                        a.content.contains("/repository/components/dropins/"),
                        "{what}"
                    );
                }
                ArtifactKind::Text => assert!(!a.content.is_empty(), "{what}"),
            }
        }
    }
}

fn values(plan: &plan::Plan, path: &str) -> serde_json::Value {
    serde_saphyr::from_str(&plan.artifact(path).unwrap().content).unwrap()
}

#[test]
fn apim_values_use_the_all_in_one_chart_keys_and_bug_workarounds() {
    let plan = kmpilot::steps::plan(&load("quickstart"));
    let v = values(&plan, "api-manager/values.yaml");
    let ing = &v["kubernetes"]["ingress"];
    assert!(
        ing.get("controlPlane").is_none(),
        "controlPlane is not an all-in-one key"
    );
    for (name, host) in [
        ("management", "am.wso2.com"),
        ("gateway", "gw.wso2.com"),
        ("websocket", "websocket.wso2.com"),
        ("websub", "websub.wso2.com"),
    ] {
        assert_eq!(ing[name]["hostname"], host);
        assert_eq!(
            v["kubernetes"]["gatewayAPI"][name]["hostname"], host,
            "gatewayAPI hostname kept in sync"
        );
    }
    // the quickstart is on 4.7, whose [server] hostname reads the Gateway API one first and
    // turns the Gateway API on by default: Ingress exposure turns it off
    assert_eq!(v["kubernetes"]["gatewayAPI"]["enabled"], false);
    assert!(
        ing.get("enabled").is_none(),
        "4.7 reads no kubernetes.ingress.enabled"
    );
    let v45 = values(
        &kmpilot::steps::plan(&load("production-like")),
        "api-manager/values.yaml",
    );
    assert_eq!(
        v45["kubernetes"]["ingress"]["enabled"], true,
        "4.5: workaround for [server] hostname reading kubernetes.ingress.enabled"
    );
    assert_eq!(
        v["aws"]["enabled"], false,
        "values.yaml defaults aws.enabled to true"
    );
    assert_eq!(
        v["gcp"]["enabled"], false,
        "values.yaml defaults gcp.enabled to true"
    );
    let ks = &v["wso2"]["apim"]["configurations"]["security"]["keystores"];
    let names: Vec<&str> = ["primary", "tls", "internal"]
        .iter()
        .map(|k| ks[k]["name"].as_str().unwrap())
        .collect();
    let mut dedup = names.clone();
    dedup.dedup();
    assert_eq!(
        names.len(),
        dedup.len(),
        "distinct mounted file names: {names:?}"
    );
    assert_eq!(
        v["wso2"]["apim"]["configurations"]["iskm"]["enabled"],
        false
    );
}

#[test]
fn is_values_carry_pattern_6_toml_and_the_pull_secret_workaround() {
    let plan = kmpilot::steps::plan(&load("quickstart"));
    let v = values(&plan, "identity-server/values.yaml");
    let toml_text = v["deploymentToml"]["extraConfigs"].as_str().unwrap();
    let t: toml::Table = toml::from_str(toml_text).unwrap();
    assert_eq!(t["oauth"]["authorize_all_scopes"].as_bool(), Some(true));
    assert_eq!(
        t["resource"]["access_control"][0]["context"].as_str(),
        Some("(.*)/scim2/Me")
    );
    let el = &t["event_listener"][0];
    assert_eq!(el["id"].as_str(), Some("token_revocation"));
    assert_eq!(
        el["properties"]["notification_endpoint"].as_str(),
        Some("https://apim-wso2am-all-in-one-am-service:9443/internal/data/v1/notify")
    );
    assert_eq!(v["wso2"]["deployment"]["image"]["imagePullSecret"], "");
    assert_eq!(v["deployment"]["image"]["repository"], "wso2is-km");
}

#[test]
fn key_manager_body_has_every_form_field() {
    let plan = kmpilot::steps::plan(&load("quickstart"));
    let b: serde_json::Value = serde_json::from_str(
        &plan
            .artifact("key-manager/key-manager.json")
            .unwrap()
            .content,
    )
    .unwrap();
    assert_eq!(b["type"], "WSO2-IS-7");
    assert_eq!(b["name"], "WSO2IS7");
    // what people and outside clients see: the public hostname
    for f in [
        "wellKnownEndpoint",
        "issuer",
        "displayTokenEndpoint",
        "displayRevokeEndpoint",
        "authorizeEndpoint",
    ] {
        assert!(
            b[f].as_str().unwrap().starts_with("https://is.wso2.com/"),
            "{f}"
        );
    }
    // what API-M's pods call: the IS Service, through cluster DNS
    const SVC: &str = "https://is-identity-server.wso2.svc:9443/";
    for f in [
        "clientRegistrationEndpoint",
        "introspectionEndpoint",
        "tokenEndpoint",
        "revokeEndpoint",
        "userInfoEndpoint",
        "scopeManagementEndpoint",
    ] {
        assert!(b[f].as_str().unwrap().starts_with(SVC), "{f}");
    }
    assert_eq!(b["userInfoEndpoint"], format!("{SVC}scim2/Me"));
    assert_eq!(b["certificates"]["type"], "JWKS");
    assert_eq!(b["certificates"]["value"], format!("{SVC}oauth2/jwks"));
    let ap = &b["additionalProperties"];
    assert_eq!(
        ap["enable_roles_creation"], false,
        "a JSON boolean, not \"Enable\""
    );
    assert_eq!(ap["is7_roles_endpoint"], format!("{SVC}scim2/v2/Roles"));
    assert_eq!(
        ap["api_resource_management_endpoint"],
        format!("{SVC}api/server/v1/api-resources")
    );
    assert_eq!(ap["Password"], "********");
    assert_eq!(b["enabled"], true);
}

#[test]
fn privatejet_binding_names_the_account_it_creates() {
    let plan = kmpilot::steps::plan(&load("privatejet"));
    for cluster in ["docker-desktop", "edge-east"] {
        let crb = plan
            .artifacts
            .iter()
            .find(|a| {
                a.path
                    .starts_with(&format!("private-jet/{cluster}/clusterrolebinding-"))
            })
            .unwrap();
        let v: serde_json::Value = serde_saphyr::from_str(&crb.content).unwrap();
        let sa = plan
            .artifacts
            .iter()
            .find(|a| {
                a.path
                    .starts_with(&format!("private-jet/{cluster}/serviceaccount-"))
            })
            .unwrap();
        let sa: serde_json::Value = serde_saphyr::from_str(&sa.content).unwrap();
        assert_eq!(v["subjects"][0]["name"], sa["metadata"]["name"]);
        assert_eq!(v["subjects"][0]["namespace"], sa["metadata"]["namespace"]);
    }
    let toml_text = &plan
        .artifact("private-jet/deployment-toml-snippet.toml")
        .unwrap()
        .content;
    let t: toml::Table = toml::from_str(toml_text).unwrap();
    let arr = t["ContainerMgtClusterConfig"].as_array().unwrap();
    assert_eq!(arr.len(), 2);
    assert_eq!(
        arr[0]["properties"]["JWTSecurityCustomResourceName"].as_str(),
        Some("securityjwt")
    );
    assert_eq!(
        arr[1]["properties"]["MasterURL"].as_str(),
        Some("https://edge-east.example.com:6443")
    );
    assert!(
        arr[0]["properties"]["SAToken"]
            .as_str()
            .unwrap()
            .starts_with("${SA_TOKEN_"),
        "token is a placeholder, never a value"
    );
}

#[test]
fn kms_manifests_follow_the_procedure_with_profile_values() {
    let plan = kmpilot::steps::plan(&load("kms-sts"));
    let get = |prefix: &str| -> serde_json::Value {
        serde_saphyr::from_str(
            &plan
                .artifacts
                .iter()
                .find(|a| a.path.starts_with(prefix))
                .unwrap()
                .content,
        )
        .unwrap()
    };
    let vs = get("kms-sts/virtualservice-");
    assert_eq!(
        vs["spec"]["http"][0]["match"][0]["uri"]["prefix"],
        "/kms/api"
    );
    assert_eq!(vs["spec"]["http"][0]["rewrite"]["uri"], "/api");
    assert_eq!(
        vs["spec"]["http"][0]["route"][0]["destination"]["port"]["number"],
        28674
    );
    let cert = get("kms-sts/certificate-");
    assert_eq!(cert["spec"]["secretName"], "istio-ingressgateway-certs");
    assert!(
        cert["spec"].get("dnsNames").is_none(),
        "the IP goes to ipAddresses, not dnsNames"
    );
    assert_eq!(cert["spec"]["ipAddresses"][0], "9.42.136.50");
    let pol = get("kms-sts/identitymappingpolicy-");
    assert_eq!(
        pol["spec"]["identityMapping"]["targetCredentials"]["apiKeyRef"]["secretName"],
        "sts-apikey"
    );
    assert_eq!(pol["spec"]["mappingType"], "inbound");
    assert_eq!(pol["spec"]["sourceAuthority"], "ibm-cloud-iam");
    let gw = get("kms-sts/gateway-");
    assert_eq!(gw["spec"]["servers"][0]["tls"]["mode"], "SIMPLE");
    assert_eq!(gw["spec"]["servers"][0]["port"]["number"], 443);
}

/// A profile whose every secret is a literal with a recognisable value; nothing kmpilot prints
/// or writes may contain it.
#[test]
fn literal_secrets_never_reach_plans_or_artifacts() {
    let text = std::fs::read_to_string(profile_path("production-like")).unwrap();
    let text = text
        .replace("{ env: WSO2_ADMIN_PASSWORD }", "{ literal: TopSecret-1 }")
        .replace("{ env: APIM_DB_PASSWORD }", "{ literal: TopSecret-2 }")
        .replace("{ env: KEYSTORE_PASSWORD }", "{ literal: TopSecret-3 }")
        .replace(
            "{ file: /run/secrets/registry-password }",
            "{ literal: TopSecret-4 }",
        );
    assert!(text.matches("TopSecret").count() >= 4);
    let loaded = load::from_str(&text, kmpilot::steps::validate).unwrap();
    let plan = kmpilot::steps::plan(&loaded.profile);
    let mut outputs = vec![
        describe::text(&plan, true),
        serde_json::to_string(&plan).unwrap(),
        kmpilot::render::yaml(&plan),
        format!("{:?}", loaded.profile),
        kmpilot::profile::save::to_yaml(&loaded.profile).unwrap().0,
    ];
    outputs.extend(plan.artifacts.iter().map(|a| a.content.clone()));
    for o in outputs {
        assert!(!o.contains("TopSecret"), "secret leaked into:\n{o}");
    }
}

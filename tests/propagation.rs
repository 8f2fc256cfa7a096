//! One hostname change must reach every place that names the host: certificate SANs, ingress
//! hosts, the hosts block, the key-manager URLs; one release change must reach the in-cluster
//! names (IS notification endpoint, SANs).

use kmpilot::profile::Profile;
use kmpilot::steps::keystores;

fn all_text(p: &Profile) -> String {
    let plan = kmpilot::steps::plan(p);
    let mut s = serde_json::to_string(&plan).unwrap();
    for a in &plan.artifacts {
        s.push_str(&a.content);
    }
    s
}

/// The YAML artifact `path` of `plan`, parsed.
fn values(plan: &kmpilot::plan::Plan, path: &str) -> serde_json::Value {
    serde_saphyr::from_str(&plan.artifact(path).unwrap().content).unwrap()
}

#[test]
fn a_hostname_change_reaches_every_artifact() {
    let mut p = Profile::quickstart("prop");
    p.api_manager.hostnames.management = "apim.acme.io".into();
    p.identity_server.hostname = "iam.acme.io".into();
    let plan = kmpilot::steps::plan(&p);

    let spec = keystores::spec(&p);
    assert!(spec.apim_sans.contains(&"apim.acme.io".to_string()));
    assert!(spec.is_sans.contains(&"iam.acme.io".to_string()));

    let apim = values(&plan, "api-manager/values.yaml");
    assert_eq!(
        apim["kubernetes"]["ingress"]["management"]["hostname"],
        "apim.acme.io"
    );
    assert_eq!(
        apim["kubernetes"]["gatewayAPI"]["management"]["hostname"],
        "apim.acme.io"
    );
    let is = values(&plan, "identity-server/values.yaml");
    assert_eq!(is["deployment"]["ingress"]["hostName"], "iam.acme.io");

    let hosts = &plan.artifact("dns/hosts.block").unwrap().content;
    assert!(
        hosts.contains(" apim.acme.io ") && hosts.contains(" iam.acme.io"),
        "{hosts}"
    );

    let km: serde_json::Value = serde_json::from_str(
        &plan
            .artifact("key-manager/key-manager.json")
            .unwrap()
            .content,
    )
    .unwrap();
    for f in [
        "wellKnownEndpoint",
        "issuer",
        "displayTokenEndpoint",
        "authorizeEndpoint",
    ] {
        assert!(
            km[f].as_str().unwrap().starts_with("https://iam.acme.io/"),
            "{f}: {}",
            km[f]
        );
    }
    // API-M's own calls go to the IS Service, whatever the public name
    for f in ["tokenEndpoint", "userInfoEndpoint"] {
        assert!(
            km[f].as_str().unwrap().starts_with(&format!(
                "https://{}.wso2.svc:9443/",
                p.identity_server.service_name()
            )),
            "{f}: {}",
            km[f]
        );
    }
    assert!(
        plan.console_urls
            .iter()
            .any(|u| u.url == "https://apim.acme.io/publisher")
    );

    // and the old names are gone everywhere
    let text = all_text(&p);
    assert!(!text.contains("am.wso2.com/"), "stale API-M host left");
    assert!(!text.contains("is.wso2.com"), "stale IS host left");
}

#[test]
fn a_release_change_reaches_the_in_cluster_names() {
    let mut p = Profile::quickstart("prop");
    p.api_manager.release = "gw1".into();
    let plan = kmpilot::steps::plan(&p);
    let is = values(&plan, "identity-server/values.yaml");
    let toml: toml::Table =
        toml::from_str(is["deploymentToml"]["extraConfigs"].as_str().unwrap()).unwrap();
    assert_eq!(
        toml["event_listener"][0]["properties"]["notification_endpoint"].as_str(),
        Some("https://gw1-wso2am-all-in-one-am-service:9443/internal/data/v1/notify")
    );
    assert!(
        keystores::spec(&p)
            .apim_sans
            .contains(&"gw1-wso2am-all-in-one-am-service.wso2.svc".to_string())
    );
    let apim = values(&plan, "api-manager/values.yaml");
    assert_eq!(
        apim["wso2"]["apim"]["configurations"]["gateway"]["environments"][0]["serviceName"],
        "gw1-wso2am-all-in-one-am-service"
    );
}

#[test]
fn key_manager_overrides_win_over_derived_fields() {
    let mut p = Profile::quickstart("ovr");
    p.key_manager.endpoints.issuer = Some("https://is.wso2.com:443/oauth2/token".into());
    let f = kmpilot::steps::key_manager::fields(&p);
    assert_eq!(f.issuer, "https://is.wso2.com:443/oauth2/token");
    assert_eq!(
        f.display_token, "https://is.wso2.com/oauth2/token",
        "only the overridden field changes"
    );
    assert_eq!(
        f.token, "https://is-identity-server.wso2.svc:9443/oauth2/token",
        "only the overridden field changes"
    );
}

use super::*;

#[test]
fn server_to_server_endpoints_use_the_is_service_and_public_ones_the_hostname() {
    let p = Profile::quickstart("t");
    let svc = "https://is-identity-server.wso2.svc:9443";
    // the Service name the IS chart renders and a SAN of the IS certificate
    assert!(
        super::super::keystores::is_sans(&p).contains(&"is-identity-server.wso2.svc".to_string())
    );
    let list = server_to_server_endpoints(&p);
    assert_eq!(list.len(), 9);
    for (name, url) in &list {
        assert!(url.starts_with(svc), "{name}: {url}");
    }
    let f = fields(&p);
    assert_eq!(
        f.well_known,
        "https://is.wso2.com/oauth2/token/.well-known/openid-configuration"
    );
    assert_eq!(f.issuer, "https://is.wso2.com/oauth2/token");
    assert_eq!(f.authorize, "https://is.wso2.com/oauth2/authorize");
    assert_eq!(f.display_token, "https://is.wso2.com/oauth2/token");
    assert_eq!(f.display_revoke, "https://is.wso2.com/oauth2/revoke");
    assert_eq!(f.token, format!("{svc}/oauth2/token"));
    assert_eq!(f.user_info, format!("{svc}/scim2/Me"));
    let b = body(&p);
    assert_eq!(b["certificates"]["value"], format!("{svc}/oauth2/jwks"));
    assert_eq!(
        b["additionalProperties"]["is7_roles_endpoint"],
        format!("{svc}/scim2/v2/Roles")
    );
}

#[test]
fn the_public_switch_moves_every_endpoint_to_the_hostname() {
    let mut p = Profile::quickstart("t");
    p.key_manager.server_endpoints = ServerEndpoints::Public;
    for (name, url) in server_to_server_endpoints(&p) {
        assert!(url.starts_with("https://is.wso2.com/"), "{name}: {url}");
    }
    assert_eq!(origin_swap(&p), None);
    let mut issues = Issues::default();
    validate(&p, &mut issues);
    assert!(
        format!("{issues:?}").contains("serverEndpoints"),
        "a warning names the switch: {issues:?}"
    );
}

#[test]
fn an_explicit_endpoint_wins_and_its_display_endpoint_follows_it() {
    let mut p = Profile::quickstart("t");
    p.key_manager.endpoints.token = Some("https://tok.example/t".into());
    let f = fields(&p);
    assert_eq!(f.token, "https://tok.example/t");
    assert_eq!(f.display_token, "https://tok.example/t");
    assert_eq!(f.display_revoke, "https://is.wso2.com/oauth2/revoke");
}

#[test]
fn kmpilot_own_calls_name_the_services_to_forward_to() {
    let p = Profile::quickstart("t");
    let step = plan(&p, &mut Vec::new()).unwrap();
    let mut vias = Vec::new();
    for a in &step.actions {
        match a {
            Action::Http(h) => vias.push(h.via.clone().unwrap()),
            Action::RegisterKeyManager(r) => vias.push(r.apim_route.clone().unwrap()),
            _ => {}
        }
    }
    let names: Vec<_> = vias.iter().map(|v| (v.service.as_str(), v.port)).collect();
    assert_eq!(
        names,
        vec![
            ("is-identity-server", 9443),
            ("apim-wso2am-all-in-one-am-service", 9443)
        ]
    );
    // a well-known document elsewhere has no Service to stand in for it
    let mut p = p;
    p.key_manager.endpoints.well_known =
        Some("https://idp.example/.well-known/openid-configuration".into());
    let step = plan(&p, &mut Vec::new()).unwrap();
    assert!(
        step.actions
            .iter()
            .any(|a| matches!(a, Action::Http(h) if h.via.is_none()))
    );
}

#[test]
fn the_connector_credentials_take_the_shape_of_the_api_manager_line() {
    let mut p = Profile::quickstart("t");
    p.api_manager.chart_version = "4.5.0-10".into();
    let ap = body(&p)["additionalProperties"].clone();
    assert!(ap.get("Authentication").is_none(), "4.5 stays flat: {ap}");
    assert_eq!(ap["Username"], "admin");
    assert_eq!(ap["Password"], MASK);
    for v in ["4.6.0-5", "4.7.0-1"] {
        p.api_manager.chart_version = v.into();
        let ap = body(&p)["additionalProperties"].clone();
        let keys: Vec<_> = ap.as_object().unwrap().keys().take(3).cloned().collect();
        assert_eq!(
            keys,
            ["Authentication", "Username", "Password"],
            "{v}: as the Admin Portal stores it"
        );
        assert_eq!(ap["Authentication"], "BasicAuth", "{v}");
    }
    // a version kmpilot knows no line for keeps the shape every connector accepts
    p.api_manager.chart_version = "4.9.0-1".into();
    assert!(
        body(&p)["additionalProperties"]
            .get("Authentication")
            .is_none()
    );
}

#[test]
fn a_flat_registration_reads_as_basic_auth_where_the_line_sends_it() {
    let mut p = Profile::quickstart("t");
    p.api_manager.chart_version = "4.7.0-1".into();
    let desired = body(&p);
    let mut live = json!({"additionalProperties": {"Username": "admin", "Password": "x"}});
    read_as_connector(&desired, &mut live);
    assert_eq!(live["additionalProperties"]["Authentication"], "BasicAuth");
    // another choice stays what it is, and a flat line adds nothing
    let mut mtls = json!({"additionalProperties": {"Authentication": "MutualTLS"}});
    read_as_connector(&desired, &mut mtls);
    assert_eq!(mtls["additionalProperties"]["Authentication"], "MutualTLS");
    p.api_manager.chart_version = "4.5.0-10".into();
    let mut flat = json!({"additionalProperties": {"Username": "admin"}});
    read_as_connector(&body(&p), &mut flat);
    assert!(flat["additionalProperties"].get("Authentication").is_none());
}

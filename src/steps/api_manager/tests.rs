//! The API-M values per chart line: what each line needs written, read back from `values`.

use super::*;
use crate::profile::sections::exposure::ExposureKind;

fn on(v: &str) -> Profile {
    let mut p = Profile::quickstart("t");
    p.api_manager.chart_version = v.into();
    p
}

#[test]
fn ingress_exposure_on_4_7_turns_the_gateway_api_off_and_every_ingress_on() {
    let v = values(&on("4.7.0-1"));
    let k = &v["kubernetes"];
    assert_eq!(k["gatewayAPI"]["enabled"], false);
    for name in ["management", "gateway", "websocket", "websub"] {
        assert_eq!(k["ingress"][name]["enabled"], true, "{name}");
        // [server] hostname reads the Gateway API one when it is on: both say the same
        assert_eq!(
            k["gatewayAPI"][name]["hostname"],
            k["ingress"][name]["hostname"]
        );
    }
    // 4.7 reads no kubernetes.ingress.enabled
    assert!(k["ingress"].get("enabled").is_none());
    assert_eq!(v["wso2"]["deployment"]["image"]["tag"], "4.7.0");
}

#[test]
fn the_4_5_and_4_6_hostname_workaround_stays_and_writes_no_gateway_api_switch() {
    for ver in ["4.5.0-10", "4.6.0-5"] {
        let v = values(&on(ver));
        assert_eq!(v["kubernetes"]["ingress"]["enabled"], true, "{ver}");
        assert!(
            v["kubernetes"]["gatewayAPI"].get("enabled").is_none(),
            "{ver}"
        );
        let c = &v["wso2"]["apim"]["configurations"];
        assert!(
            c["existingSecret"].get("encryptionKeyKey").is_none(),
            "{ver}"
        );
        assert!(c.get("encryption").is_none(), "{ver}");
    }
}

#[test]
fn gateway_api_exposure_on_4_7_keeps_its_routes_on() {
    let mut p = on("4.7.0-1");
    p.cluster.exposure.kind = ExposureKind::GatewayApi;
    let v = values(&p);
    assert_eq!(v["kubernetes"]["gatewayAPI"]["enabled"], true);
    assert_eq!(v["kubernetes"]["ingress"]["management"]["enabled"], false);
}

#[test]
fn the_4_7_encryption_key_goes_through_the_credentials_secret_never_the_values() {
    let p = on("4.7.0-1");
    let v = values(&p);
    let es = &v["wso2"]["apim"]["configurations"]["existingSecret"];
    assert_eq!(es["secretName"], p.api_manager.credentials_secret());
    assert_eq!(es["encryptionKeyKey"], ENCRYPTION_KEY_KEY);
    assert!(
        v["wso2"]["apim"]["configurations"]
            .get("encryption")
            .is_none()
    );
    let mut arts = Vec::new();
    let step = plan(
        &p,
        &mut arts,
        crate::steps::verify_spec::spec(&p, crate::plan::verify_spec::ChartKind::ApiManager),
    );
    let secret = step
        .actions
        .iter()
        .find_map(|a| match a {
            Action::CreateSecret(s) if s.name == p.api_manager.credentials_secret() => Some(s),
            _ => None,
        })
        .expect("the credentials Secret");
    let kept = secret
        .data
        .iter()
        .find(|(k, _)| k == ENCRYPTION_KEY_KEY)
        .expect("the key in the same Secret as the passwords");
    assert!(matches!(
        &kept.1,
        SecretSource::Kept {
            secret: None,
            hex_chars: 64,
            ..
        }
    ));
    // a reference in the profile is where it comes from when the cluster has none
    let mut q = p.clone();
    q.api_manager.encryption_key = Some(SecretRef::Env("MY_KEY".into()));
    let mut arts = Vec::new();
    let step = plan(
        &q,
        &mut arts,
        crate::steps::verify_spec::spec(&q, crate::plan::verify_spec::ChartKind::ApiManager),
    );
    assert!(step.actions.iter().any(|a| matches!(a,
        Action::CreateSecret(s) if s.data.iter().any(|(_, d)| matches!(d,
            SecretSource::Kept { secret: Some(SecretRef::Env(v)), shell_var, .. } if v == "MY_KEY" && shell_var == "MY_KEY")))));
}

#[test]
fn secure_vault_on_4_7_keeps_the_keystore_based_provider_and_needs_no_key() {
    let mut p = on("4.7.0-1");
    p.secure_vault.enabled = true;
    let v = values(&p);
    let c = &v["wso2"]["apim"]["configurations"];
    assert_eq!(
        c["encryption"]["internalCryptoProvider"],
        "org.wso2.carbon.crypto.provider.KeyStoreBasedInternalCryptoProvider"
    );
    assert!(c.get("existingSecret").is_none());
}

#[test]
fn an_image_tag_of_another_line_is_refused_and_an_absent_one_follows_the_line() {
    let mut p = on("4.7.0-1");
    p.api_manager.image.tag = "4.5.0".into();
    let issues = crate::steps::validate(&p);
    assert!(
        issues
            .list
            .iter()
            .any(|i| i.is_error() && i.path.to_string() == "apiManager.image.tag"),
        "{:?}",
        issues.list
    );
    p.api_manager.image.tag = String::new();
    assert_eq!(p.api_manager.image_tag(), "4.7.0");
    p.api_manager.chart_version = "4.6.0-5".into();
    assert_eq!(p.api_manager.image_tag(), "4.6.0");
}

//! The TOML tables each chart version's `deployment.toml` template declares on its own, read
//! from the charts' templates (wso2/kubernetes-is `confs/deployment.toml` on 7.0.x/7.1.x;
//! wso2/helm-apim `all-in-one/confs/instance-1/deployment.toml` on 4.5.x). `extraToml` is
//! spliced into that file, so declaring one of these again makes the file invalid TOML.
//! `validate` uses this offline; `verify` renders the exact chart and is the authority.
//! Only tables the template always declares with kmpilot's values are listed.

use super::ChartKind;

const IS_7: &[&str] = &[
    "server",
    "transport.https.properties",
    "transport.https.sslHostConfig.properties",
    "super_admin",
    "user_store",
    "database.identity_db",
    "database.shared_db",
    "datasource.WSO2ConsentDS",
    "authentication.consent",
    "realm_manager",
    "database.user",
    "keystore.tls",
    "keystore.primary",
    "keystore.internal",
    "truststore",
    "account_recovery.endpoint.auth",
    "identity.auth_framework.endpoint",
    // conditional on deploymentToml.clustering.enabled, true in the chart's values
    "clustering",
    "oauth.token_cleanup",
    "oauth.token_generation",
    "authentication.authenticator.email_otp",
    "authentication.authenticator.email_otp.parameters",
    "authentication.authenticator.sms_otp",
    "authentication.authenticator.sms_otp.parameters",
    "authentication.authenticator.totp",
    "authentication.authenticator.totp.parameters",
    "encryption",
];

/// 7.1 added `[identity_mgt]` (the self-registration callback) to the 7.0 list.
const IS_71_EXTRA: &[&str] = &["identity_mgt"];

const APIM_45: &[&str] = &[
    "server",
    "user_store",
    "super_admin",
    "database.apim_db",
    "database.shared_db",
    "apim",
    "keystore.primary",
    "keystore.tls",
    "keystore.internal",
    "truststore",
    "apim.sync_runtime_artifacts.gateway",
    "apim.cache.gateway_token",
    "apim.cache.resource",
    "apim.cache.km_token",
    "apim.cache.recent_apis",
    "apim.cache.scopes",
    "apim.cache.publisher_roles",
    "apim.cache.jwt_claim",
    "apim.cache.tags",
    "apim.analytics",
    "apim.ai",
    "transport.http",
    "transport.https",
    "apim.key_manager",
    "apim.transaction_counter",
    "oauth.grant_type.token_exchange",
    "oauth.endpoints",
    "apim.oauth_config",
    "apim.devportal",
    "apim.publisher",
    "apim.cors",
    "apim.throttling",
    "apim.throttling.blacklist_condition",
    "apim.throttling.jms",
    "apim.throttling.event_sync",
    "apim.throttling.event_management",
    "apim.workflow",
    "service_provider",
    "database.local",
    "apim.organization_based_access_control",
];

/// The tables chart `kind` at `version` declares itself, when kmpilot knows that version.
pub fn declared(kind: ChartKind, version: &str) -> Option<Vec<&'static str>> {
    match kind {
        ChartKind::IdentityServer if version.starts_with("7.1.0-") => {
            Some(IS_7.iter().chain(IS_71_EXTRA).copied().collect())
        }
        ChartKind::IdentityServer if version.starts_with("7.0.0-") => Some(IS_7.to_vec()),
        ChartKind::ApiManager if version.starts_with("4.5.0-") => Some(APIM_45.to_vec()),
        _ => None,
    }
}

/// The tables of `extra_toml` that chart `kind` at `version` already declares: (table, line
/// within extra_toml).
pub fn clashes(kind: ChartKind, version: &str, extra_toml: &str) -> Vec<(String, usize)> {
    let Some(known) = declared(kind, version) else {
        return Vec::new();
    };
    super::toml_files::table_headers(extra_toml)
        .into_iter()
        .filter(|(name, _)| known.contains(&name.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_the_is_template_declares_is_found_with_its_line() {
        let extra = "[oauth.token_renewal]\nrenew_refresh_token = true\n\n[ authentication.consent ]\ndata_source = \"x\"\n";
        assert_eq!(
            clashes(ChartKind::IdentityServer, "7.1.0-3", extra),
            vec![("authentication.consent".to_string(), 4)]
        );
        assert!(clashes(ChartKind::IdentityServer, "9.9.9-1", extra).is_empty());
        assert!(
            clashes(
                ChartKind::ApiManager,
                "4.5.0-10",
                "[[event_listener]]\nid = \"x\"\n"
            )
            .is_empty()
        );
    }
}

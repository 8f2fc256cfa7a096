//! IS 7.1 (`identity-server` 7.1.0-x).
//! Sources: wso2/kubernetes-is branch 7.1.x (`values.yaml`, `confs/deployment.toml`); shared/reference/wso2-facts.md §2, §8.

use super::line::{IsLine, Sourced};

/// Tables `confs/deployment.toml` of 7.0.x and 7.1.x always declares with kmpilot's values.
pub(super) const TABLES_7: &[&str] = &[
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

pub(super) static LINE: IsLine = IsLine {
    minor: (7, 1),
    product: "7.1.0",
    chart_version: "7.1.0-3",
    build_version: "7.1.0",
    // 7.1 added `[identity_mgt]` (the self-registration callback) to 7.0's tables
    declared_tables: &[TABLES_7, &["identity_mgt"]],
    sources: &[Sourced {
        fact: "chart 7.1.0-3; keystores mount under <productPackName>-<buildVersion>/repository/resources/security",
        source: "kubernetes-is@7.1.x values.yaml (deployment.buildVersion: 7.1.0), templates/identity-server-deployment.yaml",
    }],
};

//! The `identityServer` section: the IS 7 chart, its hostname and its settings.

use super::credentials::Credentials;
use super::is_image::IsImage;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct IdentityServer {
    /// Install IS as the key manager (pattern 6). Off for a profile without IS 7: the KMS
    /// track alone, or PrivateJet on API-M 3.2 (which cannot use IS 7 as key manager).
    #[serde(skip_serializing_if = "is_true")]
    pub install: bool,
    pub release: String,
    pub chart: String,
    pub chart_version: String,
    pub hostname: String,
    pub admin: Credentials,
    pub image: IsImage,
    /// Free TOML appended to the generated `deploymentToml.extraConfigs`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub extra_toml: String,
    pub helm_timeout_minutes: u32,
    /// The chart's AppArmor profile (RuntimeDefault): the kubelet rejects the pod on a node
    /// without AppArmor (Docker Desktop, OrbStack, minikube's VM). `auto` decides from the
    /// nodes or a probe pod when kmpilot meets the cluster.
    pub app_armor: AppArmor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum AppArmor {
    #[default]
    Auto,
    Enabled,
    Disabled,
}

impl Default for IdentityServer {
    fn default() -> Self {
        IdentityServer {
            install: true,
            release: "is".into(),
            chart: "wso2/identity-server".into(),
            chart_version: "7.1.0-3".into(),
            hostname: "is.wso2.com".into(),
            // the same account as API-M by default: IS sends these credentials to API-M when a token is revoked
            admin: Credentials::new("admin", "APIM_ADMIN_PASSWORD"),
            image: IsImage::default(),
            extra_toml: String::new(),
            helm_timeout_minutes: 20,
            app_armor: AppArmor::Auto,
        }
    }
}

pub(crate) fn is_true(b: &bool) -> bool {
    *b
}

impl IdentityServer {
    /// The chart's `fullname`: `<release>-identity-server`, or the release alone when it
    /// already contains the chart name (standard helm helper).
    pub fn service_name(&self) -> String {
        let full = if self.release.contains("identity-server") {
            self.release.clone()
        } else {
            format!("{}-identity-server", self.release)
        };
        // the chart's `..fullname`: `trunc 63 | trimSuffix "-"`
        let cut: String = full.chars().take(63).collect();
        cut.strip_suffix('-').unwrap_or(&cut).to_string()
    }

    pub fn base_url(&self) -> String {
        format!("https://{}", self.hostname)
    }
}

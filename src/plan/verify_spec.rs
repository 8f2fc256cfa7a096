//! The payload of the plan's verify action: which chart to render with which values, and
//! what the rendered manifests must hold (`crate::verify` checks them).

use super::command::{Command, SecretOverlay};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChartKind {
    IdentityServer,
    ApiManager,
}

impl ChartKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChartKind::IdentityServer => "identity-server",
            ChartKind::ApiManager => "api-manager",
        }
    }
}

/// What the plan expects a chart to render, derived from the profile (pure).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expect {
    pub chart: ChartKind,
    /// `[server] hostname` in deployment.toml.
    pub server_hostname: String,
    pub server_hostname_path: String,
    /// (ingress host, the profile path that sets it).
    pub ingress_hosts: Vec<(String, String)>,
    pub tls_secret: String,
    pub tls_secret_path: String,
    /// Gateway API exposure: the chart must render no Ingress (one would be stale, and served
    /// by whatever ingress controller takes it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_ingress: bool,
    /// Container name of the server in the chart's Deployment, and the image it must run.
    pub container: String,
    pub image: String,
    pub image_path: String,
    /// The Secret kmpilot creates with the keystores, and its keys (file name, profile path).
    pub keystore_secret: String,
    pub keystore_files: Vec<(String, String)>,
    pub password_path: String,
    /// Secure vault on for this chart: passwords must be `$secret{…}` with a `[secrets]` entry.
    pub secure_vault: bool,
    /// The user's extraToml and where it is, to name it when it breaks the rendered TOML.
    pub extra_toml: String,
    pub extra_toml_path: String,
    /// IS only: the token-revocation listener must reach a Service of the API-M chart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notification: Option<NotificationExpect>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotificationExpect {
    /// The profile path whose value names the API-M Service (its release).
    pub fix_path: String,
}

/// `helm template` of one chart with exactly the values its install gets.
#[derive(Debug, Clone, Serialize)]
pub struct RenderSpec {
    pub chart_kind: ChartKind,
    pub release: String,
    pub chart: String,
    pub version: String,
    pub namespace: String,
    /// Artifact path of the values file (the same one the install reads).
    pub values: String,
    /// Secret values on standard input, as for the install.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stdin: Option<SecretOverlay>,
    /// The kinds the install's post-renderer drops (Gateway API exposure drops IS's Ingress);
    /// as `Command::drop_kinds`, the flags are the helm major's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drop_kinds: Vec<String>,
}

impl RenderSpec {
    /// `helm template` arguments without the post-renderer's (the executor adds those for the
    /// helm it runs); `values_file` is where the executor put the values.
    pub fn args(&self, chart: &str, values_file: &str) -> Vec<String> {
        let mut v: Vec<String> = vec![
            "template".into(),
            self.release.clone(),
            chart.into(),
            "--version".into(),
            self.version.clone(),
            "-n".into(),
            self.namespace.clone(),
            "-f".into(),
            values_file.into(),
        ];
        if self.stdin.as_ref().is_some_and(|o| !o.entries.is_empty()) {
            v.extend(["-f".into(), "-".into()]);
        }
        v
    }

    /// `helm template` as a plan command (the runbook's line).
    pub fn command(&self, chart: &str, values_file: &str) -> Command {
        let mut c = Command::new("helm", self.args(chart, values_file));
        c.drop_kinds = self.drop_kinds.clone();
        c
    }
}

/// The plan's verify action: render this chart (and its peer, for checks across the two),
/// then check the rendered manifests against `expect`.
#[derive(Debug, Clone, Serialize)]
pub struct VerifySpec {
    pub render: RenderSpec,
    /// The other chart, rendered for cross checks (IS's revocation listener names API-M's
    /// Service); a peer that does not render makes those checks a warning, not an error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer: Option<RenderSpec>,
    pub expect: Expect,
}

//! Verify before install: what the WSO2 charts render from kmpilot's values, checked against
//! the profile. The profile and the values can be right while the rendered whole is wrong (a
//! table the chart's own `deployment.toml` already declares, a keystore file name the Secret
//! lacks); only `helm template` of the exact chart shows it.
//!
//! This module is pure: it reads rendered manifests (`render::Rendered`) and the expectations
//! the plan derived from the profile (`Expect`), and returns findings. Running helm is the
//! executor's work (`crate::exec::verify`).

pub mod hostnames;
pub mod images;
pub mod ingress;
pub mod keystores;
pub mod known_tables;
pub mod plaintext;
pub mod render;
pub mod revocation;
pub mod toml_files;

use serde::Serialize;

use crate::plan::SecretOverlay;
use crate::profile::Profile;
pub use render::{PodFacts, Rendered};

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

/// How bad a finding is: errors stop the install, warnings are shown and logged, notices
/// disclose something the user should know (plain-text secrets) without being a fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Notice,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Notice => "notice",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// One thing found in a rendered chart: where (object, file inside it, key), what, what was
/// expected, and which profile field fixes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub level: Level,
    pub chart: ChartKind,
    /// Which check found it (`toml`, `hostname`, `keystore`, …).
    pub check: &'static str,
    /// `Kind/name` of the rendered object.
    pub object: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// The profile's YAML path to change.
    pub fix: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Finding {
    pub fn new(
        level: Level,
        chart: ChartKind,
        check: &'static str,
        object: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Finding {
            level,
            chart,
            check,
            object: object.into(),
            file: None,
            key: None,
            message: message.into(),
            expected: None,
            fix: fix.into(),
            hint: None,
        }
    }
    pub fn file(mut self, f: impl Into<String>) -> Self {
        self.file = Some(f.into());
        self
    }
    pub fn key(mut self, k: impl Into<String>) -> Self {
        self.key = Some(k.into());
        self
    }
    pub fn expected(mut self, e: impl Into<String>) -> Self {
        self.expected = Some(e.into());
        self
    }
    pub fn hint(mut self, h: impl Into<String>) -> Self {
        self.hint = Some(h.into());
        self
    }

    /// One line for logs and progress output: `error identity-server ConfigMap/x deployment.toml [server] hostname: …`.
    pub fn line(&self) -> String {
        let mut s = format!(
            "{} {} {}",
            self.level.as_str(),
            self.chart.as_str(),
            self.object
        );
        if let Some(f) = &self.file {
            s.push_str(&format!(" {f}"));
        }
        if let Some(k) = &self.key {
            s.push_str(&format!(" {k}"));
        }
        s.push_str(&format!(": {}", self.message));
        if let Some(e) = &self.expected {
            s.push_str(&format!(" (expected {e})"));
        }
        s.push_str(&format!(" — fix: {}", self.fix));
        s
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
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
    /// helm flags of the install's post-renderer (Gateway API exposure drops IS's Ingress).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub post_render: Vec<String>,
}

impl RenderSpec {
    /// `helm template` arguments; `values_file` is where the executor put the values.
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
        v.extend(self.post_render.iter().cloned());
        v
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

/// What a check reads.
pub struct Input<'a> {
    pub expect: &'a Expect,
    pub rendered: &'a Rendered,
    /// The peer chart's rendering, when it rendered.
    pub peer: Option<&'a Rendered>,
    pub tomls: &'a [toml_files::TomlFile],
}

pub type CheckFn = fn(&Input<'_>, &mut Vec<Finding>);

/// Every check, in report order. Extension point: a check that needs more than the rendered
/// manifests (the key manager's server-to-server endpoints resolving inside the cluster, the
/// cluster-kind capacity and AppArmor checks reading `render::pod_facts`) is one more entry
/// here, or reads `Report::rendered` afterwards.
pub const CHECKS: &[(&str, CheckFn)] = &[
    ("hostname", hostnames::check),
    ("keystore", keystores::check),
    ("revocation", revocation::check),
    ("ingress", ingress::check),
    ("image", images::check),
    ("plaintext", plaintext::check),
];

/// Runs every check on one chart's rendering.
pub fn check(expect: &Expect, rendered: &Rendered, peer: Option<&Rendered>) -> Vec<Finding> {
    let mut out = Vec::new();
    let tomls = toml_files::collect(expect, rendered, &mut out);
    let input = Input {
        expect,
        rendered,
        peer,
        tomls: &tomls,
    };
    for (_, f) in CHECKS {
        f(&input, &mut out);
    }
    out
}

/// The outcome of verifying one chart: its findings, the rendered manifests (for other
/// checks to read: `render::pod_facts`) and how long render + checks took.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub chart: ChartKind,
    pub release: String,
    pub chart_ref: String,
    pub version: String,
    pub findings: Vec<Finding>,
    /// Resource requests and AppArmor settings of the rendered pods.
    pub pods: Vec<PodFacts>,
    pub millis: u128,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.is_error()).count()
    }
}

/// The expectations of the chart of `kind` for profile `p`.
pub fn expect(p: &Profile, kind: ChartKind) -> Expect {
    let k = &p.keystores;
    match kind {
        ChartKind::IdentityServer => {
            let is = &p.identity_server;
            let f = |name: &String, field: &str| (name.clone(), format!("keystores.is.{field}"));
            Expect {
                chart: kind,
                server_hostname: is.hostname.clone(),
                server_hostname_path: "identityServer.hostname".into(),
                // through the Gateway API no Ingress is rendered: one that is would be stale
                ingress_hosts: if crate::steps::exposure::gateway_api(p) {
                    Vec::new()
                } else {
                    vec![(is.hostname.clone(), "identityServer.hostname".into())]
                },
                tls_secret: p.api_manager.tls_secret(p).to_string(),
                tls_secret_path: tls_path(p),
                no_ingress: crate::steps::exposure::gateway_api(p),
                container: "wso2is".into(),
                image: is.image.image_ref(),
                image_path: "identityServer.image".into(),
                keystore_secret: k.is.secret_name.clone(),
                keystore_files: vec![
                    f(&k.is.primary, "primary"),
                    f(&k.is.tls, "tls"),
                    f(&k.is.internal, "internal"),
                    f(&k.is.truststore, "truststore"),
                ],
                password_path: "keystores.storePassword".into(),
                // kmpilot does not turn on the IS chart's secret store (Azure Key Vault only)
                secure_vault: false,
                extra_toml: is.extra_toml.clone(),
                extra_toml_path: "identityServer.extraToml".into(),
                notification: Some(NotificationExpect {
                    fix_path: "apiManager.release".into(),
                }),
            }
        }
        ChartKind::ApiManager => {
            let a = &p.api_manager;
            let f = |name: &String, field: &str| (name.clone(), format!("keystores.apim.{field}"));
            let image = match &a.image.digest {
                Some(d) => format!("{}/{}@{d}", a.image.registry, a.image.repository),
                None => format!(
                    "{}/{}:{}",
                    a.image.registry, a.image.repository, a.image.tag
                ),
            };
            Expect {
                chart: kind,
                server_hostname: a.hostnames.management.clone(),
                server_hostname_path: "apiManager.hostnames.management".into(),
                ingress_hosts: a
                    .hostnames
                    .all()
                    .iter()
                    .filter(|_| !crate::steps::exposure::gateway_api(p))
                    .map(|(n, h)| ((*h).clone(), format!("apiManager.hostnames.{n}")))
                    .collect(),
                tls_secret: a.tls_secret(p).to_string(),
                tls_secret_path: tls_path(p),
                no_ingress: crate::steps::exposure::gateway_api(p),
                container: "wso2am".into(),
                image,
                image_path: "apiManager.image".into(),
                keystore_secret: k.apim.secret_name.clone(),
                keystore_files: vec![
                    f(&k.apim.keystore, "keystore"),
                    f(&k.apim.tls_keystore, "tlsKeystore"),
                    f(&k.apim.internal_keystore, "internalKeystore"),
                    f(&k.apim.truststore, "truststore"),
                ],
                password_path: "keystores.storePassword".into(),
                secure_vault: p.secure_vault.enabled,
                extra_toml: a.extra_toml.clone(),
                extra_toml_path: "apiManager.extraToml".into(),
                notification: None,
            }
        }
    }
}

fn tls_path(p: &Profile) -> String {
    if p.api_manager.ingress.tls_secret.is_some() {
        "apiManager.ingress.tlsSecret".into()
    } else {
        "keystores.tlsSecret".into()
    }
}

/// The `Kind/name` label of a rendered object.
pub(crate) fn label(o: &serde_json::Value) -> String {
    format!(
        "{}/{}",
        o["kind"].as_str().unwrap_or("?"),
        o["metadata"]["name"].as_str().unwrap_or("?")
    )
}

/// `helm template` of the chart of `kind` exactly as its step installs it.
pub fn render_spec(p: &Profile, kind: ChartKind) -> RenderSpec {
    let (release, chart, version, values, overlay) = match kind {
        ChartKind::IdentityServer => {
            let is = &p.identity_server;
            (
                &is.release,
                &is.chart,
                &is.chart_version,
                "identity-server/values.yaml",
                crate::steps::identity_server::overlay(p),
            )
        }
        ChartKind::ApiManager => {
            let a = &p.api_manager;
            (
                &a.release,
                &a.chart,
                &a.chart_version,
                "api-manager/values.yaml",
                crate::steps::api_manager::overlay(p),
            )
        }
    };
    RenderSpec {
        chart_kind: kind,
        release: release.clone(),
        chart: chart.clone(),
        version: version.clone(),
        namespace: p.cluster.namespace.clone(),
        values: values.into(),
        stdin: (!overlay.entries.is_empty()).then_some(overlay),
        post_render: if kind == ChartKind::IdentityServer && crate::steps::exposure::gateway_api(p)
        {
            crate::steps::exposure::drop_ingress_args()
        } else {
            Vec::new()
        },
    }
}

/// The plan's verify action for the chart of `kind` (IS also renders API-M, whose Service its
/// revocation listener names).
pub fn spec(p: &Profile, kind: ChartKind) -> VerifySpec {
    VerifySpec {
        render: render_spec(p, kind),
        peer: (kind == ChartKind::IdentityServer).then(|| render_spec(p, ChartKind::ApiManager)),
        expect: expect(p, kind),
    }
}

#[cfg(test)]
mod tests;

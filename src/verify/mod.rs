//! Verify before install: what the WSO2 charts render from kmpilot's values, checked against
//! the profile. The profile and the values can be right while the rendered whole is wrong (a
//! table the chart's own `deployment.toml` already declares, a keystore file name the Secret
//! lacks); only `helm template` of the exact chart shows it.
//!
//! This module is pure: it reads rendered manifests (`render::Rendered`) and the expectations
//! the plan derived from the profile (`Expect`), and returns findings. Running helm is the
//! executor's work (`crate::exec::verify`).

pub mod chart_version;
pub mod hostnames;
pub mod images;
pub mod ingress;
pub mod keystores;
pub mod known_tables;
pub mod plaintext;
pub mod render;
pub mod render_failure;
pub mod revocation;
pub mod toml_files;

use serde::Serialize;

pub use crate::plan::verify_spec::{ChartKind, Expect, NotificationExpect, RenderSpec, VerifySpec};
pub use render::{PodFacts, Rendered};

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

/// The `Kind/name` label of a rendered object.
pub(crate) fn label(o: &serde_json::Value) -> String {
    format!(
        "{}/{}",
        o["kind"].as_str().unwrap_or("?"),
        o["metadata"]["name"].as_str().unwrap_or("?")
    )
}

#[cfg(test)]
mod tests;

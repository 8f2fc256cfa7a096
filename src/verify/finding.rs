//! What a check finds: its level, the finding, and the label of a rendered object.

use serde::Serialize;

use crate::plan::verify_spec::ChartKind;

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

/// The `Kind/name` label of a rendered object.
pub(crate) fn label(o: &serde_json::Value) -> String {
    format!(
        "{}/{}",
        o["kind"].as_str().unwrap_or("?"),
        o["metadata"]["name"].as_str().unwrap_or("?")
    )
}

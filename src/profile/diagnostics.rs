//! Problems found in a profile: what, where (YAML path, line, column), what was expected and how
//! to fix it. One type serves syntax errors, shape errors from serde and the form checks.

use std::fmt;

use serde::Serialize;

use super::yaml_tree::{Pos, Seg, path_string};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A YAML path under construction: `YamlPath::root().key("apiManager").key("hostnames")`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct YamlPath(pub Vec<Seg>);

impl YamlPath {
    pub fn root() -> Self {
        YamlPath(Vec::new())
    }
    pub fn key(&self, k: &str) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Key(k.to_string()));
        YamlPath(v)
    }
    pub fn idx(&self, i: usize) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Index(i));
        YamlPath(v)
    }
}

impl fmt::Display for YamlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("(document)")
        } else {
            f.write_str(&path_string(&self.0))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub severity: Severity,
    #[serde(serialize_with = "ser_path")]
    pub path: YamlPath,
    /// Filled in once the issue is matched against the source text.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

fn ser_path<S: serde::Serializer>(p: &YamlPath, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&p.to_string())
}

impl Issue {
    pub fn at(mut self, pos: Pos) -> Self {
        self.line = Some(pos.line);
        self.column = Some(pos.col);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col: error: path: message` then indented expected/hint lines, the shape
    /// compilers use, so editors can jump to it.
    pub fn render(&self, source: &str) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let loc = match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{source}:{l}:{c}"),
            _ => source.to_string(),
        };
        let mut s = format!("{loc}: {sev}: {}: {}", self.path, self.message);
        if let Some(e) = &self.expected {
            s.push_str(&format!("\n    expected: {e}"));
        }
        if let Some(h) = &self.hint {
            s.push_str(&format!("\n    hint: {h}"));
        }
        s
    }
}

/// Collects every problem instead of stopping at the first.
#[derive(Debug, Default)]
pub struct Issues {
    pub list: Vec<Issue>,
}

impl Issues {
    fn push(
        &mut self,
        severity: Severity,
        path: &YamlPath,
        message: String,
        expected: Option<&str>,
        hint: Option<&str>,
    ) {
        self.list.push(Issue {
            severity,
            path: path.clone(),
            line: None,
            column: None,
            message,
            expected: expected.map(str::to_string),
            hint: hint.map(str::to_string),
        });
    }

    pub fn error(
        &mut self,
        path: &YamlPath,
        message: impl Into<String>,
        expected: Option<&str>,
        hint: Option<&str>,
    ) {
        self.push(Severity::Error, path, message.into(), expected, hint);
    }

    pub fn warn(&mut self, path: &YamlPath, message: impl Into<String>, hint: Option<&str>) {
        self.push(Severity::Warning, path, message.into(), None, hint);
    }

    pub fn has_errors(&self) -> bool {
        self.list.iter().any(Issue::is_error)
    }
}

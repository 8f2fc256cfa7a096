//! Secret references. A profile never holds a secret value by default: it says where the value
//! comes from, and only the executor resolves it. Everything else (plan output, exports, logs,
//! the screen) shows the reference or a mask.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The mask shown wherever a secret value would otherwise appear.
pub const MASK: &str = "********";

#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum SecretRef {
    /// Read from an environment variable when the plan runs.
    Env(String),
    /// Read from a file (first line, trailing newline dropped) when the plan runs.
    File(PathBuf),
    /// Ask on the terminal when the plan runs (`prompt: true`).
    Prompt(bool),
    /// The value itself. Allowed so a throw-away evaluation can be written in one file, but
    /// `validate` warns about it and kmpilot never writes it back to disk.
    Literal(String),
}

impl SecretRef {
    pub fn env(var: &str) -> Self {
        SecretRef::Env(var.to_string())
    }

    /// How the reference reads in plan output: the source, never the value.
    pub fn describe(&self) -> String {
        match self {
            SecretRef::Env(v) => format!("env:{v}"),
            SecretRef::File(p) => format!("file:{}", p.display()),
            SecretRef::Prompt(_) => "prompt".to_string(),
            SecretRef::Literal(_) => format!("literal:{MASK}"),
        }
    }

    /// The environment variable a generated shell script reads this secret from. Env
    /// references keep their own variable; the others get `fallback`, which the script's
    /// header asks the user to export.
    pub fn shell_var<'a>(&'a self, fallback: &'a str) -> &'a str {
        match self {
            SecretRef::Env(v) => v,
            _ => fallback,
        }
    }
}

/// Serializing never writes a literal value: profiles, plans and exports all go through here,
/// so a literal comes out as the mask and `save` turns it into `prompt: true` beforehand.
impl Serialize for SecretRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(1))?;
        match self {
            SecretRef::Env(v) => m.serialize_entry("env", v)?,
            SecretRef::File(p) => m.serialize_entry("file", p)?,
            SecretRef::Prompt(b) => m.serialize_entry("prompt", b)?,
            SecretRef::Literal(_) => m.serialize_entry("literal", MASK)?,
        }
        m.end()
    }
}

// Debug must never print a literal: profiles end up in logs through `{:?}`.
impl fmt::Debug for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretRef({})", self.describe())
    }
}

impl fmt::Display for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_a_literal() {
        let s = SecretRef::Literal("hunter2".into());
        assert!(!format!("{s:?}").contains("hunter2"));
        assert!(!format!("{s}").contains("hunter2"));
        assert_eq!(SecretRef::env("X").describe(), "env:X");
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, r#"{"literal":"********"}"#);
    }
}

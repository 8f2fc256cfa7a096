//! Form fields of the wizard: what each step asks, as data. A field has a label, a one-line
//! help, a kind (how it is edited), the YAML path its validation messages are reported under,
//! and a getter/setter pair on the `Profile`. Each step module builds its list in `form(p)`;
//! the list may depend on the profile (PrivateJet clusters, the chosen secret store).

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::profile::Profile;
use crate::profile::diagnostics::{Issue, YamlPath};
use crate::profile::secret::SecretRef;

/// How a field is edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// One line of text; an empty value means "not set" for optional fields.
    Text,
    /// One line holding a number.
    Number,
    Bool,
    /// One of a fixed list.
    Choice(Vec<&'static str>),
    /// A secret reference: env / file / prompt (a literal only on explicit request).
    Secret {
        optional: bool,
    },
    /// Several lines (TOML, YAML maps, lists).
    MultiLine,
}

/// A field's value as the form edits it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Bool(bool),
    Secret(Option<SecretRef>),
}

impl Value {
    pub fn text(&self) -> &str {
        match self {
            Value::Text(s) => s,
            _ => "",
        }
    }
}

type Getter = Arc<dyn Fn(&Profile) -> Value + Send + Sync>;
type Setter = Arc<dyn Fn(&mut Profile, Value) -> Result<(), String> + Send + Sync>;
type Derive = Arc<dyn Fn(&Profile) -> String + Send + Sync>;

#[derive(Clone)]
pub struct Field {
    pub label: String,
    pub help: String,
    pub kind: Kind,
    /// Where `steps::validate` reports problems with this field.
    pub path: YamlPath,
    /// The value a new profile has, shown next to the help.
    pub default: Option<String>,
    /// Sub-heading the field is listed under (a PrivateJet cluster, a database).
    pub group: Option<String>,
    /// The value is a kubeconfig context: the wizard offers a picker of the kubeconfig's.
    pub picks_context: bool,
    derived: Option<Derive>,
    get: Getter,
    set: Setter,
}

impl fmt::Debug for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Field")
            .field("label", &self.label)
            .field("kind", &self.kind)
            .field("path", &self.path.to_string())
            .finish()
    }
}

impl Field {
    fn new(label: &str, path: YamlPath, help: &str, kind: Kind, get: Getter, set: Setter) -> Self {
        Field {
            label: label.to_string(),
            help: help.to_string(),
            kind,
            path,
            default: None,
            group: None,
            picks_context: false,
            derived: None,
            get,
            set,
        }
    }

    pub fn text(
        label: &str,
        path: YamlPath,
        help: &str,
        get: impl Fn(&Profile) -> String + Send + Sync + 'static,
        set: impl Fn(&mut Profile, String) + Send + Sync + 'static,
    ) -> Self {
        Self::new(
            label,
            path,
            help,
            Kind::Text,
            Arc::new(move |p| Value::Text(get(p))),
            Arc::new(move |p, v| {
                set(p, v.text().to_string());
                Ok(())
            }),
        )
    }

    /// An optional string: empty means absent.
    pub fn opt_text(
        label: &str,
        path: YamlPath,
        help: &str,
        get: impl Fn(&Profile) -> Option<String> + Send + Sync + 'static,
        set: impl Fn(&mut Profile, Option<String>) + Send + Sync + 'static,
    ) -> Self {
        Self::text(
            label,
            path,
            help,
            move |p| get(p).unwrap_or_default(),
            move |p, s| set(p, (!s.trim().is_empty()).then(|| s.trim().to_string())),
        )
    }

    /// A comma-separated list edited on one line.
    pub fn list(
        label: &str,
        path: YamlPath,
        help: &str,
        get: impl Fn(&Profile) -> Vec<String> + Send + Sync + 'static,
        set: impl Fn(&mut Profile, Vec<String>) + Send + Sync + 'static,
    ) -> Self {
        Self::text(
            label,
            path,
            help,
            move |p| get(p).join(", "),
            move |p, s| {
                set(
                    p,
                    s.split(',')
                        .map(str::trim)
                        .filter(|x| !x.is_empty())
                        .map(str::to_string)
                        .collect(),
                )
            },
        )
    }

    pub fn number<T>(
        label: &str,
        path: YamlPath,
        help: &str,
        get: impl Fn(&Profile) -> T + Send + Sync + 'static,
        set: impl Fn(&mut Profile, T) + Send + Sync + 'static,
    ) -> Self
    where
        T: FromStr + fmt::Display + 'static,
    {
        Self::new(
            label,
            path,
            help,
            Kind::Number,
            Arc::new(move |p| Value::Text(get(p).to_string())),
            Arc::new(move |p, v| {
                let t = v.text().trim();
                let n = t
                    .parse::<T>()
                    .map_err(|_| format!("`{t}` is not a whole number"))?;
                set(p, n);
                Ok(())
            }),
        )
    }

    pub fn bool(
        label: &str,
        path: YamlPath,
        help: &str,
        get: impl Fn(&Profile) -> bool + Send + Sync + 'static,
        set: impl Fn(&mut Profile, bool) + Send + Sync + 'static,
    ) -> Self {
        Self::new(
            label,
            path,
            help,
            Kind::Bool,
            Arc::new(move |p| Value::Bool(get(p))),
            Arc::new(move |p, v| match v {
                Value::Bool(b) => {
                    set(p, b);
                    Ok(())
                }
                _ => Err("expected yes or no".into()),
            }),
        )
    }

    /// A choice among string options.
    pub fn choice(
        label: &str,
        path: YamlPath,
        help: &str,
        options: &[&'static str],
        get: impl Fn(&Profile) -> String + Send + Sync + 'static,
        set: impl Fn(&mut Profile, &str) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        let opts = options.to_vec();
        let allowed = opts.clone();
        Self::new(
            label,
            path,
            help,
            Kind::Choice(opts),
            Arc::new(move |p| Value::Text(get(p))),
            Arc::new(move |p, v| {
                let s = v.text();
                if !allowed.contains(&s) {
                    return Err(format!("`{s}` is not one of {}", allowed.join(", ")));
                }
                set(p, s)
            }),
        )
    }

    /// A choice over a serde enum, by its YAML spelling.
    pub fn enum_choice<T>(
        label: &str,
        path: YamlPath,
        help: &str,
        options: &[&'static str],
        get: impl Fn(&Profile) -> T + Send + Sync + 'static,
        set: impl Fn(&mut Profile, T) + Send + Sync + 'static,
    ) -> Self
    where
        T: Serialize + DeserializeOwned + 'static,
    {
        Self::choice(
            label,
            path,
            help,
            options,
            move |p| match serde_json::to_value(get(p)) {
                Ok(serde_json::Value::String(s)) => s,
                _ => String::new(),
            },
            move |p, s| {
                let v: T = serde_json::from_value(serde_json::Value::String(s.to_string()))
                    .map_err(|e| e.to_string())?;
                set(p, v);
                Ok(())
            },
        )
    }

    pub fn secret(
        label: &str,
        path: YamlPath,
        help: &str,
        get: impl Fn(&Profile) -> SecretRef + Send + Sync + 'static,
        set: impl Fn(&mut Profile, SecretRef) + Send + Sync + 'static,
    ) -> Self {
        Self::new(
            label,
            path,
            help,
            Kind::Secret { optional: false },
            Arc::new(move |p| Value::Secret(Some(get(p)))),
            Arc::new(move |p, v| match v {
                Value::Secret(Some(s)) => {
                    set(p, s);
                    Ok(())
                }
                Value::Secret(None) => Err("this secret is required".into()),
                _ => Err("expected a secret reference".into()),
            }),
        )
    }

    pub fn opt_secret(
        label: &str,
        path: YamlPath,
        help: &str,
        get: impl Fn(&Profile) -> Option<SecretRef> + Send + Sync + 'static,
        set: impl Fn(&mut Profile, Option<SecretRef>) + Send + Sync + 'static,
    ) -> Self {
        Self::new(
            label,
            path,
            help,
            Kind::Secret { optional: true },
            Arc::new(move |p| Value::Secret(get(p))),
            Arc::new(move |p, v| match v {
                Value::Secret(s) => {
                    set(p, s);
                    Ok(())
                }
                _ => Err("expected a secret reference".into()),
            }),
        )
    }

    /// Several lines of text; `parse` turns the text into the profile value or explains why not.
    pub fn multiline(
        label: &str,
        path: YamlPath,
        help: &str,
        get: impl Fn(&Profile) -> String + Send + Sync + 'static,
        set: impl Fn(&mut Profile, &str) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        Self::new(
            label,
            path,
            help,
            Kind::MultiLine,
            Arc::new(move |p| Value::Text(get(p))),
            Arc::new(move |p, v| set(p, v.text())),
        )
    }

    pub fn with_default(mut self, d: impl Into<String>) -> Self {
        self.default = Some(d.into());
        self
    }

    /// What the field means when left empty, computed from the rest of the profile (the key
    /// manager's endpoints follow the IS hostname).
    pub fn derived(mut self, f: impl Fn(&Profile) -> String + Send + Sync + 'static) -> Self {
        self.derived = Some(Arc::new(f));
        self
    }

    pub fn picks_context(mut self) -> Self {
        self.picks_context = true;
        self
    }

    pub fn in_group(mut self, g: impl Into<String>) -> Self {
        self.group = Some(g.into());
        self
    }

    pub fn get(&self, p: &Profile) -> Value {
        (self.get)(p)
    }

    pub fn set(&self, p: &mut Profile, v: Value) -> Result<(), String> {
        (self.set)(p, v)
    }

    /// The live derived value, for fields that have one.
    pub fn derived_value(&self, p: &Profile) -> Option<String> {
        self.derived.as_ref().map(|f| f(p))
    }

    pub fn has_derived(&self) -> bool {
        self.derived.is_some()
    }

    /// The value as one line, secrets masked (their source only).
    pub fn display(&self, p: &Profile) -> String {
        match self.get(p) {
            Value::Text(s) => {
                if self.kind == Kind::MultiLine {
                    let n = s.lines().count();
                    match n {
                        0 => String::new(),
                        1 => s.lines().next().unwrap_or_default().to_string(),
                        _ => format!("{} … ({n} lines)", s.lines().next().unwrap_or_default()),
                    }
                } else {
                    s
                }
            }
            Value::Bool(b) => if b { "yes" } else { "no" }.into(),
            Value::Secret(Some(s)) => s.describe(),
            Value::Secret(None) => String::new(),
        }
    }

    /// Issues reported at this field's path or below it.
    pub fn issues<'a>(&self, issues: &'a [Issue]) -> impl Iterator<Item = &'a Issue> + 'a {
        let path = self.path.0.clone();
        issues.iter().filter(move |i| i.path.0.starts_with(&path))
    }
}

/// `YamlPath::root().key(a).key(b)…` in one call.
pub fn path(keys: &[&str]) -> YamlPath {
    keys.iter().fold(YamlPath::root(), |p, k| p.key(k))
}

/// A YAML mapping edited as text: `serde_saphyr` both ways; empty text is an empty map.
pub fn yaml_text<T: Serialize>(v: &T, is_empty: bool) -> String {
    if is_empty {
        return String::new();
    }
    serde_saphyr::to_string(v).unwrap_or_default()
}

pub fn parse_yaml<T: DeserializeOwned + Default>(s: &str) -> Result<T, String> {
    if s.trim().is_empty() {
        return Ok(T::default());
    }
    serde_saphyr::from_str(s).map_err(|e| format!("not a YAML mapping: {e}"))
}

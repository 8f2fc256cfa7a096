//! Loading a profile so that a user with a broken file learns *everything* that is wrong, each
//! problem at its YAML path, line and column, with what was expected.
//!
//! serde stops at the first error. To collect them all, the located tree is re-emitted without
//! the offending node and read again, until it reads; then the form checks run on the result.
//! The happy path is a single serde-saphyr read.

use std::path::Path;

use super::Profile;
use super::diagnostics::{Issue, Issues, Severity, YamlPath};
use super::yaml_tree::{self, Node, Pos, Seg};

/// What makes a profile that reads valid: every step's checks (`crate::steps::validate`).
/// Handed in, so that reading the document does not depend on what the steps make of it.
pub type Validate = fn(&Profile) -> Issues;

#[derive(Debug)]
pub struct Loaded {
    pub profile: Profile,
    /// Warnings (literal secrets, risky choices); errors make the load fail.
    pub warnings: Vec<Issue>,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{} problem(s) in the profile", .0.iter().filter(|i| i.is_error()).count())]
    Invalid(Vec<Issue>),
}

impl LoadError {
    pub fn issues(&self) -> &[Issue] {
        match self {
            LoadError::Invalid(v) => v,
            LoadError::Io { .. } => &[],
        }
    }
}

/// Upper bound on re-reads; each one removes a node, so this only matters for pathological
/// files and keeps a malformed profile from taking long.
const MAX_SHAPE_ERRORS: usize = 64;

pub fn from_path(path: &Path, validate: Validate) -> Result<Loaded, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: path.display().to_string(),
        source,
    })?;
    from_str(&text, validate)
}

pub fn from_str(text: &str, validate: Validate) -> Result<Loaded, LoadError> {
    let (profile, issues) = check(text, validate);
    match profile {
        Some(profile) if !issues.iter().any(Issue::is_error) => Ok(Loaded {
            profile,
            warnings: issues,
        }),
        _ => Err(LoadError::Invalid(issues)),
    }
}

/// The profile, if its shape could be read, and every problem. The wizard opens a profile
/// whose values are wrong (to fix them) but not one it cannot read.
pub fn check(text: &str, validate: Validate) -> (Option<Profile>, Vec<Issue>) {
    let tree = match yaml_tree::parse(text) {
        Ok(t) => t,
        Err(e) => {
            return (
                None,
                vec![
                    issue(
                        YamlPath::root(),
                        format!("YAML syntax: {}", e.message),
                        Some("well-formed YAML"),
                    )
                    .at(e.pos),
                ],
            );
        }
    };
    if !matches!(tree.kind, yaml_tree::Kind::Map(_)) {
        return (
            None,
            vec![
                issue(
                    YamlPath::root(),
                    "the profile is not a mapping".into(),
                    Some("apiVersion: kmpilot/v1, kind: Profile, name: …"),
                )
                .at(tree.start),
            ],
        );
    }
    // a profile that failed to read is still checked, as repaired, so every problem shows
    let (profile, repaired, mut issues) = match serde_saphyr::from_str::<Profile>(text) {
        Ok(p) => (Some(p), None, Vec::new()),
        Err(first) => {
            let (repaired, shape) = shape_errors(&tree, &first);
            (None, repaired, shape)
        }
    };
    if let Some(p) = profile.as_ref().or(repaired.as_ref()) {
        for i in validate(p).list {
            // a removed node falls back to its default; don't also report the default
            if !issues
                .iter()
                .any(|e: &Issue| e.path.0.starts_with(&i.path.0) || i.path.0.starts_with(&e.path.0))
            {
                let pos = tree.locate(&i.path.0);
                issues.push(i.at(pos));
            }
        }
    }
    issues.sort_by_key(|i| (i.line, i.column));
    (profile, issues)
}

fn issue(path: YamlPath, message: String, expected: Option<&str>) -> Issue {
    let mut is = Issues::default();
    is.error(&path, message, expected, None);
    is.list.remove(0)
}

fn shape_errors(tree: &Node, first: &serde_saphyr::Error) -> (Option<Profile>, Vec<Issue>) {
    // A node serde rejects is replaced by the quickstart's value at the same path when there
    // is one (so a bad required value does not come back as "missing"), else removed.
    let defaults = crate::profile::save::to_yaml(&Profile::quickstart("quickstart"))
        .ok()
        .and_then(|(y, _)| yaml_tree::parse(&y).ok());
    let mut work = tree.clone();
    let mut found: Vec<Issue> = Vec::new();
    let mut profile = None;
    for _ in 0..MAX_SHAPE_ERRORS {
        let text = work.emit();
        let err = match serde_saphyr::from_str::<Profile>(&text) {
            Ok(p) => {
                profile = Some(p);
                break;
            }
            Err(e) => e,
        };
        let Ok(wtree) = yaml_tree::parse(&text) else {
            break;
        };
        let pos = err
            .location()
            .map(|l| Pos {
                line: l.line() as usize,
                col: l.column() as usize,
            })
            .unwrap_or_default();
        let mut path = wtree.path_at(pos);
        let (message, expected, hint) = explain(&err);
        let missing = missing_field(&message);
        if let Some(field) = &missing {
            // the error points into the mapping; name the field that is missing from it
            path = wtree.enclosing_map(&path);
            path.push(Seg::Key(field.clone()));
        }
        // a node emptied by an earlier removal reports again; that is the same problem
        let already = found.iter().any(|f| f.path.0.starts_with(&path));
        if !already {
            let located = tree.locate(&path);
            let mut is = Issues::default();
            is.error(
                &YamlPath(path.clone()),
                message,
                expected.as_deref(),
                hint.as_deref(),
            );
            found.push(is.list.remove(0).at(located));
        }
        let replacement = defaults.as_ref().and_then(|d| d.get(&path)).cloned();
        let progressed = match replacement {
            Some(node) => work.set(&path, node),
            None if missing.is_none() => work.remove(&path),
            None => false,
        };
        if !progressed {
            break;
        }
    }
    if found.is_empty() {
        let (message, expected, hint) = explain(first);
        let mut is = Issues::default();
        is.error(
            &YamlPath::root(),
            message,
            expected.as_deref(),
            hint.as_deref(),
        );
        let pos = first
            .location()
            .map(|l| Pos {
                line: l.line() as usize,
                col: l.column() as usize,
            })
            .unwrap_or_default();
        found.push(is.list.remove(0).at(pos));
    }
    for f in &mut found {
        f.severity = Severity::Error;
    }
    (profile, found)
}

fn missing_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("missing field `")?;
    Some(rest.split('`').next()?.to_string())
}

/// serde's message, cut to the sentence, with what a user should write instead.
fn explain(e: &serde_saphyr::Error) -> (String, Option<String>, Option<String>) {
    let raw = e.without_snippet().to_string();
    let message = raw
        .split(" at line ")
        .next()
        .unwrap_or(&raw)
        .trim()
        .to_string();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or("");
        let expected = rest.split_once("expected ").map(|(_, e)| e.to_string());
        let hint = expected
            .as_deref()
            .and_then(|exp| closest(field, exp))
            .map(|c| format!("did you mean `{c}`?"));
        return (
            format!("unknown field `{field}`"),
            expected,
            hint.or(Some("remove it, or check its indentation".into())),
        );
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let v = rest.split('`').next().unwrap_or("");
        let expected = rest.split_once("expected ").map(|(_, e)| e.to_string());
        return (format!("unknown value `{v}`"), expected, None);
    }
    if message.starts_with("missing field") {
        return (
            message,
            None,
            Some("add it; `kmpilot profiles new` writes a complete profile".into()),
        );
    }
    if message.contains("mapping start") {
        return (
            "wrong type".into(),
            Some("a mapping of `key: value` entries".into()),
            None,
        );
    }
    if message.contains("sequence start") {
        return (
            "wrong type".into(),
            Some("a list of `- item` entries".into()),
            None,
        );
    }
    if message.contains("externally tagged enum") {
        return (
            "wrong form".into(),
            Some("a one-key mapping such as {env: VAR}, {file: PATH}, {prompt: true}".into()),
            None,
        );
    }
    if let Some(ty) = message.strip_prefix("invalid ") {
        let expected = match ty.trim() {
            t if t.starts_with('u') => "a whole number, 0 or more",
            t if t.starts_with('i') => "a whole number",
            "bool" | "boolean" => "true or false",
            _ => "a value of the documented type",
        };
        return (
            format!("`{}` value is not valid here", ty.trim()),
            Some(expected.into()),
            None,
        );
    }
    if let Some((what, exp)) = message.split_once(", expected ") {
        return (what.to_string(), Some(exp.to_string()), None);
    }
    (message, None, None)
}

/// The candidate nearest to `field` by edit distance, when it is close enough to be a typo.
fn closest(field: &str, candidates: &str) -> Option<String> {
    candidates
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, c)| (edit_distance(&field.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.to_string())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

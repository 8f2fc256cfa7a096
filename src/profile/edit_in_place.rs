//! Saving over a profile file without rewriting it: the values that changed are replaced where
//! they stand, so its comments, key order, flow mappings and blank lines stay as the user wrote
//! them (`Save as` a new name changes one line, not 43 into 138).
//!
//! No crate was taken for this: the located YAML tree the loader already builds
//! (`yaml_tree`) knows where every scalar starts and ends, and a profile edit in the wizard
//! changes scalars. Anything else (a key the file does not have, a secret that changes from
//! `env` to `prompt`, a list that grows) is not attempted: the caller writes the whole profile
//! instead. The result is read back and must mean exactly the new profile, or it is not used.

use serde_json::Value;

use super::Profile;
use super::yaml_tree::{self, Kind, Pos, Seg};

/// `original` with the scalars that differ from `new` (the profile as `save::to_yaml` would
/// render it, as JSON) rewritten in place; `None` when that cannot express the change.
pub fn edit(original: &str, new: &Value) -> Option<String> {
    let old: Profile = serde_saphyr::from_str(original).ok()?;
    let old = super::written::as_written(&old).ok()?.0;
    let mut changes = Vec::new();
    if !scalar_changes(&old, new, &mut Vec::new(), &mut changes) {
        return None;
    }
    let tree = yaml_tree::parse(original).ok()?;
    let starts = line_starts(original);
    let mut edits = Vec::new();
    for (path, value) in changes {
        let node = tree.get(&path)?;
        let Kind::Scalar { plain, .. } = &node.kind else {
            return None;
        };
        let (a, b) = (
            offset(original, &starts, node.start)?,
            offset(original, &starts, node.end)?,
        );
        edits.push((a, b, render(&value, *plain)?));
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = original.to_string();
    for (a, b, text) in edits {
        out.replace_range(a..b, &text);
    }
    // read back: it must say exactly what the new profile says
    let back: Profile = serde_saphyr::from_str(&out).ok()?;
    (super::written::as_written(&back).ok()?.0 == *new).then_some(out)
}

/// The scalars of `b` that differ from `a` at the same place; `false` when the two differ in
/// shape (a key added or gone, a list of another length, a scalar become a mapping).
fn scalar_changes(
    a: &Value,
    b: &Value,
    path: &mut Vec<Seg>,
    out: &mut Vec<(Vec<Seg>, Value)>,
) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            if x.len() != y.len() || x.keys().any(|k| !y.contains_key(k)) {
                return false;
            }
            x.iter().all(|(k, va)| {
                path.push(Seg::Key(k.clone()));
                let ok = scalar_changes(va, &y[k], path, out);
                path.pop();
                ok
            })
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len()
                && x.iter().zip(y).enumerate().all(|(i, (va, vb))| {
                    path.push(Seg::Index(i));
                    let ok = scalar_changes(va, vb, path, out);
                    path.pop();
                    ok
                })
        }
        (Value::Object(_) | Value::Array(_), _) | (_, Value::Object(_) | Value::Array(_)) => false,
        _ => {
            if a != b {
                out.push((path.clone(), b.clone()));
            }
            true
        }
    }
}

/// The value as YAML: plain where the file had it plain and YAML reads it back the same,
/// else double-quoted (a JSON string is a valid YAML double-quoted scalar).
fn render(v: &Value, plain: bool) -> Option<String> {
    match v {
        Value::String(s) => {
            let yaml = serde_saphyr::to_string(v).ok()?;
            let yaml = yaml.trim_end_matches('\n');
            if plain && yaml == s && !s.is_empty() {
                Some(s.clone())
            } else {
                serde_json::to_string(s).ok()
            }
        }
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// The byte offset of `p` (1-based line, 1-based column in characters).
fn offset(text: &str, starts: &[usize], p: Pos) -> Option<usize> {
    let start = *starts.get(p.line.checked_sub(1)?)?;
    let line = &text[start..];
    let col = p.col.checked_sub(1)?;
    match line.char_indices().nth(col) {
        Some((i, _)) => Some(start + i),
        None if line.chars().count() == col => Some(text.len()),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# my lab, keep this comment\napiVersion: kmpilot/v1\nkind: Profile\nname: quickstart   # the store name\ndescription: \"a lab\"\ncluster:\n  namespace: wso2\nidentityServer:\n  admin: { username: admin, password: { env: APIM_ADMIN_PASSWORD } }\n";

    fn new_value(edit_profile: impl FnOnce(&mut Profile)) -> Value {
        let mut p: Profile = serde_saphyr::from_str(FILE).unwrap();
        edit_profile(&mut p);
        super::super::written::as_written(&p).unwrap().0
    }

    #[test]
    fn changed_scalars_are_replaced_where_they_stand() {
        let v = new_value(|p| {
            p.name = "lab-b".into();
            p.description = "a: copy".into();
            p.identity_server.admin.username = "root".into();
        });
        let out = edit(FILE, &v).expect("scalars only");
        assert_eq!(
            out,
            FILE.replace("name: quickstart ", "name: lab-b ")
                .replace("\"a lab\"", "\"a: copy\"")
                .replace("username: admin", "username: root")
        );
    }

    #[test]
    fn a_value_the_file_does_not_have_is_not_attempted() {
        // the chart version is a default here, not a line of the file
        let v = new_value(|p| p.cluster.namespace = "other".into());
        assert!(edit(FILE, &v).is_some());
        let v = new_value(|p| p.identity_server.release = "is2".into());
        assert_eq!(edit(FILE, &v), None);
    }
}

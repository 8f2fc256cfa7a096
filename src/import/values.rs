//! Chart values as leaves: lookup by dotted path, setting a profile field by its YAML path
//! (through the profile's own serde, so types and enums are checked as `load` checks them),
//! and the leaves where two values documents differ.

use serde_json::Value;

use crate::profile::Profile;

/// The value at a dotted path (`a.b.0.c`; numbers index arrays).
pub fn get<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    get_segments(v, &path.split('.').map(str::to_string).collect::<Vec<_>>())
}

pub fn get_segments<'a>(v: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut cur = v;
    for seg in path {
        cur = match cur {
            Value::Object(m) => m.get(seg)?,
            Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// A copy of `p` with the field at the dotted camelCase path set to `value`; objects on the
/// way are created. The result is read back through the profile's serde, so a value the
/// field cannot hold is an error naming what was expected.
pub fn set_profile_path(p: &Profile, path: &str, value: Value) -> Result<Profile, String> {
    let mut doc = serde_json::to_value(p).map_err(|e| e.to_string())?;
    let segs: Vec<&str> = path.split('.').collect();
    let mut cur = &mut doc;
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        let Value::Object(m) = cur else {
            return Err(format!(
                "{path}: `{seg}` is inside a value that is not a mapping"
            ));
        };
        if last {
            m.insert(seg.to_string(), value);
            break;
        }
        cur = m
            .entry(seg.to_string())
            .or_insert_with(|| Value::Object(Default::default()));
    }
    serde_json::from_value::<Profile>(doc).map_err(|e| format!("{path}: {e}"))
}

/// A leaf path as a reader finds it in `helm get values`: dotted, with keys that contain a
/// dot (annotation names) quoted.
pub fn display(path: &[String]) -> String {
    path.iter()
        .map(|s| {
            if s.contains('.') {
                format!("\"{s}\"")
            } else {
                s.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Every leaf (scalars, empty objects and arrays) with its path.
pub fn leaves(v: &Value) -> Vec<(Vec<String>, Value)> {
    let mut out = Vec::new();
    walk(v, &mut Vec::new(), &mut out);
    out
}

fn walk(v: &Value, at: &mut Vec<String>, out: &mut Vec<(Vec<String>, Value)>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, x) in m {
                at.push(k.clone());
                walk(x, at, out);
                at.pop();
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for (i, x) in a.iter().enumerate() {
                at.push(i.to_string());
                walk(x, at, out);
                at.pop();
            }
        }
        _ => out.push((at.clone(), v.clone())),
    }
}

/// How one leaf differs between the live values and the re-rendered profile.
#[derive(Debug, Clone, PartialEq)]
pub enum Difference {
    /// The cluster has a value the imported profile renders differently (or not at all).
    Live {
        path: Vec<String>,
        live: Value,
        rendered: Option<Value>,
    },
    /// The imported profile renders a value the cluster's release does not have.
    Missing { path: Vec<String>, rendered: Value },
}

/// Leaves of `live` that `rendered` does not reproduce, and leaves `rendered` has that `live`
/// lacks; paths under `skip` (secrets) are left out.
pub fn differences(live: &Value, rendered: &Value, skip: &[Vec<String>]) -> Vec<Difference> {
    let skipped = |p: &[String]| skip.iter().any(|s| p.starts_with(s));
    let mut out = Vec::new();
    for (path, v) in leaves(live) {
        if skipped(&path) {
            continue;
        }
        let r = get_segments(rendered, &path);
        if r != Some(&v) {
            out.push(Difference::Live {
                path,
                live: v,
                rendered: r.cloned(),
            });
        }
    }
    for (path, v) in leaves(rendered) {
        if skipped(&path) {
            continue;
        }
        if get_segments(live, &path).is_none() {
            out.push(Difference::Missing { path, rendered: v });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn differences_name_both_directions_and_skip_secrets() {
        let live = json!({"a": {"b": 1, "pw": "s3cret"}, "x": [{"y": "z"}]});
        let rendered = json!({"a": {"b": 2, "c": true}, "x": [{"y": "z"}]});
        let d = differences(&live, &rendered, &[vec!["a".into(), "pw".into()]]);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(matches!(&d[0], Difference::Live { path, .. } if display(path) == "a.b"));
        assert!(matches!(&d[1], Difference::Missing { path, .. } if display(path) == "a.c"));
    }

    #[test]
    fn a_field_is_set_through_the_profile_serde() {
        let p = Profile::quickstart("q");
        let q = set_profile_path(&p, "apiManager.hostnames.gateway", json!("gw.x")).unwrap();
        assert_eq!(q.api_manager.hostnames.gateway, "gw.x");
        let e = set_profile_path(&p, "apiManager.databases.type", json!("db2")).unwrap_err();
        assert!(e.contains("apiManager.databases.type"), "{e}");
    }
}

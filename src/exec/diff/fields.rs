//! Which fields of an object kmpilot manages, and an object cut down to them. `kmpilot diff`
//! compares only these: a field another manager (a controller, `kubectl edit` of a field
//! kmpilot never set) owns is not kmpilot's to report, as `kubectl diff` with server-side
//! apply reports only what the apply would change.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// A set of field paths: a field is either compared whole (a scalar, a list, a map kmpilot
/// sets as a whole) or by some of its children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fields {
    Whole,
    Children(BTreeMap<String, Fields>),
}

impl Fields {
    /// The fields a manifest sets: every map key down to the leaves; lists whole (server-side
    /// apply merges some lists by key, but kmpilot's manifests set each list it owns whole).
    pub fn of_manifest(v: &Value) -> Fields {
        match v {
            Value::Object(m) if !m.is_empty() => Fields::Children(
                m.iter()
                    .map(|(k, v)| (k.clone(), Fields::of_manifest(v)))
                    .collect(),
            ),
            _ => Fields::Whole,
        }
    }

    /// The fields of a `managedFields[].fieldsV1` entry (`{"f:metadata":{"f:labels":{…}}}`):
    /// `f:` keys are fields; a node with `k:`/`v:`/`i:` keys is a list, taken whole.
    pub fn of_fields_v1(v: &Value) -> Fields {
        let Value::Object(m) = v else {
            return Fields::Whole;
        };
        if m.keys()
            .any(|k| k.starts_with("k:") || k.starts_with("v:") || k.starts_with("i:"))
        {
            return Fields::Whole;
        }
        let children: BTreeMap<String, Fields> = m
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("f:")
                    .map(|name| (name.to_string(), Fields::of_fields_v1(v)))
            })
            .collect();
        if children.is_empty() {
            Fields::Whole
        } else {
            Fields::Children(children)
        }
    }

    /// The fields the object's managedFields give to `manager` (its apply entries).
    pub fn managed_by(object: &Value, manager: &str) -> Option<Fields> {
        let entries = object.pointer("/metadata/managedFields")?.as_array()?;
        entries
            .iter()
            .filter(|e| e.get("manager").and_then(Value::as_str) == Some(manager))
            .filter(|e| e.get("operation").and_then(Value::as_str) == Some("Apply"))
            .filter_map(|e| e.get("fieldsV1"))
            .map(Fields::of_fields_v1)
            .reduce(Fields::union)
    }

    pub fn union(self, other: Fields) -> Fields {
        match (self, other) {
            (Fields::Children(mut a), Fields::Children(b)) => {
                for (k, v) in b {
                    let merged = match a.remove(&k) {
                        Some(x) => x.union(v),
                        None => v,
                    };
                    a.insert(k, merged);
                }
                Fields::Children(a)
            }
            _ => Fields::Whole,
        }
    }

    /// `v` with only these fields (absent ones stay absent); `None` when none is present.
    pub fn project(&self, v: &Value) -> Option<Value> {
        match (self, v) {
            (Fields::Whole, v) => Some(v.clone()),
            (Fields::Children(fields), Value::Object(m)) => {
                let out: Map<String, Value> = fields
                    .iter()
                    .filter_map(|(k, f)| {
                        m.get(k).and_then(|v| f.project(v)).map(|p| (k.clone(), p))
                    })
                    .collect();
                (!out.is_empty()).then_some(Value::Object(out))
            }
            // the server holds a scalar where the manifest has a map: compare it whole
            (Fields::Children(_), v) => Some(v.clone()),
        }
    }
}

/// Every leaf of a values document as `a.b.c` → value (lists are leaves: helm replaces a list
/// whole when values are merged).
pub fn flatten(v: &Value) -> BTreeMap<String, Value> {
    fn walk(prefix: &str, v: &Value, out: &mut BTreeMap<String, Value>) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, v) in m {
                    let p = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&p, v, out);
                }
            }
            Value::Null if prefix.is_empty() => {}
            _ => {
                out.insert(prefix.to_string(), v.clone());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk("", v, &mut out);
    out
}

/// Deep merge as helm merges `-f` files: maps key by key, anything else replaced.
pub fn merge(into: &mut Value, from: &Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(k) {
                    Some(x) => merge(x, v),
                    None => {
                        a.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (into, from) => *into = from.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_manifest_projects_only_its_own_fields() {
        let manifest = json!({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"wso2","labels":{"app.kubernetes.io/managed-by":"kmpilot"}}});
        let live = json!({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"wso2","uid":"x","labels":{"app.kubernetes.io/managed-by":"kmpilot","kubernetes.io/metadata.name":"wso2"},"annotations":{"someone":"else"}},"status":{"phase":"Active"}});
        let f = Fields::of_manifest(&manifest);
        assert_eq!(f.project(&live).unwrap(), manifest);
    }

    #[test]
    fn fields_v1_lists_are_whole_and_union_keeps_both() {
        let v1 = json!({"f:metadata":{"f:labels":{".":{},"f:a":{}}},"f:spec":{"f:ports":{"k:{\"port\":80}":{".":{}}}}});
        let f = Fields::of_fields_v1(&v1);
        let obj = json!({"metadata":{"labels":{"a":"1","b":"2"},"name":"n"},"spec":{"ports":[{"port":80}],"type":"ClusterIP"}});
        assert_eq!(
            f.project(&obj).unwrap(),
            json!({"metadata":{"labels":{"a":"1"}},"spec":{"ports":[{"port":80}]}})
        );
        let more = Fields::of_manifest(&json!({"metadata":{"name":"n"}}));
        let u = f.union(more);
        assert_eq!(
            u.project(&obj).unwrap()["metadata"],
            json!({"labels":{"a":"1"},"name":"n"})
        );
    }

    #[test]
    fn managed_by_reads_only_that_managers_apply_entries() {
        let obj = json!({"metadata":{"managedFields":[
            {"manager":"kmpilot","operation":"Apply","fieldsV1":{"f:data":{"f:a":{}}}},
            {"manager":"kubectl-edit","operation":"Update","fieldsV1":{"f:data":{"f:b":{}}}}
        ]},"data":{"a":"1","b":"2"}});
        let f = Fields::managed_by(&obj, "kmpilot").unwrap();
        assert_eq!(f.project(&obj).unwrap(), json!({"data":{"a":"1"}}));
        assert!(Fields::managed_by(&obj, "nobody").is_none());
    }

    #[test]
    fn flatten_and_merge_as_helm() {
        let mut a = json!({"x":{"y":1,"l":[1,2]},"z":"k"});
        merge(&mut a, &json!({"x":{"y":2,"l":[3]}}));
        let f = flatten(&a);
        assert_eq!(f["x.y"], json!(2));
        assert_eq!(f["x.l"], json!([3]));
        assert_eq!(f["z"], json!("k"));
        assert!(flatten(&Value::Null).is_empty());
    }
}

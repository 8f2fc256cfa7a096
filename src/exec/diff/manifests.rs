//! A plan manifest against the live object: the server-side dry-run apply (field manager
//! `kmpilot`, forced as `apply` forces it) says what the server would store, defaults and
//! normalisation included; both that and the live object are cut down to the fields kmpilot
//! manages (the manifest's own fields and those the live object's managedFields give to
//! `kmpilot`, so a field an earlier apply set and this one drops shows as removed).

use ::kube::api::{Api, DynamicObject, Patch, PatchParams};
use serde_json::Value;

use super::fields::Fields;
use super::report::{Change, DiffLine, Item, Op};
use crate::exec::ctx::Ctx;
use crate::kube::FIELD_MANAGER;
use crate::plan::Manifest;

const KIND: &str = "manifest";

pub(super) async fn compare(ctx: &mut Ctx<'_>, m: &Manifest) -> Item {
    let what = m.title.clone();
    let k = match crate::exec::cluster_client::client(ctx, m.context.as_deref()).await {
        Ok(k) => k.clone(),
        Err(f) => return Item::error(KIND, what, f.error),
    };
    let o = &m.object;
    let s = |p: &str| o.pointer(p).and_then(Value::as_str).unwrap_or_default();
    let (api_version, kind, name) = (s("/apiVersion"), s("/kind"), s("/metadata/name"));
    let (ar, caps) = match k.resolve_kind(api_version, kind).await {
        Ok(x) => x,
        // a custom resource whose CRD an earlier step of the same plan installs
        Err(e) => {
            return Item::new(KIND, what, Change::Create)
                .detail(format!("the cluster does not serve {kind} yet ({e}); apply creates it after installing its kind"))
                .lines(created_lines(o));
        }
    };
    let namespaced = caps.scope == ::kube::discovery::Scope::Namespaced;
    let mut body = o.clone();
    let api: Api<DynamicObject> = if namespaced {
        let ns = o
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or(k.default_namespace())
            .to_string();
        body["metadata"]["namespace"] = Value::String(ns.clone());
        Api::namespaced_with(k.client(), &ns, &ar)
    } else {
        if let Some(meta) = body["metadata"].as_object_mut() {
            meta.remove("namespace");
        }
        Api::all_with(k.client(), &ar)
    };
    let live = match api.get_opt(name).await {
        Ok(l) => l,
        Err(e) => return Item::error(KIND, what, format!("read {}: {e}", m.title)),
    };
    let Some(live) = live else {
        return Item::new(KIND, what, Change::Create).lines(created_lines(o));
    };
    let mut params = PatchParams::apply(FIELD_MANAGER).force();
    params.dry_run = true;
    let after = match api.patch(name, &params, &Patch::Apply(&body)).await {
        Ok(a) => a,
        Err(e) => {
            return Item::error(
                KIND,
                what,
                format!("the server refuses the apply (dry run): {e}"),
            );
        }
    };
    let live = serde_json::to_value(&live).unwrap_or(Value::Null);
    let after = serde_json::to_value(&after).unwrap_or(Value::Null);
    let (old, new) = projected(o, &live, &after);
    if old == new {
        return Item::new(KIND, what, Change::None);
    }
    let (old, new) = masked(kind, old, new);
    Item::new(KIND, what, Change::Update).lines(super::report::unified(
        &crate::render::yaml(&old),
        &crate::render::yaml(&new),
    ))
}

/// The live object and the dry run's result, each cut down to the fields kmpilot manages.
pub(super) fn projected(manifest: &Value, live: &Value, after: &Value) -> (Value, Value) {
    let mut fields = Fields::of_manifest(manifest);
    if let Some(owned) = Fields::managed_by(live, FIELD_MANAGER) {
        fields = fields.union(owned);
    }
    let old = fields.project(live).unwrap_or(Value::Null);
    let new = fields.project(after).unwrap_or(Value::Null);
    (old, new)
}

/// A Secret manifest's values are never shown: each becomes a mask, marked when it changes.
fn masked(kind: &str, mut old: Value, mut new: Value) -> (Value, Value) {
    if kind != "Secret" {
        return (old, new);
    }
    for field in ["data", "stringData"] {
        let keys: Vec<String> = [&old, &new]
            .iter()
            .filter_map(|v| v.get(field).and_then(Value::as_object))
            .flat_map(|m| m.keys().cloned())
            .collect();
        for key in keys {
            let a = old.get(field).and_then(|m| m.get(&key)).cloned();
            let b = new.get(field).and_then(|m| m.get(&key)).cloned();
            let same = a == b;
            let mask = |v: &mut Value, tag: &str| {
                if let Some(x) = v.get_mut(field).and_then(|m| m.get_mut(&key)) {
                    *x = Value::String(format!("{}{tag}", crate::profile::secret::MASK));
                }
            };
            mask(&mut old, if same { "" } else { " (old)" });
            mask(&mut new, if same { "" } else { " (new)" });
        }
    }
    (old, new)
}

/// A manifest that is not in the cluster: every line added.
fn created_lines(o: &Value) -> Vec<DiffLine> {
    let (_, shown) = masked(
        o.get("kind").and_then(Value::as_str).unwrap_or_default(),
        Value::Null,
        o.clone(),
    );
    crate::render::yaml(&shown)
        .lines()
        .map(|l| DiffLine::new(Op::Add, l))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_kmpilots_fields_count() {
        let manifest = json!({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"n","labels":{"app.kubernetes.io/managed-by":"kmpilot"}}});
        let live = json!({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"n","labels":{"app.kubernetes.io/managed-by":"someone","team":"x"},"annotations":{"a":"b"}}});
        let mut after = live.clone();
        after["metadata"]["labels"]["app.kubernetes.io/managed-by"] = json!("kmpilot");
        let (old, new) = projected(&manifest, &live, &after);
        assert_ne!(old, new);
        assert!(old.pointer("/metadata/annotations").is_none());
        assert!(old.pointer("/metadata/labels/team").is_none());
        // someone else's annotation changing is not kmpilot's to report
        let mut other = after.clone();
        other["metadata"]["annotations"]["a"] = json!("c");
        let (old, new) = projected(&manifest, &after, &other);
        assert_eq!(old, new);
    }

    #[test]
    fn secret_values_are_masked() {
        let (old, new) = masked(
            "Secret",
            json!({"data":{"k":"b2xk","same":"eA=="}}),
            json!({"data":{"k":"bmV3","same":"eA=="}}),
        );
        let text = format!("{old}{new}");
        assert!(!text.contains("b2xk") && !text.contains("bmV3") && !text.contains("eA=="));
        assert_eq!(old["data"]["same"], new["data"]["same"]);
        assert_ne!(old["data"]["k"], new["data"]["k"]);
        let lines = created_lines(
            &json!({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"k":"c2VjcmV0"}}),
        );
        assert!(lines.iter().all(|l| !l.text.contains("c2VjcmV0")));
    }
}

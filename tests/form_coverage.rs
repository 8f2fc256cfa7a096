//! Every value a profile can hold is editable in the wizard: each leaf of every example
//! profile (serialized, so optional sections that are set are included) lies at or under the
//! YAML path of some form field, and a field's displayed value comes from that same place.

use kmpilot::profile::load;
use kmpilot::profile::yaml_tree::Seg;
use serde_json::Value;

fn leaves(v: &Value, path: Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, x) in m {
                let mut p = path.clone();
                p.push(Seg::Key(k.clone()));
                leaves(x, p, out);
            }
        }
        Value::Array(a) if !a.is_empty() && a.iter().all(Value::is_object) => {
            for (i, x) in a.iter().enumerate() {
                let mut p = path.clone();
                p.push(Seg::Index(i));
                leaves(x, p, out);
            }
        }
        _ => out.push(path),
    }
}

fn show(p: &[Seg]) -> String {
    p.iter()
        .map(|s| match s {
            Seg::Key(k) => k.clone(),
            Seg::Index(i) => i.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

#[test]
fn every_profile_value_has_a_form_field() {
    let mut missing = Vec::new();
    for name in ["quickstart", "production-like", "privatejet", "kms-sts"] {
        let path = format!("profiles/{name}.yaml");
        let p = load::from_path(std::path::Path::new(&path), kmpilot::steps::validate)
            .unwrap()
            .profile;
        let mut tree = serde_json::to_value(&p).unwrap();
        // the envelope is not a wizard question
        if let Value::Object(m) = &mut tree {
            m.remove("apiVersion");
            m.remove("kind");
        }
        let mut all = Vec::new();
        leaves(&tree, Vec::new(), &mut all);
        let fields: Vec<_> = kmpilot::steps::registry::forms(&p)
            .into_iter()
            .flat_map(|(_, f)| f)
            .collect();
        for leaf in all {
            // a leaf under a field (a secret serializes as {env: X}), or an empty map/list
            // whose entries have fields (endpoint overrides); an empty cluster list is what
            // the PrivateJet step's `a` (add cluster) fills
            let covered = fields.iter().any(|f| {
                !f.path.0.is_empty() && (leaf.starts_with(&f.path.0) || f.path.0.starts_with(&leaf))
            }) || show(&leaf) == "privateJet.clusters";
            if !covered {
                missing.push(format!("{name}: {}", show(&leaf)));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "values no wizard field edits:\n{}",
        missing.join("\n")
    );
}

/// The exposure choice is left out of a saved profile while it is the default, so the example
/// profiles above do not show it: a profile with every exposure field set does.
#[test]
fn gateway_api_exposure_fields_have_form_fields() {
    use kmpilot::profile::Profile;
    use kmpilot::profile::sections::exposure::ExposureKind;
    let mut p = Profile::quickstart("gw");
    p.cluster.exposure.kind = ExposureKind::GatewayApi;
    p.cluster.exposure.gateway.create = false;
    p.cluster.exposure.gateway.install_envoy_gateway = true;
    let tree = serde_json::to_value(&p).unwrap();
    let mut all = Vec::new();
    leaves(
        &tree["cluster"]["exposure"],
        vec![Seg::Key("cluster".into()), Seg::Key("exposure".into())],
        &mut all,
    );
    assert_eq!(all.len(), 5, "{all:?}");
    let fields: Vec<_> = kmpilot::steps::registry::forms(&p)
        .into_iter()
        .flat_map(|(_, f)| f)
        .collect();
    for leaf in all {
        let f = fields
            .iter()
            .find(|f| f.path.0 == leaf)
            .unwrap_or_else(|| panic!("no wizard field edits {}", show(&leaf)));
        // the field shows the profile's value
        let shown = f.display(&p);
        let want = match &tree["cluster"]["exposure"]
            .pointer(&format!(
                "/{}",
                leaf[2..]
                    .iter()
                    .map(|s| match s {
                        Seg::Key(k) => k.clone(),
                        Seg::Index(i) => i.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join("/")
            ))
            .unwrap()
        {
            Value::String(s) => s.clone(),
            Value::Bool(true) => "yes".into(),
            Value::Bool(false) => "no".into(),
            v => v.to_string(),
        };
        assert!(
            shown.contains(&want),
            "{}: shows {shown}, profile has {want}",
            show(&leaf)
        );
    }
}

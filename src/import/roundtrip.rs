//! The round trip's comparison: an imported profile against the one that was applied, made
//! comparable by the report's own words — every secret a prompt (the cluster cannot say where
//! a secret came from), and each field the report lists as not recorded on the cluster (or
//! names as an assumption) taken from the original. Used by the round-trip tests, with and
//! without a cluster; what the report does not list must match on its own.

use serde_json::Value;

use super::Report;
use super::values::{get, set_profile_path};
use crate::profile::Profile;

/// The original and the imported profile made comparable: every secret a prompt, and the
/// fields the report says the cluster does not record (or names as assumed) taken from the
/// original. Panics when the report does not list a field that differs.
pub fn comparable(orig: &Profile, imported: &Profile, report: &Report) -> (Profile, Profile) {
    let mut a = orig.clone();
    let mut r = Report::default();
    super::build::secrets_to_prompt(&mut a, &mut r);
    let mut b = imported.clone();
    // an image tag equal to the line's own renders the same as none (the import keeps none)
    for x in [&mut a, &mut b] {
        if x.api_manager.line().map(|l| l.image_tag) == Some(x.api_manager.image.tag.as_str()) {
            x.api_manager.image.tag.clear();
        }
    }
    let orig_doc = serde_json::to_value(&a).unwrap();
    let mut paths: Vec<String> = report.not_recorded.iter().flat_map(|n| n.paths()).collect();
    // an assumption the report states names its fields first (`apiManager.chart / chartVersion:
    // …`, the chart source, the image kmpilot builds, the DNS mode)
    for x in &report.assumptions {
        let Some((fields, _)) = x.split_once(": ") else {
            continue;
        };
        let dotted = |f: &str| {
            !f.is_empty()
                && f.split('.').all(|w| {
                    w.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                        && w.chars().all(|c| c.is_ascii_alphanumeric())
                })
        };
        if fields.split(" / ").all(dotted) {
            let named = super::NotRecorded {
                field: fields.to_string(),
                why: String::new(),
            };
            paths.extend(named.paths());
        }
    }
    for path in paths {
        if let Some(v) = get(&orig_doc, &path) {
            b = set_profile_path(&b, &path, v.clone()).unwrap();
        } else {
            // absent in the original: an optional field at its default
            let mut doc = serde_json::to_value(&b).unwrap();
            let (parent, key) = path.rsplit_once('.').unwrap_or(("", &path));
            let holder = if parent.is_empty() {
                Some(&mut doc)
            } else {
                doc.pointer_mut(&format!("/{}", parent.replace('.', "/")))
            };
            if let Some(Value::Object(m)) = holder {
                m.remove(key);
            }
            b = serde_json::from_value(doc).unwrap();
        }
    }
    (a, b)
}

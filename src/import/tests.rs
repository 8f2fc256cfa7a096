//! Round trips without a cluster: what `apply` would leave behind for each example profile
//! (the chart values helm records, the hosts block, the PrivateJet objects), imported again,
//! plans the same steps and artifacts — modulo secret references and what the report lists
//! as not recorded on the cluster. The same comparison runs against the real cluster in
//! tests/helm_cluster/import.rs.

use serde_json::{Value, json};

use super::bindings::Chart;
use super::private_jet::LivePj;
use super::*;
use crate::profile::Profile;
use crate::steps::private_jet;

/// What helm records for a release kmpilot installed: the values file and, from standard
/// input, the secret entries (masked as `live` masks them).
fn recorded(chart: Chart, p: &Profile) -> Value {
    let mut v = chart.values(p);
    for path in chart.overlay_paths(p) {
        let mut cur = &mut v;
        for seg in &path[..path.len() - 1] {
            cur = cur
                .as_object_mut()
                .unwrap()
                .entry(seg.clone())
                .or_insert(json!({}));
        }
        cur[path.last().unwrap()] = json!("s3cret-value");
    }
    live::mask_secrets(&mut v);
    v
}

pub fn simulate(p: &Profile) -> Live {
    let mut releases = Vec::new();
    if p.identity_server.install {
        releases.push(LiveRelease {
            name: p.identity_server.release.clone(),
            chart: format!("identity-server-{}", p.identity_server.chart_version),
            status: "deployed".into(),
            values: recorded(Chart::IdentityServer, p),
        });
    }
    if p.api_manager.install {
        releases.push(LiveRelease {
            name: p.api_manager.release.clone(),
            chart: format!("wso2am-all-in-one-{}", p.api_manager.chart_version),
            status: "deployed".into(),
            values: recorded(Chart::ApiManager, p),
        });
    }
    let mut hosts = HostsFacts {
        file: p.dns.hosts_file.clone(),
        ..HostsFacts::default()
    };
    if p.dns.mode == crate::profile::sections::dns::DnsMode::HostsFile {
        hosts.blocks.push(HostsBlock {
            profile: p.name.clone(),
            address: "10.0.0.1".into(),
            hostnames: p.hostnames(),
        });
    }
    let pj = p
        .private_jet
        .clusters
        .iter()
        .map(|c| {
            let sa = &private_jet::rbac(c)[0];
            let entry = sa["metadata"]["annotations"][private_jet::ENTRY_ANNOTATION]
                .as_str()
                .map(|s| serde_json::from_str(s).unwrap());
            let securities = private_jet::security_resources(c);
            let mut users = std::collections::BTreeMap::new();
            if let Some(s) = &c.security {
                for (n, cr) in s
                    .basic
                    .iter()
                    .map(|b| (&b.name, &b.credentials))
                    .chain(s.oauth.iter().map(|o| (&o.name, &o.credentials)))
                {
                    users.insert(format!("{n}-credentials"), cr.username.clone());
                }
            }
            LivePj {
                context: c.context.clone(),
                namespace: c.namespace.clone(),
                service_account: c.service_account.clone(),
                entry,
                binding: Some((c.binding(), c.cluster_role.clone())),
                securities,
                credential_users: users,
            }
        })
        .collect();
    Live {
        context: p.cluster.context.clone(),
        namespace: p.cluster.namespace.clone(),
        releases,
        hosts,
        key_manager: KeyManagerFacts::NotRead,
        private_jet: pj,
        private_jet_unreadable: None,
    }
}

fn example(name: &str) -> Profile {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("profiles")
        .join(name);
    crate::profile::load::from_path(&path, crate::steps::validate)
        .unwrap()
        .profile
}

fn round_trip(orig: &Profile) -> Report {
    let (imported, report) = build(&orig.name, &simulate(orig)).unwrap();
    assert!(
        report.unmapped.is_empty(),
        "{}: unmapped {:#?}",
        orig.name,
        report.unmapped
    );
    let (a, b) = super::roundtrip::comparable(orig, &imported, &report);
    assert_eq!(
        serde_json::to_value(&a).unwrap(),
        serde_json::to_value(&b).unwrap(),
        "{}: profiles differ",
        orig.name
    );
    let (pa, pb) = (crate::steps::plan(&a), crate::steps::plan(&b));
    assert_eq!(
        serde_json::to_value(&pa).unwrap(),
        serde_json::to_value(&pb).unwrap(),
        "{}: plans differ",
        orig.name
    );
    // no secret value anywhere in what import produces
    let text = crate::profile::save::to_yaml(&imported).unwrap().0 + &report.as_comments();
    assert!(!text.contains("s3cret-value"));
    report
}

#[test]
fn the_quickstart_round_trips() {
    let r = round_trip(&example("quickstart.yaml"));
    assert!(
        r.secrets.iter().any(|s| s == "keystores.storePassword"),
        "{:?}",
        r.secrets
    );
    assert!(
        r.secret_values_skipped
            .iter()
            .any(|s| s.contains("superAdmin.password"))
    );
}

#[test]
fn production_like_round_trips() {
    round_trip(&example("production-like.yaml"));
}

#[test]
fn the_privatejet_example_round_trips() {
    let r = round_trip(&example("privatejet.yaml"));
    assert!(
        r.mapped
            .iter()
            .any(|m| m.field.starts_with("privateJet.clusters.1."))
    );
}

#[test]
fn a_value_no_field_renders_is_listed_not_dropped() {
    let orig = example("quickstart.yaml");
    let mut live = simulate(&orig);
    let am = live.releases.iter_mut().find(|r| r.name == "apim").unwrap();
    am.values["wso2"]["deployment"]["replicas"] = json!(3);
    am.values["kubernetes"]["ingress"]["management"]["hostname"] = json!("api.example.org");
    live.releases.push(LiveRelease {
        name: "mysql".into(),
        chart: "mysql-9.4.1".into(),
        status: "deployed".into(),
        values: json!({}),
    });
    let (p, r) = build("q", &live).unwrap();
    assert_eq!(p.api_manager.hostnames.management, "api.example.org");
    let found: Vec<&str> = r.unmapped.iter().map(|u| u.found.as_str()).collect();
    assert!(
        found.contains(&"release apim: wso2.deployment.replicas"),
        "{found:?}"
    );
    assert!(found.contains(&"release mysql"), "{found:?}");
    // the changed hostname is no longer in the quickstart's hosts block
    assert_eq!(p.dns.mode, crate::profile::sections::dns::DnsMode::Print);
}

#[test]
fn an_empty_namespace_is_an_error() {
    let live = Live {
        namespace: "empty".into(),
        ..Live::default()
    };
    assert!(build("x", &live).unwrap_err().contains("namespace empty"));
}

/// The registration as API-M's Admin REST API lists it (the mapping `live` feeds once it reads
/// the registration; see the module notes): names taken, a body that differs is listed.
#[test]
fn a_listed_registration_maps_its_names_and_lists_what_differs() {
    let orig = example("quickstart.yaml");
    let mut held = orig.clone();
    held.key_manager.name = "CorpIS".into();
    held.key_manager.display_name = "Corporate IS".into();
    held.key_manager.description = "imported".into();
    let mut body = crate::steps::key_manager::body(&held);
    body["id"] = json!("0b6e-4f");
    let mut live = simulate(&orig);
    live.key_manager = KeyManagerFacts::Listed(vec![body.clone()]);
    let (p, r) = build(&orig.name, &live).unwrap();
    assert_eq!(p.key_manager.name, "CorpIS");
    assert_eq!(p.key_manager.display_name, "Corporate IS");
    assert_eq!(p.key_manager.description, "imported");
    assert!(p.key_manager.register);
    assert!(r.unmapped.is_empty(), "{:#?}", r.unmapped);
    assert!(!r.not_recorded.iter().any(|n| n.field == "keyManager"));

    // an endpoint API-M holds that the profile would not register is listed
    body["endpoints"][0]["value"] = json!("https://elsewhere.example/register");
    live.key_manager = KeyManagerFacts::Listed(vec![body]);
    let (_, r) = build(&orig.name, &live).unwrap();
    assert!(
        r.unmapped.iter().any(|u| u
            .found
            .starts_with("Admin REST API: key manager endpoints.0")),
        "{:#?}",
        r.unmapped
    );

    // none registered: the imported profile does not register either
    live.key_manager = KeyManagerFacts::Listed(vec![]);
    let (p, _) = build(&orig.name, &live).unwrap();
    assert!(!p.key_manager.register);
}

/// A value unlike `v` that a field of its type can hold (`None` where there is no such value
/// to try: an unset option, an empty list).
fn probe(v: &Value) -> Option<Value> {
    Some(match v {
        Value::Bool(b) => json!(!b),
        Value::Number(n) if n.is_u64() => json!(n.as_u64()? + 1),
        Value::Number(n) => json!(n.as_f64()? + 1.0),
        Value::String(s) if s.is_empty() => json!("probe"),
        // a text that ends a line keeps ending one (the import writes TOML back whole)
        Value::String(s) if s.ends_with('\n') => json!(format!("{s}x\n")),
        Value::String(s) => json!(format!("{s}x")),
        _ => return None,
    })
}

/// Fields this test found that `profiles import` neither maps back nor lists as not recorded
/// (#26): each comes back as the example's value. Struck off as the import learns them; the
/// test fails when one is mapped back and still listed here.
const KNOWN_LOST: &[&str] = &[];

/// Adding a profile field means teaching `profiles import` to read it back. Every leaf of
/// the example profiles, set on its own to a probe value and imported from what `apply` would
/// leave on the cluster, comes back as set, unless the report says why not (a secret, a
/// value the cluster keeps no trace of, an assumption). A field the import bindings forget
/// would otherwise come back silently as its default.
#[test]
fn every_field_set_to_a_probe_comes_back_or_is_listed() {
    let mut lost = Vec::new();
    let mut probed = 0;
    let mut found_known = std::collections::BTreeSet::new();
    for name in ["quickstart.yaml", "production-like.yaml", "privatejet.yaml"] {
        let orig = example(name);
        let doc = serde_json::to_value(&orig).unwrap();
        for (path, v) in values::leaves(&doc) {
            // the envelope; list entries (set_profile_path walks mappings only)
            if ["apiVersion", "kind", "name"].contains(&path[0].as_str())
                || path
                    .iter()
                    .any(|s| s.parse::<usize>().is_ok() || s.contains('.'))
            {
                continue;
            }
            let dotted = path.join(".");
            let Some(value) = probe(&v) else { continue };
            // a value the field cannot hold (an enum's other spelling) is not a probe
            let Ok(p) = values::set_profile_path(&orig, &dotted, value) else {
                continue;
            };
            let Ok((imported, report)) = build(&p.name, &simulate(&p)) else {
                continue;
            };
            probed += 1;
            let known = KNOWN_LOST.contains(&dotted.as_str());
            let (a, b) = super::roundtrip::comparable(&p, &imported, &report);
            let (a, b) = (
                serde_json::to_value(&a).unwrap(),
                serde_json::to_value(&b).unwrap(),
            );
            let same = values::get(&a, &dotted) == values::get(&b, &dotted);
            if !same && known {
                found_known.insert(dotted.clone());
            } else if !same {
                lost.push(format!(
                    "{name}: {dotted}: set {:?}, imported {:?}",
                    values::get(&a, &dotted),
                    values::get(&b, &dotted)
                ));
            }
        }
    }
    // the probe reaches most of the profile, not a handful of fields
    assert!(probed > 100, "only {probed} fields probed");
    assert!(
        lost.is_empty(),
        "fields `profiles import` does not map back (and the report does not list):\n{}",
        lost.join("\n")
    );
    let mapped_now: Vec<_> = KNOWN_LOST
        .iter()
        .filter(|k| !found_known.contains(**k))
        .collect();
    assert!(
        mapped_now.is_empty(),
        "now mapped back, strike off KNOWN_LOST: {mapped_now:?}"
    );
}

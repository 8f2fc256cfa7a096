//! The tracks tell the truth about versions: a combination no API-M version has is an error
//! with the fact and its source (validate, plan's caller, the wizard read the same issues), and
//! a PrivateJet profile on API-M 3.2 plans the operator install, the discovery check before
//! any change, and the cluster blocks.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use kmpilot::plan::{Action, Check, StepId};
use kmpilot::profile::diagnostics::Severity;
use kmpilot::profile::{Profile, load};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("profiles")
        .join(format!("{name}.yaml"))
}

fn load(name: &str) -> Profile {
    load::from_path(&example(name), kmpilot::steps::validate)
        .unwrap()
        .profile
}

/// Pattern 6 on API-M 4.5 (the quickstart) with the PrivateJet clusters of the 3.2 example.
const PATTERN6_WITH_PRIVATEJET: &str = r#"apiVersion: kmpilot/v1
kind: Profile
name: p6-pj
apiManager:
  chartVersion: 4.5.0-10
privateJet:
  clusters:
    - name: docker-desktop
      displayName: cluster-1
      accessUrl: https://internal.wso2.com
"#;

#[test]
fn every_example_profile_validates_without_errors() {
    for name in ["quickstart", "production-like", "privatejet", "kms-sts"] {
        let issues = kmpilot::steps::validate(&load(name));
        let errors: Vec<_> = issues.list.iter().filter(|i| i.is_error()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}

#[test]
fn pattern_6_with_privatejet_clusters_on_api_m_4_5_fails_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("p6-pj.yaml");
    std::fs::write(&f, PATTERN6_WITH_PRIVATEJET).unwrap();
    let out = Command::cargo_bin("kmpilot")
        .unwrap()
        .args(["validate", "-f"])
        .arg(&f)
        .output()
        .unwrap();
    let err =
        String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("apiManager.chartVersion"), "{err}");
    assert!(err.contains("API-M 4.5.0 has no PrivateJet mode"), "{err}");
    assert!(err.contains("carbon-apimgt PR #10058"), "the source: {err}");
    assert!(err.contains("APK"), "what replaced it: {err}");
    // plan refuses the same profile (exit 2), so nothing reaches a cluster
    let out = Command::cargo_bin("kmpilot")
        .unwrap()
        .args(["plan", "-f"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn is_7_and_privatejet_cannot_be_one_deployment() {
    // the 3.2 example with pattern 6's IS switched back on
    let mut p = load("privatejet");
    p.identity_server.install = true;
    let issues = kmpilot::steps::validate(&p);
    let e = issues
        .list
        .iter()
        .find(|i| {
            i.is_error()
                && i.message
                    .contains("IS 7 cannot be the key manager of API-M 3.2.0")
        })
        .unwrap_or_else(|| panic!("{issues:?}"));
    assert!(e.message.contains("4.3.0"), "{}", e.message);
    // kmpilot installs only the 4.5 chart's values: a 3.2 API-M is installed elsewhere
    let mut p = load("privatejet");
    p.api_manager.install = true;
    assert!(
        kmpilot::steps::validate(&p)
            .list
            .iter()
            .any(|i| i.is_error() && i.message.contains("kmpilot cannot install API-M 3.2.0")),
        "an install of 3.2 with the 4.5 values"
    );
    // and the quickstart stays clean: nothing here is a warning either
    assert!(
        kmpilot::steps::validate(&load("quickstart"))
            .list
            .iter()
            .all(|i| i.severity != Severity::Error)
    );
}

#[test]
fn a_3_2_privatejet_profile_plans_the_operator_install_and_the_cluster_blocks() {
    let p = load("privatejet");
    let plan = kmpilot::steps::plan(&p);
    let ids: Vec<StepId> = plan.steps.iter().map(|s| s.id).collect();
    assert_eq!(
        ids,
        [StepId::Prerequisites, StepId::PrivateJet],
        "no IS, no 4.5 API-M, no key manager"
    );
    let step = plan.step(StepId::PrivateJet).unwrap();
    let first_change = step
        .actions
        .iter()
        .position(|a| !matches!(a, Action::Check(_)))
        .unwrap();
    // each target asked first: it must take the operator's v1beta1 CRDs
    let asked: Vec<_> = step.actions[..first_change]
        .iter()
        .filter_map(|a| match a {
            Action::Check(Check::ServedKinds { context, kinds, .. }) => {
                Some((context.clone(), kinds.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(asked.len(), 2, "both clusters, before either is changed");
    for (_, kinds) in &asked {
        assert_eq!(kinds[0].api_version, "apiextensions.k8s.io/v1beta1");
        assert!(kinds[0].provided_by.contains("removed in 1.22"));
    }
    // then the operator install on each, then its controller_conf in ingress mode
    let runs: Vec<String> = step
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::Run(c) => Some(c.command_line()),
            _ => None,
        })
        .collect();
    assert_eq!(runs.len(), 2);
    assert!(runs.iter().all(|r| r.contains(
        "apply -f https://github.com/wso2/k8s-api-operator/releases/download/v1.2.2/api-operator-configs.yaml"
    )));
    assert!(
        matches!(step.actions[first_change], Action::Run(_)),
        "the operator comes first"
    );
    for cluster in ["docker-desktop", "edge-east"] {
        let cm = plan
            .artifact(&format!(
                "private-jet/{cluster}/configmap-controller-config.yaml"
            ))
            .unwrap_or_else(|| panic!("{cluster}: controller-config"));
        assert!(
            cm.content.contains("operatorMode: ingress"),
            "{}",
            cm.content
        );
    }
    // the blocks API-M 3.2 reads
    let t: toml::Table = toml::from_str(
        &plan
            .artifact("private-jet/deployment-toml-snippet.toml")
            .unwrap()
            .content,
    )
    .unwrap();
    assert_eq!(t["ContainerMgtClusterConfig"].as_array().unwrap().len(), 2);
    assert!(matches!(
        step.actions.last(),
        Some(Action::MergeContainerMgt(_))
    ));
}

#[test]
fn the_kms_track_asks_for_its_kinds_at_the_profile_versions_before_its_first_change() {
    let p = load("kms-sts");
    let plan = kmpilot::steps::plan(&p);
    let ids: Vec<StepId> = plan.steps.iter().map(|s| s.id).collect();
    assert_eq!(
        ids,
        [StepId::Prerequisites, StepId::KmsSts],
        "the track alone"
    );
    let step = plan.step(StepId::KmsSts).unwrap();
    let first_change = step
        .actions
        .iter()
        .position(|a| !matches!(a, Action::Check(_)))
        .unwrap();
    let kinds: Vec<String> = step.actions[..first_change]
        .iter()
        .flat_map(|a| match a {
            Action::Check(Check::ServedKinds { kinds, .. }) => {
                kinds.iter().map(|k| k.to_string()).collect()
            }
            _ => vec![],
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "certmanager.k8s.io/v1alpha1 Certificate",
            "networking.istio.io/v1alpha3 Gateway",
            "networking.istio.io/v1alpha3 VirtualService",
            "networking.istio.io/v1alpha3 DestinationRule",
            "policy.ibm.com/v1alpha1 IdentityMappingPolicy",
        ]
    );
    // the defaults follow today's clusters
    let d = kmpilot::profile::sections::kms_sts::KmsSts::default();
    assert_eq!(d.certificate.api_version, "cert-manager.io/v1");
    assert_eq!(d.istio_api_version, "networking.istio.io/v1");
}

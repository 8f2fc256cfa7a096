//! The Cluster step's live checks and context picker against the real test control plane:
//! `exec::preflight::run` (the same check code the run's first step uses) and
//! `kube::list_contexts` on the test cluster's kubeconfig.

use kmpilot::exec::preflight::{self, CheckOutcome, CheckStatus};
use kmpilot::profile::{Profile, load};

use crate::support;

fn quickstart(kubeconfig: &std::path::Path) -> Profile {
    let mut p = load::from_path(
        std::path::Path::new("profiles/quickstart.yaml"),
        kmpilot::steps::validate,
    )
    .unwrap()
    .profile;
    p.cluster.kubeconfig = Some(kubeconfig.to_path_buf());
    p
}

async fn check(p: &Profile) -> Vec<CheckOutcome> {
    let plan = kmpilot::steps::plan(p);
    preflight::run(&plan, std::path::Path::new(".")).await
}

fn find<'a>(r: &'a [CheckOutcome], what: &str) -> &'a CheckOutcome {
    r.iter()
        .find(|o| o.summary.contains(what))
        .unwrap_or_else(|| panic!("no check about {what}: {r:#?}"))
}

#[tokio::test]
async fn checks_report_each_prerequisite_with_a_fix_for_each_failure() {
    let _turn = support::one_file::turn(module_path!());
    let Some(tc) = support::test_cluster() else {
        return;
    };
    support::ensure_nginx_ingress_class();
    let p = quickstart(&tc.kubeconfig);
    let r = check(&p).await;

    let kubectl = find(&r, "kubectl is installed");
    assert_eq!(kubectl.status, CheckStatus::Ok, "{kubectl:?}");
    assert!(
        kubectl.detail.contains("v1."),
        "version reported: {kubectl:?}"
    );
    assert_eq!(find(&r, "helm is installed").status, CheckStatus::Ok);
    let cluster = find(&r, "cluster of the current context answers");
    assert_eq!(cluster.status, CheckStatus::Ok, "{cluster:?}");
    assert!(
        cluster.detail.contains("Kubernetes v1.36"),
        "server version: {cluster:?}"
    );
    assert_eq!(find(&r, "ingress class `nginx`").status, CheckStatus::Ok);
    // the quickstart builds the IS image: docker is checked — the CLI and its daemon, as
    // `docker info` sees it — and a failure's fix-it offers the way out
    let docker = find(&r, "docker is installed");
    if docker_daemon_answers() {
        assert_eq!(docker.status, CheckStatus::Ok, "{docker:?}");
    } else {
        assert_eq!(docker.status, CheckStatus::Failed);
        if kmpilot_on_path("docker") {
            assert!(
                docker.detail.contains("daemon does not answer"),
                "{docker:?}"
            );
        }
        assert!(
            docker
                .fix
                .as_deref()
                .is_some_and(|f| f.contains("identityServer.image.build: false")),
            "{docker:?}"
        );
    }

    // a class nobody serves: failed, with the install command
    let mut q = p.clone();
    q.api_manager.ingress.class_name = "no-such-class".into();
    let r = check(&q).await;
    let ing = find(&r, "ingress class `no-such-class`");
    assert_eq!(ing.status, CheckStatus::Failed);
    assert!(
        ing.fix.as_deref().unwrap().contains("ingress-nginx"),
        "{ing:?}"
    );

    // a context the kubeconfig lacks: the message lists the ones it has; cluster checks are
    // skipped rather than failing one after another
    let mut q = p.clone();
    q.cluster.context = Some("no-such-context".into());
    let r = check(&q).await;
    let c = find(&r, "cluster of context no-such-context answers");
    assert_eq!(c.status, CheckStatus::Failed);
    assert!(
        c.detail.contains(&format!("kwok-{}", tc.name)),
        "names the contexts there are: {c:?}"
    );
    assert!(c.fix.is_some());
    assert_eq!(find(&r, "ingress class").status, CheckStatus::Skipped);
    assert_eq!(find(&r, "kubectl is installed").status, CheckStatus::Ok);
}

#[tokio::test]
async fn csi_driver_check_follows_the_cluster() {
    let _turn = support::one_file::turn(module_path!());
    let Some(tc) = support::test_cluster() else {
        return;
    };
    let mut p = quickstart(&tc.kubeconfig);
    p.identity_server.image.build = false;
    p.secure_vault.enabled = true;
    let r = check(&p).await;
    let csi = find(&r, "Secrets Store CSI driver");
    assert_eq!(csi.status, CheckStatus::Failed, "{csi:?}");
    assert!(
        csi.fix
            .as_deref()
            .unwrap()
            .contains("secureVault.enabled: false")
    );

    let yaml = "apiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata: {name: secrets-store.csi.k8s.io}\nspec: {podInfoOnMount: true}\n";
    support::apply_yaml(yaml);
    let r = check(&p).await;
    let _ = tc.kubectl(&[
        "delete",
        "csidriver",
        "secrets-store.csi.k8s.io",
        "--ignore-not-found",
    ]);
    assert_eq!(find(&r, "Secrets Store CSI driver").status, CheckStatus::Ok);
}

#[test]
fn the_picker_lists_the_test_clusters_context_as_current() {
    let _turn = support::one_file::turn(module_path!());
    let Some(tc) = support::test_cluster() else {
        return;
    };
    let l = kmpilot::kube::list_contexts(Some(&tc.kubeconfig)).unwrap();
    let name = format!("kwok-{}", tc.name);
    assert_eq!(l.current.as_deref(), Some(name.as_str()));
    let c = l.contexts.iter().find(|c| c.name == name).unwrap();
    assert!(c.server.starts_with("https://127.0.0.1:"), "{c:?}");
}

fn kmpilot_on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
}

/// A PrivateJet cluster on another context is checked too; its failure does not hide the
/// profile's own cluster, which answers.
#[tokio::test]
async fn other_clusters_are_checked_on_their_own() {
    let _turn = support::one_file::turn(module_path!());
    let Some(tc) = support::test_cluster() else {
        return;
    };
    support::ensure_nginx_ingress_class();
    let mut p = quickstart(&tc.kubeconfig);
    p.identity_server.image.build = false;
    let i = kmpilot::steps::private_jet::add_cluster(&mut p);
    p.private_jet.clusters[i].context = Some("edge-missing".into());
    p.private_jet.clusters[i].access_url = "https://apis.example.com".into();
    let r = check(&p).await;
    let edge = find(&r, "cluster of context edge-missing answers");
    assert_eq!(edge.status, CheckStatus::Failed, "{edge:?}");
    assert_eq!(
        find(&r, "cluster of the current context answers").status,
        CheckStatus::Ok
    );
    assert_eq!(find(&r, "ingress class `nginx`").status, CheckStatus::Ok);
    // a PrivateJet cluster on the profile's own context adds no second check
    p.private_jet.clusters[i].context = None;
    let r = check(&p).await;
    assert_eq!(
        r.iter()
            .filter(|o| o.summary.starts_with("cluster of"))
            .count(),
        1,
        "{r:#?}"
    );
}

fn docker_daemon_answers() -> bool {
    std::process::Command::new("docker")
        .arg("info")
        .output()
        .is_ok_and(|o| o.status.success())
}

//! Step "prerequisites": which cluster, which namespace, and what must be in place before
//! anything is installed (tools, the NGINX ingress controller, the `wso2` helm repository).

use std::path::PathBuf;

use crate::plan::{Action, Check, Command, Step, StepId};
use crate::profile::diagnostics::{Issues, YamlPath};
use crate::profile::{Profile, checks};

pub fn validate(p: &Profile, issues: &mut Issues) {
    let c = &p.cluster;
    let base = YamlPath::root().key("cluster");
    checks::k8s_label(
        issues,
        &base.key("namespace"),
        &c.namespace,
        "namespace name",
    );
    if let Some(ctx) = &c.context {
        checks::non_empty(
            issues,
            &base.key("context"),
            ctx,
            "a context from `kubectl config get-contexts`",
        );
    }
    if let Some(n) = &c.name {
        checks::non_empty(
            issues,
            &base.key("name"),
            n,
            "the kind/k3d cluster or minikube profile name",
        );
    }
    let repo = YamlPath::root().key("prerequisites").key("helmRepo");
    checks::k8s_label(
        issues,
        &repo.key("name"),
        &p.prerequisites.helm_repo.name,
        "helm repository name",
    );
    checks::url(issues, &repo.key("url"), &p.prerequisites.helm_repo.url);
}

pub fn plan(p: &Profile) -> Step {
    let mut actions = vec![];
    for tool in required_tools(p) {
        actions.push(Action::Check(Check::Tool { name: tool.into() }));
    }
    actions.push(Action::Check(Check::ClusterReachable {
        context: p.cluster.context.clone(),
    }));
    let installs = p.identity_server.install || p.api_manager.install;
    // only what will be installed needs the cluster's kind, room or an ingress controller (a
    // tracks-only profile installs no WSO2 server, so nothing is decided for it)
    if installs {
        for text in super::adapt::unresolved_notes(p) {
            actions.push(Action::Note { text });
        }
        actions.push(Action::Check(Check::ClusterKind {
            context: p.cluster.context.clone(),
            declared: p.cluster.kind,
            ingress_class: p.api_manager.ingress.class_name.clone(),
        }));
        actions.push(Action::Check(Check::Capacity(crate::plan::CapacitySpec {
            context: p.cluster.context.clone(),
            namespace: p.cluster.namespace.clone(),
            pods: super::adapt::needs(p, p.cluster.sizing),
            own_prefixes: super::adapt::own_prefixes(p),
            may_scale: super::adapt::capacity_may_scale(p),
        })));
    }
    let ingress = !p.gateway_api();
    if p.cluster.ingress.install && installs && ingress {
        actions.push(Action::Note {
            text: format!(
                "installing ingress-nginx for class `{}` ({})",
                p.api_manager.ingress.class_name,
                super::cluster_kind::NGINX_RETIRED
            ),
        });
        let mut args = super::cluster_kind::ingress_nginx_install_args(
            p.cluster.kind,
            &p.api_manager.ingress.class_name,
        );
        args.extend(p.cluster.helm_flags());
        actions.push(Action::Run(Command::new("helm", args).with_timeout(660)));
    }
    if (p.prerequisites.require_ingress_controller || p.cluster.ingress.install)
        && installs
        && ingress
    {
        actions.push(Action::Check(Check::IngressController {
            class: p.api_manager.ingress.class_name.clone(),
        }));
    }
    if installs && !ingress {
        actions.extend(super::exposure::prerequisites(p));
    }
    let repo = &p.prerequisites.helm_repo;
    // only when a chart comes from the repository (a local chart path needs none)
    let prefix = format!("{}/", repo.name);
    if [
        (p.identity_server.install, &p.identity_server.chart),
        (p.api_manager.install, &p.api_manager.chart),
    ]
    .iter()
    .any(|(installed, c)| *installed && c.starts_with(&prefix))
    {
        actions.push(Action::Run(Command::new(
            "helm",
            ["repo", "add", &repo.name, &repo.url, "--force-update"],
        )));
        actions.push(Action::Run(Command::new(
            "helm",
            ["repo", "update", &repo.name],
        )));
    }
    if p.cluster.create_namespace && installs {
        actions.push(Action::Apply(crate::plan::Manifest::namespace(
            &p.cluster.namespace,
        )));
    }
    Step::new(StepId::Prerequisites, actions)
}

/// "The cluster answers" for each other cluster a step works on (a PrivateJet cluster, the
/// ICP cluster of the KMS track), once per context: a wrong context then fails before the
/// step changes anything, and the wizard's live checks include it.
pub fn reachable_checks<'a>(
    p: &Profile,
    contexts: impl IntoIterator<Item = Option<&'a str>>,
) -> Vec<Action> {
    let mut seen: Vec<&str> = Vec::new();
    for c in contexts.into_iter().flatten() {
        if Some(c) != p.cluster.context.as_deref() && !seen.contains(&c) {
            seen.push(c);
        }
    }
    seen.into_iter()
        .map(|c| {
            Action::Check(Check::ClusterReachable {
                context: Some(c.to_string()),
            })
        })
        .collect()
}

/// The tools this profile needs, so an evaluator without Docker is not told to install it.
pub fn required_tools(p: &Profile) -> Vec<&'static str> {
    let mut t = vec!["kubectl"];
    if p.identity_server.install || p.api_manager.install {
        t.push("helm");
    }
    if p.identity_server.install && p.identity_server.image.build {
        t.push("docker");
    }
    if p.kms_sts.enabled {
        t.push("istioctl");
    }
    t
}

/// The wizard's fields for this step (profile name, cluster, prerequisites).
pub fn form(p: &Profile) -> Vec<super::form::Field> {
    use super::form::{Field, path};
    let mut fields = vec![
        product_line_field(p),
        Field::text(
            "Profile name",
            path(&["name"]),
            "names the profile's file in the store and its hosts-file block",
            |p| p.name.clone(),
            |p, v| p.name = v,
        ),
        Field::text(
            "Description",
            path(&["description"]),
            "free text shown by `kmpilot profiles list`",
            |p| p.description.clone(),
            |p, v| p.description = v,
        ),
        Field::opt_text(
            "Context",
            path(&["cluster", "context"]),
            "kubeconfig context; empty means the current context, as kubectl does",
            |p| p.cluster.context.clone(),
            |p, v| p.cluster.context = v,
        )
        .with_default("(current context)")
        .picks_context(),
        Field::text(
            "Namespace",
            path(&["cluster", "namespace"]),
            "namespace both charts are installed into",
            |p| p.cluster.namespace.clone(),
            |p, v| p.cluster.namespace = v,
        ),
        Field::opt_text(
            "Kubeconfig",
            path(&["cluster", "kubeconfig"]),
            "kubeconfig file; empty means KUBECONFIG or ~/.kube/config",
            |p| {
                p.cluster
                    .kubeconfig
                    .as_ref()
                    .map(|k| k.display().to_string())
            },
            |p, v| p.cluster.kubeconfig = v.map(PathBuf::from),
        )
        .with_default("(KUBECONFIG or ~/.kube/config)"),
        Field::bool(
            "Create namespace",
            path(&["cluster", "createNamespace"]),
            "apply the namespace before installing",
            |p| p.cluster.create_namespace,
            |p, v| p.cluster.create_namespace = v,
        ),
        Field::enum_choice(
            "Cluster kind",
            path(&["cluster", "kind"]),
            "auto detects kind, minikube, k3d, Docker Desktop, … from the nodes and the context",
            &crate::profile::sections::cluster_kind::ClusterKind::NAMES,
            |p| p.cluster.kind,
            |p, v| p.cluster.kind = v,
        ),
        Field::opt_text(
            "Cluster name",
            path(&["cluster", "name"]),
            "kind/k3d cluster or minikube profile name, for loading the IS image",
            |p| p.cluster.name.clone(),
            |p, v| p.cluster.name = v,
        )
        .with_default("(from the nodes or the context)"),
        Field::enum_choice(
            "Sizing",
            path(&["cluster", "sizing"]),
            "auto: the charts' 2 CPU/2Gi each when they fit, else 500m CPU each (limits kept)",
            &["auto", "chart", "laptop"],
            |p| p.cluster.sizing,
            |p, v| p.cluster.sizing = v,
        ),
        Field::bool(
            "Install ingress-nginx",
            path(&["cluster", "ingress", "install"]),
            "install ingress-nginx (Helm) when no controller can reach the pods' HTTPS port",
            |p| p.cluster.ingress.install,
            |p, v| p.cluster.ingress.install = v,
        ),
        Field::bool(
            "Require ingress controller",
            path(&["prerequisites", "requireIngressController"]),
            "stop before installing when no ingress controller serves the ingress class",
            |p| p.prerequisites.require_ingress_controller,
            |p, v| p.prerequisites.require_ingress_controller = v,
        ),
        Field::text(
            "Helm repo name",
            path(&["prerequisites", "helmRepo", "name"]),
            "local name of the WSO2 helm repository",
            |p| p.prerequisites.helm_repo.name.clone(),
            |p, v| p.prerequisites.helm_repo.name = v,
        ),
        Field::text(
            "Helm repo URL",
            path(&["prerequisites", "helmRepo", "url"]),
            "where the wso2am-all-in-one and identity-server charts come from",
            |p| p.prerequisites.helm_repo.url.clone(),
            |p, v| p.prerequisites.helm_repo.url = v,
        ),
    ];
    fields.extend(super::exposure::form(p));
    fields
}

/// The product line, first on the first screen: its help is what the chosen line brings, and
/// choosing another re-derives the chart version, images and handler version
/// (`product_line::choose`).
fn product_line_field(p: &Profile) -> super::form::Field {
    use super::form::{Field, path};
    use super::product_line;
    let help = match product_line::of(p) {
        Some(l) => format!(
            "{} — choosing a line re-derives the chart version, images and notification handler",
            l.summary
        ),
        None => format!(
            "chart {} is no line kmpilot knows; choose {} to have its chart, images and handler derived",
            p.api_manager.chart_version,
            product_line::names().join(", ")
        ),
    };
    Field::choice(
        "Product line",
        path(&["apiManager", "chartVersion"]),
        &help,
        &product_line::names(),
        |p| match product_line::of(p) {
            Some(l) => product_line::name(l),
            None => p.api_manager.chart_version.clone(),
        },
        |p, v| {
            let line = product_line::by_name(v).ok_or_else(|| format!("`{v}` is no line"))?;
            product_line::choose(p, line);
            Ok(())
        },
    )
}

//! Step "private-jet": per target cluster, the service account API-M uses to deploy APIs there
//! (ServiceAccount, ClusterRole, a ClusterRoleBinding to that *same* account — the published
//! example binds another — and a token Secret, which Kubernetes ≥ 1.24 no longer creates by
//! itself), then the `[[ContainerMgtClusterConfig]]` blocks for API-M, merged into the user's
//! deployment.toml (or tenant-conf.json) with comments and formatting kept.

use crate::profile::sections::private_jet::truncate63;
use crate::profile::sections::private_jet::{
    BasicSecurity, JwtSecurity, OauthSecurity, PjCluster, Security, Target,
};

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::plan::{
    Action, Artifact, ArtifactKind, Check, Command, Manifest, SecretSource, SecretSpec, Step,
    StepId, Wait,
};
use crate::profile::diagnostics::{Issues, YamlPath};
use crate::profile::{Credentials, Profile, checks};
use crate::render::{self, manifests};

use crate::plan::container_mgt::{ClusterEntry, ContainerMgtMerge, placeholders};

mod form;
mod merge;
mod plan;
pub use form::*;
pub use merge::*;
pub use plan::*;

const OPERATOR_MODES: [&str; 5] = ["default", "ingress", "route", "clusterIP", "istio"];

pub fn validate(p: &Profile, issues: &mut Issues) {
    let pj = &p.private_jet;
    let base = YamlPath::root().key("privateJet");
    if let Some(c) = &pj.custom_class {
        checks::non_empty(
            issues,
            &base.key("customClass"),
            c,
            "a fully qualified class name",
        );
    }
    if pj.clusters.iter().any(|c| c.install_operator) {
        checks::non_empty(
            issues,
            &base.key("operatorConfigs"),
            &pj.operator_configs,
            crate::profile::sections::private_jet::API_OPERATOR_CONFIGS,
        );
    }
    if pj.merge_into.is_some() && pj.clusters.is_empty() {
        issues.warn(&base.key("mergeInto"), "no clusters to merge", None);
    }
    for (i, c) in pj.clusters.iter().enumerate() {
        let cb = base.key("clusters").idx(i);
        checks::non_empty(
            issues,
            &cb.key("name"),
            &c.name,
            "the cluster name API-M shows, e.g. docker-desktop",
        );
        if pj.clusters[..i].iter().any(|o| o.name == c.name) {
            issues.error(
                &cb.key("name"),
                format!("cluster `{}` is listed twice", c.name),
                Some("a distinct name per cluster"),
                None,
            );
        }
        checks::non_empty(
            issues,
            &cb.key("displayName"),
            &c.display_name,
            "e.g. cluster-1",
        );
        checks::k8s_label(issues, &cb.key("namespace"), &c.namespace, "namespace name");
        checks::k8s_name(issues, &cb.key("serviceAccount"), &c.service_account);
        checks::k8s_name(issues, &cb.key("clusterRole"), &c.cluster_role);
        if let Some(b) = &c.cluster_role_binding {
            checks::k8s_name(issues, &cb.key("clusterRoleBinding"), b);
        }
        if let Some(u) = &c.master_url {
            checks::url(issues, &cb.key("masterUrl"), u);
        }
        checks::url(issues, &cb.key("accessUrl"), &c.access_url);
        if c.replicas == 0 {
            issues.error(
                &cb.key("replicas"),
                "0 replicas serve no traffic",
                Some("1 or more"),
                None,
            );
        }
        if let Some(m) = &c.operator_mode
            && !OPERATOR_MODES.iter().any(|o| o.eq_ignore_ascii_case(m))
        {
            issues.error(
                &cb.key("operatorMode"),
                format!("`{m}` is not an operator mode"),
                Some("default, ingress, route, clusterIP or istio"),
                Some("privateJet is an API's mode (API.spec.mode), not the operator's"),
            );
        }
        if let Some(s) = &c.security {
            let sb = cb.key("security");
            if let Some(j) = &s.jwt {
                checks::k8s_name(issues, &sb.key("jwt").key("name"), &j.name);
                checks::url(issues, &sb.key("jwt").key("issuer"), &j.issuer);
                checks::k8s_name(
                    issues,
                    &sb.key("jwt").key("certificateSecret"),
                    &j.certificate_secret,
                );
            }
            if let Some(o) = &s.oauth {
                checks::k8s_name(issues, &sb.key("oauth").key("name"), &o.name);
                checks::url(issues, &sb.key("oauth").key("endpoint"), &o.endpoint);
                checks::k8s_name(
                    issues,
                    &sb.key("oauth").key("certificateSecret"),
                    &o.certificate_secret,
                );
                o.credentials
                    .validate(issues, &sb.key("oauth").key("credentials"));
            }
            if let Some(b) = &s.basic {
                checks::k8s_name(issues, &sb.key("basic").key("name"), &b.name);
                b.credentials
                    .validate(issues, &sb.key("basic").key("credentials"));
            }
        }
    }
}

/// The RBAC objects and token secret for one cluster.
pub fn rbac(c: &PjCluster) -> Vec<Value> {
    let labels = manifests::labels();
    vec![
        json!({"apiVersion": "v1", "kind": "ServiceAccount",
               "metadata": {"name": c.service_account, "namespace": c.namespace, "labels": labels,
                            "annotations": {ENTRY_ANNOTATION: entry_annotation(c)}}}),
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
        "metadata": {"name": c.cluster_role, "labels": labels},
        "rules": [{
            "apiGroups": ["", "apiextensions.k8s.io", "wso2.com"],
            "resources": ["configmaps", "customresourcedefinitions", "apis"],
            "verbs": ["get", "post", "create", "delete", "put", "list", "update"],
        }]}),
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
               "metadata": {"name": c.binding(), "labels": labels},
               "subjects": [{"kind": "ServiceAccount", "name": c.service_account, "namespace": c.namespace}],
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": c.cluster_role}}),
        json!({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/service-account-token",
               "metadata": {"name": c.token_secret(), "namespace": c.namespace, "labels": labels,
                            "annotations": {"kubernetes.io/service-account.name": c.service_account}}}),
    ]
}

/// Annotation on the service account: what API-M's `[[ContainerMgtClusterConfig]]` entry says
/// about this cluster and how kmpilot set it up. Those settings live in API-M's deployment.toml
/// (a file kmpilot may never see again) and in the local kubeconfig; kept here, `profiles
/// import --from-cluster` finds them with the objects.
pub const ENTRY_ANNOTATION: &str = "kmpilot.io/private-jet-entry";

pub fn entry_annotation(c: &PjCluster) -> String {
    let mut e = json!({
        "name": c.name,
        "displayName": c.display_name,
        "type": c.cluster_type,
        "replicas": c.replicas,
        "accessUrl": c.access_url,
        "installOperator": c.install_operator,
    });
    for (k, v) in [
        ("context", &c.context),
        ("masterUrl", &c.master_url),
        ("operatorMode", &c.operator_mode),
    ] {
        if let Some(v) = v {
            e[k] = json!(v);
        }
    }
    e.to_string()
}

/// The API Operator v1.2.x on one target: its published install manifest (CRDs, the
/// `api-operator` controller in `wso2-system`, its RBAC and `controller_conf`), applied as
/// `apictl install api-operator` does, then the controller awaited.
fn operator_install(p: &Profile, c: &PjCluster, configs: &str) -> Vec<Action> {
    let mut args: Vec<String> = Vec::new();
    if let Some(k) = &p.cluster.kubeconfig {
        args.push(format!("--kubeconfig={}", k.display()));
    }
    if let Some(ctx) = c.context.as_ref().or(p.cluster.context.as_ref()) {
        args.push(format!("--context={ctx}"));
    }
    args.extend(["apply".into(), "-f".into(), configs.to_string()]);
    vec![
        Action::Run(Command::new("kubectl", args).with_timeout(300)),
        Action::Wait(Wait::DeploymentAvailable {
            context: c.context.clone(),
            namespace: OPERATOR_NAMESPACE.into(),
            name: "api-operator".into(),
            timeout_secs: 600,
        }),
    ]
}

/// Where the operator runs and keeps its configuration.
pub const OPERATOR_NAMESPACE: &str = "wso2-system";

pub fn operator_config(mode: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap",
           "metadata": {"name": "controller-config", "namespace": "wso2-system"},
           "data": {"operatorMode": mode}})
}

fn credentials_secret_name(cr: &str) -> String {
    truncate63(&format!("{cr}-credentials"))
}

/// Security custom resources of the API operator (wso2.com/v1alpha1, kind Security).
pub fn security_resources(c: &PjCluster) -> Vec<Value> {
    let Some(s) = &c.security else { return vec![] };
    let cr = |name: &str, spec: Value| {
        json!({"apiVersion": "wso2.com/v1alpha1", "kind": "Security",
               "metadata": {"name": name, "namespace": c.namespace, "labels": manifests::labels()},
               "spec": spec})
    };
    let mut v = Vec::new();
    if let Some(j) = &s.jwt {
        v.push(cr(&j.name, json!({"type": "JWT", "securityConfig": [{
            "issuer": j.issuer, "audience": j.audience, "certificate": j.certificate_secret, "validateSubscription": false}]})));
    }
    if let Some(o) = &s.oauth {
        v.push(cr(&o.name, json!({"type": "Oauth", "securityConfig": [{
            "certificate": o.certificate_secret, "endpoint": o.endpoint, "credentials": credentials_secret_name(&o.name)}]})));
    }
    if let Some(b) = &s.basic {
        v.push(cr(&b.name, json!({"type": "basic", "securityConfig": [{"credentials": credentials_secret_name(&b.name)}]})));
    }
    v
}

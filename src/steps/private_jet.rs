//! Step "private-jet": per target cluster, the service account API-M uses to deploy APIs there
//! (ServiceAccount, ClusterRole, a ClusterRoleBinding to that *same* account — the published
//! example binds another — and a token Secret, which Kubernetes ≥ 1.24 no longer creates by
//! itself), then the `[[ContainerMgtClusterConfig]]` blocks for API-M, merged into the user's
//! deployment.toml (or tenant-conf.json) with comments and formatting kept.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::plan::{
    Action, Artifact, ArtifactKind, Check, Command, Manifest, SecretSource, SecretSpec, Step,
    StepId, Wait,
};
use crate::profile::diagnostics::{Issues, YamlPath};
use crate::profile::{Credentials, Profile, checks};
use crate::render::{self, manifests};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// Super tenant: `<API-M_HOME>/repository/conf/deployment.toml`.
    #[default]
    DeploymentToml,
    /// A tenant: the `ContainerMgt` array of its tenant-conf.json.
    TenantConf,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct PrivateJet {
    pub target: Target,
    /// The API Operator install manifest applied on clusters with `installOperator` (what
    /// `apictl install api-operator` applies for v1.2.2): a URL or a local file.
    pub operator_configs: String,
    /// The file to merge into; without it the blocks are only rendered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merge_into: Option<PathBuf>,
    /// `[ContainerMgtConfig]` class for a custom container manager.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_class: Option<String>,
    pub clusters: Vec<PjCluster>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct PjCluster {
    /// `clusterName` in API-M.
    pub name: String,
    pub display_name: String,
    /// kubeconfig context of this cluster; the profile's cluster context when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// The API server URL API-M calls; read from the kubeconfig context when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master_url: Option<String>,
    pub namespace: String,
    pub service_account: String,
    pub cluster_role: String,
    /// Binding name; derived from namespace and service account when absent, so two clusters
    /// sharing one API server never overwrite each other's binding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_role_binding: Option<String>,
    #[serde(rename = "type")]
    pub cluster_type: String,
    pub replicas: u32,
    pub access_url: String,
    /// Install the WSO2 API Operator v1.2.x here (its CRDs, controller and configuration)
    /// before the service account; its CRDs are apiextensions.k8s.io/v1beta1, so only a
    /// Kubernetes 1.21 or older cluster accepts them (checked before anything is applied).
    pub install_operator: bool,
    /// Sets the API operator's `operatorMode` (ConfigMap `controller-config`, `wso2-system`);
    /// `ingress` when kmpilot installs the operator and this is empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security: Option<Security>,
}

impl Default for PrivateJet {
    fn default() -> Self {
        PrivateJet {
            target: Target::default(),
            operator_configs: crate::compat::API_OPERATOR_CONFIGS.into(),
            merge_into: None,
            custom_class: None,
            clusters: Vec::new(),
        }
    }
}

impl Default for PjCluster {
    fn default() -> Self {
        PjCluster {
            name: String::new(),
            display_name: String::new(),
            context: None,
            master_url: None,
            namespace: "default".into(),
            service_account: "wso2am-privatejet".into(),
            cluster_role: "kmpilot-privatejet".into(),
            cluster_role_binding: None,
            cluster_type: "Kubernetes".into(),
            replicas: 1,
            access_url: String::new(),
            install_operator: false,
            operator_mode: None,
            security: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Security {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwt: Option<JwtSecurity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oauth: Option<OauthSecurity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basic: Option<BasicSecurity>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JwtSecurity {
    pub name: String,
    pub issuer: String,
    pub audience: String,
    /// Secret holding the token signer's certificate.
    pub certificate_secret: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OauthSecurity {
    pub name: String,
    pub endpoint: String,
    pub certificate_secret: String,
    pub credentials: Credentials,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BasicSecurity {
    pub name: String,
    pub credentials: Credentials,
}

impl PjCluster {
    /// The operator mode kmpilot sets: the profile's, or `ingress` (what the PrivateJet
    /// procedure uses) when kmpilot installs the operator.
    pub fn effective_operator_mode(&self) -> Option<String> {
        self.operator_mode
            .clone()
            .or_else(|| self.install_operator.then(|| "ingress".to_string()))
    }

    pub fn binding(&self) -> String {
        self.cluster_role_binding.clone().unwrap_or_else(|| {
            truncate63(&format!(
                "kmpilot-privatejet-{}-{}",
                self.namespace, self.service_account
            ))
        })
    }
    pub fn token_secret(&self) -> String {
        truncate63(&format!("{}-token", self.service_account))
    }
}

fn truncate63(s: &str) -> String {
    s.chars()
        .take(63)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

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
            crate::compat::API_OPERATOR_CONFIGS,
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

/// One cluster's entry, with where its run-time values come from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterEntry {
    pub cluster_type: String,
    pub cluster_name: String,
    pub display_name: String,
    pub replicas: u32,
    pub access_url: String,
    /// Fixed, or read from `context` in the kubeconfig at run time.
    pub master_url: Option<String>,
    pub context: Option<String>,
    pub namespace: String,
    pub token_secret: String,
    pub basic_cr: Option<String>,
    pub oauth_cr: Option<String>,
    pub jwt_cr: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerMgtMerge {
    pub target: Target,
    pub merge_into: Option<PathBuf>,
    pub custom_class: Option<String>,
    pub clusters: Vec<ClusterEntry>,
    /// Work-directory file the merged (or fresh) result is written to.
    pub output: String,
}

pub fn entries(p: &Profile) -> Vec<ClusterEntry> {
    p.private_jet
        .clusters
        .iter()
        .map(|c| ClusterEntry {
            cluster_type: c.cluster_type.clone(),
            cluster_name: c.name.clone(),
            display_name: c.display_name.clone(),
            replicas: c.replicas,
            access_url: c.access_url.clone(),
            master_url: c.master_url.clone(),
            context: c.context.clone(),
            namespace: c.namespace.clone(),
            token_secret: c.token_secret(),
            basic_cr: c
                .security
                .as_ref()
                .and_then(|s| s.basic.as_ref())
                .map(|b| b.name.clone()),
            oauth_cr: c
                .security
                .as_ref()
                .and_then(|s| s.oauth.as_ref())
                .map(|b| b.name.clone()),
            jwt_cr: c
                .security
                .as_ref()
                .and_then(|s| s.jwt.as_ref())
                .map(|b| b.name.clone()),
        })
        .collect()
}

/// Run-time values an entry is rendered with: the token and master URL the executor read.
pub struct Resolved<'a> {
    pub master_url: &'a str,
    pub sa_token: &'a str,
}

/// Placeholders used where a plan or export shows an entry before it runs.
pub fn placeholders(e: &ClusterEntry) -> (String, String) {
    let id = e
        .cluster_name
        .to_uppercase()
        .replace(|c: char| !c.is_ascii_alphanumeric(), "_");
    (
        e.master_url
            .clone()
            .unwrap_or_else(|| format!("${{MASTER_URL_{id}}}")),
        format!("${{SA_TOKEN_{id}}}"),
    )
}

/// Merges the entries into an existing deployment.toml, keeping its comments and layout; an
/// entry with the same clusterName is updated in place.
pub fn merge_toml(
    existing: &str,
    entries: &[(ClusterEntry, Resolved)],
    custom_class: Option<&str>,
) -> Result<String, String> {
    use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};
    let mut doc: DocumentMut = existing
        .parse()
        .map_err(|e: toml_edit::TomlError| e.to_string())?;
    if !doc.contains_key("ContainerMgtClusterConfig") {
        doc.insert(
            "ContainerMgtClusterConfig",
            Item::ArrayOfTables(ArrayOfTables::new()),
        );
    }
    let arr = doc["ContainerMgtClusterConfig"]
        .as_array_of_tables_mut()
        .ok_or("ContainerMgtClusterConfig exists but is not an array of tables ([[...]])")?;
    for (e, r) in entries {
        let pos = arr
            .iter()
            .position(|t| t.get("clusterName").and_then(|v| v.as_str()) == Some(&e.cluster_name));
        let mut fresh = Table::new();
        let t: &mut Table = match pos {
            Some(i) => arr.get_mut(i).ok_or("index vanished")?,
            None => &mut fresh,
        };
        t["type"] = value(&e.cluster_type);
        t["clusterName"] = value(&e.cluster_name);
        t["displayName"] = value(&e.display_name);
        if !t.contains_key("properties") {
            let mut props = Table::new();
            props.set_dotted(true);
            t.insert("properties", Item::Table(props));
        }
        let props = t["properties"]
            .as_table_like_mut()
            .ok_or("properties is not a table")?;
        props.insert("Replicas", value(i64::from(e.replicas)));
        props.insert("AccessURL", value(&e.access_url));
        props.insert("MasterURL", value(r.master_url));
        props.insert("SAToken", value(r.sa_token));
        props.insert("Namespace", value(&e.namespace));
        for (k, v) in [
            ("BasicSecurityCustomResourceName", &e.basic_cr),
            ("OauthSecurityCustomResourceName", &e.oauth_cr),
            ("JWTSecurityCustomResourceName", &e.jwt_cr),
        ] {
            match v {
                Some(v) => {
                    props.insert(k, value(v));
                }
                None => {
                    props.remove(k);
                }
            }
        }
        if pos.is_none() {
            arr.push(fresh);
        }
    }
    if let Some(class) = custom_class {
        if !doc.contains_key("ContainerMgtConfig") {
            doc.insert("ContainerMgtConfig", Item::Table(Table::new()));
        }
        let types: Vec<String> = entries
            .iter()
            .map(|(e, _)| e.cluster_type.clone())
            .collect();
        let t = doc["ContainerMgtConfig"]
            .as_table_like_mut()
            .ok_or("ContainerMgtConfig is not a table")?;
        for ty in types {
            t.insert(&ty, value(class));
        }
    }
    Ok(doc.to_string())
}

/// Merges the entries into a tenant-conf.json document's `ContainerMgt` array.
pub fn merge_tenant_conf(
    existing: &str,
    entries: &[(ClusterEntry, Resolved)],
) -> Result<String, String> {
    let mut doc: Value = if existing.trim().is_empty() {
        json!({})
    } else {
        serde_json::from_str(existing).map_err(|e| e.to_string())?
    };
    let obj = doc
        .as_object_mut()
        .ok_or("tenant-conf.json is not a JSON object")?;
    let cm = obj.entry("ContainerMgt").or_insert_with(|| json!([]));
    let groups = cm.as_array_mut().ok_or("ContainerMgt is not an array")?;
    for (e, r) in entries {
        let gi = match groups
            .iter()
            .position(|g| g["Type"] == json!(e.cluster_type))
        {
            Some(i) => i,
            None => {
                groups.push(json!({"Type": e.cluster_type, "ContainerMgtInfo": []}));
                groups.len() - 1
            }
        };
        let infos = groups[gi]["ContainerMgtInfo"]
            .as_array_mut()
            .ok_or("ContainerMgtInfo is not an array")?;
        let mut props = json!({
            "MasterURL": r.master_url,
            "AccessURL": e.access_url,
            "SAToken": r.sa_token,
            "Namespace": e.namespace,
            "Replicas": e.replicas,
        });
        for (k, v) in [
            ("BasicSecurityCustomResourceName", &e.basic_cr),
            ("OauthSecurityCustomResourceName", &e.oauth_cr),
            ("JWTSecurityCustomResourceName", &e.jwt_cr),
        ] {
            if let Some(v) = v {
                props[k] = json!(v);
            }
        }
        let info = json!({"ClusterName": e.cluster_name, "DisplayName": e.display_name, "Properties": props});
        match infos
            .iter()
            .position(|i| i["ClusterName"] == json!(e.cluster_name))
        {
            Some(i) => infos[i] = info,
            None => infos.push(info),
        }
    }
    Ok(render::json_pretty(&doc))
}

fn preview(p: &Profile) -> (String, ArtifactKind, String) {
    let es = entries(p);
    let ph: Vec<(String, String)> = es.iter().map(placeholders).collect();
    let resolved: Vec<(ClusterEntry, Resolved)> = es
        .iter()
        .zip(&ph)
        .map(|(e, (m, t))| {
            (
                e.clone(),
                Resolved {
                    master_url: m,
                    sa_token: t,
                },
            )
        })
        .collect();
    match p.private_jet.target {
        Target::DeploymentToml => (
            "private-jet/deployment-toml-snippet.toml".into(),
            ArtifactKind::Toml,
            merge_toml("", &resolved, p.private_jet.custom_class.as_deref()).unwrap_or_default(),
        ),
        Target::TenantConf => (
            "private-jet/tenant-conf-snippet.json".into(),
            ArtifactKind::Json,
            merge_tenant_conf("", &resolved).unwrap_or_default(),
        ),
    }
}

pub fn plan(p: &Profile, artifacts: &mut Vec<Artifact>) -> Option<Step> {
    let pj = &p.private_jet;
    if pj.clusters.is_empty() {
        return None;
    }
    let mut actions =
        super::cluster::reachable_checks(p, pj.clusters.iter().map(|c| c.context.as_deref()));
    // every target is asked before the first one is changed
    for c in &pj.clusters {
        let kinds = crate::compat::private_jet_needs(c);
        if !kinds.is_empty() {
            actions.push(Action::Check(Check::ServedKinds {
                context: c.context.clone(),
                purpose: format!("PrivateJet cluster {}", c.name),
                kinds,
            }));
        }
    }
    for c in &pj.clusters {
        let ctx = c.context.as_deref();
        let dir = format!("private-jet/{}", c.name);
        if c.install_operator {
            actions.extend(operator_install(p, c, &pj.operator_configs));
        }
        let mut objects = rbac(c);
        if let Some(m) = c.effective_operator_mode() {
            objects.push(operator_config(&m));
        }
        let creds: Vec<(&String, &Credentials)> = c
            .security
            .iter()
            .flat_map(|s| {
                s.oauth
                    .iter()
                    .map(|o| (&o.name, &o.credentials))
                    .chain(s.basic.iter().map(|b| (&b.name, &b.credentials)))
            })
            .collect();
        for (cr, cred) in creds {
            actions.push(Action::CreateSecret(SecretSpec {
                context: c.context.clone(),
                namespace: c.namespace.clone(),
                name: credentials_secret_name(cr),
                secret_type: "Opaque".into(),
                data: vec![
                    (
                        "username".into(),
                        SecretSource::Plain(cred.username.clone()),
                    ),
                    (
                        "password".into(),
                        SecretSource::Ref {
                            secret: cred.password.clone(),
                            shell_var: cred
                                .password
                                .shell_var("PRIVATEJET_SECURITY_PASSWORD")
                                .to_string(),
                        },
                    ),
                ],
            }));
        }
        objects.extend(security_resources(c));
        for o in objects {
            let m: Manifest = manifests::manifest(ctx, &dir, o);
            artifacts.push(Artifact {
                path: m.artifact.clone(),
                kind: ArtifactKind::Yaml,
                content: render::yaml(&m.object),
            });
            actions.push(Action::Apply(m));
        }
        actions.push(Action::Wait(Wait::SecretKey {
            context: c.context.clone(),
            namespace: c.namespace.clone(),
            name: c.token_secret(),
            key: "token".into(),
            timeout_secs: 120,
        }));
    }
    let (path, kind, content) = preview(p);
    artifacts.push(Artifact {
        path: path.clone(),
        kind,
        content,
    });
    actions.push(Action::MergeContainerMgt(Box::new(ContainerMgtMerge {
        target: pj.target,
        merge_into: pj.merge_into.clone(),
        custom_class: pj.custom_class.clone(),
        clusters: entries(p),
        output: path,
    })));
    Some(Step::new(StepId::PrivateJet, actions))
}

/// The wizard's fields for this step: the merge target, then one group per cluster (the
/// wizard adds and removes clusters with `add_cluster` / `remove_cluster`).
pub fn form(p: &Profile) -> Vec<super::form::Field> {
    use super::form::{Field, path};
    let mut v = vec![
        // the version decides whether this step means anything: said here, where it is asked
        Field::text(
            "API-M version",
            path(&["apiManager", "chartVersion"]),
            "PrivateJet exists only in API-M 3.2.0 (chart 3.2.0-x). On 4.x it was replaced: WSO2 APK as a gateway type (4.3+), federated gateways (4.6)",
            |p| p.api_manager.chart_version.clone(),
            |p, v| p.api_manager.chart_version = v,
        ),
        Field::text(
            "Operator manifest",
            path(&["privateJet", "operatorConfigs"]),
            "API Operator v1.2.x install manifest (URL or file) for clusters with Install operator on",
            |p| p.private_jet.operator_configs.clone(),
            |p, v| p.private_jet.operator_configs = v,
        )
        .with_default(crate::compat::API_OPERATOR_CONFIGS),
        Field::enum_choice(
            "Target",
            path(&["privateJet", "target"]),
            "deployment-toml for the super tenant; tenant-conf for a tenant's ContainerMgt",
            &["deployment-toml", "tenant-conf"],
            |p| p.private_jet.target,
            |p, v| p.private_jet.target = v,
        ),
        Field::opt_text(
            "Merge into",
            path(&["privateJet", "mergeInto"]),
            "existing file to merge the blocks into (comments kept); only rendered when empty",
            |p| {
                p.private_jet
                    .merge_into
                    .as_ref()
                    .map(|f| f.display().to_string())
            },
            |p, v| p.private_jet.merge_into = v.map(PathBuf::from),
        )
        .with_default("(render only)"),
        Field::opt_text(
            "Custom class",
            path(&["privateJet", "customClass"]),
            "[ContainerMgtConfig] class of a custom container manager",
            |p| p.private_jet.custom_class.clone(),
            |p, v| p.private_jet.custom_class = v,
        ),
    ];
    let d = PjCluster::default();
    for i in 0..p.private_jet.clusters.len() {
        let group = format!("Cluster {}", i + 1);
        let at = move |k: &str| {
            YamlPath::root()
                .key("privateJet")
                .key("clusters")
                .idx(i)
                .key(k)
        };
        macro_rules! text {
            ($label:expr, $key:expr, $help:expr, $f:ident) => {
                Field::text(
                    $label,
                    at($key),
                    $help,
                    move |p| {
                        p.private_jet
                            .clusters
                            .get(i)
                            .map(|c| c.$f.clone())
                            .unwrap_or_default()
                    },
                    move |p, v| {
                        if let Some(c) = p.private_jet.clusters.get_mut(i) {
                            c.$f = v;
                        }
                    },
                )
                .with_default(d.$f.to_string())
                .in_group(group.clone())
            };
        }
        macro_rules! opt {
            ($label:expr, $key:expr, $help:expr, $f:ident, $def:expr) => {
                Field::opt_text(
                    $label,
                    at($key),
                    $help,
                    move |p| p.private_jet.clusters.get(i).and_then(|c| c.$f.clone()),
                    move |p, v| {
                        if let Some(c) = p.private_jet.clusters.get_mut(i) {
                            c.$f = v;
                        }
                    },
                )
                .with_default($def)
                .in_group(group.clone())
            };
        }
        v.extend([
            text!("Name", "name", "clusterName in API-M", name),
            text!(
                "Display name",
                "displayName",
                "name shown in the Publisher",
                display_name
            ),
            opt!(
                "Context",
                "context",
                "kubeconfig context of this cluster; the cluster step's when empty",
                context,
                "(the cluster step's context)"
            )
            .picks_context(),
            opt!(
                "Master URL",
                "masterUrl",
                "API server URL API-M calls; read from the context when empty",
                master_url,
                "(from the kubeconfig)"
            ),
            text!(
                "Namespace",
                "namespace",
                "namespace APIs are deployed into",
                namespace
            ),
            text!(
                "Service account",
                "serviceAccount",
                "account API-M deploys with (created)",
                service_account
            ),
            text!(
                "Cluster role",
                "clusterRole",
                "ClusterRole on configmaps, CRDs and apis (created)",
                cluster_role
            ),
            opt!(
                "Role binding",
                "clusterRoleBinding",
                "binding name; derived from namespace and account when empty",
                cluster_role_binding,
                "(derived)"
            ),
            text!("Type", "type", "cluster type in API-M", cluster_type),
            Field::number(
                "Replicas",
                at("replicas"),
                "replicas of each deployed API",
                move |p| {
                    p.private_jet
                        .clusters
                        .get(i)
                        .map(|c| c.replicas)
                        .unwrap_or(1)
                },
                move |p, v| {
                    if let Some(c) = p.private_jet.clusters.get_mut(i) {
                        c.replicas = v;
                    }
                },
            )
            .with_default(d.replicas.to_string())
            .in_group(group.clone()),
            text!(
                "Access URL",
                "accessUrl",
                "URL clients reach the deployed APIs at",
                access_url
            ),
            Field::bool(
                "Install operator",
                at("installOperator"),
                "install the API Operator v1.2.x here first (v1beta1 CRDs: Kubernetes 1.21 or older only)",
                move |p| {
                    p.private_jet
                        .clusters
                        .get(i)
                        .is_some_and(|c| c.install_operator)
                },
                move |p, v| {
                    if let Some(c) = p.private_jet.clusters.get_mut(i) {
                        c.install_operator = v;
                    }
                },
            )
            .in_group(group.clone()),
            opt!(
                "Operator mode",
                "operatorMode",
                "the API operator's operatorMode, e.g. ingress",
                operator_mode,
                "(unchanged; ingress when installed)"
            ),
        ]);
        v.extend(security_form(p, i, &group));
    }
    v
}

/// The security custom resources of cluster `i`: a switch per kind, and that kind's fields
/// while it is on (names of the CRs API-M writes into its ContainerMgt configuration).
fn security_form(p: &Profile, i: usize, group: &str) -> Vec<super::form::Field> {
    use super::form::Field;
    let at = move |kind: &str, k: &str| {
        YamlPath::root()
            .key("privateJet")
            .key("clusters")
            .idx(i)
            .key("security")
            .key(kind)
            .key(k)
    };
    let sec = move |p: &Profile| -> Option<Security> {
        p.private_jet
            .clusters
            .get(i)
            .and_then(|c| c.security.clone())
    };
    fn sec_mut(p: &mut Profile, i: usize) -> Option<&mut Security> {
        p.private_jet
            .clusters
            .get_mut(i)
            .map(|c| c.security.get_or_insert_with(Security::default))
    }
    fn tidy(p: &mut Profile, i: usize) {
        if let Some(c) = p.private_jet.clusters.get_mut(i)
            && c.security == Some(Security::default())
        {
            c.security = None;
        }
    }
    let host = p.api_manager.hostnames.management.clone();
    let toggle = |label: &str, kind: &'static str, help: &str| {
        let host = host.clone();
        Field::bool(
            label,
            YamlPath::root()
                .key("privateJet")
                .key("clusters")
                .idx(i)
                .key("security")
                .key(kind),
            help,
            move |p| {
                sec(p).is_some_and(|s| match kind {
                    "jwt" => s.jwt.is_some(),
                    "oauth" => s.oauth.is_some(),
                    _ => s.basic.is_some(),
                })
            },
            move |p, on| {
                if let Some(s) = sec_mut(p, i) {
                    match (kind, on) {
                        ("jwt", true) => s.jwt = s.jwt.take().or_else(|| Some(default_jwt(&host))),
                        ("jwt", false) => s.jwt = None,
                        ("oauth", true) => {
                            s.oauth = s.oauth.take().or_else(|| Some(default_oauth(&host)))
                        }
                        ("oauth", false) => s.oauth = None,
                        (_, true) => s.basic = s.basic.take().or_else(|| Some(default_basic())),
                        (_, false) => s.basic = None,
                    }
                }
                tidy(p, i);
            },
        )
        .in_group(group.to_string())
    };
    macro_rules! text {
        ($label:expr, $kind:ident, $path:expr, $help:expr, $($f:tt)+) => {
            Field::text(
                $label,
                $path,
                $help,
                move |p| {
                    sec(p)
                        .and_then(|s| s.$kind)
                        .map(|x| x.$($f)+.clone())
                        .unwrap_or_default()
                },
                move |p, v| {
                    if let Some(x) = sec_mut(p, i).and_then(|s| s.$kind.as_mut()) {
                        x.$($f)+ = v;
                    }
                },
            )
            .in_group(group.to_string())
        };
    }
    macro_rules! password {
        ($label:expr, $kind:ident) => {
            Field::secret(
                $label,
                at(stringify!($kind), "credentials").key("password"),
                "password of the credentials secret the CR names (never written to a file)",
                move |p| {
                    sec(p)
                        .and_then(|s| s.$kind)
                        .map(|x| x.credentials.password.clone())
                        .unwrap_or_else(|| crate::profile::secret::SecretRef::Prompt(true))
                },
                move |p, v| {
                    if let Some(x) = sec_mut(p, i).and_then(|s| s.$kind.as_mut()) {
                        x.credentials.password = v;
                    }
                },
            )
            .in_group(group.to_string())
        };
    }
    let s = sec(p).unwrap_or_default();
    let mut v = vec![toggle(
        "JWT security CR",
        "jwt",
        "a Security CR of type JWT (the API operator validates tokens itself)",
    )];
    if s.jwt.is_some() {
        v.extend([
            text!(
                "JWT CR name",
                jwt,
                at("jwt", "name"),
                "JWTSecurityCustomResourceName",
                name
            ),
            text!(
                "JWT issuer",
                jwt,
                at("jwt", "issuer"),
                "the token issuer (API-M's token endpoint)",
                issuer
            ),
            text!(
                "JWT audience",
                jwt,
                at("jwt", "audience"),
                "expected audience of the tokens",
                audience
            ),
            text!(
                "JWT cert secret",
                jwt,
                at("jwt", "certificateSecret"),
                "secret with the token signer's certificate",
                certificate_secret
            ),
        ]);
    }
    v.push(toggle(
        "OAuth security CR",
        "oauth",
        "a Security CR of type Oauth (tokens introspected at API-M)",
    ));
    if s.oauth.is_some() {
        v.extend([
            text!(
                "OAuth CR name",
                oauth,
                at("oauth", "name"),
                "OauthSecurityCustomResourceName",
                name
            ),
            text!(
                "OAuth endpoint",
                oauth,
                at("oauth", "endpoint"),
                "API-M's introspection endpoint",
                endpoint
            ),
            text!(
                "OAuth cert secret",
                oauth,
                at("oauth", "certificateSecret"),
                "secret with API-M's certificate",
                certificate_secret
            ),
            text!(
                "OAuth user",
                oauth,
                at("oauth", "credentials").key("username"),
                "user the operator introspects as",
                credentials.username
            ),
            password!("OAuth password", oauth),
        ]);
    }
    v.push(toggle(
        "Basic security CR",
        "basic",
        "a Security CR of type basic (user name and password)",
    ));
    if s.basic.is_some() {
        v.extend([
            text!(
                "Basic CR name",
                basic,
                at("basic", "name"),
                "BasicSecurityCustomResourceName",
                name
            ),
            text!(
                "Basic user",
                basic,
                at("basic", "credentials").key("username"),
                "user name of the basic credentials",
                credentials.username
            ),
            password!("Basic password", basic),
        ]);
    }
    v
}

/// What the published PrivateJet procedure uses, with this profile's API-M host.
fn default_jwt(host: &str) -> JwtSecurity {
    JwtSecurity {
        name: "securityjwt".into(),
        issuer: format!("https://{host}/oauth2/token"),
        audience: "http://org.wso2.apimgt/gateway".into(),
        certificate_secret: "wso2am-secret".into(),
    }
}

fn default_oauth(host: &str) -> OauthSecurity {
    OauthSecurity {
        name: "securityoauth".into(),
        endpoint: format!("https://{host}/oauth2/introspect"),
        certificate_secret: "wso2am-secret".into(),
        credentials: Credentials::new("admin", "PRIVATEJET_OAUTH_PASSWORD"),
    }
}

fn default_basic() -> BasicSecurity {
    BasicSecurity {
        name: "securitybasic".into(),
        credentials: Credentials::new("admin", "PRIVATEJET_BASIC_PASSWORD"),
    }
}

/// Appends a cluster with defaults and a unique name.
pub fn add_cluster(p: &mut Profile) -> usize {
    let n = p.private_jet.clusters.len() + 1;
    let mut name = format!("cluster-{n}");
    let mut k = n;
    while p.private_jet.clusters.iter().any(|c| c.name == name) {
        k += 1;
        name = format!("cluster-{k}");
    }
    p.private_jet.clusters.push(PjCluster {
        display_name: name.clone(),
        name,
        ..PjCluster::default()
    });
    p.private_jet.clusters.len() - 1
}

pub fn remove_cluster(p: &mut Profile, i: usize) {
    if i < p.private_jet.clusters.len() {
        p.private_jet.clusters.remove(i);
    }
}

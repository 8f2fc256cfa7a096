//! The PrivateJet step's wizard fields, and adding or removing a cluster.

use super::*;

/// The wizard's fields for this step: the merge target, then one group per cluster (the
/// wizard adds and removes clusters with `add_cluster` / `remove_cluster`).
pub fn form(p: &Profile) -> Vec<crate::steps::form::Field> {
    use crate::steps::form::{Field, path};
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
        .with_default(crate::profile::sections::private_jet::API_OPERATOR_CONFIGS),
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
pub(super) fn security_form(p: &Profile, i: usize, group: &str) -> Vec<crate::steps::form::Field> {
    use crate::steps::form::Field;
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
pub(super) fn default_jwt(host: &str) -> JwtSecurity {
    JwtSecurity {
        name: "securityjwt".into(),
        issuer: format!("https://{host}/oauth2/token"),
        audience: "http://org.wso2.apimgt/gateway".into(),
        certificate_secret: "wso2am-secret".into(),
    }
}

pub(super) fn default_oauth(host: &str) -> OauthSecurity {
    OauthSecurity {
        name: "securityoauth".into(),
        endpoint: format!("https://{host}/oauth2/introspect"),
        certificate_secret: "wso2am-secret".into(),
        credentials: Credentials::new("admin", "PRIVATEJET_OAUTH_PASSWORD"),
    }
}

pub(super) fn default_basic() -> BasicSecurity {
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

//! PrivateJet clusters from the objects kmpilot labelled (`app.kubernetes.io/managed-by=kmpilot`):
//! the service account with its entry annotation, the binding, the Security resources and the
//! user names of their credential Secrets (passwords are never read).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Report;
use crate::profile::Profile;
use crate::profile::sections::private_jet::{
    BasicSecurity, JwtSecurity, OauthSecurity, PjCluster, Security,
};

/// One PrivateJet target as found.
#[derive(Debug, Clone, Default)]
pub struct LivePj {
    /// The context it was found through (`--context`, or the current one).
    pub context: Option<String>,
    pub namespace: String,
    pub service_account: String,
    /// `kmpilot.io/private-jet-entry` on the service account.
    pub entry: Option<Value>,
    /// The kmpilot-labelled ClusterRoleBinding whose subject is the account.
    pub binding: Option<(String, String)>, // (binding name, cluster role)
    /// kmpilot-labelled `wso2.com/v1alpha1 Security` objects in the namespace.
    pub securities: Vec<Value>,
    /// Credential Secret name → its `username` (the password is not read).
    pub credential_users: BTreeMap<String, String>,
}

pub fn map(p: &mut Profile, r: &mut Report, found: &[LivePj]) {
    for (i, l) in found.iter().enumerate() {
        let at = format!("privateJet.clusters.{i}");
        let whence = format!("service account {}/{}", l.namespace, l.service_account);
        let mut c = PjCluster {
            namespace: l.namespace.clone(),
            service_account: l.service_account.clone(),
            ..PjCluster::default()
        };
        match &l.entry {
            Some(e) => {
                let s = |k: &str| e.get(k).and_then(Value::as_str).map(str::to_string);
                c.name = s("name").unwrap_or_default();
                c.display_name = s("displayName").unwrap_or_default();
                if let Some(t) = s("type") {
                    c.cluster_type = t;
                }
                if let Some(n) = e.get("replicas").and_then(Value::as_u64) {
                    c.replicas = n as u32;
                }
                c.access_url = s("accessUrl").unwrap_or_default();
                c.install_operator = e.get("installOperator") == Some(&json!(true));
                c.context = s("context");
                c.master_url = s("masterUrl");
                c.operator_mode = s("operatorMode");
                r.mapped(
                    &format!("{at}.name / displayName / type / replicas / accessUrl / context / masterUrl / installOperator / operatorMode"),
                    format!("{whence}: annotation {}", crate::steps::private_jet::ENTRY_ANNOTATION),
                );
            }
            None => {
                c.name = l.context.clone().unwrap_or_else(|| l.namespace.clone());
                c.display_name = c.name.clone();
                c.context = l.context.clone();
                r.unmapped(
                    whence.clone(),
                    format!(
                        "no {} annotation (made by an older kmpilot): the API-M entry's name, display name, replicas and access URL are not on the cluster; name `{}` assumed, accessUrl left empty",
                        crate::steps::private_jet::ENTRY_ANNOTATION,
                        c.name
                    ),
                );
            }
        }
        match &l.binding {
            Some((binding, role)) => {
                c.cluster_role = role.clone();
                if *binding != c.binding() {
                    c.cluster_role_binding = Some(binding.clone());
                }
                r.mapped(
                    &format!("{at}.clusterRole"),
                    format!("ClusterRoleBinding {binding}"),
                );
            }
            None => r.unmapped(
                whence.clone(),
                "no kmpilot ClusterRoleBinding names this account: the cluster role is kmpilot's default",
            ),
        }
        c.security = security(l, r, &at);
        r.mapped(&format!("{at}.namespace / serviceAccount"), whence);
        p.private_jet.clusters.push(c);
    }
}

fn security(l: &LivePj, r: &mut Report, at: &str) -> Option<Security> {
    let mut s = Security::default();
    let cred = |secret: &str| {
        json!({
            "username": l.credential_users.get(secret).cloned().unwrap_or_default(),
            "password": {"prompt": true},
        })
    };
    for cr in &l.securities {
        let name = cr["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let cfg = &cr["spec"]["securityConfig"][0];
        let str_of = |k: &str| cfg[k].as_str().unwrap_or_default().to_string();
        let found = format!("Security {}/{name}", l.namespace);
        match cr["spec"]["type"].as_str() {
            Some("JWT") => {
                s.jwt = Some(JwtSecurity {
                    name,
                    issuer: str_of("issuer"),
                    audience: str_of("audience"),
                    certificate_secret: str_of("certificate"),
                })
            }
            Some("Oauth") => {
                let c = cred(&str_of("credentials"));
                s.oauth = serde_json::from_value::<OauthSecurity>(json!({
                    "name": name, "endpoint": str_of("endpoint"),
                    "certificateSecret": str_of("certificate"), "credentials": c,
                }))
                .ok()
            }
            Some("basic") => {
                let c = cred(&str_of("credentials"));
                s.basic =
                    serde_json::from_value::<BasicSecurity>(json!({"name": name, "credentials": c}))
                        .ok()
            }
            other => {
                r.unmapped(
                    found,
                    format!("security type {other:?} is not one kmpilot creates"),
                );
                continue;
            }
        }
        r.mapped(&format!("{at}.security"), found);
    }
    (s.jwt.is_some() || s.oauth.is_some() || s.basic.is_some()).then_some(s)
}

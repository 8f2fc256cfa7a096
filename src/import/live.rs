//! The impure half of the import: reads the cluster (helm, the Kubernetes API) and the hosts
//! file into [`Live`]. Secret values are masked as they are read, so nothing downstream can
//! print or copy one.

use std::path::{Path, PathBuf};
use std::time::Duration;

use k8s_openapi::api::core::v1::{Secret, ServiceAccount};
use k8s_openapi::api::rbac::v1::ClusterRoleBinding;
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, ListParams};
use serde_json::Value;

use super::private_jet::LivePj;
use super::{HostsBlock, HostsFacts, KeyManagerFacts, Live, LiveRelease};
use crate::exec::bundle::redact::is_secret_key;
use crate::kube::Kube;

const MANAGED: &str = "app.kubernetes.io/managed-by=kmpilot";

pub struct Request<'a> {
    pub kubeconfig: Option<&'a Path>,
    pub context: Option<&'a str>,
    pub namespace: &'a str,
    pub hosts_file: PathBuf,
}

/// Everything the import needs from the cluster. `Err` when the cluster does not answer.
pub async fn read(req: &Request<'_>) -> Result<Live, String> {
    let kube = Kube::connect(req.kubeconfig, req.context)
        .await
        .map_err(|e| format!("cannot reach the cluster: {e}"))?;
    let mut flags = Vec::new();
    if let Some(k) = req.kubeconfig {
        flags.push(format!("--kubeconfig={}", k.display()));
    }
    if let Some(c) = req.context {
        flags.push(format!("--kube-context={c}"));
    }
    let releases = releases(req.namespace, &flags).await?;
    // a user allowed only the namespace still gets its releases imported
    let (private_jet, private_jet_unreadable) = match private_jet(&kube, req.context).await {
        Ok(found) => (found, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    Ok(Live {
        private_jet_unreadable,
        context: req.context.map(str::to_string),
        namespace: req.namespace.to_string(),
        releases,
        hosts: hosts(&req.hosts_file),
        key_manager: KeyManagerFacts::NotRead,
        private_jet,
    })
}

async fn helm(args: &[&str], flags: &[String]) -> Result<String, String> {
    use crate::exec::process::{QueryFailure, helm_query};
    helm_query(args, flags, Duration::from_secs(60))
        .await
        .map_err(|f| match f {
            QueryFailure::Failed(stderr) => format!("helm {}: {stderr}", args.join(" ")),
            QueryFailure::CannotRun(e) => format!("cannot run helm: {e}"),
            QueryFailure::TimedOut => format!("helm {}: timed out after 60 s", args.join(" ")),
        })
}

async fn releases(ns: &str, flags: &[String]) -> Result<Vec<LiveRelease>, String> {
    let mut args = vec!["list", "-n", ns, "-o", "json"];
    args.extend(crate::plan::helm::LIST_ANY_STATE);
    let list = helm(&args, flags).await?;
    let list: Vec<Value> =
        serde_json::from_str(&list).map_err(|e| format!("helm list -o json: {e}"))?;
    let mut out = Vec::new();
    for r in list {
        let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
        let name = s("name");
        let values = helm(&["get", "values", &name, "-n", ns, "-o", "json"], flags).await?;
        let mut values: Value = serde_json::from_str(values.trim())
            .map_err(|e| format!("helm get values {name} -o json: {e}"))?;
        if values.is_null() {
            values = Value::Object(Default::default());
        }
        mask_secrets(&mut values);
        out.push(LiveRelease {
            name,
            chart: s("chart"),
            status: s("status"),
            values,
        });
    }
    Ok(out)
}

/// Replaces every value under a secret-named key (`password`, `keyPassword`, …) with the mask.
/// Under `secretIdentifiers` (the charts' cloud secret stores) the keys name where a secret
/// is kept, not the secret itself, and stay.
/// Values kmpilot itself binds to a profile field (`kubernetes.ingress.tlsSecret` names a
/// Secret) are not secrets whatever their key says.
pub fn mask_secrets(v: &mut Value) {
    mask_at(v, &mut Vec::new());
}

fn mask_at(v: &mut Value, at: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "secretIdentifiers" {
                    continue;
                }
                at.push(k.clone());
                let bound = super::bindings::BINDINGS
                    .iter()
                    .any(|b| b.value.split('.').eq(at.iter().map(String::as_str)));
                if is_secret_key(k) && !bound && !x.is_object() && !x.is_array() {
                    *x = Value::String(super::bindings::SECRET_MASK.into());
                } else {
                    mask_at(x, at);
                }
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter_mut().enumerate() {
                at.push(i.to_string());
                mask_at(x, at);
                at.pop();
            }
        }
        _ => {}
    }
}

/// kmpilot's blocks in the hosts file.
pub fn hosts(file: &Path) -> HostsFacts {
    let mut facts = HostsFacts {
        file: file.to_path_buf(),
        ..HostsFacts::default()
    };
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            facts.unreadable = Some(e.to_string());
            return facts;
        }
    };
    facts.blocks = parse_blocks(&text);
    facts
}

pub fn parse_blocks(text: &str) -> Vec<HostsBlock> {
    let mut blocks = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(profile) = line.trim_end().strip_prefix("# BEGIN kmpilot ") else {
            continue;
        };
        let end = crate::render::hosts::end_marker(profile);
        let mut b = HostsBlock {
            profile: profile.to_string(),
            address: String::new(),
            hostnames: Vec::new(),
        };
        for l in lines.by_ref() {
            if l.trim_end() == end {
                break;
            }
            let mut f = l.split_whitespace();
            if let Some(addr) = f.next().filter(|a| !a.starts_with('#')) {
                b.address = addr.to_string();
                b.hostnames.extend(f.map(str::to_string));
            }
        }
        blocks.push(b);
    }
    blocks
}

/// Service accounts kmpilot created for PrivateJet, in every namespace of the context.
async fn private_jet(kube: &Kube, context: Option<&str>) -> Result<Vec<LivePj>, String> {
    let lp = ListParams::default().labels(MANAGED);
    let sas: Api<ServiceAccount> = Api::all(kube.client());
    let sas = sas
        .list(&lp)
        .await
        .map_err(|e| format!("list service accounts ({MANAGED}): {e}"))?;
    let crbs: Api<ClusterRoleBinding> = Api::all(kube.client());
    let crbs = crbs
        .list(&lp)
        .await
        .map_err(|e| format!("list cluster role bindings ({MANAGED}): {e}"))?;
    let mut out = Vec::new();
    for sa in sas.items {
        let (Some(name), Some(ns)) = (sa.metadata.name.clone(), sa.metadata.namespace.clone())
        else {
            continue;
        };
        let entry = sa
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(crate::steps::private_jet::ENTRY_ANNOTATION))
            .and_then(|s| serde_json::from_str::<Value>(s).ok());
        let binding = crbs.items.iter().find_map(|b| {
            b.subjects
                .iter()
                .flatten()
                .any(|s| {
                    s.kind == "ServiceAccount"
                        && s.name == name
                        && s.namespace.as_deref() == Some(&ns)
                })
                .then(|| {
                    (
                        b.metadata.name.clone().unwrap_or_default(),
                        b.role_ref.name.clone(),
                    )
                })
        });
        if entry.is_none() && binding.is_none() {
            continue; // a kmpilot account, but not a PrivateJet one
        }
        let securities = securities(kube, &ns).await;
        let mut credential_users = std::collections::BTreeMap::new();
        let secrets: Api<Secret> = Api::namespaced(kube.client(), &ns);
        for cr in &securities {
            if let Some(s) = cr["spec"]["securityConfig"][0]["credentials"].as_str()
                && let Ok(Some(sec)) = secrets.get_opt(s).await
                && let Some(u) = sec.data.as_ref().and_then(|d| d.get("username"))
            {
                // only the user name; the password stays where it is
                credential_users.insert(s.to_string(), String::from_utf8_lossy(&u.0).into_owned());
            }
        }
        out.push(LivePj {
            context: context.map(str::to_string),
            namespace: ns,
            service_account: name,
            entry,
            binding,
            securities,
            credential_users,
        });
    }
    Ok(out)
}

/// kmpilot's Security objects in `ns`; none when the API is not served.
async fn securities(kube: &Kube, ns: &str) -> Vec<Value> {
    let gvk = GroupVersionKind::gvk("wso2.com", "v1alpha1", "Security");
    let ar = ApiResource::from_gvk_with_plural(&gvk, "securities");
    let api: Api<DynamicObject> = Api::namespaced_with(kube.client(), ns, &ar);
    match api.list(&ListParams::default().labels(MANAGED)).await {
        Ok(l) => l
            .items
            .into_iter()
            .filter_map(|o| serde_json::to_value(o).ok())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// How to reach API-M's Admin REST API for the imported profile: `admin_url` or the
/// management hostname; `ca_file` or the certificate of the ingresses' TLS Secret (written to
/// `work`: a certificate, not a secret); the admin password from kmpilot's credentials Secret
/// (`existingSecret`), else `APIM_ADMIN_PASSWORD`.
pub async fn admin_api(
    req: &Request<'_>,
    p: &crate::profile::Profile,
    admin_url: Option<&str>,
    ca_file: Option<&Path>,
    work: &Path,
) -> Result<super::key_manager::AdminApi, String> {
    let kube = Kube::connect(req.kubeconfig, req.context)
        .await
        .map_err(|e| format!("cannot reach the cluster: {e}"))?;
    let secrets: Api<Secret> = Api::namespaced(kube.client(), req.namespace);
    let key = |name: String, key: &'static str| {
        let secrets = secrets.clone();
        async move {
            secrets
                .get_opt(&name)
                .await
                .ok()
                .flatten()
                .and_then(|s| s.data)
                .and_then(|d| d.get(key).map(|b| b.0.clone()))
        }
    };
    let password = match key(p.api_manager.credentials_secret(), "admin-password").await {
        Some(b) => String::from_utf8_lossy(&b).into_owned(),
        None => std::env::var("APIM_ADMIN_PASSWORD").map_err(|_| {
            format!(
                "no admin password: Secret {}/{} has none and APIM_ADMIN_PASSWORD is not set",
                req.namespace,
                p.api_manager.credentials_secret()
            )
        })?,
    };
    let ca_file = match ca_file {
        Some(f) => Some(f.to_path_buf()),
        None => {
            let name = p.tls_secret().to_string();
            match key(name, "tls.crt").await {
                Some(pem) => {
                    let f = work.join("apim-ingress.crt");
                    std::fs::write(&f, pem).map_err(|e| format!("{}: {e}", f.display()))?;
                    Some(f)
                }
                None => None,
            }
        }
    };
    Ok(super::key_manager::AdminApi {
        base: admin_url
            .map(str::to_string)
            .unwrap_or_else(|| format!("https://{}", p.api_manager.hostnames.management)),
        ca_file,
        username: p.api_manager.admin.username.clone(),
        password,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_leaves_are_masked_as_read() {
        let mut v = serde_json::json!({"deploymentToml": {"superAdmin": {"username": "admin", "password": "hunter22"},
            "keystore": {"primary": {"keyPassword": "k3y", "fileName": "primary.p12"}}}});
        mask_secrets(&mut v);
        let s = v.to_string();
        assert!(!s.contains("hunter22") && !s.contains("k3y"), "{s}");
        assert!(s.contains("primary.p12") && s.contains("admin"));
    }

    #[test]
    fn hosts_blocks_are_read_with_their_profile_and_names() {
        let b = parse_blocks(
            "127.0.0.1 localhost\n# BEGIN kmpilot qs\n10.0.0.5 am.x gw.x is.x\n# END kmpilot qs\n",
        );
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].profile, "qs");
        assert_eq!(b[0].address, "10.0.0.5");
        assert_eq!(b[0].hostnames, ["am.x", "gw.x", "is.x"]);
    }
}

//! `Kube`: a kube-rs client for one kubeconfig context, plus the facts about that context the
//! plan needs (master URL for PrivateJet) and a small discovery cache for server-side apply.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ::kube::config::{AuthInfo, KubeConfigOptions, Kubeconfig};
use ::kube::discovery::{ApiCapabilities, ApiResource};
use ::kube::{Client, Config, core::GroupVersionKind};

use super::error::{KubeError, Result};

/// A client for one context of one kubeconfig. Cheap to clone (the discovery cache is shared).
#[derive(Clone)]
pub struct Kube {
    client: Client,
    /// Kept to derive clients for the same cluster with other credentials (a service-account
    /// token); includes the CA and TLS settings of the context.
    config: Arc<Config>,
    context: String,
    source_desc: String,
    master_url: String,
    pub(crate) discovery: Arc<Mutex<HashMap<GroupVersionKind, (ApiResource, ApiCapabilities)>>>,
}

impl std::fmt::Debug for Kube {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kube")
            .field("context", &self.context)
            .field("kubeconfig", &self.source_desc)
            .field("master_url", &self.master_url)
            .finish_non_exhaustive()
    }
}

/// Where the kubeconfig came from, for messages: kubectl's rules (an explicit file, else every
/// file in `$KUBECONFIG` merged, else `~/.kube/config`).
fn read_kubeconfig(path: Option<&Path>) -> Result<(Kubeconfig, String)> {
    let (desc, read) = match path {
        Some(p) => (p.display().to_string(), Kubeconfig::read_from(p)),
        None => match std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
            Some(v) => (
                format!("$KUBECONFIG ({})", v.to_string_lossy()),
                Kubeconfig::read(),
            ),
            None => {
                let default = std::env::var_os("HOME")
                    .map(|h| PathBuf::from(h).join(".kube").join("config"))
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "~/.kube/config".to_string());
                (default, Kubeconfig::read())
            }
        },
    };
    match read {
        Ok(k) => Ok((k, desc)),
        Err(e) => Err(KubeError::Config {
            source_desc: desc,
            context: None,
            message: error_chain(&e),
        }),
    }
}

/// The one rustls crypto provider, ring, for kube and reqwest alike (reqwest is built with
/// `rustls-no-provider`, so it uses the process default; without one its client builder
/// panics). Idempotent: the first install wins; a provider someone else installed is fine too.
pub fn ensure_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let c_s = c.to_string();
        if !s.contains(&c_s) {
            s.push_str(": ");
            s.push_str(&c_s);
        }
        cur = c.source();
    }
    s
}

/// One context of a kubeconfig, as a picker lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextInfo {
    pub name: String,
    pub cluster: String,
    /// The cluster's `server` URL, empty when the cluster entry is missing.
    pub server: String,
    pub namespace: Option<String>,
}

/// The contexts of a kubeconfig (kubectl's file rules), which one is current, and where they
/// came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeContexts {
    pub source: String,
    pub current: Option<String>,
    pub contexts: Vec<ContextInfo>,
}

/// Reads the kubeconfig (no server contact): what `kubectl config get-contexts` lists.
pub fn list_contexts(kubeconfig: Option<&Path>) -> Result<KubeContexts> {
    let (kc, source) = read_kubeconfig(kubeconfig)?;
    let server_of = |cluster: &str| {
        kc.clusters
            .iter()
            .find(|c| c.name == cluster)
            .and_then(|c| c.cluster.as_ref())
            .and_then(|c| c.server.clone())
            .unwrap_or_default()
    };
    let contexts = kc
        .contexts
        .iter()
        .map(|c| {
            let cluster = c
                .context
                .as_ref()
                .map(|x| x.cluster.clone())
                .unwrap_or_default();
            ContextInfo {
                name: c.name.clone(),
                server: server_of(&cluster),
                cluster,
                namespace: c.context.as_ref().and_then(|x| x.namespace.clone()),
            }
        })
        .collect();
    Ok(KubeContexts {
        source,
        current: kc.current_context.clone().filter(|c| !c.is_empty()),
        contexts,
    })
}

impl Kube {
    /// Builds a client for `context` (the kubeconfig's current context when `None`) of the
    /// kubeconfig at `kubeconfig` (kubectl's `$KUBECONFIG` / `~/.kube/config` rules when
    /// `None`). Does not contact the server; `server_version` does.
    pub async fn connect(kubeconfig: Option<&Path>, context: Option<&str>) -> Result<Kube> {
        let (kc, source_desc) = read_kubeconfig(kubeconfig)?;
        Self::from_kubeconfig(kc, source_desc, context).await
    }

    /// As `connect`, from an already parsed kubeconfig; `source_desc` names it in errors.
    pub async fn from_kubeconfig(
        kc: Kubeconfig,
        source_desc: String,
        context: Option<&str>,
    ) -> Result<Kube> {
        ensure_crypto_provider();
        let config_err = |ctx: Option<String>, message: String| KubeError::Config {
            source_desc: source_desc.clone(),
            context: ctx,
            message,
        };
        let context_name = match context {
            Some(c) => c.to_string(),
            None => kc.current_context.clone().ok_or_else(|| {
                config_err(
                    None,
                    "no current-context set and no context given (use --context)".into(),
                )
            })?,
        };
        let ctx_err = |message: String| config_err(Some(context_name.clone()), message);
        let named = kc
            .contexts
            .iter()
            .find(|c| c.name == context_name)
            .ok_or_else(|| {
                let known: Vec<&str> = kc.contexts.iter().map(|c| c.name.as_str()).collect();
                ctx_err(format!(
                    "no such context; the file has: {}",
                    if known.is_empty() {
                        "(none)".to_string()
                    } else {
                        known.join(", ")
                    }
                ))
            })?;
        let cluster_name = named
            .context
            .as_ref()
            .map(|c| c.cluster.clone())
            .ok_or_else(|| ctx_err("the context has no cluster".into()))?;
        let master_url = kc
            .clusters
            .iter()
            .find(|c| c.name == cluster_name)
            .and_then(|c| c.cluster.as_ref())
            .and_then(|c| c.server.clone())
            .ok_or_else(|| {
                ctx_err(format!(
                    "cluster {cluster_name:?} is missing or has no server URL"
                ))
            })?;
        let options = KubeConfigOptions {
            context: Some(context_name.clone()),
            ..Default::default()
        };
        let config = Config::from_custom_kubeconfig(kc, &options)
            .await
            .map_err(|e| ctx_err(error_chain(&e)))?;
        let client = Client::try_from(config.clone())
            .map_err(|e| ctx_err(format!("cannot build a client: {}", error_chain(&e))))?;
        Ok(Kube {
            client,
            config: Arc::new(config),
            context: context_name,
            source_desc,
            master_url,
            discovery: Arc::default(),
        })
    }

    /// The underlying kube-rs client (for watchers and typed `Api`s).
    pub fn client(&self) -> Client {
        self.client.clone()
    }

    /// The context this client talks to.
    pub fn context(&self) -> &str {
        &self.context
    }

    /// Which kubeconfig file(s) it came from, for messages.
    pub fn kubeconfig_source(&self) -> &str {
        &self.source_desc
    }

    /// The context's cluster `server` URL exactly as the kubeconfig writes it — the master URL
    /// API-M's PrivateJet configuration needs.
    pub fn master_url(&self) -> &str {
        &self.master_url
    }

    /// The context's default namespace (`default` unless the context sets one).
    pub fn default_namespace(&self) -> &str {
        self.client.default_namespace()
    }

    /// `gitVersion` of the API server (`v1.33.1`); the reachability check.
    pub async fn server_version(&self) -> Result<String> {
        self.client
            .apiserver_version()
            .await
            .map(|info| info.git_version)
            .map_err(|e| {
                KubeError::api(
                    format!(
                        "API server {} of context {:?} (kubeconfig {})",
                        self.master_url, self.context, self.source_desc
                    ),
                    e,
                )
            })
    }

    /// A client for the same cluster (URL, CA, TLS settings) that authenticates with `token`
    /// instead of the context's credentials — e.g. to check that a PrivateJet service-account
    /// token works before handing it to API-M.
    pub fn with_bearer_token(&self, token: &str) -> Result<Kube> {
        ensure_crypto_provider();
        let mut config = (*self.config).clone();
        // AuthInfo's token is a SecretString; going through serde avoids depending on the
        // `secrecy` crate just to build one.
        config.auth_info = serde_json::from_value::<AuthInfo>(serde_json::json!({"token": token}))
            .map_err(|e| KubeError::Invalid(format!("bearer token: {e}")))?;
        let client = Client::try_from(config.clone()).map_err(|e| KubeError::Config {
            source_desc: self.source_desc.clone(),
            context: Some(self.context.clone()),
            message: format!("cannot build a token client: {}", error_chain(&e)),
        })?;
        Ok(Kube {
            client,
            config: Arc::new(config),
            context: format!("{} (bearer token)", self.context),
            source_desc: self.source_desc.clone(),
            master_url: self.master_url.clone(),
            discovery: Arc::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_CONTEXTS: &str = r#"
apiVersion: v1
kind: Config
current-context: a
clusters:
- name: ca
  cluster: { server: "https://10.0.0.1:6443" }
- name: cb
  cluster: { server: "https://api.b.example:443/" }
contexts:
- name: a
  context: { cluster: ca, user: u }
- name: b
  context: { cluster: cb, user: u, namespace: team-b }
users:
- name: u
  user: { token: abc }
"#;

    #[test]
    fn lists_contexts_with_their_servers_and_the_current_one() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("config");
        std::fs::write(&f, TWO_CONTEXTS).unwrap();
        let l = list_contexts(Some(&f)).unwrap();
        assert_eq!(l.current.as_deref(), Some("a"));
        assert_eq!(l.source, f.display().to_string());
        let names: Vec<_> = l.contexts.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(l.contexts[1].server, "https://api.b.example:443/");
        assert_eq!(l.contexts[1].namespace.as_deref(), Some("team-b"));
        let missing = list_contexts(Some(&dir.path().join("nope"))).unwrap_err();
        assert!(missing.to_string().contains("nope"), "{missing}");
    }

    async fn connect(context: Option<&str>) -> Result<Kube> {
        let kc = Kubeconfig::from_yaml(TWO_CONTEXTS).unwrap();
        Kube::from_kubeconfig(kc, "test.yaml".into(), context).await
    }

    #[tokio::test]
    async fn current_context_by_default_and_named_context_on_request() {
        let a = connect(None).await.unwrap();
        assert_eq!(a.context(), "a");
        assert_eq!(a.master_url(), "https://10.0.0.1:6443");
        assert_eq!(a.default_namespace(), "default");
        let b = connect(Some("b")).await.unwrap();
        // kept verbatim: API-M gets exactly what the kubeconfig says
        assert_eq!(b.master_url(), "https://api.b.example:443/");
        assert_eq!(b.default_namespace(), "team-b");
    }

    #[tokio::test]
    async fn unknown_context_lists_the_known_ones() {
        let e = connect(Some("nope")).await.unwrap_err().to_string();
        assert_eq!(
            e,
            "kubeconfig test.yaml (context \"nope\"): no such context; the file has: a, b"
        );
    }

    #[tokio::test]
    async fn missing_file_is_named() {
        let e = Kube::connect(Some(Path::new("/nonexistent/kubeconfig")), None)
            .await
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("kubeconfig /nonexistent/kubeconfig: "), "{e}");
        assert!(e.contains("No such file"), "{e}");
    }
}

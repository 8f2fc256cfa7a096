//! Waiting for cluster conditions the plan needs: a deployment rolled out, an ingress address,
//! a key in a secret, restarted pods. Each wait watches (a list + watch, so a change is seen at
//! once and an API-server restart is ridden out), is bounded by a timeout, and on timeout says
//! what it waited for and what it saw last. RBAC (403) and unknown-resource (404) errors end a
//! wait at once: no amount of waiting fixes them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::time::Duration;

use ::kube::api::{Api, DeleteParams, ListParams};
use ::kube::runtime::watcher::{self, Event, watcher};
use ::kube::{Resource, ResourceExt};
use futures::StreamExt;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Namespace, Pod, Secret};
use k8s_openapi::api::networking::v1::{Ingress, IngressClass};
use k8s_openapi::api::storage::v1::CSIDriver;
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use super::backoff::Backoff;
use super::client::Kube;
use super::error::{KubeError, Result, describe_kube_error, status_code};
use super::retry::retry_transient;
use super::rows::{ingress_addresses, ingress_serves};

type Key = (String, String);

/// One evaluation of a wait's condition against the objects seen so far.
pub(crate) enum Check<T> {
    Done(T),
    /// Not yet; the text is what the wait reports as "last seen" if it times out.
    NotYet(String),
    /// It will not happen (a rollout past its progress deadline).
    Failed(String),
}

fn key_of<K: Resource>(o: &K) -> Key {
    (
        o.meta().namespace.clone().unwrap_or_default(),
        o.meta().name.clone().unwrap_or_default(),
    )
}

fn watcher_status(e: &watcher::Error) -> Option<u16> {
    match e {
        watcher::Error::InitialListFailed(k)
        | watcher::Error::WatchStartFailed(k)
        | watcher::Error::WatchFailed(k) => status_code(k),
        watcher::Error::WatchError(s) => Some(s.code),
        watcher::Error::NoResourceVersion => None,
    }
}

/// A short, human reason for a watch error (the pane header, a wait's "last seen").
pub(crate) fn describe_watcher_error(e: &watcher::Error) -> String {
    match e {
        watcher::Error::InitialListFailed(k) => format!("list failed: {}", describe_kube_error(k)),
        watcher::Error::WatchStartFailed(k) => {
            format!("watch failed to start: {}", describe_kube_error(k))
        }
        watcher::Error::WatchFailed(k) => format!("watch broke: {}", describe_kube_error(k)),
        watcher::Error::WatchError(s) if s.code == 410 => {
            "resource version expired; re-listing".to_string()
        }
        watcher::Error::WatchError(s) => format!("watch error: {} (HTTP {})", s.message, s.code),
        watcher::Error::NoResourceVersion => "list returned no resourceVersion".to_string(),
    }
}

impl Kube {
    /// Watches `api` (narrowed by `config`) and evaluates `check` on the complete set of
    /// matching objects after the first list and after every change, until it is `Done`,
    /// `Failed`, or `timeout` passes.
    pub(crate) async fn wait_on_list<K, T>(
        &self,
        api: Api<K>,
        config: watcher::Config,
        what: &str,
        timeout: Duration,
        mut check: impl FnMut(&BTreeMap<Key, K>) -> Check<T>,
    ) -> Result<T>
    where
        K: Resource + Clone + DeserializeOwned + Debug + Send + 'static,
    {
        let deadline = Instant::now() + timeout;
        let mut last_seen = "no complete list from the API server yet".to_string();
        let mut last_error: Option<String> = None;
        let outcome = tokio::time::timeout_at(deadline, async {
            let mut stream = watcher(api, config).boxed();
            let mut store: BTreeMap<Key, K> = BTreeMap::new();
            let mut pending: Option<BTreeMap<Key, K>> = None;
            let mut synced = false;
            let mut backoff = Backoff::for_watches();
            while let Some(event) = stream.next().await {
                let changed = match event {
                    Ok(Event::Init) => {
                        pending = Some(BTreeMap::new());
                        false
                    }
                    Ok(Event::InitApply(o)) => {
                        pending.get_or_insert_default().insert(key_of(&o), o);
                        false
                    }
                    Ok(Event::InitDone) => {
                        store = pending.take().unwrap_or_default();
                        synced = true;
                        true
                    }
                    Ok(Event::Apply(o)) => {
                        store.insert(key_of(&o), o);
                        true
                    }
                    Ok(Event::Delete(o)) => {
                        store.remove(&key_of(&o));
                        true
                    }
                    Err(e) => {
                        let code = watcher_status(&e);
                        let reason = describe_watcher_error(&e);
                        if matches!(code, Some(403) | Some(404) | Some(401)) {
                            return Err(KubeError::Invalid(format!(
                                "cannot wait for {what}: {reason}"
                            )));
                        }
                        tracing::debug!(%what, %reason, "wait: watch error, retrying");
                        last_error = Some(reason);
                        // the watcher retries on the next poll; not polling is the back-off
                        tokio::time::sleep(backoff.next_delay()).await;
                        continue;
                    }
                };
                if changed {
                    last_error = None;
                    backoff.reset();
                }
                if changed && synced {
                    match check(&store) {
                        Check::Done(t) => return Ok(t),
                        Check::NotYet(seen) => last_seen = seen,
                        Check::Failed(why) => {
                            return Err(KubeError::Invalid(format!("{what}: {why}")));
                        }
                    }
                }
            }
            Err(KubeError::Invalid(format!(
                "watch for {what} ended unexpectedly"
            )))
        })
        .await;
        match outcome {
            Ok(r) => r,
            Err(_elapsed) => Err(KubeError::Timeout {
                what: what.to_string(),
                waited: timeout,
                last_seen: match last_error {
                    Some(err) => format!("{last_seen}; then the API server failed: {err}"),
                    None => last_seen,
                },
            }),
        }
    }

    /// Waits until the deployment has rolled out like `kubectl rollout status` means it: the
    /// controller saw the latest spec, every replica is updated and available, no old ones
    /// are left. Fails early when the rollout exceeded its progress deadline.
    pub async fn deployment_available(
        &self,
        namespace: &str,
        name: &str,
        timeout: Duration,
    ) -> Result<()> {
        let api: Api<Deployment> = Api::namespaced(self.client(), namespace);
        let config = watcher::Config::default().fields(&format!("metadata.name={name}"));
        let what = format!("deployment {namespace}/{name} to be available");
        let key = (namespace.to_string(), name.to_string());
        self.wait_on_list(api, config, &what, timeout, |store| match store.get(&key) {
            None => Check::NotYet("the deployment does not exist".into()),
            Some(d) => rollout_check(d),
        })
        .await
    }

    /// The load-balancer address (IP, else hostname) of an ingress in `namespace` whose rules
    /// serve `host`; `None` when no such ingress has one yet.
    pub async fn ingress_address(&self, namespace: &str, host: &str) -> Result<Option<String>> {
        let api: Api<Ingress> = Api::namespaced(self.client(), namespace);
        let what = format!("list ingresses in {namespace}");
        let lp = ListParams::default();
        let list = retry_transient(&what, || api.list(&lp))
            .await
            .map_err(|e| KubeError::api(what.clone(), e))?;
        Ok(list
            .items
            .iter()
            .filter(|i| ingress_serves(i, host))
            .find_map(|i| ingress_addresses(i).into_iter().next()))
    }

    /// Waits until an ingress in `namespace` serving `host` has a load-balancer address.
    pub async fn wait_ingress_address(
        &self,
        namespace: &str,
        host: &str,
        timeout: Duration,
    ) -> Result<String> {
        let api: Api<Ingress> = Api::namespaced(self.client(), namespace);
        let what = format!("an address on the ingress for {host} in {namespace}");
        self.wait_on_list(api, watcher::Config::default(), &what, timeout, |store| {
            let serving: Vec<&Ingress> =
                store.values().filter(|i| ingress_serves(i, host)).collect();
            if let Some(addr) = serving
                .iter()
                .find_map(|i| ingress_addresses(i).into_iter().next())
            {
                return Check::Done(addr);
            }
            if serving.is_empty() {
                Check::NotYet(format!(
                    "no ingress in {namespace} has a rule for {host} ({} ingresses)",
                    store.len()
                ))
            } else {
                let names: Vec<String> = serving.iter().map(|i| i.name_any()).collect();
                Check::NotYet(format!(
                    "ingress {} serves {host} but has no load-balancer address yet \
                     (is the ingress controller running?)",
                    names.join(", ")
                ))
            }
        })
        .await
    }

    /// The address an ingress serving `host` has right now, if any (one list, no wait).
    pub async fn ingress_address_now(&self, namespace: &str, host: &str) -> Result<Option<String>> {
        let api: Api<Ingress> = Api::namespaced(self.client(), namespace);
        let lp = ListParams::default();
        let list = retry_transient("list ingresses", || api.list(&lp))
            .await
            .map_err(|e| KubeError::api("list ingresses", e))?;
        Ok(list
            .items
            .iter()
            .filter(|i| ingress_serves(i, host))
            .find_map(|i| ingress_addresses(i).into_iter().next()))
    }

    /// Waits until secret `name` has a non-empty `key` and returns its value — e.g. the token
    /// the token controller writes into a `kubernetes.io/service-account-token` secret. Values
    /// never appear in messages; only key names do.
    pub async fn wait_secret_key(
        &self,
        namespace: &str,
        name: &str,
        key: &str,
        timeout: Duration,
    ) -> Result<Vec<u8>> {
        let api: Api<Secret> = Api::namespaced(self.client(), namespace);
        let config = watcher::Config::default().fields(&format!("metadata.name={name}"));
        let what = format!("key {key:?} in secret {namespace}/{name}");
        let k = (namespace.to_string(), name.to_string());
        self.wait_on_list(api, config, &what, timeout, |store| {
            let Some(secret) = store.get(&k) else {
                return Check::NotYet("the secret does not exist".into());
            };
            let data = secret.data.as_ref();
            match data.and_then(|d| d.get(key)) {
                Some(v) if !v.0.is_empty() => Check::Done(v.0.clone()),
                _ => {
                    let keys: Vec<&str> = data
                        .map(|d| d.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    Check::NotYet(format!(
                        "the secret exists with keys [{}] (type {})",
                        keys.join(", "),
                        secret.type_.as_deref().unwrap_or("Opaque")
                    ))
                }
            }
        })
        .await
    }

    /// Deletes the pods in `namespace` whose names start with `name_prefix` and waits until as
    /// many replacements (other UIDs, not terminating) are Ready. Refuses to delete pods no
    /// controller would recreate, and errors when no pod matches.
    pub async fn restart_pods(
        &self,
        namespace: &str,
        name_prefix: &str,
        timeout: Duration,
    ) -> Result<RestartedPods> {
        let api: Api<Pod> = Api::namespaced(self.client(), namespace);
        let what = format!("list pods in {namespace}");
        let lp = ListParams::default();
        let old: Vec<Pod> = retry_transient(&what, || api.list(&lp))
            .await
            .map_err(|e| KubeError::api(what.clone(), e))?
            .items
            .into_iter()
            .filter(|p| p.name_any().starts_with(name_prefix))
            .collect();
        if old.is_empty() {
            return Err(KubeError::Invalid(format!(
                "no pods named {name_prefix}* in namespace {namespace} to restart"
            )));
        }
        let bare: Vec<String> = old
            .iter()
            .filter(|p| p.owner_references().is_empty())
            .map(|p| p.name_any())
            .collect();
        if !bare.is_empty() {
            return Err(KubeError::Invalid(format!(
                "pods {} in {namespace} have no controller; deleting them would not bring them back",
                bare.join(", ")
            )));
        }
        let old_uids: BTreeSet<String> = old.iter().filter_map(|p| p.uid()).collect();
        let deleted: Vec<String> = old.iter().map(|p| p.name_any()).collect();
        for name in &deleted {
            let dp = DeleteParams::default();
            match retry_transient(name, || api.delete(name, &dp)).await {
                Ok(_) => {}
                Err(e) if status_code(&e) == Some(404) => {}
                Err(e) => {
                    return Err(KubeError::api(format!("delete pod {namespace}/{name}"), e));
                }
            }
        }
        let want = old.len();
        let what = format!("{want} replacement pod(s) {name_prefix}* in {namespace} to be Ready");
        let replacements = self
            .wait_on_list(api, watcher::Config::default(), &what, timeout, |store| {
                let new: Vec<&Pod> = store
                    .values()
                    .filter(|p| p.name_any().starts_with(name_prefix))
                    .filter(|p| p.uid().is_some_and(|u| !old_uids.contains(&u)))
                    .filter(|p| p.metadata.deletion_timestamp.is_none())
                    .collect();
                let ready: Vec<String> = new
                    .iter()
                    .filter(|p| pod_ready(p))
                    .map(|p| p.name_any())
                    .collect();
                if ready.len() >= want {
                    Check::Done(ready)
                } else {
                    Check::NotYet(format!(
                        "{} new pod(s), {} Ready: {}",
                        new.len(),
                        ready.len(),
                        new.iter()
                            .map(|p| format!("{} {}", p.name_any(), super::rows::pod_status(p)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                }
            })
            .await?;
        Ok(RestartedPods {
            deleted,
            replacements,
        })
    }

    /// Whether an IngressClass of this name exists (the NGINX controller is installed).
    pub async fn ingress_class_exists(&self, name: &str) -> Result<bool> {
        exists::<IngressClass>(
            Api::all(self.client()),
            &format!("IngressClass {name}"),
            name,
        )
        .await
    }

    /// Whether the cluster has any IngressClass at all: without one no controller will ever
    /// give an ingress an address, and a wait for one can stop at once.
    pub async fn any_ingress_class(&self) -> Result<bool> {
        let api: Api<IngressClass> = Api::all(self.client());
        let lp = ListParams::default().limit(1);
        let list = retry_transient("list ingress classes", || api.list(&lp))
            .await
            .map_err(|e| KubeError::api("list ingress classes", e))?;
        Ok(!list.items.is_empty())
    }

    /// Whether a CSIDriver of this name exists (`secrets-store.csi.k8s.io`).
    pub async fn csi_driver_exists(&self, name: &str) -> Result<bool> {
        exists::<CSIDriver>(Api::all(self.client()), &format!("CSIDriver {name}"), name).await
    }

    pub async fn namespace_exists(&self, name: &str) -> Result<bool> {
        exists::<Namespace>(Api::all(self.client()), &format!("Namespace {name}"), name).await
    }
}

async fn exists<K>(api: Api<K>, what: &str, name: &str) -> Result<bool>
where
    K: Resource + Clone + DeserializeOwned + Debug,
{
    retry_transient(what, || api.get_opt(name))
        .await
        .map(|o| o.is_some())
        .map_err(|e| KubeError::api(format!("look up {what}"), e))
}

/// What `restart_pods` did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RestartedPods {
    pub deleted: Vec<String>,
    pub replacements: Vec<String>,
}

pub(crate) fn pod_ready(p: &Pod) -> bool {
    p.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// `kubectl rollout status` for one deployment.
pub(crate) fn rollout_check(d: &Deployment) -> Check<()> {
    let want = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let generation = d.metadata.generation.unwrap_or(0);
    let Some(status) = d.status.as_ref() else {
        return Check::NotYet("the deployment has no status yet".into());
    };
    let conditions = status.conditions.as_deref().unwrap_or(&[]);
    if conditions.iter().any(|c| {
        c.type_ == "Progressing" && c.reason.as_deref() == Some("ProgressDeadlineExceeded")
    }) {
        return Check::Failed("the rollout exceeded its progress deadline".into());
    }
    let observed = status.observed_generation.unwrap_or(0);
    if observed < generation {
        return Check::NotYet(format!(
            "the controller has not seen generation {generation} yet (observed {observed})"
        ));
    }
    let updated = status.updated_replicas.unwrap_or(0);
    let total = status.replicas.unwrap_or(0);
    let available = status.available_replicas.unwrap_or(0);
    let available_cond = conditions
        .iter()
        .find(|c| c.type_ == "Available")
        .map(|c| {
            format!(
                "Available={}{}",
                c.status,
                c.reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            )
        })
        .unwrap_or_else(|| "no Available condition".into());
    let summary =
        format!("{updated}/{want} updated, {available} available, {total} total; {available_cond}");
    if updated < want || total > updated || available < updated {
        return Check::NotYet(summary);
    }
    Check::Done(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deploy(v: serde_json::Value) -> Deployment {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn rollout_states() {
        let done = deploy(json!({"metadata": {"name": "d", "generation": 2},
            "spec": {"replicas": 2, "selector": {}, "template": {}},
            "status": {"observedGeneration": 2, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 2}}));
        assert!(matches!(rollout_check(&done), Check::Done(())));
        let stale = deploy(json!({"metadata": {"name": "d", "generation": 3},
            "spec": {"replicas": 2, "selector": {}, "template": {}},
            "status": {"observedGeneration": 2, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 2}}));
        assert!(matches!(rollout_check(&stale), Check::NotYet(s) if s.contains("generation 3")));
        let rolling = deploy(json!({"metadata": {"name": "d", "generation": 2},
            "spec": {"replicas": 2, "selector": {}, "template": {}},
            "status": {"observedGeneration": 2, "replicas": 3, "updatedReplicas": 2, "availableReplicas": 2,
                       "conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"}]}}));
        assert!(matches!(rollout_check(&rolling), Check::NotYet(s)
            if s == "2/2 updated, 2 available, 3 total; Available=True (MinimumReplicasAvailable)"));
        let stuck = deploy(json!({"metadata": {"name": "d", "generation": 2},
            "spec": {"replicas": 2, "selector": {}, "template": {}},
            "status": {"conditions": [{"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}]}}));
        assert!(matches!(rollout_check(&stuck), Check::Failed(_)));
    }
}

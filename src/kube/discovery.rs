//! Resolving `apiVersion` + `kind` to a REST resource, for objects that arrive as JSON (so
//! custom resources — Istio, cert-manager, wso2.com — work without compiled-in types).

use std::time::{Duration, Instant};

use ::kube::api::{Api, ListParams};
use ::kube::core::GroupVersionKind;
use ::kube::discovery::{self, ApiCapabilities, ApiResource};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;

use super::client::Kube;
use super::error::{KubeError, Result};
use super::retry::retry_transient;

/// A CRD applied a moment ago takes a second or two to be served; a kind a CRD defines but
/// that is still not served after this long is reported as not installed.
const NEW_KIND_GRACE: Duration = Duration::from_secs(10);

pub(crate) fn gvk_of(api_version: &str, kind: &str) -> GroupVersionKind {
    match api_version.split_once('/') {
        Some((group, version)) => GroupVersionKind::gvk(group, version, kind),
        None => GroupVersionKind::gvk("", api_version, kind),
    }
}

fn is_missing_kind(e: &::kube::Error) -> bool {
    matches!(e, ::kube::Error::Discovery(_)) || matches!(e, ::kube::Error::Api(s) if s.code == 404)
}

impl Kube {
    /// The resource behind `apiVersion`/`kind`, and whether it is namespaced. Successful
    /// look-ups are cached for the life of the client (shared by its clones). A miss is retried
    /// for a few seconds only when a CRD defines the kind (applied just before, not served yet).
    pub async fn resolve_kind(
        &self,
        api_version: &str,
        kind: &str,
    ) -> Result<(ApiResource, ApiCapabilities)> {
        let gvk = gvk_of(api_version, kind);
        if let Some(hit) = self.discovery.lock().expect("discovery cache").get(&gvk) {
            return Ok(hit.clone());
        }
        let started = Instant::now();
        let mut delay = Duration::from_millis(200);
        loop {
            let client = self.client();
            let found = retry_transient(kind, || discovery::pinned_kind(&client, &gvk)).await;
            match found {
                Ok(found) => {
                    self.discovery
                        .lock()
                        .expect("discovery cache")
                        .insert(gvk, found.clone());
                    return Ok(found);
                }
                Err(e)
                    if is_missing_kind(&e)
                        && started.elapsed() < NEW_KIND_GRACE
                        && self.crd_may_serve(&gvk).await =>
                {
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(2));
                }
                Err(e) if is_missing_kind(&e) => {
                    return Err(KubeError::Invalid(format!(
                        "the cluster (context {:?}) does not serve {kind} in {api_version}; \
                         is its CRD or API installed?",
                        self.context()
                    )));
                }
                Err(e) => {
                    return Err(KubeError::api(
                        format!("discover {kind} in {api_version}"),
                        e,
                    ));
                }
            }
        }
    }

    /// Whether waiting can help: a CRD defining this kind exists (just applied, not served
    /// yet). Built-in groups and kinds no CRD defines fail at once. When CRDs cannot be listed
    /// (RBAC), assume it may and let the grace period decide.
    async fn crd_may_serve(&self, gvk: &GroupVersionKind) -> bool {
        if gvk.group.is_empty() || !gvk.group.contains('.') {
            return false; // core and built-in groups ("apps", "batch"…) are not CRDs
        }
        let api: Api<CustomResourceDefinition> = Api::all(self.client());
        match api.list(&ListParams::default()).await {
            Ok(list) => list.items.iter().any(|crd| {
                crd.spec.group == gvk.group
                    && crd.spec.names.kind == gvk.kind
                    && crd
                        .spec
                        .versions
                        .iter()
                        .any(|v| v.name == gvk.version && v.served)
            }),
            Err(_) => true,
        }
    }

    /// Forget cached discovery (after a CRD was deleted or changed versions).
    pub fn forget_discovery(&self) {
        self.discovery.lock().expect("discovery cache").clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_and_grouped_api_versions() {
        let core = gvk_of("v1", "Secret");
        assert_eq!((core.group.as_str(), core.version.as_str()), ("", "v1"));
        let crd = gvk_of("wso2.com/v1alpha1", "Security");
        assert_eq!(
            (crd.group.as_str(), crd.version.as_str(), crd.kind.as_str()),
            ("wso2.com", "v1alpha1", "Security")
        );
    }
}

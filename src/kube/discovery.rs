//! Resolving `apiVersion` + `kind` to a REST resource, for objects that arrive as JSON (so
//! custom resources — Istio, cert-manager, wso2.com — work without compiled-in types).

use std::time::{Duration, Instant};

use ::kube::core::GroupVersionKind;
use ::kube::discovery::{self, ApiCapabilities, ApiResource};

use super::client::Kube;
use super::error::{KubeError, Result};
use super::retry::retry_transient;

/// A CRD applied a moment ago takes a second or two to be served; a kind still missing after
/// this long is reported as not installed.
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
    /// look-ups are cached for the life of the client (shared by its clones); misses are
    /// retried for a few seconds because a CRD applied just before may not be served yet.
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
                Err(e) if is_missing_kind(&e) && started.elapsed() < NEW_KIND_GRACE => {
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

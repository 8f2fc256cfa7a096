//! Is a kind served? API discovery for the checks a track runs before it changes a cluster
//! (`plan::Check::ServedKinds`): each answer is served, not served, or could not be asked.

use super::client::Kube;
use super::error::{KubeError, Result};

impl Kube {
    /// Whether the cluster serves `kind` in `api_version`. A kind a CRD defines a moment ago
    /// gets the same short grace as `resolve_kind`; a group version the cluster does not serve
    /// at all (`apiextensions.k8s.io/v1beta1` on Kubernetes ≥ 1.22) is `false` at once.
    pub async fn serves(&self, api_version: &str, kind: &str) -> Result<bool> {
        match self.resolve_kind(api_version, kind).await {
            Ok(_) => Ok(true),
            // resolve_kind reports a kind the cluster does not serve as Invalid; any other
            // error (403, a dropped connection) is a question that could not be asked
            Err(KubeError::Invalid(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }
}

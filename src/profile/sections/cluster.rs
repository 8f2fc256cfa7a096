//! The `cluster` and `prerequisites` sections: which cluster, namespace, sizing and exposure, and what to install first.

use super::cluster_kind::ClusterKind;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Cluster {
    /// kubeconfig context; empty means the current context, as kubectl does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    pub namespace: String,
    /// A kubeconfig file; when absent `KUBECONFIG` or `~/.kube/config` is used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kubeconfig: Option<PathBuf>,
    pub create_namespace: bool,
    /// What kind of cluster this is (kind, minikube, k3d, …); `auto` is detected when kmpilot
    /// meets the cluster (`apply`, `plan` when the cluster answers, the wizard's checks).
    pub kind: ClusterKind,
    /// The kind/k3d cluster or minikube profile name (for loading images); taken from the
    /// nodes or the context when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Resource requests of both charts: `auto` keeps the charts' (2 CPU / 2 Gi each) when
    /// they fit and takes the laptop sizing when only that fits.
    pub sizing: Sizing,
    pub ingress: ClusterIngress,
    /// Ingress (default) or the Gateway API.
    #[serde(skip_serializing_if = "super::exposure::Exposure::is_default")]
    pub exposure: super::exposure::Exposure,
}

impl Cluster {
    /// kubectl's global flags for the profile's cluster, in the order kubectl documents them.
    pub fn kubectl_flags(&self) -> Vec<String> {
        let mut v = Vec::new();
        if let Some(k) = &self.kubeconfig {
            v.push(format!("--kubeconfig={}", k.display()));
        }
        if let Some(c) = &self.context {
            v.push(format!("--context={c}"));
        }
        v
    }

    /// helm spells the context flag differently from kubectl.
    pub fn helm_flags(&self) -> Vec<String> {
        let mut v = Vec::new();
        if let Some(k) = &self.kubeconfig {
            v.push(format!("--kubeconfig={}", k.display()));
        }
        if let Some(c) = &self.context {
            v.push(format!("--kube-context={c}"));
        }
        v
    }
}

impl Default for Cluster {
    fn default() -> Self {
        Cluster {
            context: None,
            namespace: "wso2".into(),
            kubeconfig: None,
            create_namespace: true,
            kind: ClusterKind::Auto,
            name: None,
            sizing: Sizing::Auto,
            ingress: ClusterIngress::default(),
            exposure: super::exposure::Exposure::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Sizing {
    #[default]
    Auto,
    /// The charts' own requests (API-M and IS: 2 CPU / 2 Gi each).
    Chart,
    /// Lower CPU requests (500m each), the same memory requests (the JVM heap is 2 GB) and
    /// limits, longer start-up probes: both fit on a 4-CPU laptop cluster.
    Laptop,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ClusterIngress {
    /// Install ingress-nginx (its Helm chart, with what this kind of cluster needs) when no
    /// controller of the cluster can reach the WSO2 pods' HTTPS port.
    pub install: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Prerequisites {
    /// Stop before installing when no ingress controller serves the ingress class.
    pub require_ingress_controller: bool,
    pub helm_repo: HelmRepo,
}

impl Default for Prerequisites {
    fn default() -> Self {
        Prerequisites {
            require_ingress_controller: true,
            helm_repo: HelmRepo::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct HelmRepo {
    pub name: String,
    pub url: String,
}

impl Default for HelmRepo {
    fn default() -> Self {
        HelmRepo {
            name: "wso2".into(),
            url: "https://helm.wso2.com".into(),
        }
    }
}

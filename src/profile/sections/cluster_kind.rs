//! `cluster.kind`: the kinds of cluster kmpilot knows (kind, minikube, k3d, Docker Desktop, clouds…).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ClusterKind {
    /// Detected when kmpilot meets the cluster.
    #[default]
    Auto,
    Kind,
    Minikube,
    K3d,
    K3s,
    DockerDesktop,
    RancherDesktop,
    Orbstack,
    Eks,
    Gke,
    Aks,
    Openshift,
    Other,
}

impl ClusterKind {
    pub const NAMES: [&'static str; 13] = [
        "auto",
        "kind",
        "minikube",
        "k3d",
        "k3s",
        "docker-desktop",
        "rancher-desktop",
        "orbstack",
        "eks",
        "gke",
        "aks",
        "openshift",
        "other",
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClusterKind::Auto => "auto",
            ClusterKind::Kind => "kind",
            ClusterKind::Minikube => "minikube",
            ClusterKind::K3d => "k3d",
            ClusterKind::K3s => "k3s",
            ClusterKind::DockerDesktop => "docker-desktop",
            ClusterKind::RancherDesktop => "rancher-desktop",
            ClusterKind::Orbstack => "orbstack",
            ClusterKind::Eks => "eks",
            ClusterKind::Gke => "gke",
            ClusterKind::Aks => "aks",
            ClusterKind::Openshift => "openshift",
            ClusterKind::Other => "other",
        }
    }

    /// A cluster on the user's machine whose nodes can take a locally built image.
    pub fn is_local(self) -> bool {
        matches!(
            self,
            ClusterKind::Kind
                | ClusterKind::Minikube
                | ClusterKind::K3d
                | ClusterKind::DockerDesktop
                | ClusterKind::RancherDesktop
                | ClusterKind::Orbstack
        )
    }
}

impl std::fmt::Display for ClusterKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Delivery {
    /// Decided from the cluster kind: load into kind/minikube/k3d, nothing for a cluster that
    /// shares the Docker engine, push otherwise.
    #[default]
    Auto,
    /// `docker push` to the registry.
    Push,
    /// Load the image into the cluster's nodes (kind, minikube, k3d).
    Load,
    /// The cluster uses the same image store as `docker build` (Docker Desktop, OrbStack,
    /// Rancher Desktop with moby): nothing to do.
    Shared,
}

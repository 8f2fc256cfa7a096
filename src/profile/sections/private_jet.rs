//! The `privateJet` section: the PrivateJet clusters API-M deploys gateways to, and how.

/// The API Operator release PrivateJet needs on each target cluster, and where its
/// published install manifest lives (what `apictl install api-operator` applies).
pub const API_OPERATOR_CONFIGS: &str =
    "https://github.com/wso2/k8s-api-operator/releases/download/v1.2.2/api-operator-configs.yaml";

use super::credentials::Credentials;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// Super tenant: `<API-M_HOME>/repository/conf/deployment.toml`.
    #[default]
    DeploymentToml,
    /// A tenant: the `ContainerMgt` array of its tenant-conf.json.
    TenantConf,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct PrivateJet {
    pub target: Target,
    /// The API Operator install manifest applied on clusters with `installOperator` (what
    /// `apictl install api-operator` applies for v1.2.2): a URL or a local file.
    pub operator_configs: String,
    /// The file to merge into; without it the blocks are only rendered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merge_into: Option<PathBuf>,
    /// `[ContainerMgtConfig]` class for a custom container manager.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_class: Option<String>,
    pub clusters: Vec<PjCluster>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct PjCluster {
    /// `clusterName` in API-M.
    pub name: String,
    pub display_name: String,
    /// kubeconfig context of this cluster; the profile's cluster context when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// The API server URL API-M calls; read from the kubeconfig context when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master_url: Option<String>,
    pub namespace: String,
    pub service_account: String,
    pub cluster_role: String,
    /// Binding name; derived from namespace and service account when absent, so two clusters
    /// sharing one API server never overwrite each other's binding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_role_binding: Option<String>,
    #[serde(rename = "type")]
    pub cluster_type: String,
    pub replicas: u32,
    pub access_url: String,
    /// Install the WSO2 API Operator v1.2.x here (its CRDs, controller and configuration)
    /// before the service account; its CRDs are apiextensions.k8s.io/v1beta1, so only a
    /// Kubernetes 1.21 or older cluster accepts them (checked before anything is applied).
    pub install_operator: bool,
    /// Sets the API operator's `operatorMode` (ConfigMap `controller-config`, `wso2-system`);
    /// `ingress` when kmpilot installs the operator and this is empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security: Option<Security>,
}

impl Default for PrivateJet {
    fn default() -> Self {
        PrivateJet {
            target: Target::default(),
            operator_configs: API_OPERATOR_CONFIGS.into(),
            merge_into: None,
            custom_class: None,
            clusters: Vec::new(),
        }
    }
}

impl Default for PjCluster {
    fn default() -> Self {
        PjCluster {
            name: String::new(),
            display_name: String::new(),
            context: None,
            master_url: None,
            namespace: "default".into(),
            service_account: "wso2am-privatejet".into(),
            cluster_role: "kmpilot-privatejet".into(),
            cluster_role_binding: None,
            cluster_type: "Kubernetes".into(),
            replicas: 1,
            access_url: String::new(),
            install_operator: false,
            operator_mode: None,
            security: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Security {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwt: Option<JwtSecurity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oauth: Option<OauthSecurity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basic: Option<BasicSecurity>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JwtSecurity {
    pub name: String,
    pub issuer: String,
    pub audience: String,
    /// Secret holding the token signer's certificate.
    pub certificate_secret: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OauthSecurity {
    pub name: String,
    pub endpoint: String,
    pub certificate_secret: String,
    pub credentials: Credentials,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BasicSecurity {
    pub name: String,
    pub credentials: Credentials,
}

impl PjCluster {
    /// The operator mode kmpilot sets: the profile's, or `ingress` (what the PrivateJet
    /// procedure uses) when kmpilot installs the operator.
    pub fn effective_operator_mode(&self) -> Option<String> {
        self.operator_mode
            .clone()
            .or_else(|| self.install_operator.then(|| "ingress".to_string()))
    }

    pub fn binding(&self) -> String {
        self.cluster_role_binding.clone().unwrap_or_else(|| {
            truncate63(&format!(
                "kmpilot-privatejet-{}-{}",
                self.namespace, self.service_account
            ))
        })
    }
    pub fn token_secret(&self) -> String {
        truncate63(&format!("{}-token", self.service_account))
    }
}

pub(crate) fn truncate63(s: &str) -> String {
    s.chars()
        .take(63)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

//! The `kmsSts` section: IBM KMS behind the secure token service, through Istio.

use crate::profile::secret::SecretRef;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct KmsSts {
    pub enabled: bool,
    /// kubeconfig context of the ICP cluster; the profile's cluster context when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    pub api_key: SecretRef,
    pub source_crn: String,
    pub target_crns: Vec<String>,
    pub sts: Sts,
    pub kms: Kms,
    pub certificate: Certificate,
    pub gateway: Gateway,
    pub istio_api_version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Sts {
    pub namespace: String,
    pub api_key_secret: String,
    /// The sts pods are named `<prefix>-<id>`.
    pub pod_prefix: String,
    pub policy_name: String,
}

impl Default for Sts {
    fn default() -> Self {
        Sts {
            namespace: "istio-system".into(),
            api_key_secret: "sts-apikey".into(),
            pod_prefix: "tokenadapter".into(),
            policy_name: "stspolicy".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Kms {
    pub namespace: String,
    pub deployment: String,
    pub service: String,
    pub port: u32,
}

impl Default for Kms {
    fn default() -> Self {
        Kms {
            namespace: "kube-system".into(),
            deployment: "key-management-api".into(),
            service: "kms-api".into(),
            port: 28674,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Certificate {
    /// `cert-manager.io/v1`; ICP 3.x clusters run the older `certmanager.k8s.io/v1alpha1`.
    pub api_version: String,
    pub issuer_name: String,
    pub issuer_kind: String,
    pub common_name: String,
    pub dns_names: Vec<String>,
    /// IP addresses belong here, not in dnsNames (the published sample puts one there).
    pub ip_addresses: Vec<String>,
}

impl Default for Certificate {
    fn default() -> Self {
        Certificate {
            api_version: "cert-manager.io/v1".into(),
            issuer_name: "icp-ca-issuer".into(),
            issuer_kind: "ClusterIssuer".into(),
            common_name: "istio-service".into(),
            dns_names: Vec::new(),
            ip_addresses: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Gateway {
    pub name: String,
    pub virtual_service: String,
    pub destination_rule: String,
    pub hosts: Vec<String>,
    pub port: u32,
    pub path_prefix: String,
    pub rewrite: String,
}

impl Default for Gateway {
    fn default() -> Self {
        Gateway {
            name: "kmsgateway".into(),
            virtual_service: "kmsvservice".into(),
            destination_rule: "kms-api-tls".into(),
            hosts: vec!["*".into()],
            port: 443,
            path_prefix: "/kms/api".into(),
            rewrite: "/api".into(),
        }
    }
}

impl Default for KmsSts {
    fn default() -> Self {
        KmsSts {
            enabled: false,
            context: None,
            api_key: SecretRef::env("KMS_API_KEY"),
            source_crn: String::new(),
            target_crns: Vec::new(),
            sts: Sts::default(),
            kms: Kms::default(),
            certificate: Certificate::default(),
            gateway: Gateway::default(),
            // what Istio 1.22+ serves; the procedure's v1alpha3 stays selectable
            istio_api_version: "networking.istio.io/v1".into(),
        }
    }
}

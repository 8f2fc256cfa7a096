//! The wizard's fields for the KMS <-> STS step.

use super::*;

/// The wizard's fields for this step.
pub fn form(_p: &Profile) -> Vec<crate::steps::form::Field> {
    use crate::steps::form::{Field, path};
    let at = |k: &[&str]| {
        let mut v = vec!["kmsSts"];
        v.extend_from_slice(k);
        path(&v)
    };
    macro_rules! text {
        ($label:expr, $keys:expr, $help:expr, $($f:ident).+) => {
            Field::text(
                $label,
                at(&$keys),
                $help,
                |p| p.kms_sts.$($f).+.clone(),
                |p, v| p.kms_sts.$($f).+ = v,
            )
        };
    }
    macro_rules! list {
        ($label:expr, $keys:expr, $help:expr, $($f:ident).+) => {
            Field::list(
                $label,
                at(&$keys),
                $help,
                |p| p.kms_sts.$($f).+.clone(),
                |p, v| p.kms_sts.$($f).+ = v,
            )
        };
    }
    vec![
        Field::bool(
            "Enabled",
            at(&["enabled"]),
            "wire IBM Cloud Private KMS to the secure token service through Istio",
            |p| p.kms_sts.enabled,
            |p, v| p.kms_sts.enabled = v,
        ),
        Field::opt_text(
            "Context",
            at(&["context"]),
            "kubeconfig context of the ICP cluster; the profile's when empty",
            |p| p.kms_sts.context.clone(),
            |p, v| p.kms_sts.context = v,
        )
        .with_default("(the cluster step's context)")
        .picks_context(),
        Field::secret(
            "API key",
            at(&["apiKey"]),
            "IBM Cloud API key, base64'd into the sts-apikey secret",
            |p| p.kms_sts.api_key.clone(),
            |p, v| p.kms_sts.api_key = v,
        ),
        text!(
            "Source CRN",
            ["sourceCrn"],
            "CRN of the calling service",
            source_crn
        ),
        list!(
            "Target CRNs",
            ["targetCrns"],
            "KMS CRNs the identity mapping allows, comma-separated",
            target_crns
        ),
        text!(
            "STS namespace",
            ["sts", "namespace"],
            "namespace of the sts pods",
            sts.namespace
        )
        .in_group("STS"),
        text!(
            "API key secret",
            ["sts", "apiKeySecret"],
            "secret the API key is patched into",
            sts.api_key_secret
        )
        .in_group("STS"),
        text!(
            "Pod prefix",
            ["sts", "podPrefix"],
            "sts pods are named <prefix>-<id>",
            sts.pod_prefix
        )
        .in_group("STS"),
        text!(
            "Policy name",
            ["sts", "policyName"],
            "IdentityMappingPolicy name",
            sts.policy_name
        )
        .in_group("STS"),
        text!(
            "KMS namespace",
            ["kms", "namespace"],
            "namespace of the KMS API deployment",
            kms.namespace
        )
        .in_group("KMS API"),
        text!(
            "Deployment",
            ["kms", "deployment"],
            "deployment given the Istio sidecar",
            kms.deployment
        )
        .in_group("KMS API"),
        text!(
            "Service",
            ["kms", "service"],
            "service the VirtualService routes to",
            kms.service
        )
        .in_group("KMS API"),
        Field::number(
            "Port",
            at(&["kms", "port"]),
            "service port",
            |p| p.kms_sts.kms.port,
            |p, v| p.kms_sts.kms.port = v,
        )
        .in_group("KMS API"),
        text!(
            "API version",
            ["certificate", "apiVersion"],
            "cert-manager API of the Certificate; ICP 3.x has certmanager.k8s.io/v1alpha1",
            certificate.api_version
        )
        .in_group("Certificate"),
        text!(
            "Issuer",
            ["certificate", "issuerName"],
            "cert-manager issuer of the gateway certificate",
            certificate.issuer_name
        )
        .in_group("Certificate"),
        text!(
            "Issuer kind",
            ["certificate", "issuerKind"],
            "Issuer or ClusterIssuer",
            certificate.issuer_kind
        )
        .in_group("Certificate"),
        text!(
            "Common name",
            ["certificate", "commonName"],
            "certificate common name",
            certificate.common_name
        )
        .in_group("Certificate"),
        list!(
            "DNS names",
            ["certificate", "dnsNames"],
            "certificate DNS names, comma-separated",
            certificate.dns_names
        )
        .in_group("Certificate"),
        list!(
            "IP addresses",
            ["certificate", "ipAddresses"],
            "certificate IP addresses, comma-separated",
            certificate.ip_addresses
        )
        .in_group("Certificate"),
        text!(
            "Gateway",
            ["gateway", "name"],
            "Istio Gateway name",
            gateway.name
        )
        .in_group("Gateway"),
        Field::number(
            "Gateway port",
            at(&["gateway", "port"]),
            "HTTPS port of the Gateway server (SIMPLE TLS)",
            |p| p.kms_sts.gateway.port,
            |p, v| p.kms_sts.gateway.port = v,
        )
        .in_group("Gateway"),
        text!(
            "VirtualService",
            ["gateway", "virtualService"],
            "name of the VirtualService routing the prefix to the KMS API",
            gateway.virtual_service
        )
        .in_group("Gateway"),
        text!(
            "DestinationRule",
            ["gateway", "destinationRule"],
            "name of the DestinationRule (TLS SIMPLE to the KMS API)",
            gateway.destination_rule
        )
        .in_group("Gateway"),
        text!(
            "Istio API version",
            ["istioApiVersion"],
            "API of Gateway, VirtualService and DestinationRule: networking.istio.io/v1 (Istio 1.22+), v1alpha3 as the procedure has it",
            istio_api_version
        )
        .in_group("Gateway"),
        list!(
            "Hosts",
            ["gateway", "hosts"],
            "gateway hosts, comma-separated",
            gateway.hosts
        )
        .in_group("Gateway"),
        text!(
            "Path prefix",
            ["gateway", "pathPrefix"],
            "prefix routed to the KMS API",
            gateway.path_prefix
        )
        .in_group("Gateway"),
        text!(
            "Rewrite",
            ["gateway", "rewrite"],
            "what the prefix is rewritten to",
            gateway.rewrite
        )
        .in_group("Gateway"),
    ]
}

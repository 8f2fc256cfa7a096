//! Step "kms-sts": IBM Cloud Private KMS ↔ secure token service through Istio. The API key goes
//! into `sts-apikey` by patch (not `kubectl edit`), the sts pod is replaced, the KMS API
//! deployment gets the Istio sidecar, and the Certificate, Gateway, VirtualService,
//! DestinationRule and IdentityMappingPolicy are applied with every value from the profile.

use serde_json::{Value, json};

use crate::plan::{
    Action, Artifact, ArtifactKind, Check, Command, Manifest, RestartPods, SecretSource,
    SecretSpec, Step, StepId,
};
use crate::profile::diagnostics::{Issues, YamlPath};
use crate::profile::{Profile, checks};
use crate::render;

mod form;
mod plan;
mod resources;
pub use form::*;
pub use plan::*;
pub use resources::*;

/// The secret the certificate is written to; the ingress gateway mounts it at
/// /etc/istio/ingressgateway-certs, so the name is fixed.
pub const CERT_SECRET: &str = "istio-ingressgateway-certs";

/// Where Istio keeps its sidecar-injector and mesh ConfigMaps (istioctl's default `-i`).
const ISTIO_NAMESPACE: &str = "istio-system";

pub fn validate(p: &Profile, issues: &mut Issues) {
    let k = &p.kms_sts;
    if !k.enabled {
        return;
    }
    let base = YamlPath::root().key("kmsSts");
    checks::secret(issues, &base.key("apiKey"), &k.api_key);
    checks::crn(issues, &base.key("sourceCrn"), &k.source_crn);
    if k.target_crns.is_empty() {
        issues.error(
            &base.key("targetCrns"),
            "no target",
            Some("the KMS instance CRN(s) from onboarding"),
            None,
        );
    }
    for (i, c) in k.target_crns.iter().enumerate() {
        checks::crn(issues, &base.key("targetCrns").idx(i), c);
    }
    checks::k8s_label(
        issues,
        &base.key("sts").key("namespace"),
        &k.sts.namespace,
        "namespace name",
    );
    checks::k8s_name(
        issues,
        &base.key("sts").key("apiKeySecret"),
        &k.sts.api_key_secret,
    );
    checks::non_empty(
        issues,
        &base.key("sts").key("podPrefix"),
        &k.sts.pod_prefix,
        "tokenadapter",
    );
    checks::k8s_label(
        issues,
        &base.key("kms").key("namespace"),
        &k.kms.namespace,
        "namespace name",
    );
    checks::k8s_name(
        issues,
        &base.key("kms").key("deployment"),
        &k.kms.deployment,
    );
    checks::k8s_label(
        issues,
        &base.key("kms").key("service"),
        &k.kms.service,
        "service name",
    );
    checks::port(issues, &base.key("kms").key("port"), k.kms.port);
    checks::port(issues, &base.key("gateway").key("port"), k.gateway.port);
    let cb = base.key("certificate");
    if k.certificate.dns_names.is_empty() && k.certificate.ip_addresses.is_empty() {
        issues.error(
            &cb,
            "the gateway certificate names no host",
            Some("dnsNames and/or ipAddresses of the ingress gateway"),
            None,
        );
    }
    for (i, d) in k.certificate.dns_names.iter().enumerate() {
        if d.parse::<std::net::IpAddr>().is_ok() {
            issues.error(
                &cb.key("dnsNames").idx(i),
                format!("`{d}` is an IP address"),
                Some("a DNS name"),
                Some("move it to certificate.ipAddresses"),
            );
        } else if !checks::is_hostname(d, true) {
            issues.error(
                &cb.key("dnsNames").idx(i),
                format!("`{d}` is not a DNS name"),
                Some("a name such as kms.example.com"),
                None,
            );
        }
    }
    for (i, a) in k.certificate.ip_addresses.iter().enumerate() {
        if a.parse::<std::net::IpAddr>().is_err() {
            issues.error(
                &cb.key("ipAddresses").idx(i),
                format!("`{a}` is not an IP address"),
                Some("an address such as 9.42.136.50"),
                None,
            );
        }
    }
    for (i, h) in k.gateway.hosts.iter().enumerate() {
        if h != "*" && !checks::is_hostname(h, true) {
            issues.error(
                &base.key("gateway").key("hosts").idx(i),
                format!("`{h}` is not a host"),
                Some("\"*\" or a DNS name"),
                None,
            );
        }
    }
    let gb = base.key("gateway");
    checks::k8s_name(issues, &gb.key("name"), &k.gateway.name);
    checks::k8s_name(
        issues,
        &gb.key("virtualService"),
        &k.gateway.virtual_service,
    );
    checks::k8s_name(
        issues,
        &gb.key("destinationRule"),
        &k.gateway.destination_rule,
    );
    for (path, v, example) in [
        (
            cb.key("apiVersion"),
            &k.certificate.api_version,
            "cert-manager.io/v1 (certmanager.k8s.io/v1alpha1 on ICP 3.x)",
        ),
        (
            base.key("istioApiVersion"),
            &k.istio_api_version,
            "networking.istio.io/v1 (Istio 1.22+; v1alpha3 or v1beta1 on older Istio)",
        ),
    ] {
        let shape_ok = v
            .split_once('/')
            .is_some_and(|(g, ver)| g.contains('.') && ver.starts_with('v') && !ver.contains('/'));
        if !shape_ok {
            issues.error(
                &path,
                format!("`{v}` is not an API group/version"),
                Some(example),
                None,
            );
        }
    }
    for (field, v) in [
        ("pathPrefix", &k.gateway.path_prefix),
        ("rewrite", &k.gateway.rewrite),
    ] {
        if !v.starts_with('/') {
            issues.error(
                &base.key("gateway").key(field),
                format!("`{v}` is not a URI path"),
                Some("a path starting with '/'"),
                None,
            );
        }
    }
}

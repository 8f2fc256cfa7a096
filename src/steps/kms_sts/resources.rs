//! The objects the track applies, every value from the profile: the Certificate, Gateway,
//! VirtualService, DestinationRule and IdentityMappingPolicy.

use super::*;

pub fn resources(p: &Profile) -> Vec<Value> {
    let k = &p.kms_sts;
    let g = &k.gateway;
    let istio = &k.istio_api_version;
    let mut cert_spec = json!({
        "secretName": CERT_SECRET,
        "issuerRef": {"name": k.certificate.issuer_name, "kind": k.certificate.issuer_kind},
        "commonName": k.certificate.common_name,
    });
    if !k.certificate.dns_names.is_empty() {
        cert_spec["dnsNames"] = json!(k.certificate.dns_names);
    }
    if !k.certificate.ip_addresses.is_empty() {
        cert_spec["ipAddresses"] = json!(k.certificate.ip_addresses);
    }
    vec![
        json!({"apiVersion": k.certificate.api_version, "kind": "Certificate",
               "metadata": {"name": CERT_SECRET, "namespace": k.sts.namespace}, "spec": cert_spec}),
        json!({"apiVersion": istio, "kind": "Gateway",
               "metadata": {"name": g.name, "namespace": k.kms.namespace},
               "spec": {"selector": {"istio": "ingressgateway"}, "servers": [{
                   "port": {"name": "https", "number": g.port, "protocol": "HTTPS"},
                   "tls": {"mode": "SIMPLE",
                           "serverCertificate": "/etc/istio/ingressgateway-certs/tls.crt",
                           "privateKey": "/etc/istio/ingressgateway-certs/tls.key"},
                   "hosts": g.hosts}]}}),
        json!({"apiVersion": istio, "kind": "VirtualService",
               "metadata": {"name": g.virtual_service, "namespace": k.kms.namespace},
               "spec": {"hosts": g.hosts, "gateways": [g.name], "http": [{
                   "match": [{"uri": {"prefix": g.path_prefix}}],
                   "rewrite": {"uri": g.rewrite},
                   "route": [{"destination": {"host": k.kms.service, "port": {"number": k.kms.port}}}]}]}}),
        json!({"apiVersion": istio, "kind": "DestinationRule",
               "metadata": {"name": g.destination_rule, "namespace": k.kms.namespace},
               "spec": {"host": k.kms.service, "trafficPolicy": {"tls": {"mode": "SIMPLE"}}}}),
        json!({"apiVersion": "policy.ibm.com/v1alpha1", "kind": "IdentityMappingPolicy",
        "metadata": {"name": k.sts.policy_name, "namespace": k.sts.namespace},
        "spec": {
            "identityMapping": {
                "sourceIdentity": k.source_crn,
                "targetCredentials": {"apiKeyRef": {"propertyName": "apikey", "secretName": k.sts.api_key_secret}},
            },
            "mappingType": "inbound",
            "sourceAuthority": "ibm-cloud-iam",
            "targetResources": k.target_crns,
        }}),
    ]
}

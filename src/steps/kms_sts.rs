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

pub fn plan(p: &Profile, artifacts: &mut Vec<Artifact>) -> Option<Step> {
    let k = &p.kms_sts;
    if !k.enabled {
        return None;
    }
    let ctx = k.context.clone().or_else(|| p.cluster.context.clone());
    let mut kubectl = vec!["kubectl".to_string()];
    if let Some(c) = &ctx {
        kubectl.push(format!("--context={c}"));
    }
    let kc = |args: &[&str]| {
        let mut v: Vec<String> = kubectl[1..].to_vec();
        v.extend(args.iter().map(|s| s.to_string()));
        Command::new("kubectl", v)
    };
    let saved = "kms-sts/kms-api-deployment.yaml".to_string();
    let injected = "kms-sts/kms-api-deployment-injected.yaml".to_string();
    let mut save = kc(&[
        "get",
        "deployment",
        &k.kms.deployment,
        "-n",
        &k.kms.namespace,
        "-o",
        "yaml",
    ]);
    save.stdout_to = Some(saved.clone());
    // The cluster's own injector configuration, as files: without them istioctl injects
    // through istiod's webhook, or, when it finds none, from the istio-sidecar-injector
    // ConfigMap but without its values, which a current istioctl renders into an invalid pod
    // ("cannot unmarshal string into ... failureThreshold"). With the files it needs no istiod.
    let injector_files = [
        (
            "istio-sidecar-injector",
            "config",
            "kms-sts/inject-config.yaml",
        ),
        (
            "istio-sidecar-injector",
            "values",
            "kms-sts/inject-values.json",
        ),
        ("istio", "mesh", "kms-sts/mesh.yaml"),
    ];
    let fetch_injector: Vec<Action> = injector_files
        .iter()
        .map(|(cm, key, file)| {
            let jsonpath = format!("jsonpath={{.data.{key}}}");
            let mut c = kc(&[
                "get",
                "configmap",
                cm,
                "-n",
                ISTIO_NAMESPACE,
                "-o",
                &jsonpath,
            ]);
            c.stdout_to = Some(file.to_string());
            Action::Run(c)
        })
        .collect();
    let mut inject_args = vec![
        "kube-inject",
        "-f",
        &saved,
        "--injectConfigFile",
        injector_files[0].2,
        "--valuesFile",
        injector_files[1].2,
        "--meshConfigFile",
        injector_files[2].2,
    ];
    let context_flag = ctx.as_ref().map(|c| format!("--context={c}"));
    inject_args.extend(context_flag.as_deref());
    let mut inject = Command::new("istioctl", inject_args);
    inject.stdout_to = Some(injected.clone());
    let mut actions = super::cluster::reachable_checks(p, [k.context.as_deref()]);
    // the cert-manager, Istio and IBM kinds at the profile's versions, before the first change
    actions.push(Action::Check(Check::ServedKinds {
        context: k.context.clone(),
        purpose: "KMS <-> STS".into(),
        kinds: crate::compat::kms_needs(p),
    }));
    actions.extend([
        // a secret's data is base64 by definition: the executor encodes the key, nothing else does
        Action::CreateSecret(SecretSpec {
            context: ctx.clone(),
            namespace: k.sts.namespace.clone(),
            name: k.sts.api_key_secret.clone(),
            secret_type: "Opaque".into(),
            data: vec![(
                "apikey".into(),
                SecretSource::Ref {
                    secret: k.api_key.clone(),
                    shell_var: k.api_key.shell_var("KMS_API_KEY").into(),
                },
            )],
        }),
        Action::RestartPods(RestartPods {
            context: ctx.clone(),
            namespace: k.sts.namespace.clone(),
            name_prefix: k.sts.pod_prefix.clone(),
            timeout_secs: 300,
        }),
        // the original, kept in the cluster before it is replaced, so destroy can put it back
        // (the work-directory copy below is overwritten by a second run)
        Action::SaveOriginal(crate::plan::destroy::Original::deployment(
            ctx.clone(),
            &k.kms.namespace,
            &k.kms.deployment,
        )),
        Action::Run(save),
    ]);
    actions.extend(fetch_injector);
    actions.extend([
        Action::Run(inject),
        // replace, not delete + apply: the KMS API keeps serving while the new pods start
        Action::Run(kc(&["replace", "-f", &injected])),
    ]);
    for o in resources(p) {
        let m = Manifest::new(ctx.as_deref(), "kms-sts", o);
        artifacts.push(Artifact {
            path: m.artifact.clone(),
            kind: ArtifactKind::Yaml,
            content: render::yaml(&m.object),
        });
        actions.push(Action::Apply(m));
    }
    Some(Step::new(StepId::KmsSts, actions))
}

/// The wizard's fields for this step.
pub fn form(_p: &Profile) -> Vec<super::form::Field> {
    use super::form::{Field, path};
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

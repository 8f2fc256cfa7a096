//! The PrivateJet and KMS↔STS tracks applied against the real test control plane (see
//! `scripts/with-test-cluster`). The Istio and cert-manager kinds are validated by their real
//! CRDs and `istioctl` is the real one, injecting with the real sidecar-injector ConfigMaps:
//! `scripts/test-cluster up` installs them and puts istioctl on PATH (`scripts/test-peers`
//! fetches them from the Go module proxy). Only the kinds with no installable real CRD —
//! IBM's IdentityMappingPolicy, the WSO2 API Operator's Security — come from the project's
//! stand-ins (tests/crds).
//! Each track first asks the cluster whether it serves every kind it will create: where it
//! does not, the track stops before its first change and says what is missing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::support;
use support::{fresh_namespace, jsonpath, kubectl, ok};

/// The shared gate: a visible SKIPPED without a cluster, a failure under CI.
fn cluster() -> bool {
    support::test_cluster().is_some()
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn apply(dir: &Path, profile: &Path, only: &str, env: &[(&str, &str)]) -> (i32, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kmpilot"));
    c.args(["apply", "--yes", "--only", only, "-f"])
        .arg(profile)
        .env("KMPILOT_STATE_DIR", dir.join("state"));
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.stdin(Stdio::null()).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).to_string(),
        String::from_utf8_lossy(&o.stderr).to_string(),
    )
}

/// The PATH directories that hold an `istioctl`.
fn istioctl_dirs() -> Vec<String> {
    std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .filter(|d| !d.is_empty() && Path::new(d).join("istioctl").exists())
        .map(str::to_string)
        .collect()
}

/// `kubectl create --dry-run=server -f -` of `yaml`: what the API server (with the CRDs'
/// schemas and validation rules) says about an object, without storing it.
fn server_dry_run(yaml: &str) -> Output {
    use std::io::Write;
    let mut c = Command::new("kubectl")
        .args(["create", "--dry-run=server", "-o", "name", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubectl on PATH");
    c.stdin
        .take()
        .expect("piped")
        .write_all(yaml.as_bytes())
        .expect("write to kubectl");
    c.wait_with_output().expect("kubectl ran")
}

/// The stand-in CRDs once per test binary: the tests run in parallel and two concurrent
/// creates of the same CRD race (AlreadyExists).
fn install_crds() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        support::apply_yaml(
            &std::fs::read_to_string(root().join("tests/crds/test-crds.yaml")).unwrap(),
        )
    });
}

const DEPLOYMENT_TOML: &str = r#"# API-M deployment.toml (kept by kmpilot: comments and layout stay)
[server]
hostname = "am.wso2.com" # the public name

# an existing cluster entry for docker-desktop, to be updated in place
[[ContainerMgtClusterConfig]]
type = "Kubernetes"
clusterName = "pj-one"
displayName = "old name"
properties.Replicas = 9
"#;

fn privatejet_profile(dir: &Path) -> PathBuf {
    let p = dir.join("pj.yaml");
    std::fs::write(
        &p,
        format!(
            r#"apiVersion: kmpilot/v1
kind: Profile
name: kmp-pj
identityServer: {{ install: false }}
apiManager: {{ install: false, chart: wso2/am-pattern-1, chartVersion: 3.2.0-5 }}
privateJet:
  mergeInto: {toml}
  clusters:
    - name: pj-one
      displayName: Cluster one
      namespace: kmp-pj-one
      accessUrl: https://one.example.com
    - name: pj-two
      displayName: Cluster two
      namespace: kmp-pj-two
      serviceAccount: other-sa
      replicas: 2
      accessUrl: https://two.example.com
      security:
        basic:
          name: securitybasic
          credentials: {{ username: admin, password: {{ env: PJ_BASIC_PASSWORD }} }}
"#,
            toml = dir.join("deployment.toml").display()
        ),
    )
    .unwrap();
    p
}

#[test]
fn privatejet_two_clusters_rbac_tokens_and_an_in_place_merge() {
    let _turn = support::one_file::turn(module_path!());
    if !cluster() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    install_crds();
    for ns in ["kmp-pj-one", "kmp-pj-two"] {
        fresh_namespace(ns);
    }
    std::fs::write(dir.path().join("deployment.toml"), DEPLOYMENT_TOML).unwrap();
    let profile = privatejet_profile(dir.path());
    let env = [("PJ_BASIC_PASSWORD", "pj-basic-secret")];
    let (code, out, err) = apply(dir.path(), &profile, "private-jet", &env);
    assert_eq!(code, 0, "{out}\n{err}");

    for (ns, sa) in [
        ("kmp-pj-one", "wso2am-privatejet"),
        ("kmp-pj-two", "other-sa"),
    ] {
        let binding = format!("kmpilot-privatejet-{ns}-{sa}");
        let subject = ok(&kubectl(&[
            "get",
            "clusterrolebinding",
            &binding,
            "-o",
            "jsonpath={.subjects[0].name}/{.subjects[0].namespace}",
        ]));
        assert_eq!(
            subject,
            format!("{sa}/{ns}"),
            "the binding names the account kmpilot created"
        );
        let token = jsonpath("secret", &format!("{sa}-token"), ns, "{.data.token}");
        assert!(!token.is_empty(), "token controller filled {ns}/{sa}-token");
        // the account can do what the ClusterRole allows and no more
        let who = format!("system:serviceaccount:{ns}:{sa}");
        assert_eq!(
            ok(&kubectl(&[
                "auth",
                "can-i",
                "list",
                "configmaps",
                "--as",
                &who
            ]))
            .trim(),
            "yes"
        );
        assert_eq!(
            kubectl(&["auth", "can-i", "list", "secrets", "--as", &who])
                .status
                .code(),
            Some(1)
        );
    }
    let cr = jsonpath(
        "security",
        "securitybasic",
        "kmp-pj-two",
        "{.spec.type}/{.spec.securityConfig[0].credentials}",
    );
    assert_eq!(cr, "basic/securitybasic-credentials");

    let merged = std::fs::read_to_string(dir.path().join("deployment.toml")).unwrap();
    assert!(merged.contains("# API-M deployment.toml (kept by kmpilot: comments and layout stay)"));
    assert!(merged.contains("hostname = \"am.wso2.com\" # the public name"));
    let t: toml::Table = toml::from_str(&merged).unwrap();
    let arr = t["ContainerMgtClusterConfig"].as_array().unwrap();
    assert_eq!(
        arr.len(),
        2,
        "pj-one updated in place, pj-two added:\n{merged}"
    );
    assert_eq!(arr[0]["displayName"].as_str(), Some("Cluster one"));
    assert_eq!(arr[0]["properties"]["Replicas"].as_integer(), Some(1));
    let server = ok(&kubectl(&[
        "config",
        "view",
        "--minify",
        "-o",
        "jsonpath={.clusters[0].cluster.server}",
    ]));
    assert_eq!(
        arr[1]["properties"]["MasterURL"].as_str(),
        Some(server.as_str())
    );
    assert_eq!(
        arr[1]["properties"]["BasicSecurityCustomResourceName"].as_str(),
        Some("securitybasic")
    );
    let token = arr[1]["properties"]["SAToken"].as_str().unwrap();
    assert_eq!(token.split('.').count(), 3, "a JWT");
    // the token went into the file asked for, never to the screen
    assert!(!out.contains(token) && !err.contains(token));
    assert!(!out.contains("pj-basic-secret"));

    // a second run changes nothing
    let (code, out, err) = apply(dir.path(), &profile, "private-jet", &env);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("deployment.toml")).unwrap(),
        merged
    );
    assert!(out.contains("already holds these clusters"), "{out}");
    for ns in ["kmp-pj-one", "kmp-pj-two"] {
        let _ = kubectl(&["delete", "namespace", ns, "--wait=false"]);
    }
}

/// Deletes what the KMS track test creates or leaves in `istio-system` and `kube-system`,
/// keeping the namespaces: istio-system holds the sidecar-injector ConfigMaps the test cluster
/// installed, which `istioctl kube-inject` reads.
fn delete_kms_objects() {
    for args in [
        &["deployment", "key-management-api", "-n", "kube-system"][..],
        &["deployment", "tokenadapter", "-n", "istio-system"],
        &["secret", "sts-apikey", "-n", "istio-system"],
        &[
            "certificates.cert-manager.io",
            "istio-ingressgateway-certs",
            "-n",
            "istio-system",
        ],
        &["identitymappingpolicy", "stspolicy", "-n", "istio-system"],
        &[
            "gateways.networking.istio.io",
            "kmsgateway",
            "-n",
            "kube-system",
        ],
        &[
            "virtualservices.networking.istio.io",
            "kmsvservice",
            "-n",
            "kube-system",
        ],
        &[
            "destinationrules.networking.istio.io",
            "kms-api-tls",
            "-n",
            "kube-system",
        ],
    ] {
        let mut a = vec!["delete"];
        a.extend_from_slice(args);
        // foreground: the pods of a deleted deployment are gone too, so the next run's
        // "the sts pod was replaced" compares only its own pods
        a.extend([
            "--ignore-not-found",
            "--cascade=foreground",
            "--wait=true",
            "--timeout=120s",
        ]);
        ok(&kubectl(&a));
    }
}

fn json_of(args: &[&str]) -> serde_json::Value {
    let mut a = vec!["get"];
    a.extend_from_slice(args);
    a.extend(["-o", "json"]);
    serde_json::from_str(&ok(&kubectl(&a))).expect("kubectl -o json")
}

fn names(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|c| c["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn kms_sts_patches_the_key_restarts_sts_injects_the_sidecar_and_applies_istio_objects() {
    let _turn = support::one_file::turn(module_path!());
    if !cluster() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    install_crds();
    assert!(
        !istioctl_dirs().is_empty(),
        "no istioctl on PATH: run under scripts/with-test-cluster (or eval the lines of \
         scripts/test-cluster env), which put the real istioctl on PATH"
    );
    // the configuration the real istioctl injects with: installed by scripts/test-cluster up
    ok(&kubectl(&[
        "get",
        "configmap",
        "istio-sidecar-injector",
        "istio",
        "-n",
        "istio-system",
    ]));
    delete_kms_objects();
    // what the ICP KMS and STS charts leave behind
    support::apply_yaml(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: sts-apikey, namespace: istio-system}\nstringData: {apikey: old-key, other: kept}\n---\n\
         apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: tokenadapter, namespace: istio-system}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: tokenadapter}}\n  template:\n    metadata: {labels: {app: tokenadapter}}\n    spec: {containers: [{name: sts, image: ibmcom/sts:1}]}\n---\n\
         apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: key-management-api, namespace: kube-system}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: kms-api}}\n  template:\n    metadata: {labels: {app: kms-api}}\n    spec: {containers: [{name: api, image: ibmcom/kms-api:1}]}\n",
    );
    ok(&kubectl(&[
        "rollout",
        "status",
        "deployment/tokenadapter",
        "-n",
        "istio-system",
        "--timeout=60s",
    ]));
    let sts_pods = || -> Vec<String> {
        ok(&kubectl(&[
            "get",
            "pods",
            "-n",
            "istio-system",
            "-l",
            "app=tokenadapter",
            "-o",
            "jsonpath={.items[*].metadata.name}",
        ]))
        .split_whitespace()
        .map(str::to_string)
        .collect()
    };
    let pods_before = sts_pods();
    assert!(!pods_before.is_empty(), "the sts pod runs before the track");

    // cert-manager.io/v1: the only version the real cert-manager CRDs serve
    let profile = dir.path().join("kms.yaml");
    std::fs::write(
        &profile,
        "apiVersion: kmpilot/v1\nkind: Profile\nname: kmp-kms\nidentityServer: {install: false}\napiManager: {install: false}\nkmsSts:\n  enabled: true\n  apiKey: {env: KMS_API_KEY}\n  sourceCrn: 'crn:v1:staging:public:sts:us-south:a/1234:123456789::'\n  targetCrns: ['crn:v1:icp:private:kms:mycluster:n/kube-system:0d705d95-e216-4ce4-9c81-38eeef4eee3b::']\n  certificate: {apiVersion: cert-manager.io/v1, ipAddresses: [9.42.136.50]}\n",
    )
    .unwrap();
    let env = [("KMS_API_KEY", "kms-api-key-123")];
    let (code, out, err) = apply(dir.path(), &profile, "kms-sts", &env);
    assert_eq!(code, 0, "{out}\n{err}");
    // asked before changing: today's versions (the defaults) are what the cluster serves
    assert!(
        format!("{out}{err}")
            .contains("serves cert-manager.io/v1 Certificate, networking.istio.io/v1 Gateway"),
        "{out}\n{err}"
    );

    let key = jsonpath("secret", "sts-apikey", "istio-system", "{.data.apikey}");
    assert_eq!(key, "a21zLWFwaS1rZXktMTIz", "base64 of the API key");
    let other = jsonpath("secret", "sts-apikey", "istio-system", "{.data.other}");
    assert!(!other.is_empty(), "patched, not replaced: other keys stay");
    let pods_after = sts_pods();
    assert!(
        pods_after.iter().any(|p| !pods_before.contains(p)),
        "the sts pod was replaced: before {pods_before:?}, after {pods_after:?}"
    );

    // what the real `istioctl kube-inject` did to the KMS API deployment, read back from the
    // API server after `kubectl replace`
    let kms = json_of(&["deployment", "key-management-api", "-n", "kube-system"]);
    let pod = &kms["spec"]["template"];
    let spec = &pod["spec"];
    let status: serde_json::Value = serde_json::from_str(
        pod["metadata"]["annotations"]["sidecar.istio.io/status"]
            .as_str()
            .unwrap_or_else(|| panic!("no sidecar.istio.io/status annotation:\n{kms:#}")),
    )
    .expect("the status annotation is JSON");
    let containers = names(&spec["containers"]);
    let inits = names(&spec["initContainers"]);
    assert_eq!(containers, ["api", "istio-proxy"], "{spec:#}");
    assert_eq!(inits, ["istio-init"], "{spec:#}");
    assert_eq!(status["containers"], serde_json::json!(["istio-proxy"]));
    assert_eq!(status["initContainers"], serde_json::json!(["istio-init"]));
    let proxy = &spec["containers"][1];
    let args: Vec<&str> = proxy["args"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    assert_eq!(args[..2], ["proxy", "sidecar"], "{proxy:#}");
    let image = proxy["image"].as_str().unwrap_or_default();
    assert!(image.contains("/proxyv2:"), "{image}");
    assert_eq!(
        spec["initContainers"][0]["image"], proxy["image"],
        "the init container runs the same proxy image (istio-iptables)"
    );
    // the mesh configuration came from the istio ConfigMap: the proxy learns istiod's address
    let env_names: Vec<&str> = proxy["env"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["name"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        env_names.contains(&"ISTIO_META_WORKLOAD_NAME"),
        "{env_names:?}"
    );
    let volumes = names(&spec["volumes"]);
    assert!(volumes.contains(&"istio-envoy".to_string()), "{volumes:?}");

    let vs = jsonpath(
        "virtualservices.networking.istio.io",
        "kmsvservice",
        "kube-system",
        "{.spec.http[0].match[0].uri.prefix} {.spec.http[0].rewrite.uri} {.spec.http[0].route[0].destination.host}:{.spec.http[0].route[0].destination.port.number}",
    );
    assert_eq!(vs, "/kms/api /api kms-api:28674");
    let gw = jsonpath(
        "gateways.networking.istio.io",
        "kmsgateway",
        "kube-system",
        "{.spec.servers[0].port.number} {.spec.servers[0].tls.mode}",
    );
    assert_eq!(gw, "443 SIMPLE");
    assert_eq!(
        jsonpath(
            "destinationrules.networking.istio.io",
            "kms-api-tls",
            "kube-system",
            "{.spec.trafficPolicy.tls.mode}"
        ),
        "SIMPLE"
    );
    let cert = jsonpath(
        "certificates.cert-manager.io",
        "istio-ingressgateway-certs",
        "istio-system",
        "{.spec.secretName} {.spec.ipAddresses[0]} {.spec.issuerRef.kind}",
    );
    assert_eq!(cert, "istio-ingressgateway-certs 9.42.136.50 ClusterIssuer");
    let pol = jsonpath(
        "identitymappingpolicy",
        "stspolicy",
        "istio-system",
        "{.spec.identityMapping.targetCredentials.apiKeyRef.secretName} {.spec.mappingType} {.spec.sourceAuthority}",
    );
    assert_eq!(pol, "sts-apikey inbound ibm-cloud-iam");
    assert!(!out.contains("kms-api-key-123") && !err.contains("kms-api-key-123"));

    // a missing istioctl is a clear error with install advice
    let without_istioctl: Vec<String> = std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .filter(|d| !istioctl_dirs().iter().any(|i| i == d))
        .map(str::to_string)
        .collect();
    let o = Command::new(env!("CARGO_BIN_EXE_kmpilot"))
        .args(["apply", "--yes", "--only", "kms-sts", "-f"])
        .arg(&profile)
        .env("KMPILOT_STATE_DIR", dir.path().join("state"))
        .env("KMS_API_KEY", "kms-api-key-123")
        .env("PATH", without_istioctl.join(":"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("istioctl is not installed") && err.contains("hint: install istioctl"),
        "{err}"
    );
    delete_kms_objects();
}

#[test]
fn the_real_crds_are_in_force_and_reject_malformed_objects() {
    let _turn = support::one_file::turn(module_path!());
    if !cluster() {
        return;
    }
    // what the real CRDs serve: BackendTLSPolicy comes with the standard channel at v1, and
    // cert-manager serves only cert-manager.io/v1 (not the pre-1.0 certmanager.k8s.io)
    let served = ok(&kubectl(&["api-versions"]));
    for v in [
        "gateway.networking.k8s.io/v1",
        "networking.istio.io/v1alpha3",
        "networking.istio.io/v1",
        "cert-manager.io/v1",
    ] {
        assert!(served.lines().any(|l| l == v), "{v} not served:\n{served}");
    }
    assert!(!served.contains("certmanager.k8s.io"), "{served}");
    let btls = ok(&kubectl(&[
        "get",
        "crd",
        "backendtlspolicies.gateway.networking.k8s.io",
        "-o",
        "jsonpath={.spec.versions[?(@.served==true)].name} {.metadata.annotations.gateway\\.networking\\.k8s\\.io/channel}",
    ]));
    assert!(
        btls.starts_with("v1") && btls.ends_with(" standard"),
        "{btls}"
    );

    // each malformed object next to a well-formed twin: the rejection is the schema's, not a
    // missing kind
    let cases: &[(&str, &str, &str, &[&str])] = &[
        (
            "cert-manager Certificate without an issuer",
            "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c, namespace: default}\nspec: {secretName: s, commonName: x}\n",
            "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c, namespace: default}\nspec: {secretName: s, commonName: x, issuerRef: {name: ca, kind: ClusterIssuer}}\n",
            &["spec.issuerRef", "Required value"],
        ),
        (
            "Istio DestinationRule with an unknown TLS mode",
            "apiVersion: networking.istio.io/v1alpha3\nkind: DestinationRule\nmetadata: {name: d, namespace: default}\nspec: {host: kms-api, trafficPolicy: {tls: {mode: SIMPLEST}}}\n",
            "apiVersion: networking.istio.io/v1alpha3\nkind: DestinationRule\nmetadata: {name: d, namespace: default}\nspec: {host: kms-api, trafficPolicy: {tls: {mode: SIMPLE}}}\n",
            &["spec.trafficPolicy.tls.mode", "Unsupported value"],
        ),
        (
            "Istio Gateway whose port is a word",
            "apiVersion: networking.istio.io/v1alpha3\nkind: Gateway\nmetadata: {name: g, namespace: default}\nspec: {servers: [{port: {name: https, number: https, protocol: HTTPS}, hosts: ['*']}]}\n",
            "apiVersion: networking.istio.io/v1alpha3\nkind: Gateway\nmetadata: {name: g, namespace: default}\nspec: {servers: [{port: {name: https, number: 443, protocol: HTTPS}, hosts: ['*']}]}\n",
            &["spec.servers[0].port.number"],
        ),
        (
            "Gateway API HTTPRoute to port 0",
            "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: default}\nspec: {parentRefs: [{name: gw}], rules: [{backendRefs: [{name: svc, port: 0}]}]}\n",
            "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: default}\nspec: {parentRefs: [{name: gw}], rules: [{backendRefs: [{name: svc, port: 9443}]}]}\n",
            &["spec.rules[0].backendRefs[0].port"],
        ),
        (
            // a CEL rule of the CRD: the CA must come from somewhere
            "Gateway API BackendTLSPolicy with no CA",
            "apiVersion: gateway.networking.k8s.io/v1\nkind: BackendTLSPolicy\nmetadata: {name: b, namespace: default}\nspec: {targetRefs: [{group: '', kind: Service, name: svc}], validation: {hostname: is.example.com}}\n",
            "apiVersion: gateway.networking.k8s.io/v1\nkind: BackendTLSPolicy\nmetadata: {name: b, namespace: default}\nspec: {targetRefs: [{group: '', kind: Service, name: svc}], validation: {hostname: is.example.com, caCertificateRefs: [{group: '', kind: ConfigMap, name: kmpilot-ca}]}}\n",
            &[
                "spec.validation",
                "must specify either CACertificateRefs or WellKnownCACertificates",
            ],
        ),
    ];
    for (what, bad, good, expect) in cases {
        let o = server_dry_run(good);
        assert!(
            o.status.success(),
            "{what}: the well-formed twin is accepted\n{good}\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let o = server_dry_run(bad);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{what}: accepted\n{bad}");
        assert!(err.contains("is invalid"), "{what}: {err}");
        for e in *expect {
            assert!(err.contains(e), "{what}: no {e:?} in\n{err}");
        }
    }
}

/// The API Operator v1.2.x ships apiextensions.k8s.io/v1beta1 CRDs; the test cluster (1.36)
/// serves no such API. A PrivateJet cluster that should get the operator is refused before
/// anything is applied to it: no operator manifest, no service account, no merged file.
#[test]
fn privatejet_operator_install_on_kubernetes_1_22_or_later_is_refused_before_any_change() {
    let _turn = support::one_file::turn(module_path!());
    if !cluster() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ns = "kmp-pj-refused";
    fresh_namespace(ns);
    // stands where the operator's install manifest goes: had kmpilot applied it, this
    // ConfigMap would exist afterwards
    let marker = dir.path().join("operator-configs.yaml");
    std::fs::write(
        &marker,
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: kmp-operator-applied, namespace: {ns}}}\ndata: {{applied: \"yes\"}}\n"),
    )
    .unwrap();
    let toml = dir.path().join("deployment.toml");
    let profile = dir.path().join("pj-refused.yaml");
    std::fs::write(
        &profile,
        format!(
            "apiVersion: kmpilot/v1\nkind: Profile\nname: kmp-pj-refused\nidentityServer: {{install: false}}\napiManager: {{install: false, chart: wso2/am-pattern-1, chartVersion: 3.2.0-5}}\nprivateJet:\n  operatorConfigs: {}\n  mergeInto: {}\n  clusters:\n    - name: pj-refused\n      displayName: Refused\n      namespace: {ns}\n      accessUrl: https://refused.example.com\n      installOperator: true\n",
            marker.display(),
            toml.display()
        ),
    )
    .unwrap();
    let (code, out, err) = apply(dir.path(), &profile, "private-jet", &[]);
    let all = format!("{out}\n{err}");
    assert_eq!(code, 1, "{all}");
    assert!(
        all.contains("does not serve apiextensions.k8s.io/v1beta1 CustomResourceDefinition"),
        "{all}"
    );
    assert!(
        all.contains("removed in 1.22") && all.contains("Kubernetes v1."),
        "{all}"
    );
    assert!(all.contains("nothing was changed"), "{all}");
    let left = ok(&kubectl(&[
        "get",
        "configmaps,serviceaccounts,secrets",
        "-n",
        ns,
        "-o",
        "jsonpath={.items[*].metadata.name}",
    ]));
    assert!(
        !left.contains("kmp-operator-applied"),
        "the operator manifest was applied: {left}"
    );
    assert!(
        !left.contains("wso2am-privatejet"),
        "the account was created: {left}"
    );
    assert!(!toml.exists(), "the blocks were merged");
    let _ = kubectl(&["delete", "namespace", ns, "--wait=false"]);
}

/// The published KMS procedure's cert-manager group (certmanager.k8s.io/v1alpha1, cert-manager
/// before 0.11) is served by no current cluster: the track stops before it patches the API key,
/// and names the missing kind and what provides it.
#[test]
fn kms_sts_with_the_legacy_cert_manager_group_stops_before_its_first_change() {
    let _turn = support::one_file::turn(module_path!());
    if !cluster() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    install_crds();
    let ns = "kmp-kms-legacy";
    fresh_namespace(ns);
    support::apply_yaml(&format!(
        "apiVersion: v1\nkind: Secret\nmetadata: {{name: sts-apikey, namespace: {ns}}}\nstringData: {{apikey: old-key}}\n"
    ));
    let profile = dir.path().join("kms-legacy.yaml");
    std::fs::write(
        &profile,
        format!(
            "apiVersion: kmpilot/v1\nkind: Profile\nname: kmp-kms-legacy\nidentityServer: {{install: false}}\napiManager: {{install: false}}\nkmsSts:\n  enabled: true\n  apiKey: {{env: KMS_API_KEY}}\n  sourceCrn: 'crn:v1:staging:public:sts:us-south:a/1234:123456789::'\n  targetCrns: ['crn:v1:icp:private:kms:mycluster:n/kube-system:0d705d95-e216-4ce4-9c81-38eeef4eee3b::']\n  sts: {{namespace: {ns}}}\n  kms: {{namespace: {ns}}}\n  certificate: {{apiVersion: certmanager.k8s.io/v1alpha1, ipAddresses: [9.42.136.50]}}\n  istioApiVersion: networking.istio.io/v1alpha3\n"
        ),
    )
    .unwrap();
    let (code, out, err) = apply(
        dir.path(),
        &profile,
        "kms-sts",
        &[("KMS_API_KEY", "kms-legacy-key")],
    );
    let all = format!("{out}\n{err}");
    assert_eq!(code, 1, "{all}");
    assert!(
        all.contains("does not serve certmanager.k8s.io/v1alpha1 Certificate"),
        "{all}"
    );
    assert!(all.contains("cert-manager before 0.11"), "{all}");
    // the Istio and IBM kinds the test CRDs do serve are not reported missing
    assert!(
        !all.contains("v1alpha3 Gateway;") && !all.contains("IdentityMappingPolicy;"),
        "{all}"
    );
    let key = jsonpath("secret", "sts-apikey", ns, "{.data.apikey}");
    assert_eq!(
        key, "b2xkLWtleQ==",
        "the API key was not patched (base64 of old-key)"
    );
    assert!(!all.contains("kms-legacy-key"));
    let _ = kubectl(&["delete", "namespace", ns, "--wait=false"]);
}

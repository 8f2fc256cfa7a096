//! Server-to-server topology of the key manager, against the REAL test cluster
//! (`scripts/with-test-cluster`) and the STAND-IN FOR API-M (tests/km_support): after a
//! registration the stand-in resolves every endpoint API-M's pod would call against the
//! cluster's real Services and refuses the registration when one does not resolve there.
//!
//! Also here: kmpilot's own calls through a port-forward listener — route decision, TLS
//! verified for the public name through the listener, and a real `pods/portforward` request
//! to a ready pod chosen through the Service. kwok runs no processes, so a port-forward to a
//! kwok pod cannot carry bytes (the API server has no kubelet to stream from); the TLS path
//! through the listener is therefore tested with a local TLS server in the pod's place
//! (`LocalForward::to_address`), and the real port-forward test asserts the pod it chose
//! and that the failure names that pod.

use crate::km_support;
use crate::support;

use std::time::Duration;

use km_support::*;
use kmpilot::http::Discovered;
use kmpilot::http::{ErrorKind, Outcome, Reach, register_via};
use kmpilot::kube::Kube;
use kmpilot::kube::port_forward::{LocalForward, ready_pod_of_service};
use kmpilot::plan::key_manager::Registration;
use kmpilot::profile::Profile;
use kmpilot::profile::sections::key_manager::{ServerEndpoints, TlsPolicy};
use serde_json::json;

/// The Service the IS chart renders for release `is` (wso2/kubernetes-is `templates/svc.yaml`:
/// name `..fullname` = `<release>-identity-server`, port `servlet-https` 9443, selector
/// `app.kubernetes.io/name` + `app.kubernetes.io/instance`). Written out here, not taken from
/// kmpilot, so the test does not agree with kmpilot by construction.
fn is_chart_service(ns: &str) -> serde_json::Value {
    json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "is-identity-server", "namespace": ns},
        "spec": {
            "selector": {"app.kubernetes.io/name": "identity-server", "app.kubernetes.io/instance": "is"},
            "ports": [{"name": "servlet-https", "port": 9443, "targetPort": 9443, "protocol": "TCP"}]
        }
    })
}

/// The API-M all-in-one chart's `<fullname>-am-service` for release `apim` (port 9443 among
/// others).
fn apim_chart_service(ns: &str) -> serde_json::Value {
    json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "apim-wso2am-all-in-one-am-service", "namespace": ns},
        "spec": {
            "selector": {"deployment": "apim-wso2am-all-in-one-am"},
            "ports": [
                {"name": "pass-through-http", "port": 8280, "targetPort": 8280},
                {"name": "pass-through-https", "port": 8243, "targetPort": 8243},
                {"name": "servlet-https", "port": 9443, "targetPort": 9443}
            ]
        }
    })
}

fn profile_in(ns: &str) -> Profile {
    let mut p = Profile::quickstart("topology");
    p.cluster.namespace = ns.to_string();
    p
}

async fn register_plain(
    standin: &StandIn,
    p: &Profile,
) -> (Result<Outcome, kmpilot::http::KmError>, Vec<String>) {
    register_over(&standin.registration(p, standin.trust()), &Reach::direct()).await
}

/// `register_via` with the stand-in's passwords over `reach`: the answer and the progress
/// lines.
async fn register_over(
    reg: &Registration,
    reach: &Reach,
) -> (Result<Outcome, kmpilot::http::KmError>, Vec<String>) {
    let mut lines = Vec::new();
    let mut progress = |l: String| lines.push(l);
    let r = register_via(
        reg,
        &std::env::temp_dir(),
        ADMIN_PASSWORD,
        CONNECTOR_PASSWORD,
        None,
        reach,
        &mut progress,
    )
    .await;
    (r, lines)
}

/// `discover_via` of `url` over `reach`, waiting at most `secs`.
async fn discover_over(
    url: &str,
    tls: &TlsPolicy,
    reach: &Reach,
    secs: u64,
) -> Result<Discovered, kmpilot::http::KmError> {
    kmpilot::http::discover_via(
        url,
        tls,
        &std::env::temp_dir(),
        Duration::from_secs(secs),
        reach,
        &mut |_| {},
    )
    .await
}

/// The test's namespace `name` holding the IS chart's Service, and a client of the cluster.
async fn namespace_with_is(tc: &support::TestCluster, name: &str) -> (support::Cleanup, Kube) {
    let ns = tc.namespace(name);
    let kube = tc.kube().await;
    kube.apply(&is_chart_service(&ns.name), false)
        .await
        .unwrap();
    (ns, kube)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_apim_quickstart_endpoints_resolve_to_services_of_the_test_cluster() {
    let _turn = support::one_file::turn(module_path!());
    let Some(tc) = support::test_cluster() else {
        return;
    };
    let (ns, kube) = namespace_with_is(&tc, "km-topology-quickstart").await;
    let standin = StandIn::start(0).await;
    standin.in_cluster(kube.client(), &ns.name);

    let p = profile_in(&ns.name);
    let (r, lines) = register_plain(&standin, &p).await;
    r.unwrap_or_else(|e| panic!("{e}\n{lines:#?}\n{:#?}", standin.resolved()));
    let resolved = standin.resolved();
    // 6 top-level + 6 endpoints[] + JWKS + 2 connector properties
    assert_eq!(resolved.len(), 15, "{resolved:#?}");
    for l in &resolved {
        assert!(
            l.ends_with(&format!("→ Service {}/is-identity-server:9443", ns.name)),
            "{l}"
        );
    }
    let km = &standin.key_managers()[0];
    // people and outside clients keep the public names
    assert_eq!(km["issuer"], "https://is.wso2.com/oauth2/token");
    assert_eq!(
        km["displayTokenEndpoint"],
        "https://is.wso2.com/oauth2/token"
    );
    assert_eq!(
        km["wellKnownEndpoint"],
        "https://is.wso2.com/oauth2/token/.well-known/openid-configuration"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_apim_refuses_public_only_endpoints() {
    let _turn = support::one_file::turn(module_path!());
    let Some(tc) = support::test_cluster() else {
        return;
    };
    let (ns, kube) = namespace_with_is(&tc, "km-topology-public").await;
    let standin = StandIn::start(0).await;
    standin.in_cluster(kube.client(), &ns.name);

    // a laptop hostname (RFC 2606 .invalid: in no DNS), server calls on it
    let mut p = profile_in(&ns.name);
    p.identity_server.hostname = "is.laptop.invalid".into();
    p.key_manager.server_endpoints = ServerEndpoints::Public;
    let (r, lines) = register_plain(&standin, &p).await;
    let e = r.expect_err("a public-only endpoint set must be refused");
    assert_eq!(e.kind, ErrorKind::Status(400), "{e}\n{lines:#?}");
    let text = e.to_string();
    assert!(
        text.contains("https://is.laptop.invalid/api/identity/oauth2/dcr/v1.1/register")
            && text.contains("not a Service of the cluster"),
        "{text}"
    );
    assert!(standin.key_managers().is_empty(), "nothing was saved");

    // the same profile with the in-cluster default passes
    p.key_manager.server_endpoints = ServerEndpoints::InCluster;
    let (r, _) = register_plain(&standin, &p).await;
    r.unwrap_or_else(|e| panic!("{e}\n{:#?}", standin.resolved()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standin_apim_refuses_in_cluster_endpoints_without_the_is_service() {
    let _turn = support::one_file::turn(module_path!());
    let Some(tc) = support::test_cluster() else {
        return;
    };
    // IS not installed: the namespace has no Service of that name
    let ns = tc.namespace("km-topology-no-is");
    let kube = tc.kube().await;
    let standin = StandIn::start(0).await;
    standin.in_cluster(kube.client(), &ns.name);
    let (r, _) = register_plain(&standin, &profile_in(&ns.name)).await;
    let e = r.expect_err("no IS Service, nothing resolves");
    assert!(
        e.to_string().contains(&format!(
            "no Service is-identity-server in namespace {}",
            ns.name
        )),
        "{e}"
    );

    // a Service of that name without the port the URLs name is no better
    let mut svc = is_chart_service(&ns.name);
    svc["spec"]["ports"] = json!([{"name": "http", "port": 9763}]);
    kube.apply(&svc, false).await.unwrap();
    let (r, _) = register_plain(&standin, &profile_in(&ns.name)).await;
    assert!(
        r.unwrap_err().to_string().contains("has no port 9443"),
        "{:#?}",
        standin.resolved()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn is_revocation_notifications_reach_the_apim_service_in_cluster() {
    let _turn = support::one_file::turn(module_path!());
    let Some(tc) = support::test_cluster() else {
        return;
    };
    let ns = tc.namespace("km-topology-notify");
    let kube = tc.kube().await;
    let p = profile_in(&ns.name);
    let url = kmpilot::steps::identity_server::notification_endpoint(&p);
    let dns = ClusterDns {
        client: kube.client(),
        namespace: ns.name.clone(),
    };
    // before API-M is installed its Service does not exist
    assert!(dns.reach(&url).await.is_err(), "{url}");
    kube.apply(&apim_chart_service(&ns.name), false)
        .await
        .unwrap();
    assert_eq!(
        dns.reach(&url).await,
        Ok(format!(
            "Service {}/apim-wso2am-all-in-one-am-service:9443",
            ns.name
        )),
        "{url}"
    );
    // and it is in IS's values as IS will read them
    let toml = kmpilot::steps::identity_server::extra_configs(&p);
    assert!(
        toml.contains(&format!("notification_endpoint = \"{url}\"")),
        "{toml}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_through_a_forward_listener_verifies_the_public_name() {
    let _turn = support::one_file::turn(module_path!());
    // API-M's public name does not resolve here; the listener stands in for the port-forward
    let host = "am.kmpilot.invalid";
    let standin = StandIn::start_with(
        pki(
            "forward test CA",
            host,
            &[host, "apim-wso2am-all-in-one-am-service"],
        ),
        0,
    )
    .await;
    assert!(!kmpilot::http::reach::resolves(host, Duration::from_secs(5)).await);
    let fwd = LocalForward::to_address(standin.addr).await.unwrap();
    let p = Profile::quickstart("fwd");
    let mut reg = standin.registration(&p, standin.trust());
    for u in [
        &mut reg.dcr_url,
        &mut reg.token_url,
        &mut reg.key_managers_url,
    ] {
        *u = u.replace(&standin.base, &format!("https://{host}"));
    }
    let reach = Reach::direct().through(host, fwd.local(), None);
    let (r, lines) = register_over(&reg, &reach).await;
    assert!(
        matches!(r, Ok(Outcome::Created { .. })),
        "{r:?}\n{lines:#?}"
    );
    // an explicit port goes to the listener too, with the Host header of the URL
    for u in [
        &mut reg.dcr_url,
        &mut reg.token_url,
        &mut reg.key_managers_url,
    ] {
        *u = u.replace(&format!("https://{host}"), &format!("https://{host}:9443"));
    }
    let (r, _) = register_over(&reg, &reach).await;
    assert!(matches!(r, Ok(Outcome::Updated { .. })), "{r:?}");

    // without the CA the same route is refused: verification is not relaxed
    let mut untrusted = reg.clone();
    untrusted.tls = TlsPolicy::default();
    let e = register_over(&untrusted, &reach).await.0.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Tls, "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forward_to_a_server_whose_certificate_names_another_host_is_refused() {
    let _turn = support::one_file::turn(module_path!());
    let host = "is.kmpilot.invalid";
    // the pod presents a certificate for other names only
    let standin = StandIn::start_with(
        pki("forward test CA", "other", &["other.example", "localhost"]),
        0,
    )
    .await;
    let fwd = LocalForward::to_address(standin.addr).await.unwrap();
    let reach = Reach::direct().through(host, fwd.local(), None);
    let url = format!("https://{host}/oauth2/token/.well-known/openid-configuration");
    let e = discover_over(&url, &standin.trust(), &reach, 5)
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Tls, "{e}");
    assert!(e.to_string().contains("does not name"), "{e}");
    // the pod's own certificate as the extra root does not help a wrong name either
    let reach = Reach::direct().through(host, fwd.local(), Some(standin.ca_file()));
    let e = discover_over(&url, &TlsPolicy::default(), &reach, 5)
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Tls, "{e}");

    // a server naming the host, trusted only through the pod certificate: discovery works
    let good = StandIn::start_with(pki("pod CA", host, &[host]), 0).await;
    let fwd = LocalForward::to_address(good.addr).await.unwrap();
    let reach = Reach::direct().through(host, fwd.local(), Some(good.ca_file()));
    let d = discover_over(&url, &TlsPolicy::default(), &reach, 5)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(d.issuer.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn port_forward_picks_a_ready_pod_of_the_service_and_names_it_when_it_fails() {
    let _turn = support::one_file::turn(module_path!());
    let Some(tc) = support::test_cluster() else {
        return;
    };
    let (ns, kube) = namespace_with_is(&tc, "km-topology-forward").await;
    // the Service selects nothing yet
    let e = ready_pod_of_service(kube.client(), &ns.name, "is-identity-server", 9443)
        .await
        .unwrap_err();
    assert!(e.contains("no ready pod behind service"), "{e}");
    let e = ready_pod_of_service(kube.client(), &ns.name, "is-identity-server", 443)
        .await
        .unwrap_err();
    assert!(e.contains("has no port 443"), "{e}");

    kube.apply(
        &json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "is-identity-server", "namespace": ns.name},
            "spec": {"replicas": 1,
                     "selector": {"matchLabels": {"app.kubernetes.io/name": "identity-server", "app.kubernetes.io/instance": "is"}},
                     "template": {"metadata": {"labels": {"app.kubernetes.io/name": "identity-server", "app.kubernetes.io/instance": "is"}},
                                  "spec": {"containers": [{"name": "wso2is", "image": "example.invalid/wso2is:7.1.0",
                                                           "ports": [{"containerPort": 9443}]}]}}}
        }),
        false,
    )
    .await
    .unwrap();
    let target = support::eventually("a ready IS pod", Duration::from_secs(90), || {
        let c = kube.client();
        let ns = ns.name.clone();
        async move {
            ready_pod_of_service(c, &ns, "is-identity-server", 9443)
                .await
                .ok()
        }
    })
    .await;
    assert!(target.pod.starts_with("is-identity-server-"), "{target}");
    assert_eq!(target.port, 9443);

    // a real pods/portforward request through the API server; kwok has no process behind the
    // pod, so the stream cannot carry TLS — the failure must name the pod
    let fwd = LocalForward::to_pod(kube.client(), target.clone())
        .await
        .unwrap();
    let host = "is.kmpilot.invalid";
    let reach = Reach::direct().through(host, fwd.local(), None);
    let r = discover_over(
        &format!("https://{host}/oauth2/token/.well-known/openid-configuration"),
        &TlsPolicy::default(),
        &reach,
        3,
    )
    .await;
    assert!(r.is_err(), "kwok cannot serve the stream: {r:?}");
    let why = support::eventually("the forward's error", Duration::from_secs(30), || {
        let e = fwd.last_error();
        async move { e }
    })
    .await;
    assert!(why.contains(&target.pod), "{why}");
    eprintln!("port-forward to a kwok pod: {why}");
}

/// `kmpilot doctor -o json` for a profile in `ns`; the rows of check `endpoint`.
fn doctor_endpoint_rows(
    tc: &support::TestCluster,
    ns: &str,
    extra: &str,
) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.yaml");
    std::fs::write(
        &file,
        format!(
            "apiVersion: kmpilot/v1\nkind: Profile\nname: {ns}\ncluster: {{ namespace: {ns} }}\n{extra}"
        ),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kmpilot"))
        .args(["doctor", "-f"])
        .arg(&file)
        .args(["-o", "json"])
        .env("KUBECONFIG", &tc.kubeconfig)
        .env("KMPILOT_STATE_DIR", dir.path().join("state"))
        .env("KMPILOT_CONFIG_DIR", dir.path().join("config"))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "doctor printed no JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["check"] == "endpoint")
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_says_where_each_server_to_server_endpoint_resolves() {
    let _turn = support::one_file::turn(module_path!());
    let Some(tc) = support::test_cluster() else {
        return;
    };
    let (ns, kube) = namespace_with_is(&tc, "km-topology-doctor").await;
    kube.apply(&apim_chart_service(&ns.name), false)
        .await
        .unwrap();

    let rows = doctor_endpoint_rows(&tc, &ns.name, "");
    // nine API-M → IS endpoints and IS → API-M's revocation notification
    assert_eq!(rows.len(), 10, "{rows:#?}");
    for r in &rows[..9] {
        assert_eq!(r["ok"], true, "{r}");
        assert_eq!(
            r["detail"],
            format!("in cluster: Service {}/is-identity-server:9443", ns.name),
            "{r}"
        );
    }
    assert_eq!(rows[9]["ok"], true, "{}", rows[9]);
    assert!(
        rows[9]["detail"]
            .as_str()
            .unwrap()
            .contains("apim-wso2am-all-in-one-am-service:9443"),
        "{}",
        rows[9]
    );

    // public endpoints on a laptop name: every API-M → IS row fails, saying why
    let rows = doctor_endpoint_rows(
        &tc,
        &ns.name,
        "identityServer: { hostname: is.laptop.invalid }\nkeyManager: { serverEndpoints: public }\n",
    );
    for r in &rows[..9] {
        assert_eq!(r["ok"], false, "{r}");
        let d = r["detail"].as_str().unwrap();
        assert!(
            d.contains("is not a Service of the cluster and not in public DNS")
                && d.contains("keyManager.serverEndpoints: in-cluster"),
            "{r}"
        );
    }
}

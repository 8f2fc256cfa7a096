//! The real node's ingress data plane: Traefik 3.7.13 (`scripts/test-node`, a hostNetwork
//! static pod on 10.244.0.1:80/443) meets an Ingress shaped like the WSO2 charts' (class,
//! `nginx.ingress.kubernetes.io/*` annotations, a TLS secret, a Service whose 9443 port is
//! `servlet-https`) in front of a stand-in pod serving TLS on 9443. The address Traefik
//! publishes in the Ingress status is read with kmpilot's own code, written into a hosts file
//! with kmpilot's own code, and an HTTPS request for the public name goes through Traefik to
//! the pod. The other case checks what kmpilot's ingress decision says about plain Traefik
//! against the running controller. Traefik's nginx-compatible provider serves only the
//! namespace `real-node-ingress-nginx` (`scripts/test-node`: every other test's Ingresses use
//! class `nginx` with no controller and must keep an empty status).

use super::*;

use kmpilot::steps::cluster_kind::{TRAEFIK_CONTROLLER, ingress_decision};

/// The node's address: where Traefik listens and what it publishes in the Ingress status.
const NODE_IP: &str = "10.244.0.1";

/// A stand-in for a WSO2 pod (HTTPS on 9443 with the certificate kmpilot would give it, not a
/// WSO2 product) and the Service in front of it, named and numbered like the API-M chart's.
async fn https_backend(c: &TestCluster, ns: &str, cert_pem: &str, key_pem: &str) {
    let secret = |name: &str| {
        json!({
            "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
            "metadata": {"name": name, "namespace": ns},
            "stringData": {"tls.crt": cert_pem, "tls.key": key_pem},
        })
        .to_string()
    };
    // the pod's own certificate and the ingress's: the same public name, as kmpilot makes them
    support::apply_yaml(&secret("pod-tls"));
    support::apply_yaml(&secret("apim-tls"));
    let mut container = server(
        &["-tls-cert=/tls/tls.crt", "-tls-key=/tls/tls.key"],
        9443,
        "servlet-https",
    );
    container["volumeMounts"] = json!([{"name": "tls", "mountPath": "/tls", "readOnly": true}]);
    support::apply_yaml(&pod(
        ns,
        "wso2am-standin",
        json!({"deployment": "wso2am-standin"}),
        json!({"containers": [container], "volumes": [{"name": "tls", "secret": {"secretName": "pod-tls"}}]}),
    ));
    support::apply_yaml(
        &json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "wso2am-am-service", "namespace": ns},
            "spec": {"selector": {"deployment": "wso2am-standin"},
                     "ports": [{"name": "servlet-https", "port": 9443, "targetPort": 9443, "protocol": "TCP"}]},
        })
        .to_string(),
    );
    wait_ready(c, ns, "wso2am-standin", Duration::from_secs(60)).await;
}

/// The API-M chart's management Ingress (helm-apim all-in-one, `kubernetes.ingress.management`):
/// its class, its four nginx annotations, its TLS secret and its backend.
fn charts_ingress(ns: &str, class: &str, host: &str) -> String {
    json!({
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": "wso2am-management", "namespace": ns, "annotations": {
            "nginx.ingress.kubernetes.io/backend-protocol": "HTTPS",
            "nginx.ingress.kubernetes.io/affinity": "cookie",
            "nginx.ingress.kubernetes.io/session-cookie-name": "route",
            "nginx.ingress.kubernetes.io/session-cookie-hash": "sha1",
        }},
        "spec": {
            "ingressClassName": class,
            "tls": [{"hosts": [host], "secretName": "apim-tls"}],
            "rules": [{"host": host, "http": {"paths": [{"path": "/", "pathType": "Prefix",
                "backend": {"service": {"name": "wso2am-am-service", "port": {"number": 9443}}}}]}}],
        },
    })
    .to_string()
}

/// The address for `name` in a hosts file, as a resolver reading it would find it.
fn hosts_lookup(file: &std::path::Path, name: &str) -> Option<String> {
    std::fs::read_to_string(file).ok()?.lines().find_map(|l| {
        let l = l.split('#').next().unwrap_or("");
        let mut f = l.split_whitespace();
        let addr = f.next()?;
        f.any(|h| h == name).then(|| addr.to_string())
    })
}

/// Maps `public` to the Ingress's published address the way `kmpilot apply`'s hosts step
/// does (kmpilot's wait for the ingress address, then its hosts-file writer), and returns the
/// address a resolver reading that file finds.
async fn hosts_mapping(c: &TestCluster, ns: &str, public: &str, dir: &std::path::Path) -> String {
    let kube = c.kube().await;
    let published = kube
        .wait_ingress_address(ns, public, Duration::from_secs(60))
        .await
        .expect("Traefik publishes an address in the Ingress status");
    assert_eq!(
        published, NODE_IP,
        "the address Traefik was told to publish"
    );
    let file = dir.join("hosts");
    std::fs::write(&file, "127.0.0.1 localhost\n").unwrap();
    kmpilot::exec::hosts::update(
        &file,
        "real-node-ingress",
        &published,
        &[public.to_string()],
    )
    .expect("kmpilot writes the hosts block");
    hosts_lookup(&file, public).expect("the hosts file maps the public name")
}

/// One HTTPS request for `public` to `addr`:443, the server's certificate verified against
/// `ca_der` for that name; the raw response (status line, headers, body), or why there is none.
async fn https_get(addr: &str, public: &str, ca_der: &[u8], path: &str) -> Result<String, String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    kmpilot::kube::ensure_crypto_provider();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca_der.to_vec().into()).expect("test CA");
    let tls = std::sync::Arc::new(
        rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    );
    let tcp = tokio::net::TcpStream::connect((addr, 443))
        .await
        .map_err(|e| format!("connect {addr}:443 (Traefik's websecure entrypoint): {e}"))?;
    let name = rustls::pki_types::ServerName::try_from(public.to_string()).unwrap();
    let mut s = tokio::time::timeout(
        Duration::from_secs(20),
        tokio_rustls::TlsConnector::from(tls).connect(name, tcp),
    )
    .await
    .map_err(|_| "TLS handshake timed out".to_string())?
    .map_err(|e| {
        format!("TLS to Traefik for {public} (is the Ingress's TLS secret served?): {e}")
    })?;
    let req = format!("GET {path} HTTP/1.1\r\nHost: {public}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut out)).await;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Repeats the request until `want` holds (Traefik applies a changed Ingress, Service or
/// secret a moment later); the last answer or error in the panic otherwise.
async fn https_until(
    addr: &str,
    public: &str,
    ca_der: &[u8],
    path: &str,
    what: &str,
    want: impl Fn(&str) -> bool,
) -> String {
    let start = std::time::Instant::now();
    loop {
        let r = https_get(addr, public, ca_der, path).await;
        if let Ok(r) = &r
            && want(r)
        {
            return r.clone();
        }
        if start.elapsed() > Duration::from_secs(45) {
            panic!("{what}: Traefik's last answer for https://{public}{path}:\n{r:?}");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

fn status_of(r: &str) -> &str {
    r.lines().next().unwrap_or("")
}

/// The charts' Ingress as they render it (class `nginx`, `backend-protocol: HTTPS`) on a
/// cluster whose Traefik runs its ingress-nginx compatibility provider: Traefik publishes the
/// node's address, kmpilot maps the public name to it in a hosts file, and an HTTPS request
/// for that name, verified with the CA that signed the Ingress's certificate, reaches the pod
/// over HTTPS (200, the pod's own answer, the chart's affinity cookie). Without the
/// annotation the same request gets the pod's 400 for plain HTTP, which is what the annotation
/// changes. Fails without Traefik's nginx provider or its status address (no address), when
/// the Ingress's TLS secret is not served (handshake refused) or backend-protocol is ignored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_charts_ingress_through_traefiks_nginx_provider_reaches_the_https_pod_real_node() {
    let Some(c) = real_node() else { return };
    // the one namespace the node's Traefik serves class `nginx` in (scripts/test-node)
    let g = ns(&c, "real-node-ingress-nginx");
    let n = g.name.as_str();
    support::ensure_nginx_ingress_class();
    let public = "am.ingress-nginx.real-node.kmpilot.invalid";
    let (ca_der, cert_pem, key_pem) = test_pki(public);
    https_backend(&c, n, &cert_pem, &key_pem).await;
    support::apply_yaml(&charts_ingress(n, "nginx", public));

    // kmpilot's decision for this class, from the live cluster's facts
    let facts = c.kube().await.cluster_facts().await.expect("cluster facts");
    let d = ingress_decision(&facts, "nginx");
    assert!(
        d.https_backend && d.summary.contains("kubernetesIngressNGINX"),
        "{d:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let addr = hosts_mapping(&c, n, public, dir.path()).await;
    let r = https_until(
        &addr,
        public,
        &ca_der,
        "/publisher/apis",
        "200 from the pod",
        |r| status_of(r).contains(" 200"),
    )
    .await;
    assert!(
        r.contains("testpod wso2am-standin /publisher/apis"),
        "the pod's own answer through Traefik:\n{r}"
    );
    assert!(
        r.to_ascii_lowercase().contains("set-cookie: route="),
        "the chart's affinity cookie (session-cookie-name: route):\n{r}"
    );

    // the annotation is what makes Traefik speak HTTPS to the pod
    let out = c.kubectl(&[
        "annotate",
        "ingress",
        "wso2am-management",
        "-n",
        n,
        "nginx.ingress.kubernetes.io/backend-protocol-",
    ]);
    assert!(out.status.success(), "{out:?}");
    let r = https_until(
        &addr,
        public,
        &ca_der,
        "/",
        "400 without backend-protocol",
        |r| status_of(r).contains(" 400"),
    )
    .await;
    assert!(
        r.contains("Client sent an HTTP request to an HTTPS server"),
        "plain HTTP reached the pod's TLS port:\n{r}"
    );
}

/// Plain Traefik (class `traefik`, controller `traefik.io/ingress-controller`, as k3s, k3d and
/// Rancher Desktop ship it) with the charts' Ingress: kmpilot's decision, made from the live
/// cluster, says the HTTPS backend is not reached and names Traefik's own fix; the real
/// controller bears it out — its answer is the pod's 400 for plain HTTP on its TLS port, and
/// with the Service annotation `serversscheme: https` Traefik speaks TLS but refuses the pod's
/// certificate (500), as the decision says. Fails if Traefik starts honouring the nginx
/// annotation, stops verifying backends, or when kmpilot's decision says otherwise.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_traefik_fails_the_https_pod_the_way_kmpilot_says_real_node() {
    let Some(c) = real_node() else { return };
    let g = ns(&c, "real-node-ingress-traefik");
    let n = g.name.as_str();
    let public = "am.traefik.real-node.kmpilot.invalid";
    let (ca_der, cert_pem, key_pem) = test_pki(public);
    https_backend(&c, n, &cert_pem, &key_pem).await;
    support::apply_yaml(&charts_ingress(n, "traefik", public));

    let facts = c.kube().await.cluster_facts().await.expect("cluster facts");
    assert!(
        facts
            .ingress_classes
            .iter()
            .any(|k| k.name == "traefik" && k.controller == TRAEFIK_CONTROLLER),
        "the node's IngressClass: {:?}",
        facts.ingress_classes
    );
    let d = ingress_decision(&facts, "traefik");
    assert!(
        !d.https_backend
            && d.summary.contains("plain HTTP")
            && d.summary.contains("verifies the pod's certificate"),
        "{d:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let addr = hosts_mapping(&c, n, public, dir.path()).await;
    let r = https_until(&addr, public, &ca_der, "/", "the pod's 400", |r| {
        status_of(r).contains(" 400")
    })
    .await;
    assert!(
        r.contains("Client sent an HTTP request to an HTTPS server"),
        "plain HTTP reached the pod's TLS port:\n{r}"
    );

    let out = c.kubectl(&[
        "annotate",
        "service",
        "wso2am-am-service",
        "-n",
        n,
        "traefik.ingress.kubernetes.io/service.serversscheme=https",
    ]);
    assert!(out.status.success(), "{out:?}");
    let r = https_until(
        &addr,
        public,
        &ca_der,
        "/",
        "500 for an unverified pod certificate",
        |r| status_of(r).contains(" 500"),
    )
    .await;
    assert!(
        !r.contains("testpod wso2am-standin"),
        "the pod's certificate (a private CA) must not pass Traefik's default verification:\n{r}"
    );
}

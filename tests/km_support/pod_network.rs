//! What the STAND-IN API-M does, when it runs as a pod on the real test node, with each
//! server-to-server endpoint of a key manager it is asked to save: what API-M's own pod would
//! do with it. The host is resolved by the pod's resolver (the kubelet's resolv.conf: CoreDNS
//! and the namespace's search path), a TCP connection is opened to the address it answered,
//! a TLS session is verified for the URL's host against the truststore kmpilot made for API-M,
//! and one HTTP request is sent so that something that answers HTTP is known to be there.
//! Any of these failing refuses the registration (`accept_km`), naming the endpoint and why.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

const STEP_TIMEOUT: Duration = Duration::from_secs(8);

/// The pod's view of the network, with the roots API-M trusts (its client truststore).
#[derive(Clone)]
pub struct PodNetwork {
    pub roots: Arc<rustls::RootCertStore>,
}

impl PodNetwork {
    /// A pod's view trusting the certificates `trusted` (DER).
    pub fn trusting(trusted: impl IntoIterator<Item = Vec<u8>>) -> PodNetwork {
        let mut roots = rustls::RootCertStore::empty();
        for der in trusted {
            // a truststore may hold certificates rustls cannot use as roots; API-M's JVM
            // would skip them too
            let _ = roots.add(der.into());
        }
        PodNetwork {
            roots: Arc::new(roots),
        }
    }

    /// How the pod reached `url` ("ADDRESS (cluster DNS), TLS verified for HOST, HTTP/1.1
    /// STATUS"), or why it did not.
    pub async fn reach(&self, url: &str) -> Result<String, String> {
        let u = url::Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
        if u.scheme() != "https" {
            return Err(format!("{url} is not https (API-M calls IS over TLS)"));
        }
        let host = u.host_str().ok_or("no host")?.to_string();
        let port = u.port_or_known_default().ok_or("no port")?;
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let addr = tokio::time::timeout(STEP_TIMEOUT, tokio::net::lookup_host((bare, port)))
            .await
            .map_err(|_| format!("{host} did not resolve within {STEP_TIMEOUT:?}"))?
            .map_err(|e| format!("{host} does not resolve in the pod (cluster DNS): {e}"))?
            .next()
            .ok_or_else(|| format!("{host} resolved to no address"))?;
        let tcp = tokio::time::timeout(STEP_TIMEOUT, tokio::net::TcpStream::connect(addr))
            .await
            .map_err(|_| format!("no TCP connection to {addr} ({host}) within {STEP_TIMEOUT:?}"))?
            .map_err(|e| format!("TCP connection to {addr} ({host}) failed: {e}"))?;
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(self.roots.clone())
        .with_no_client_auth();
        let name = rustls::pki_types::ServerName::try_from(bare.to_string())
            .map_err(|e| format!("{host}: {e}"))?;
        let mut tls = tokio::time::timeout(
            STEP_TIMEOUT,
            tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp),
        )
        .await
        .map_err(|_| format!("no TLS handshake with {addr} within {STEP_TIMEOUT:?}"))?
        .map_err(|e| format!("TLS with {addr} not verified for {host}: {e}"))?;
        let path = match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        };
        let req = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        tls.write_all(req.as_bytes())
            .await
            .map_err(|e| format!("sending to {addr}: {e}"))?;
        let mut head = vec![0u8; 256];
        let n = tokio::time::timeout(STEP_TIMEOUT, tls.read(&mut head))
            .await
            .map_err(|_| format!("{addr} did not answer within {STEP_TIMEOUT:?}"))?
            .map_err(|e| format!("reading from {addr}: {e}"))?;
        let text = String::from_utf8_lossy(&head[..n]);
        let status = text.lines().next().unwrap_or_default().trim().to_string();
        if !status.starts_with("HTTP/1.") {
            return Err(format!("{addr} did not answer HTTP: {status:?}"));
        }
        Ok(format!(
            "{} (cluster DNS), TLS verified for {host}, {status}",
            addr.ip()
        ))
    }
}

//! After a TLS failure only: connect once more and record the certificate the server presents,
//! so the error can say what the server showed against what kmpilot asked for. The recording
//! verifier stops the handshake as soon as it has the certificates; nothing is sent over this
//! connection.

use std::net::{TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use super::error::PresentedCertificate;

const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug)]
struct Recorder {
    chain: Mutex<Vec<CertificateDer<'static>>>,
    schemes: Vec<SignatureScheme>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut chain = vec![end_entity.clone().into_owned()];
        chain.extend(intermediates.iter().map(|c| c.clone().into_owned()));
        if let Ok(mut c) = self.chain.lock() {
            *c = chain;
        }
        // what was wanted is recorded; end the handshake here
        Err(rustls::Error::General("certificate recorded".into()))
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Err(rustls::Error::General("probe only".into()))
    }

    fn verify_tls13_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Err(rustls::Error::General("probe only".into()))
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.schemes.clone()
    }
}

/// The certificate `url`'s server presents, or `None` when it cannot be fetched.
pub(crate) async fn presented_certificate(url: &str) -> Option<PresentedCertificate> {
    let u = url::Url::parse(url).ok()?;
    let host = u
        .host_str()?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let port = u.port_or_known_default()?;
    let h = host.clone();
    let chain = tokio::task::spawn_blocking(move || fetch_chain(&h, port))
        .await
        .ok()??;
    describe(&host, &chain)
}

fn fetch_chain(host: &str, port: u16) -> Option<Vec<CertificateDer<'static>>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let recorder = Arc::new(Recorder {
        chain: Mutex::new(Vec::new()),
        schemes: provider
            .signature_verification_algorithms
            .supported_schemes(),
    });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .ok()?
        .dangerous()
        .with_custom_certificate_verifier(recorder.clone())
        .with_no_client_auth();
    let name = ServerName::try_from(host.to_string()).ok()?;
    let mut conn = rustls::ClientConnection::new(Arc::new(config), name).ok()?;
    let addr = (host, port).to_socket_addrs().ok()?.next()?;
    let mut sock = TcpStream::connect_timeout(&addr, PROBE_TIMEOUT).ok()?;
    sock.set_read_timeout(Some(PROBE_TIMEOUT)).ok()?;
    sock.set_write_timeout(Some(PROBE_TIMEOUT)).ok()?;
    while conn.is_handshaking() {
        if conn.complete_io(&mut sock).is_err() {
            break;
        }
    }
    let chain = recorder.chain.lock().ok()?.clone();
    (!chain.is_empty()).then_some(chain)
}

fn describe(host: &str, chain: &[CertificateDer<'static>]) -> Option<PresentedCertificate> {
    let leaf = chain.first()?;
    let (subject, issuer, sans) = match kmpilot_keystore::CertInfo::parse(leaf.as_ref()) {
        Ok(info) => (info.subject.to_string(), info.issuer.to_string(), info.sans),
        Err(e) => (
            format!("(unreadable certificate: {e})"),
            String::new(),
            Vec::new(),
        ),
    };
    let names_host = sans.iter().any(|s| name_matches(s, host));
    Some(PresentedCertificate {
        requested_host: host.to_string(),
        subject,
        issuer,
        sans,
        names_host,
        chain_len: chain.len(),
    })
}

/// Whether a SAN entry covers `host`: equal (case-insensitively; IPs compared as addresses),
/// or a `*.` wildcard covering exactly one leftmost label.
pub(crate) fn name_matches(san: &str, host: &str) -> bool {
    if let (Ok(a), Ok(b)) = (
        san.parse::<std::net::IpAddr>(),
        host.parse::<std::net::IpAddr>(),
    ) {
        return a == b;
    }
    let san = san.to_ascii_lowercase();
    let host = host.to_ascii_lowercase().trim_end_matches('.').to_string();
    if let Some(rest) = san.strip_prefix("*.") {
        return host
            .split_once('.')
            .is_some_and(|(label, tail)| !label.is_empty() && tail == rest);
    }
    san == host
}

#[cfg(test)]
mod tests {
    use super::name_matches;

    #[test]
    fn san_matching() {
        assert!(name_matches("am.wso2.com", "AM.wso2.com"));
        assert!(name_matches("*.wso2.com", "am.wso2.com"));
        assert!(!name_matches("*.wso2.com", "a.b.wso2.com"));
        assert!(!name_matches("*.wso2.com", "wso2.com"));
        assert!(name_matches("127.0.0.1", "127.0.0.1"));
        assert!(name_matches("::1", "0:0::1"));
        assert!(!name_matches("localhost", "127.0.0.1"));
    }
}

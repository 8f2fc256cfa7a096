//! How kmpilot's own HTTP calls reach a server: straight to the URL's host when that name
//! resolves where kmpilot runs, else through a local port-forward to a pod of the server's
//! Service (`crate::kube::port_forward`).
//!
//! Through a port-forward nothing about TLS is relaxed: the URL keeps its public host name,
//! the client resolves that one name to the local listener (`ClientBuilder::resolve`), so SNI
//! and certificate verification use the public name, against the configured CA plus the
//! certificate the pod itself presents (the ingress presents another one). A URL with an
//! explicit port is sent to the listener's port with the original `Host` header, since a
//! resolve override cannot change a port the URL names.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::{Method, RequestBuilder};

use super::error::KmError;

/// One host name that goes to a local listener instead of DNS.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Override {
    host: String,
    local: SocketAddr,
    /// A PEM certificate to trust in addition (the pod's own).
    extra_ca: Option<PathBuf>,
}

/// The routes of one client's calls: direct unless a host was sent through a listener.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    overrides: Vec<Override>,
}

/// Which route a call takes, as the executor reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The name resolves here (or is an address): call it.
    Direct,
    /// The name does not resolve here and a Service can stand in for it.
    PortForward,
    /// It does not resolve and nothing can stand in: call it anyway, so the error (with the
    /// DNS hint) says what is wrong.
    Unresolved,
}

/// The route for a host that does (`resolves`) or does not resolve, with or without a Service
/// to forward to.
pub fn decide(resolves: bool, has_route: bool) -> Decision {
    match (resolves, has_route) {
        (true, _) => Decision::Direct,
        (false, true) => Decision::PortForward,
        (false, false) => Decision::Unresolved,
    }
}

/// Whether `host` resolves from here (the system resolver: hosts file and DNS), within
/// `timeout`. An IP address always does.
pub async fn resolves(host: &str, timeout: Duration) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    if h.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    match tokio::time::timeout(timeout, tokio::net::lookup_host((h, 443))).await {
        Ok(Ok(mut addrs)) => addrs.next().is_some(),
        _ => false,
    }
}

impl Reach {
    /// Every call goes where its URL says.
    pub fn direct() -> Reach {
        Reach::default()
    }

    /// `host` goes to `local` (a port-forward listener), trusting `extra_ca` as well.
    pub fn through(mut self, host: &str, local: SocketAddr, extra_ca: Option<PathBuf>) -> Reach {
        self.overrides.push(Override {
            host: host.to_ascii_lowercase(),
            local,
            extra_ca,
        });
        self
    }

    pub fn is_direct(&self) -> bool {
        self.overrides.is_empty()
    }

    fn find(&self, url: &url::Url) -> Option<&Override> {
        let host = url.host_str()?.to_ascii_lowercase();
        self.overrides.iter().find(|o| o.host == host)
    }

    /// The URL to send and the `Host` header to send with it (only when the URL changed).
    pub fn target(&self, url: &str) -> (String, Option<String>) {
        let Ok(mut u) = url::Url::parse(url) else {
            return (url.to_string(), None);
        };
        let Some(o) = self.find(&u) else {
            return (url.to_string(), None);
        };
        let Some(port) = u.port() else {
            // no explicit port: the resolve override's port is used
            return (url.to_string(), None);
        };
        let host = format!("{}:{port}", u.host_str().unwrap_or_default());
        if u.set_port(Some(o.local.port())).is_err() {
            return (url.to_string(), None);
        }
        (u.to_string(), Some(host))
    }

    /// A request of `method` to `url` on `client`, routed.
    pub fn request(&self, client: &reqwest::Client, method: Method, url: &str) -> RequestBuilder {
        let (u, host) = self.target(url);
        let rb = client.request(method, u);
        match host {
            Some(h) => rb.header(reqwest::header::HOST, h),
            None => rb,
        }
    }

    /// The resolve overrides and the extra roots on a client builder. `verify`: false when
    /// TLS verification is off anyway.
    pub(crate) fn configure(
        &self,
        mut b: reqwest::ClientBuilder,
        base_dir: &Path,
        verify: bool,
    ) -> Result<reqwest::ClientBuilder, KmError> {
        for o in &self.overrides {
            b = b.resolve(&o.host, o.local);
            if !verify {
                continue;
            }
            if let Some(ca) = &o.extra_ca {
                let path = if ca.is_absolute() {
                    ca.clone()
                } else {
                    base_dir.join(ca)
                };
                let certs = super::pem::read_pem_certs(&path)?;
                b = b.tls_certs_merge(certs);
            }
        }
        Ok(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decision_table() {
        assert_eq!(decide(true, true), Decision::Direct);
        assert_eq!(decide(true, false), Decision::Direct);
        assert_eq!(decide(false, true), Decision::PortForward);
        assert_eq!(decide(false, false), Decision::Unresolved);
    }

    #[test]
    fn only_the_forwarded_host_changes_and_keeps_its_host_header() {
        let local: SocketAddr = "127.0.0.1:40123".parse().unwrap();
        let r = Reach::direct().through("IS.wso2.com", local, None);
        // default port: the URL stays, the resolve override carries the port
        assert_eq!(
            r.target("https://is.wso2.com/oauth2/token"),
            ("https://is.wso2.com/oauth2/token".to_string(), None)
        );
        // explicit port: the listener's port, and the Host the server expects
        assert_eq!(
            r.target("https://is.wso2.com:9443/oauth2/jwks?x=1"),
            (
                "https://is.wso2.com:40123/oauth2/jwks?x=1".to_string(),
                Some("is.wso2.com:9443".to_string())
            )
        );
        assert_eq!(
            r.target("https://am.wso2.com:9443/x"),
            ("https://am.wso2.com:9443/x".to_string(), None)
        );
        assert!(!r.is_direct());
        assert!(Reach::direct().is_direct());
    }

    #[tokio::test]
    async fn addresses_resolve_and_reserved_names_do_not() {
        assert!(resolves("127.0.0.1", Duration::from_secs(5)).await);
        assert!(resolves("[::1]", Duration::from_secs(5)).await);
        // RFC 2606: .invalid never resolves
        assert!(!resolves("is.kmpilot.invalid", Duration::from_secs(5)).await);
    }
}

//! The HTTP client for kmpilot's own calls, built from the profile's [`TlsPolicy`].
//!
//! - Certificates are verified by default (the platform's roots).
//! - `caFile` (a PEM CA, a bundle, or the server's own self-signed certificate) is added as a
//!   root. A relative path is resolved against the directory the caller gives: the planner's
//!   default is the generated `keystores/tls.crt`, which the executor writes in its work
//!   directory.
//! - `insecure: true` turns verification off, explicitly (and the plan says so everywhere).

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::profile::sections::key_manager::TlsPolicy;

use super::error::KmError;

/// Connecting (TCP + TLS) gives up after this long; the retry loop decides what happens next.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// One request (connect to last body byte) gives up after this long.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

const STAGE: &str = "TLS set-up";

/// Where the CA file is, if one is configured: absolute as given, else under `base_dir`.
pub fn ca_path(tls: &TlsPolicy, base_dir: &Path) -> Option<PathBuf> {
    tls.ca_file.as_ref().map(|p| {
        if p.is_absolute() {
            p.clone()
        } else {
            base_dir.join(p)
        }
    })
}

/// A client for the key-manager calls: verified TLS unless `insecure`, the CA file added as a
/// root, [`CONNECT_TIMEOUT`] and [`REQUEST_TIMEOUT`], no redirects (an API call that is
/// redirected is a misconfiguration to report, not to follow).
pub fn build_client(tls: &TlsPolicy, base_dir: &Path) -> Result<reqwest::Client, KmError> {
    build(tls, base_dir, reqwest::redirect::Policy::none())
}

pub(crate) fn build(
    tls: &TlsPolicy,
    base_dir: &Path,
    redirects: reqwest::redirect::Policy,
) -> Result<reqwest::Client, KmError> {
    build_reaching(tls, base_dir, redirects, &super::reach::Reach::direct())
}

/// As [`build`], with the host names `reach` sends through port-forward listeners resolved to
/// them (and the pods' own certificates trusted as well).
pub(crate) fn build_reaching(
    tls: &TlsPolicy,
    base_dir: &Path,
    redirects: reqwest::redirect::Policy,
    reach: &super::reach::Reach,
) -> Result<reqwest::Client, KmError> {
    // reqwest has no provider of its own (rustls-no-provider): it takes the process default
    crate::kube::ensure_crypto_provider();
    let mut b = reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .redirect(redirects)
        .user_agent(concat!("kmpilot/", env!("CARGO_PKG_VERSION")))
        // proxies from the environment would silently change who answers
        .no_proxy();
    if tls.insecure {
        b = b.tls_danger_accept_invalid_certs(true);
    } else if let Some(path) = ca_path(tls, base_dir) {
        b = b.tls_certs_merge(super::pem::read_pem_certs(&path)?);
    }
    b = reach.configure(b, base_dir, !tls.insecure)?;
    b.build().map_err(|e| {
        KmError::config(STAGE, format!("cannot build the HTTP client: {e}"))
            .with_hint("check keyManager.tls")
    })
}

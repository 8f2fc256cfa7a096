//! Reading the PEM file of certificates kmpilot trusts (`keyManager.tls.caFile`, a
//! port-forward's extra CA), for both the plain client and the one that reaches through a
//! port-forward.

use std::path::Path;

use super::error::KmError;

const STAGE: &str = "TLS set-up";

/// The certificates of a PEM file, at least one.
pub(crate) fn read_pem_certs(path: &Path) -> Result<Vec<reqwest::Certificate>, KmError> {
    let pem = std::fs::read(path).map_err(|e| {
        KmError::config(
            STAGE,
            format!("cannot read the CA file {}: {e}", path.display()),
        )
        .with_hint(
            "keyManager.tls.caFile names a PEM file, relative to the work directory; \
             the default keystores/tls.crt exists once the keystores step ran",
        )
    })?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
        KmError::config(
            STAGE,
            format!("{} is not a PEM certificate file: {e}", path.display()),
        )
        .with_hint("give a file with -----BEGIN CERTIFICATE----- blocks")
    })?;
    if certs.is_empty() {
        return Err(KmError::config(
            STAGE,
            format!("{} holds no PEM certificate", path.display()),
        )
        .with_hint("give a file with -----BEGIN CERTIFICATE----- blocks"));
    }
    Ok(certs)
}

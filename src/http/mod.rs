//! HTTP calls of the executor: key-manager discovery (the IS OpenID well-known document) and
//! registration through the API-M Admin REST API (wso2-facts §3).
//!
//! - [`client`]: a reqwest client from the profile's [`TlsPolicy`](crate::profile::sections::key_manager::TlsPolicy):
//!   verified by default, a CA file added as a root, `insecure` explicit.
//! - [`key_manager::discover`]: fetch and parse the well-known document, compare it with the derived
//!   Admin Portal fields, and take its values unless the profile overrode them.
//! - [`key_manager::register`]: DCR → password grant → list → PUT or POST, with retries while API-M starts.
//! - [`error`]: [`KmError`], an error a person can act on (status, method and URL, a scrubbed
//!   body excerpt, a hint; for TLS failures the certificate the server presented).
//!
//! No secret (admin or connector password, client secret, access token) ever reaches a
//! progress line, a log record or an error message: everything shown goes through a
//! scrubber that knows the secrets of the call.

pub mod client;
pub mod error;
pub mod key_manager;
mod pem;
pub mod reach;

mod redact;
mod send;
mod tls_probe;

pub use client::{build_client, ca_path};
pub use error::{ErrorKind, KmError, PresentedCertificate};
pub use key_manager::discover::{
    Discovered, Endpoint, FieldDiff, apply_discovered, diff, discover, discover_via,
};
pub use key_manager::prove::{Proved, missing_headline, prove_via};
pub use key_manager::register::{Outcome, Removed, deregister_via, register, register_via};
pub use key_manager::registered::{all_registered_via, registered_via};
pub use reach::Reach;

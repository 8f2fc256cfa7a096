//! [`KmError`]: what failed (the stage, method and URL), what the server said (status and a
//! scrubbed, truncated body excerpt) and what to do about it (a hint). Every text in it has
//! been through the call's secret scrubber before it was stored here.

use std::fmt;

// The stages of a key-manager registration. They live with the errors (whose hints depend on
// the stage) so that the error module depends on nothing that uses it.
pub const STAGE_DCR: &str = "client registration (DCR)";
pub const STAGE_TOKEN: &str = "admin token (password grant)";
pub const STAGE_LIST: &str = "list key managers";
pub const STAGE_SAVE: &str = "save key manager";

/// What kind of failure; tests and the executor branch on it, people read [`KmError`]'s text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// Local set-up: an unreadable or empty CA file, a URL that does not parse.
    Config,
    /// No HTTP answer: the connection was refused or reset, the name did not resolve.
    Connect,
    /// The TLS handshake failed (usually: the certificate is not trusted or does not name the
    /// host). [`KmError::presented`] holds what the server showed, when it could be fetched.
    Tls,
    /// No answer within the time allowed.
    Timeout,
    /// The server answered with this HTTP status where another was expected.
    Status(u16),
    /// The server answered, but not with what the API promises (not JSON, a field missing).
    Response,
}

/// The certificate a server presented, fetched again after a TLS failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresentedCertificate {
    /// The host kmpilot asked for (from the URL).
    pub requested_host: String,
    pub subject: String,
    pub issuer: String,
    /// DNS names and IP addresses in the subjectAltName extension.
    pub sans: Vec<String>,
    /// Whether one of the SANs matches `requested_host` (wildcards one label deep).
    pub names_host: bool,
    /// The number of certificates the server sent (leaf first).
    pub chain_len: usize,
}

impl fmt::Display for PresentedCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sans = if self.sans.is_empty() {
            "none".to_string()
        } else {
            self.sans.join(", ")
        };
        write!(
            f,
            "the server presented a certificate with subject \"{}\", SANs [{}], issued by \"{}\"; \
             kmpilot asked for host {} ({})",
            self.subject,
            sans,
            self.issuer,
            self.requested_host,
            if self.names_host {
                "the certificate names it"
            } else {
                "the certificate does NOT name it"
            }
        )
    }
}

/// An error of discovery or registration that a person can act on.
#[derive(Debug, Clone)]
pub struct KmError {
    pub kind: ErrorKind,
    /// What kmpilot was doing, e.g. "client registration (DCR)".
    pub stage: &'static str,
    /// Empty for local failures.
    pub method: &'static str,
    /// Empty for local failures.
    pub url: String,
    /// What happened: the status and a body excerpt, or the transport error. Scrubbed.
    pub detail: String,
    pub hint: Option<String>,
    pub presented: Option<Box<PresentedCertificate>>,
}

impl KmError {
    pub(crate) fn new(
        kind: ErrorKind,
        stage: &'static str,
        method: &'static str,
        url: &str,
        detail: impl Into<String>,
    ) -> Self {
        KmError {
            kind,
            stage,
            method,
            url: url.to_string(),
            detail: detail.into(),
            hint: None,
            presented: None,
        }
    }

    pub(crate) fn config(stage: &'static str, detail: impl Into<String>) -> Self {
        KmError::new(ErrorKind::Config, stage, "", "", detail)
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The HTTP status, when the server answered with an unexpected one.
    pub fn status(&self) -> Option<u16> {
        match self.kind {
            ErrorKind::Status(s) => Some(s),
            _ => None,
        }
    }

    /// Everything but the hint, on one or two lines (the executor shows the hint apart).
    pub fn message(&self) -> String {
        let mut s = if self.url.is_empty() {
            format!("{}: {}", self.stage, self.detail)
        } else {
            format!(
                "{}: {} {} failed: {}",
                self.stage, self.method, self.url, self.detail
            )
        };
        if let Some(p) = &self.presented {
            s.push_str("\n  ");
            s.push_str(&p.to_string());
        }
        s
    }

    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }
}

impl fmt::Display for KmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())?;
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for KmError {}

/// The hint for an unexpected status, by stage. `path` is the URL's path, `host` its host.
pub(crate) fn status_hint(stage: &'static str, status: u16, host: &str, path: &str) -> String {
    match status {
        401 => match stage {
            STAGE_LIST | STAGE_SAVE => format!(
                "API-M rejected the access token kmpilot obtained; check the admin credentials \
                 (apiManager.admin) and that the token came from API-M's own /oauth2/token \
                 at {host}, not from IS"
            ),
            STAGE_TOKEN => "API-M rejected the client it had just registered; \
                 check the admin credentials (apiManager.admin) and retry"
                .to_string(),
            _ => "check the admin credentials (apiManager.admin: username and password); \
                  they must be those of an API-M administrator"
                .to_string(),
        },
        403 => format!(
            "the token lacks the scopes for this call: it needs one of {}; \
             the admin user (apiManager.admin) must have the admin role in API-M",
            crate::plan::key_manager::TOKEN_SCOPES.replace(' ', ", ")
        ),
        404 => format!(
            "check the host and the path: is the management hostname {host} mapped to the \
             ingress (dns step, /etc/hosts), and does this API-M (chart version) serve {path}? \
             API-M 4.5 serves the Admin REST API at /api/am/admin/v4"
        ),
        400 if stage == STAGE_TOKEN => {
            "API-M refused the password grant; check the admin credentials (apiManager.admin)"
                .to_string()
        }
        400 | 422 if stage == STAGE_SAVE => {
            "API-M rejected the key-manager body; the description above names the field \
             (the body is the plan's key-manager/key-manager.json)"
                .to_string()
        }
        409 => "a key manager with this name exists but could not be updated; \
                look at it in the Admin Portal (Key Managers)"
            .to_string(),
        502..=504 => format!(
            "API-M did not become ready in time; check its pods (kubectl get pods) and the \
             ingress for {host}, or raise keyManager.timeoutSeconds"
        ),
        500..=599 => "API-M failed while handling the call; look at the API-M pod's log \
                      (kubectl logs on the wso2am pod)"
            .to_string(),
        _ => format!("unexpected answer from {host}{path}"),
    }
}

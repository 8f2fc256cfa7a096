//! One error type for the Kubernetes layer. Every variant says what was being done (which
//! context and file, which object, what was awaited) so a failed step reads well on its own.

use std::time::Duration;

pub type Result<T, E = KubeError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum KubeError {
    /// The kubeconfig could not be read or the context could not be turned into a client.
    #[error("kubeconfig {source_desc}{}: {message}", context_suffix(.context))]
    Config {
        /// Which file(s): `/path/config`, `$KUBECONFIG (a:b)`, `~/.kube/config`.
        source_desc: String,
        context: Option<String>,
        message: String,
    },
    /// A request to the API server failed.
    #[error("{what}: {}", describe_kube_error(.source))]
    Api {
        what: String,
        #[source]
        source: Box<::kube::Error>,
    },
    /// A wait ran out of time.
    #[error("timed out after {}s waiting for {what}; last seen: {last_seen}", .waited.as_secs())]
    Timeout {
        what: String,
        waited: Duration,
        last_seen: String,
    },
    /// The input cannot be acted on (an object without kind or name, a secret that is not UTF-8…).
    #[error("{0}")]
    Invalid(String),
}

fn context_suffix(context: &Option<String>) -> String {
    match context {
        Some(c) => format!(" (context {c:?})"),
        None => String::new(),
    }
}

impl KubeError {
    pub(crate) fn api(what: impl Into<String>, source: ::kube::Error) -> Self {
        KubeError::Api {
            what: what.into(),
            source: Box::new(source),
        }
    }

    /// HTTP status of an API error (404, 403, 409…), if this is one.
    pub fn status_code(&self) -> Option<u16> {
        match self {
            KubeError::Api { source, .. } => status_code(source),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.status_code() == Some(404)
    }

    pub fn is_forbidden(&self) -> bool {
        self.status_code() == Some(403)
    }
}

pub(crate) fn status_code(e: &::kube::Error) -> Option<u16> {
    match e {
        ::kube::Error::Api(s) => Some(s.code),
        _ => None,
    }
}

/// kube's own Display for API errors repeats the status twice (`{0} ({0:?})`); users want the
/// server's message and code, and for transport errors the innermost cause (`Connection
/// refused`), not a chain of wrapper names.
pub fn describe_kube_error(e: &::kube::Error) -> String {
    match e {
        ::kube::Error::Api(s) => {
            let reason = if s.reason.is_empty() {
                String::new()
            } else {
                format!(", {}", s.reason)
            };
            format!("{} (HTTP {}{reason})", s.message, s.code)
        }
        ::kube::Error::HyperError(_) | ::kube::Error::Service(_) => {
            // "ServiceError: client error (Connect)" + "Connection refused (os error 111)"
            let mut innermost = e.to_string();
            let mut cur: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
            while let Some(c) = cur {
                innermost = c.to_string();
                cur = c.source();
            }
            if e.to_string().contains("Connect") {
                format!("cannot connect to the API server: {innermost}")
            } else {
                format!("request to the API server failed: {innermost}")
            }
        }
        other => {
            let mut msg = other.to_string();
            let mut cur: Option<&(dyn std::error::Error + 'static)> =
                std::error::Error::source(other);
            let mut innermost = None;
            while let Some(c) = cur {
                innermost = Some(c.to_string());
                cur = c.source();
            }
            if let Some(inner) = innermost
                && !msg.contains(&inner)
            {
                msg = format!("{msg}: {inner}");
            }
            msg
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_error_names_message_and_code() {
        let status =
            ::kube::core::Status::failure("secrets \"x\" is forbidden", "Forbidden").with_code(403);
        let e = KubeError::api("get secret ns/x", ::kube::Error::Api(Box::new(status)));
        assert!(e.is_forbidden());
        assert_eq!(
            e.to_string(),
            "get secret ns/x: secrets \"x\" is forbidden (HTTP 403, Forbidden)"
        );
    }

    #[test]
    fn config_error_names_file_and_context() {
        let e = KubeError::Config {
            source_desc: "/tmp/k".into(),
            context: Some("kind-kind".into()),
            message: "no such context".into(),
        };
        assert_eq!(
            e.to_string(),
            "kubeconfig /tmp/k (context \"kind-kind\"): no such context"
        );
    }
}

//! Sending one logical request: retried with exponential back-off while the server is still
//! starting (connection refused or reset, 502/503/504, a timed-out attempt), bounded by a
//! deadline; every other failure becomes a [`KmError`] at once.

use std::time::{Duration, Instant};

use reqwest::{RequestBuilder, StatusCode};

use super::client::REQUEST_TIMEOUT;
use super::error::{ErrorKind, KmError};
use super::redact::Redactor;

/// First pause between attempts; doubled after each, up to [`MAX_BACKOFF`].
pub(crate) const FIRST_BACKOFF: Duration = Duration::from_millis(500);
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(15);

/// A response that arrived: status and body text.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: StatusCode,
    pub body: String,
}

/// What a transport error was.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Transport {
    /// The TLS layer refused: the rustls error's text.
    Tls(String),
    /// Worth another try while the server starts.
    Transient(String),
    Timeout(String),
    /// The host name did not resolve.
    Dns(String),
    Other(String),
}

/// The error's chain as one line, consecutive repeats dropped.
pub(crate) fn chain_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = Some(e);
    while let Some(x) = cur {
        let t = x.to_string();
        if parts.last().is_none_or(|l| !l.contains(&t)) {
            parts.push(t);
        }
        cur = match x.downcast_ref::<std::io::Error>() {
            // io::Error's source() skips its own payload; look at the payload itself
            Some(io) => io
                .get_ref()
                .map(|i| i as &(dyn std::error::Error + 'static)),
            None => x.source(),
        };
    }
    parts.join(": ")
}

pub(crate) fn classify(e: &reqwest::Error) -> Transport {
    let text = chain_text(e);
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut io_kind = None;
    while let Some(x) = cur {
        if let Some(r) = x.downcast_ref::<rustls::Error>() {
            return Transport::Tls(tls_words(r));
        }
        cur = match x.downcast_ref::<std::io::Error>() {
            Some(io) => {
                io_kind.get_or_insert(io.kind());
                io.get_ref()
                    .map(|i| i as &(dyn std::error::Error + 'static))
            }
            None => x.source(),
        };
    }
    use std::io::ErrorKind as K;
    match io_kind {
        Some(K::ConnectionRefused | K::ConnectionReset | K::ConnectionAborted) => {
            return Transport::Transient(text);
        }
        Some(K::TimedOut) => return Transport::Timeout(text),
        _ => {}
    }
    if e.is_timeout() {
        Transport::Timeout(text)
    } else if text.contains("dns error") || text.contains("failed to lookup address") {
        Transport::Dns(text)
    } else if e.is_connect() && text.contains("refused") {
        Transport::Transient(text)
    } else {
        Transport::Other(text)
    }
}

/// A rustls error in words a person reads, with rustls's own text kept.
fn tls_words(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    let words = match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::UnknownIssuer => "the certificate is not signed by a CA kmpilot trusts",
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                "the certificate does not name the host kmpilot called"
            }
            C::Expired | C::ExpiredContext { .. } => "the certificate has expired",
            C::NotValidYet | C::NotValidYetContext { .. } => {
                "the certificate is not valid yet (check the clocks)"
            }
            C::BadSignature => "the certificate's signature does not verify",
            _ => "the certificate was refused",
        },
        _ => "",
    };
    if words.is_empty() {
        e.to_string()
    } else {
        format!("{words} ({e})")
    }
}

/// One logical call: its stage (for messages), method and URL.
pub(crate) struct Call<'a> {
    pub stage: &'static str,
    pub method: &'static str,
    pub url: &'a str,
}

/// Sends `build()` until it gets an answer that is not 502/503/504, or the deadline passes.
/// Progress lines name the call and the reason for waiting, never a header or a body.
pub(crate) async fn send(
    call: &Call<'_>,
    build: &(dyn Fn() -> RequestBuilder + Sync),
    deadline: Instant,
    redactor: &Redactor,
    progress: &mut (dyn FnMut(String) + Send),
) -> Result<Answer, KmError> {
    let started = Instant::now();
    let mut backoff = FIRST_BACKOFF;
    let mut attempt: u32 = 0;
    let method = call.method;
    loop {
        attempt += 1;
        let remaining = deadline.saturating_duration_since(Instant::now());
        let per_try = remaining.clamp(Duration::from_secs(1), REQUEST_TIMEOUT);
        let result = build().timeout(per_try).send().await;
        // why this attempt did not count, if it is worth another
        let retry_reason: String;
        let last_error: KmError;
        match result {
            Ok(resp) => {
                let status = resp.status();
                let body = match resp.text().await {
                    Ok(b) => b,
                    Err(e) if e.is_timeout() => String::from("(the body did not arrive in time)"),
                    Err(e) => format!("(the body could not be read: {})", chain_text(&e)),
                };
                if !matches!(status.as_u16(), 502..=504) {
                    tracing::debug!(
                        stage = call.stage,
                        method,
                        url = call.url,
                        status = status.as_u16(),
                        "answer"
                    );
                    return Ok(Answer { status, body });
                }
                retry_reason = format!("answered {status}");
                last_error = status_error(call, status, &body, redactor).with_hint(
                    super::error::status_hint(
                        call.stage,
                        status.as_u16(),
                        &host_of(call.url),
                        &path_of(call.url),
                    ),
                );
            }
            Err(e) => match classify(&e) {
                Transport::Tls(reason) => {
                    return Err(tls_error(call, &redactor.scrub(&reason)).await);
                }
                Transport::Transient(text) => {
                    retry_reason = if text.contains("refused") {
                        "refused the connection".into()
                    } else {
                        "closed the connection".into()
                    };
                    last_error = KmError::new(
                        ErrorKind::Connect,
                        call.stage,
                        method,
                        call.url,
                        redactor.scrub(&text),
                    )
                    .with_hint(format!(
                        "nothing answered at {}; is API-M running and its ingress ready? \
                         (kubectl get pods,ingress) — or raise keyManager.timeoutSeconds",
                        host_of(call.url)
                    ));
                }
                Transport::Timeout(text) => {
                    retry_reason = "did not answer in time".into();
                    last_error = KmError::new(
                        ErrorKind::Timeout,
                        call.stage,
                        method,
                        call.url,
                        redactor.scrub(&text),
                    )
                    .with_hint(format!(
                        "{} did not answer; check that the host name points at the ingress \
                         and that API-M is running, or raise keyManager.timeoutSeconds",
                        host_of(call.url)
                    ));
                }
                Transport::Dns(text) => {
                    return Err(KmError::new(
                        ErrorKind::Connect,
                        call.stage,
                        method,
                        call.url,
                        redactor.scrub(&text),
                    )
                    .with_hint(format!(
                        "the host name {} does not resolve; map it to the ingress address \
                         (dns step: /etc/hosts or your DNS)",
                        host_of(call.url)
                    )));
                }
                Transport::Other(text) => {
                    return Err(KmError::new(
                        ErrorKind::Connect,
                        call.stage,
                        method,
                        call.url,
                        redactor.scrub(&text),
                    ));
                }
            },
        }
        let now = Instant::now();
        let left = deadline.saturating_duration_since(now);
        if left.is_zero() {
            let mut e = last_error;
            e.detail = format!(
                "{} (gave up after {attempt} attempt{} over {:.1}s)",
                e.detail,
                if attempt == 1 { "" } else { "s" },
                started.elapsed().as_secs_f32()
            );
            return Err(e);
        }
        let pause = backoff.min(left);
        progress(format!(
            "{method} {} {retry_reason}; API-M may still be starting, retrying in {:.1}s \
             (attempt {attempt}, {}s left)",
            call.url,
            pause.as_secs_f32(),
            left.as_secs()
        ));
        tokio::time::sleep(pause).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// An unexpected status as an error (without hint): status, reason and body excerpt.
pub(crate) fn status_error(
    call: &Call<'_>,
    status: StatusCode,
    body: &str,
    redactor: &Redactor,
) -> KmError {
    let excerpt = redactor.excerpt(body);
    let detail = if excerpt.is_empty() {
        format!("HTTP {status} (empty body)")
    } else {
        format!("HTTP {status}; response: {excerpt}")
    };
    KmError::new(
        ErrorKind::Status(status.as_u16()),
        call.stage,
        call.method,
        call.url,
        detail,
    )
}

/// A TLS failure, with the certificate the server presented when it can be fetched again.
async fn tls_error(call: &Call<'_>, reason: &str) -> KmError {
    let presented = super::tls_probe::presented_certificate(call.url).await;
    let host = url::Url::parse(call.url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| host_of(call.url));
    let mut hint = String::new();
    if let Some(p) = &presented
        && !p.names_host
    {
        hint.push_str(&format!(
            "the certificate does not name {host}: call a host name it names, or re-issue it \
             with {host} among its SANs; "
        ));
    }
    hint.push_str(
        "to trust the server's CA (or its self-signed certificate) set keyManager.tls.caFile \
         to its PEM file, or set keyManager.tls.insecure: true to skip verification \
         (not recommended)",
    );
    let mut e = KmError::new(
        ErrorKind::Tls,
        call.stage,
        call.method,
        call.url,
        format!("TLS handshake failed: {reason}"),
    )
    .with_hint(hint);
    e.presented = presented.map(Box::new);
    e
}

pub(crate) fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| match u.port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_string(),
            })
        })
        .unwrap_or_else(|| url.to_string())
}

pub(crate) fn path_of(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| u.path().to_string())
        .unwrap_or_default()
}

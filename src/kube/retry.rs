//! Riding out a restarting API server. The design asks that a run survives a kube-apiserver
//! restart; kube-rs retries only 429/503/504 responses, not refused connections. Every request
//! the kube layer makes is idempotent (GET, server-side apply, delete of a named pod, reviews),
//! so transient failures are retried with back-off for a bounded window before they surface.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use super::backoff::Backoff;
use super::error::describe_kube_error;

/// Long enough for an API server restart (the test control plane is back in ~10 s), short
/// enough that a cluster that is really gone fails the step promptly.
pub(crate) const RETRY_WINDOW: Duration = Duration::from_secs(30);

/// Connection refused/reset, timeouts, and the server's "try again" answers.
pub(crate) fn is_transient(e: &::kube::Error) -> bool {
    match e {
        ::kube::Error::Api(s) => matches!(s.code, 429 | 500 | 502 | 503 | 504),
        ::kube::Error::HyperError(_) | ::kube::Error::Service(_) => true,
        _ => false,
    }
}

pub(crate) async fn retry_transient<T, F, Fut>(what: &str, mut op: F) -> Result<T, ::kube::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ::kube::Error>>,
{
    let give_up = Instant::now() + RETRY_WINDOW;
    let mut backoff = Backoff::for_watches();
    loop {
        match op().await {
            Err(e) if is_transient(&e) && Instant::now() < give_up => {
                let delay = backoff.next_delay();
                tracing::debug!(%what, error = %describe_kube_error(&e), ?delay, "transient API error; retrying");
                tokio::time::sleep(delay).await;
            }
            other => return other,
        }
    }
}

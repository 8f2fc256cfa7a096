//! A local TCP listener whose connections are carried to a pod through the Kubernetes API
//! (`Api::<Pod>::portforward`, the websocket port-forward subresource), so kmpilot can reach
//! IS and API-M when their public names do not resolve where it runs (no hosts-file entry yet,
//! no DNS). What travels is the client's own TLS: the HTTP client still verifies the server
//! by its public name, the port-forward only carries bytes.
//!
//! - [`ready_pod_of_service`]: the Service's selector → a Running, Ready pod and the pod port
//!   the Service port targets.
//! - [`LocalForward::to_pod`]: listen on 127.0.0.1:<free port>; one port-forward stream per
//!   accepted connection (one websocket each, as `kubectl port-forward` does).
//! - [`LocalForward::to_address`]: the same listener relaying to a TCP address instead; the
//!   tests use it to put a local TLS server where the pod would be.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use k8s_openapi::api::core::v1::{Pod, Service};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::api::ListParams;
use kube::{Api, Client};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

/// The pod a Service port leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodTarget {
    pub namespace: String,
    pub pod: String,
    /// The container port the Service port targets.
    pub port: u16,
}

impl std::fmt::Display for PodTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}:{}", self.namespace, self.pod, self.port)
    }
}

/// A Running pod whose Ready condition is True, selected by `service`'s selector, and the pod
/// port that `service_port` targets (a named target port is looked up in the pod's
/// containers). Pods are taken in name order, so the choice is stable.
pub async fn ready_pod_of_service(
    client: Client,
    namespace: &str,
    service: &str,
    service_port: u16,
) -> Result<PodTarget, String> {
    let svcs: Api<Service> = Api::namespaced(client.clone(), namespace);
    let svc = svcs
        .get_opt(service)
        .await
        .map_err(|e| format!("cannot read service {namespace}/{service}: {e}"))?
        .ok_or_else(|| format!("service {namespace}/{service} does not exist"))?;
    let spec = svc.spec.unwrap_or_default();
    let selector: BTreeMap<String, String> = spec.selector.unwrap_or_default();
    if selector.is_empty() {
        return Err(format!(
            "service {namespace}/{service} has no selector: no pod to forward to"
        ));
    }
    let sp = spec
        .ports
        .unwrap_or_default()
        .into_iter()
        .find(|p| p.port == i32::from(service_port))
        .ok_or_else(|| format!("service {namespace}/{service} has no port {service_port}"))?;
    let labels = selector
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",");
    let pods: Api<Pod> = Api::namespaced(client, namespace);
    let mut list = pods
        .list(&ListParams::default().labels(&labels))
        .await
        .map_err(|e| format!("cannot list the pods of {namespace}/{service}: {e}"))?
        .items;
    list.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    let total = list.len();
    let pod = list.into_iter().find(is_ready).ok_or_else(|| {
        format!(
            "no ready pod behind service {namespace}/{service} ({total} pod{} match {labels})",
            if total == 1 { "" } else { "s" }
        )
    })?;
    let name = pod.metadata.name.clone().unwrap_or_default();
    let port = match sp.target_port {
        None => service_port,
        Some(IntOrString::Int(n)) => u16::try_from(n)
            .map_err(|_| format!("service {namespace}/{service}: target port {n} is invalid"))?,
        Some(IntOrString::String(named)) => named_port(&pod, &named).ok_or_else(|| {
            format!("pod {namespace}/{name} has no container port named `{named}`")
        })?,
    };
    Ok(PodTarget {
        namespace: namespace.to_string(),
        pod: name,
        port,
    })
}

fn is_ready(p: &Pod) -> bool {
    if p.metadata.deletion_timestamp.is_some() {
        return false;
    }
    let Some(st) = &p.status else { return false };
    st.phase.as_deref() == Some("Running")
        && st
            .conditions
            .as_deref()
            .unwrap_or_default()
            .iter()
            .any(|c| c.type_ == "Ready" && c.status == "True")
}

fn named_port(p: &Pod, name: &str) -> Option<u16> {
    p.spec
        .as_ref()?
        .containers
        .iter()
        .flat_map(|c| c.ports.as_deref().unwrap_or_default())
        .find(|cp| cp.name.as_deref() == Some(name))
        .and_then(|cp| u16::try_from(cp.container_port).ok())
}

/// Where accepted connections go.
#[derive(Clone)]
enum Upstream {
    Pod { client: Client, target: PodTarget },
    Address(SocketAddr),
}

/// A listener on 127.0.0.1 relaying every connection upstream; stops when dropped.
pub struct LocalForward {
    local: SocketAddr,
    description: String,
    last_error: Arc<Mutex<Option<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for LocalForward {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl std::fmt::Debug for LocalForward {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LocalForward({} → {})", self.local, self.description)
    }
}

impl LocalForward {
    /// Forwards 127.0.0.1:<free port> to `target` through the Kubernetes API.
    pub async fn to_pod(client: Client, target: PodTarget) -> std::io::Result<LocalForward> {
        let description = format!("pod {target}");
        Self::listen(Upstream::Pod { client, target }, description).await
    }

    /// Relays 127.0.0.1:<free port> to a TCP address (tests put a server there).
    pub async fn to_address(addr: SocketAddr) -> std::io::Result<LocalForward> {
        Self::listen(Upstream::Address(addr), format!("address {addr}")).await
    }

    /// The local address to connect to.
    pub fn local(&self) -> SocketAddr {
        self.local
    }

    /// What connections are relayed to, e.g. `pod wso2/is-identity-server-0:9443`.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Why the last upstream connection failed, if one did (a refused port-forward shows up
    /// to the HTTP client only as a closed connection).
    pub fn last_error(&self) -> Option<String> {
        self.last_error.lock().ok().and_then(|e| e.clone())
    }

    async fn listen(upstream: Upstream, description: String) -> std::io::Result<LocalForward> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let local = listener.local_addr()?;
        let last_error = Arc::new(Mutex::new(None));
        let errors = last_error.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    continue;
                };
                let up = upstream.clone();
                let errors = errors.clone();
                tokio::spawn(async move {
                    if let Err(e) = relay(sock, &up).await {
                        tracing::debug!(error = %e, "port-forward connection failed");
                        if let Ok(mut g) = errors.lock() {
                            *g = Some(e);
                        }
                    }
                });
            }
        });
        Ok(LocalForward {
            local,
            description,
            last_error,
            task,
        })
    }
}

async fn relay(mut sock: TcpStream, up: &Upstream) -> Result<(), String> {
    match up {
        Upstream::Address(addr) => {
            let mut remote = TcpStream::connect(addr)
                .await
                .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
            let _ = tokio::io::copy_bidirectional(&mut sock, &mut remote).await;
            Ok(())
        }
        Upstream::Pod { client, target } => {
            let pods: Api<Pod> = Api::namespaced(client.clone(), &target.namespace);
            let mut pf = match pods.portforward(&target.pod, &[target.port]).await {
                Ok(pf) => pf,
                Err(e) => {
                    let _ = sock.shutdown().await;
                    return Err(format!("port-forward to pod {target} refused: {e}"));
                }
            };
            let mut stream = pf
                .take_stream(target.port)
                .ok_or_else(|| format!("port-forward to pod {target} gave no stream"))?;
            let copied = tokio::io::copy_bidirectional(&mut sock, &mut stream).await;
            drop(stream);
            let joined = pf.join().await;
            match (copied, joined) {
                (_, Err(e)) => Err(format!("port-forward to pod {target} failed: {e}")),
                _ => Ok(()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(phase: &str, ready: &str, deleting: bool) -> Pod {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "p", "deletionTimestamp": if deleting { Some("2026-01-01T00:00:00Z") } else { None }},
            "spec": {"containers": [{"name": "c", "ports": [{"name": "servlet-https", "containerPort": 9443}]}]},
            "status": {"phase": phase, "conditions": [{"type": "Ready", "status": ready}]}
        }))
        .unwrap()
    }

    #[test]
    fn only_running_ready_pods_that_stay_are_forwarded_to() {
        assert!(is_ready(&pod("Running", "True", false)));
        assert!(!is_ready(&pod("Running", "False", false)));
        assert!(!is_ready(&pod("Pending", "True", false)));
        assert!(!is_ready(&pod("Running", "True", true)));
    }

    #[test]
    fn a_named_target_port_is_the_container_port_of_that_name() {
        let p = pod("Running", "True", false);
        assert_eq!(named_port(&p, "servlet-https"), Some(9443));
        assert_eq!(named_port(&p, "http"), None);
    }

    #[tokio::test]
    async fn the_listener_relays_bytes_both_ways_and_remembers_failures() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let echo = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let addr = echo.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut s, _) = echo.accept().await.unwrap();
            let mut b = [0u8; 5];
            s.read_exact(&mut b).await.unwrap();
            s.write_all(&b).await.unwrap();
        });
        let fwd = LocalForward::to_address(addr).await.unwrap();
        let mut c = TcpStream::connect(fwd.local()).await.unwrap();
        c.write_all(b"hello").await.unwrap();
        let mut b = [0u8; 5];
        c.read_exact(&mut b).await.unwrap();
        assert_eq!(&b, b"hello");
        assert_eq!(fwd.last_error(), None);

        // nothing listens upstream: the failure is kept for the caller's error message
        let gone = {
            let l = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
            l.local_addr().unwrap()
        };
        let fwd = LocalForward::to_address(gone).await.unwrap();
        let mut c = TcpStream::connect(fwd.local()).await.unwrap();
        let mut rest = Vec::new();
        let _ = c.read_to_end(&mut rest).await;
        for _ in 0..500 {
            if fwd.last_error().is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let e = fwd
            .last_error()
            .expect("the refused upstream is remembered");
        assert!(e.contains(&gone.to_string()), "{e}");
    }
}

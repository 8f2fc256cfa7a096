//! Kubernetes access for the executor and the live panes: client from kubeconfig + context,
//! server-side apply, waits, watchers.
//!
//! Everything hangs off [`Kube`] (one kubeconfig context); the live panes take its
//! `client()` and run on their own ([`spawn_watchers`]).

mod apparmor_fix;
mod apparmor_probe;
mod apply;
mod backoff;
mod client;
pub mod cluster_facts;
mod discovery;
mod error;
mod facts;
pub mod gateway_api;
pub mod not_ready;
pub mod pod_views;
pub mod port_forward;
mod retry;
pub mod rows;
mod served;
pub mod service_dns;
pub mod snapshot;
pub mod target;
mod wait;
mod watch;
pub mod watch_routes;

pub use apparmor_fix::APPARMOR_FIX;
pub use apparmor_probe::{ProbeVerdict, rejected_for_apparmor};
pub use apply::{Applied, ApplyOutcome, FIELD_MANAGER};
pub use client::{ContextInfo, Kube, KubeContexts, ensure_crypto_provider, list_contexts};
pub use cluster_facts::{ClusterFacts, IngressClassFacts, NodeFacts, PodRequest};
pub use error::{KubeError, Result};
pub use wait::RestartedPods;
pub use watch::{WatchOptions, Watchers, spawn_watchers, spawn_watchers_with};

//! Kubernetes access for the executor and the live panes: client from kubeconfig + context,
//! server-side apply, waits, watchers.

pub mod snapshot;

//! The cluster tests that the Helm 3 pass does not repeat, in one test binary (the crate
//! links once for all of them): kmpilot's Kubernetes client (apply, wait, watch), the
//! PrivateJet service account, cluster kinds, the 4.7 encryption key and the key manager's
//! topology, against the test cluster `scripts/with-test-cluster` starts. The files take
//! turns (`support::one_file`): one file's tests at a time, as when each was a binary of its
//! own (`watch` restarts the API server, `cluster_kinds` cordons the nodes). One file alone:
//! `scripts/with-test-cluster cargo test --test kube_cluster wait::`.

#[path = "../km_support/mod.rs"]
mod km_support;
#[path = "../support/mod.rs"]
mod support;

mod apply;
mod cluster_kinds;
mod encryption_key;
mod key_manager_topology;
mod private_jet;
mod wait;
mod watch;

//! The cluster tests that run helm, in one test binary (the crate links once for all of
//! them): against the test cluster `scripts/with-test-cluster` starts, with the real helm and
//! the stand-in charts. One file per feature; `scripts/helm3-cluster-tests` runs this binary
//! again with Helm 3. The files take turns (`support::one_file`): one file's tests at a time,
//! as when each was a binary of its own. One file alone:
//! `scripts/with-test-cluster cargo test --test helm_cluster destroy::`.

#[path = "../km_support/mod.rs"]
mod km_support;
#[path = "../support/mod.rs"]
mod support;

mod apply;
mod bundle;
mod destroy;
mod diff;
mod gateway_api;
mod gateway_exposure;
mod helm_pending;
mod import;
mod line_upgrade;
mod parallel;
mod preflight;
mod tracks;

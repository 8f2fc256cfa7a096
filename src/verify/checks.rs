//! Every check, in report order, run on one chart's rendering; the report of one chart.

use serde::Serialize;

use super::finding::Finding;
use super::input::{CheckFn, Input};
use super::render::{PodFacts, Rendered};
use super::{hostnames, images, ingress, keystores, plaintext, revocation, toml_files};
use crate::plan::verify_spec::{ChartKind, Expect};

/// Every check, in report order. Extension point: a check that needs more than the rendered
/// manifests (the key manager's server-to-server endpoints resolving inside the cluster, the
/// cluster-kind capacity and AppArmor checks reading `render::pod_facts`) is one more entry
/// here, or reads `Report::rendered` afterwards.
pub const CHECKS: &[(&str, CheckFn)] = &[
    ("hostname", hostnames::check),
    ("keystore", keystores::check),
    ("revocation", revocation::check),
    ("ingress", ingress::check),
    ("image", images::check),
    ("plaintext", plaintext::check),
];

/// Runs every check on one chart's rendering.
pub fn check(expect: &Expect, rendered: &Rendered, peer: Option<&Rendered>) -> Vec<Finding> {
    let mut out = Vec::new();
    let tomls = toml_files::collect(expect, rendered, &mut out);
    let input = Input {
        expect,
        rendered,
        peer,
        tomls: &tomls,
    };
    for (_, f) in CHECKS {
        f(&input, &mut out);
    }
    out
}

/// The outcome of verifying one chart: its findings, the rendered manifests (for other
/// checks to read: `render::pod_facts`) and how long render + checks took.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub chart: ChartKind,
    pub release: String,
    pub chart_ref: String,
    pub version: String,
    pub findings: Vec<Finding>,
    /// Resource requests and AppArmor settings of the rendered pods.
    pub pods: Vec<PodFacts>,
    pub millis: u128,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.is_error()).count()
    }
}

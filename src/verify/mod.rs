//! Verify before install: what the WSO2 charts render from kmpilot's values, checked against
//! the profile. The profile and the values can be right while the rendered whole is wrong (a
//! table the chart's own `deployment.toml` already declares, a keystore file name the Secret
//! lacks); only `helm template` of the exact chart shows it.
//!
//! This module is pure: it reads rendered manifests (`render::Rendered`) and the expectations
//! the plan derived from the profile (`Expect`), and returns findings. Running helm is the
//! executor's work (`crate::exec::verify`). The findings' types are `finding.rs`, what a
//! check reads `input.rs`, the list of checks and the report `checks.rs`.

pub mod chart_version;
mod checks;
mod finding;
pub mod hostnames;
pub mod images;
pub mod ingress;
mod input;
pub mod keystores;
pub mod known_tables;
pub mod plaintext;
pub mod render;
pub mod render_failure;
pub mod revocation;
pub mod toml_files;

pub use crate::plan::verify_spec::{ChartKind, Expect, NotificationExpect, RenderSpec, VerifySpec};
pub use checks::{CHECKS, Report, check};
pub use finding::{Finding, Level};
pub use input::{CheckFn, Input};
pub use render::{PodFacts, Rendered};

#[cfg(test)]
mod tests;

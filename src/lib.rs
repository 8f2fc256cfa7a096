//! kmpilot: a terminal wizard that deploys WSO2 API Manager 4.5 with Identity Server 7 as its
//! key manager, registers PrivateJet clusters and wires IBM KMS to STS through Istio.
//!
//! Data flows one way: profile → pure plan → executor → events → views.

pub mod chart_lines;
pub mod cli;
pub mod compat;
pub mod exec;
pub mod http;
pub mod import;
pub mod kube;
pub mod plan;
pub mod profile;
pub mod render;
pub mod steps;
pub mod tui;
pub mod util;
pub mod verify;

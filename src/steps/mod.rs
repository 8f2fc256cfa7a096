//! One module per deployment step: its section of the profile, its validation, its part of the
//! plan and its wizard fields. `registry` declares them all, once, in order; `build` plans
//! them, `validate` checks a profile against them, `helm` is the chart-install step's actions.

pub mod adapt;
pub mod api_manager;
mod build;
pub mod cluster;
pub mod cluster_kind;
pub mod dns;
pub mod exposure;
pub mod form;
mod helm;
pub mod identity_server;
pub mod is_image;
pub mod key_manager;
pub mod keystores;
pub mod kms_sts;
pub mod needs;
pub mod private_jet;
pub mod private_jet_unmerge;
pub mod product_line;
pub mod prove;
pub mod registry;
pub mod secure_vault;
mod validate;
pub mod verify_spec;

pub use build::{cluster_target, console_urls, destroy_plan, plan};
pub use helm::{Chart, install_chart};
pub use validate::validate;

//! The profile's sections, one file each: the types serde reads and writes, their defaults
//! and what can be said of them from the profile alone. What a section means for the
//! deployment (its checks, plan and wizard fields) is its step's, in `crate::steps`.

pub mod api_manager;
pub mod cluster;
pub mod cluster_kind;
pub mod credentials;
pub mod dns;
pub mod exposure;
pub mod identity_server;
pub mod is_image;
pub mod key_manager;
pub mod keystores;
pub mod kms_sts;
pub mod private_jet;
pub mod secure_vault;

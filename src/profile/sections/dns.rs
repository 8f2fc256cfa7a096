//! The `dns` section: how the hostnames reach the ingress address (hosts file or printed).

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum DnsMode {
    #[default]
    HostsFile,
    Print,
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Dns {
    pub mode: DnsMode,
    pub hosts_file: PathBuf,
    /// A fixed address instead of the ingress's (e.g. 127.0.0.1 with a port-forward).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    pub wait_seconds: u64,
}

impl Default for Dns {
    fn default() -> Self {
        Dns {
            mode: DnsMode::HostsFile,
            hosts_file: PathBuf::from("/etc/hosts"),
            address: None,
            wait_seconds: 600,
        }
    }
}

//! The destroy plan's payload: one removal (`Undo`) and what it names — an object, a release,
//! a replaced workload's saved spec. `destroy` derives the removals from an apply plan; the
//! executor proves ownership before each.

use std::path::PathBuf;

use serde::Serialize;

/// One removal; the executor decides from the cluster whether kmpilot owns the thing.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "undo", rename_all = "kebab-case")]
pub enum Undo {
    /// A Kubernetes object kmpilot applied (manifest or secret).
    Delete(ObjectRef),
    /// A namespace kmpilot created: removed only when nothing else is in it.
    DeleteNamespace(ObjectRef),
    /// A helm release kmpilot installed.
    Uninstall(ReleaseRef),
    /// The profile's block in the hosts file, written through the same path as apply (sudo
    /// when the file is not writable).
    Hosts { file: PathBuf, print_only: bool },
    /// The `[[ContainerMgtClusterConfig]]` entries (or tenant-conf.json `ContainerMgt` infos)
    /// kmpilot merged, everything else in the file kept.
    ContainerMgt(Box<super::container_mgt::ContainerMgtMerge>),
    /// The key manager kmpilot registered, through the Admin REST API.
    KeyManager(Box<super::key_manager::Registration>),
    /// The deployment kmpilot replaced (KMS API with the sidecar), put back as saved.
    Restore(Original),
    /// Apply's journal: once anything is removed its "done" no longer holds, so the next
    /// apply (also `--resume`) runs every step.
    ForgetApply,
}

/// A Kubernetes object by identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectRef {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    pub api_version: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
}

impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ", self.kind)?;
        if let Some(ns) = &self.namespace {
            write!(f, "{ns}/")?;
        }
        f.write_str(&self.name)?;
        if let Some(c) = &self.context {
            write!(f, " [context {c}]")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReleaseRef {
    pub release: String,
    pub namespace: String,
    /// `--kubeconfig` / `--kube-context`, as the install had them.
    pub helm_flags: Vec<String>,
    pub timeout_secs: u64,
}

impl ReleaseRef {
    /// The kube context the flags name (`None`: the profile's).
    pub fn context(&self) -> Option<String> {
        self.helm_flags
            .iter()
            .find_map(|f| f.strip_prefix("--kube-context=").map(str::to_string))
    }
}

/// Where kmpilot keeps a workload's spec before it replaces it (apply), and restores it from
/// (destroy): a ConfigMap next to it, created once, so a second apply never overwrites the
/// original with kmpilot's own version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Original {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    pub namespace: String,
    /// A Deployment's name.
    pub name: String,
    pub config_map: String,
}

impl Original {
    pub fn deployment(context: Option<String>, namespace: &str, name: &str) -> Original {
        Original {
            context,
            namespace: namespace.to_string(),
            name: name.to_string(),
            config_map: truncate63(&format!("kmpilot-original-{name}")),
        }
    }
    /// The key of the ConfigMap holding the object as JSON.
    pub const KEY: &'static str = "deployment.json";
}

fn truncate63(s: &str) -> String {
    s.chars()
        .take(63)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

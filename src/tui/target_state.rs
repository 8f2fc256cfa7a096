//! The state behind the wizard's target (what a run would change): the answer the kubeconfig
//! last gave, for which kubeconfig and context, and when it was asked (`target.rs` asks).

use std::path::PathBuf;

use crate::kube::target::{Target, describe};

/// What the answer depends on: the profile's kubeconfig and context.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TargetKey {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
}

#[derive(Debug, Default)]
pub struct TargetFollow {
    /// The last answer, for `key`.
    pub answer: Option<(TargetKey, Result<Target, String>)>,
    /// The key last asked about and when (wall clock).
    pub(super) asked: Option<(TargetKey, i64)>,
}

impl TargetFollow {
    /// The answer, when it is about the profile's cluster section as it is now.
    pub fn current(&self, key: &TargetKey) -> Option<&Result<Target, String>> {
        self.answer
            .as_ref()
            .filter(|(k, _)| k == key)
            .map(|(_, t)| t)
    }

    /// The header's words: the context, its server and the namespace, or that it is being read.
    pub fn line(&self, key: &TargetKey, namespace: &str) -> String {
        match self.current(key) {
            Some(t) => describe(t, namespace),
            None => format!("context being read…, namespace {namespace}"),
        }
    }
}

/// What the answer for `p` depends on.
pub fn key_of(p: &crate::profile::Profile) -> TargetKey {
    TargetKey {
        kubeconfig: p.cluster.kubeconfig.clone(),
        context: p.cluster.context.clone(),
    }
}

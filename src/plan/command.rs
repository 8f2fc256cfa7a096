//! A command the plan runs (`Action::Run`), with the secret values it reads on standard input
//! as a YAML overlay built only when it runs.

use serde::Serialize;

use super::helm;
use super::shell::shell_quote;
use crate::profile::secret::SecretRef;

#[derive(Debug, Clone, Serialize)]
pub struct Command {
    pub program: String,
    pub args: Vec<String>,
    /// Secret values fed on standard input as a YAML document (`helm … -f -`), so they never
    /// appear on a command line or in a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stdin: Option<SecretOverlay>,
    /// Standard output goes to this work-directory file (e.g. `kubectl get -o yaml`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stdout_to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stdin_from: Option<String>,
    pub timeout_secs: u64,
    /// helm only: the kinds a post-renderer drops from the rendered chart. The flags differ by
    /// helm major (an executable in Helm 3, a plugin in Helm 4), so the plan says what, and
    /// the executor (or the runbook's shell) says how for the helm it finds (`plan::helm`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drop_kinds: Vec<String>,
}

impl Command {
    pub fn new<I, S>(program: &str, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Command {
            program: program.to_string(),
            args: args.into_iter().map(|a| a.as_ref().to_string()).collect(),
            stdin: None,
            stdout_to: None,
            stdin_from: None,
            timeout_secs: 300,
            drop_kinds: Vec::new(),
        }
    }

    pub fn with_timeout(mut self, secs: u64) -> Self {
        self.timeout_secs = secs;
        self
    }

    /// The command in shell; a post-renderer's flags as the runbook sets them for the helm
    /// it finds (`runbook` defines the variables).
    pub fn command_line(&self) -> String {
        let mut s = String::new();
        if !self.drop_kinds.is_empty() {
            s.push_str("HELM_PLUGINS=\"$KMPILOT_HELM_PLUGINS\" ");
        }
        s.push_str(&shell_quote(&self.program));
        for a in &self.args {
            s.push(' ');
            s.push_str(&shell_quote(a));
        }
        if !self.drop_kinds.is_empty() {
            s.push(' ');
            s.push_str(&helm::drop_kinds_shell_args(&self.drop_kinds));
        }
        s
    }
}

/// A YAML document of secret values, built only when the command runs.
#[derive(Debug, Clone, Serialize, Default)]
pub struct SecretOverlay {
    pub entries: Vec<OverlayEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OverlayEntry {
    /// Helm values path, e.g. `wso2.apim.configurations.security.truststore.password`.
    pub path: Vec<String>,
    pub value: SecretValue,
    /// Shell variable the runbook reads the value from.
    pub shell_var: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SecretValue {
    Ref(SecretRef),
    /// Encrypted for WSO2 secure vault with the internal keystore's public key when the
    /// command runs; only the ciphertext reaches the cluster.
    VaultEncrypted {
        secret: SecretRef,
        cipher: crate::profile::sections::secure_vault::Cipher,
    },
}

//! The plan: what kmpilot will do, as data. `plan(&Profile)` is pure; the same value feeds
//! `kmpilot plan`, `export`, `apply` and the wizard's review and run screens.

pub mod cluster_checks;
pub mod container_mgt;
pub mod describe;
pub mod destroy;
pub mod helm;
pub mod key_manager;
pub mod keystore_set;
pub mod lacks;
pub mod needs;
pub mod prove;
pub mod runbook;
pub mod secrets;
pub mod verify_spec;

mod command;
mod shell;
mod undo;

pub use command::{Command, OverlayEntry, SecretOverlay, SecretValue};
pub use shell::shell_quote;

use std::path::PathBuf;

use serde::Serialize;
use serde_json::Value;

use crate::profile::secret::SecretRef;

/// The deployment's steps. Each variant carries its name (kebab-case: `is-image`), its title
/// (the plan, the runbook, the run screen) and, where the wizard's narrow step list needs a
/// shorter one, its `short` title; the list of steps and the parsing of a name are derived.
/// The steps' order and what each does are the step registry's (`steps::registry`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    PartialOrd,
    Ord,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumMessage,
    strum::EnumProperty,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum StepId {
    #[strum(message = "Cluster & prerequisites")]
    Prerequisites,
    #[strum(message = "Identity Server image", props(short = "IS image"))]
    IsImage,
    #[strum(message = "Keystores")]
    Keystores,
    #[strum(message = "Secure vault")]
    SecureVault,
    #[strum(message = "Identity Server")]
    IdentityServer,
    #[strum(message = "API Manager")]
    ApiManager,
    #[strum(message = "DNS mapping", props(short = "DNS"))]
    Dns,
    #[strum(message = "Key manager")]
    KeyManager,
    #[strum(message = "PrivateJet clusters")]
    PrivateJet,
    #[strum(message = "KMS <-> STS")]
    KmsSts,
    #[strum(message = "Prove the key manager", props(short = "Prove"))]
    Prove,
}

impl StepId {
    /// Every step, in declaration order.
    pub fn all() -> impl Iterator<Item = StepId> {
        <StepId as strum::IntoEnumIterator>::iter()
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn title(self) -> &'static str {
        strum::EnumMessage::get_message(&self).unwrap_or_else(|| self.as_str())
    }

    /// The title in the wizard's narrow step list (the plan, the runbook and the run screen's
    /// dialogs use `title`); both are declared on the variant so that they cannot drift apart.
    pub fn short_title(self) -> &'static str {
        strum::EnumProperty::get_str(&self, "short").unwrap_or_else(|| self.title())
    }

    pub fn parse(s: &str) -> Option<StepId> {
        s.parse().ok()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub profile: String,
    /// The deployment's cluster: where the actions that name no context of their own go.
    pub cluster: ClusterTarget,
    pub steps: Vec<Step>,
    /// Every file the plan renders, by relative path; actions refer to them by that path.
    pub artifacts: Vec<Artifact>,
    pub console_urls: Vec<ConsoleUrl>,
    /// The journal this plan's runs record into; `None`: the profile's (apply). Destroy keeps
    /// its own, so resuming one never skips a step of the other.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub journal: Option<String>,
}

impl Plan {
    pub fn journal_name(&self) -> &str {
        self.journal.as_deref().unwrap_or(&self.profile)
    }
    pub fn artifact(&self, path: &str) -> Option<&Artifact> {
        self.artifacts.iter().find(|a| a.path == path)
    }
    pub fn step(&self, id: StepId) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }
}

/// The cluster a deployment lives in, as the executor reaches it: it reads no profile, so the
/// plan says which kubeconfig and context to connect with and which namespace to watch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ClusterTarget {
    /// The kubeconfig context; `None`: the kubeconfig's current one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// `None`: `KUBECONFIG` or `~/.kube/config`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kubeconfig: Option<PathBuf>,
    pub namespace: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConsoleUrl {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub id: StepId,
    pub title: String,
    pub actions: Vec<Action>,
    /// The steps this one waits for (declared in `steps::registry`, resolved by `steps::needs`); `None` waits
    /// for every step listed before it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs: Option<Vec<StepId>>,
}

impl Step {
    pub fn new(id: StepId, actions: Vec<Action>) -> Self {
        Step {
            id,
            title: id.title().to_string(),
            actions,
            needs: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArtifactKind {
    Yaml,
    Toml,
    Json,
    Dockerfile,
    Text,
    Shell,
}

/// A rendered file. Artifacts never hold secret values: secrets travel as references in
/// actions and are resolved by the executor.
#[derive(Debug, Clone, Serialize)]
pub struct Artifact {
    pub path: String,
    pub kind: ArtifactKind,
    pub content: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Action {
    Check(Check),
    Run(Command),
    Apply(Manifest),
    CreateSecret(SecretSpec),
    /// Puts an artifact where a command expects it (the executor's work directory).
    WriteFile {
        artifact: String,
    },
    Wait(Wait),
    GenerateKeystores(Box<keystore_set::KeystoreSetSpec>),
    RegisterKeyManager(Box<key_manager::Registration>),
    /// Publish a sample API, subscribe an application keyed by IS, call the gateway with IS's
    /// token, revoke it, see the gateway refuse it; remove all of it again.
    ProveKeyManager(Box<prove::Proof>),
    Http(HttpRequest),
    UpdateHosts(HostsUpdate),
    MergeContainerMgt(Box<container_mgt::ContainerMgtMerge>),
    RestartPods(RestartPods),
    /// Render the chart (`helm template`, the install's exact values) and check what it
    /// renders before anything is installed.
    Verify(Box<verify_spec::VerifySpec>),
    /// A line for the person reading the plan (a decision and why, or what is decided when
    /// kmpilot meets the cluster); the executor only reports it.
    Note {
        text: String,
    },
    /// Before a helm upgrade: a release an interrupted run left `pending-*` is rolled back to
    /// its last deployed revision, or uninstalled when it has none, with the person's consent.
    RecoverRelease(ReleaseRecovery),
    /// Destroy: one removal, done only when kmpilot proves it created the thing (see
    /// `destroy`).
    Undo(Box<undo::Undo>),
    /// Before kmpilot replaces a workload it did not create: its spec, saved once into a
    /// ConfigMap, so destroy can put it back.
    SaveOriginal(undo::Original),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "check", rename_all = "kebab-case")]
pub enum Check {
    /// The tool is on PATH; its version is reported.
    Tool {
        name: String,
    },
    ClusterReachable {
        context: Option<String>,
    },
    /// An IngressClass of this name exists (NGINX ingress controller installed).
    IngressController {
        class: String,
    },
    /// The Secrets Store CSI driver the chart's secure vault mounts its password through.
    SecretsStoreCsiDriver {
        context: Option<String>,
    },
    /// API discovery: the cluster serves every kind a step is about to create, at the version
    /// the profile uses (see `crate::compat`). Runs before the step's first change.
    ServedKinds {
        context: Option<String>,
        /// What needs the kinds (`PrivateJet cluster edge-east`).
        purpose: String,
        kinds: Vec<crate::compat::KindNeed>,
    },
    /// Reports what kind of cluster this is and what kmpilot adapts to it (never fails once
    /// the cluster answers).
    ClusterKind {
        context: Option<String>,
        /// `cluster.kind`: a kind other than `auto` that disagrees with the detected one is
        /// said to win.
        declared: crate::profile::sections::cluster_kind::ClusterKind,
        /// The ingress class API-M's ingress asks for, to say whether the cluster has it.
        ingress_class: String,
    },
    /// Both pods fit on the nodes (allocatable minus what is already requested); stops before
    /// anything is installed, with the numbers.
    Capacity(CapacitySpec),
    /// Gateway API exposure: the GatewayClass (or the existing Gateway) exists and its
    /// controller can reach HTTPS backends (BackendTLSPolicy).
    GatewayApi(cluster_checks::GatewayCheck),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CapacitySpec {
    pub context: Option<String>,
    pub namespace: String,
    pub pods: Vec<cluster_checks::PodNeed>,
    /// Pods of these name prefixes in `namespace` are the releases' own (an upgrade replaces
    /// them), so their requests are not counted as taken.
    pub own_prefixes: Vec<String>,
    /// A cloud cluster may add nodes (cluster autoscaler): a shortfall is reported, not fatal.
    pub may_scale: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// `apiVersion/kind namespace/name`, for progress lines.
    pub title: String,
    pub object: Value,
    /// Artifact path holding the same object as YAML, for `kubectl apply -f` in the runbook.
    pub artifact: String,
}

impl Manifest {
    /// A manifest action plus the artifact path the runbook applies it from.
    pub fn new(context: Option<&str>, dir: &str, object: serde_json::Value) -> Manifest {
        let kind = object["kind"].as_str().unwrap_or("Object").to_string();
        let name = object["metadata"]["name"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let ns = object["metadata"]["namespace"].as_str().map(str::to_string);
        let title = match &ns {
            Some(ns) => format!("{kind} {ns}/{name}"),
            None => format!("{kind} {name}"),
        };
        let artifact = format!("{dir}/{}-{}.yaml", kind.to_lowercase(), name);
        Manifest {
            context: context.map(str::to_string),
            title,
            object,
            artifact,
        }
    }

    /// kmpilot's namespace, labelled as made by kmpilot.
    pub fn namespace(name: &str) -> Manifest {
        Manifest::new(
            None,
            "prerequisites",
            serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": {"app.kubernetes.io/managed-by": "kmpilot"}}}),
        )
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SecretSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    pub namespace: String,
    pub name: String,
    /// `Opaque`, `kubernetes.io/tls`, …
    pub secret_type: String,
    pub data: Vec<(String, SecretSource)>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SecretSource {
    /// Not secret (a user name).
    Plain(String),
    Ref {
        secret: SecretRef,
        shell_var: String,
    },
    /// A file the plan produces in the work directory (keystores, PEM files).
    WorkFile(String),
    /// A value that never changes once it is in the cluster (API-M 4.7's encryption key: data
    /// encrypted with it is unreadable with another): the Secret's current value is kept;
    /// without one, the profile's reference, else `hex_chars` hex characters from the
    /// operating system's CSPRNG. The value exists only in the executor's memory and the
    /// Secret, never in the plan, a file or a log.
    Kept {
        #[serde(skip_serializing_if = "Option::is_none")]
        secret: Option<SecretRef>,
        shell_var: String,
        hex_chars: usize,
    },
}

impl SecretSpec {
    /// Holds a value that must survive (`destroy --keep-secrets` keeps the Secret).
    pub fn holds_kept(&self) -> bool {
        self.data
            .iter()
            .any(|(_, s)| matches!(s, SecretSource::Kept { .. }))
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "until", rename_all = "kebab-case")]
pub enum Wait {
    DeploymentAvailable {
        context: Option<String>,
        namespace: String,
        name: String,
        timeout_secs: u64,
    },
    /// An ingress serving `host` has a load-balancer address.
    IngressAddress {
        context: Option<String>,
        namespace: String,
        host: String,
        timeout_secs: u64,
    },
    /// The Gateway has an address in its status (Gateway API exposure).
    GatewayAddress {
        context: Option<String>,
        namespace: String,
        name: String,
        timeout_secs: u64,
    },
    /// The token controller has filled a service-account token secret.
    SecretKey {
        context: Option<String>,
        namespace: String,
        name: String,
        key: String,
        timeout_secs: u64,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct HttpRequest {
    pub method: String,
    pub url: String,
    pub purpose: String,
    pub tls: crate::profile::sections::key_manager::TlsPolicy,
    /// Where the call goes when the URL's host does not resolve where kmpilot runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<key_manager::ServiceRoute>,
    /// How long the call may take.
    pub timeout_seconds: u64,
    /// What is compared with the answer and kept for the registration that follows.
    pub discovery: Box<key_manager::DiscoveryUse>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HostsUpdate {
    pub file: PathBuf,
    pub print_only: bool,
    pub address: AddressSource,
    pub hostnames: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AddressSource {
    Fixed(String),
    Ingress {
        context: Option<String>,
        namespace: String,
        host: String,
    },
    /// The first address in a Gateway's `status.addresses` (an IP before a hostname).
    Gateway {
        context: Option<String>,
        namespace: String,
        name: String,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct RestartPods {
    pub context: Option<String>,
    pub namespace: String,
    /// Pods whose name starts with this are deleted, then their replacements awaited.
    pub name_prefix: String,
    pub timeout_secs: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReleaseRecovery {
    pub release: String,
    pub namespace: String,
    /// `--kubeconfig` / `--kube-context`, as the helm upgrade after it has them.
    pub helm_flags: Vec<String>,
    /// For the rollback or uninstall (helm's own `--wait`).
    pub timeout_secs: u64,
}

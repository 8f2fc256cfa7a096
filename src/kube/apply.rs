//! Server-side apply of plan manifests (any kind, custom resources included) and of secrets.
//! SSA with one field manager (`kmpilot`) and `force` makes every step idempotent: a resumed or
//! repeated run converges on the same objects, and fields other managers own are left alone
//! (how the `sts-apikey` key is patched without touching the rest of that secret).

use std::collections::BTreeMap;
use std::fmt;

use ::kube::api::{Api, DynamicObject, Patch, PatchParams};
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;
use serde_json::Value;

use super::client::Kube;
use super::error::{KubeError, Result};
use super::retry::retry_transient;

pub const FIELD_MANAGER: &str = "kmpilot";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ApplyOutcome {
    /// The object did not exist (with a dry run: would be created).
    Created,
    /// It existed and the apply changed it (with a dry run: would change it).
    Configured,
    /// It existed and already said what we apply; nothing was written.
    Unchanged,
}

impl ApplyOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ApplyOutcome::Created => "created",
            ApplyOutcome::Configured => "configured",
            ApplyOutcome::Unchanged => "unchanged",
        }
    }
}

/// What one apply did, kubectl style: `Secret wso2/apim-keystores configured (dry run)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Applied {
    pub outcome: ApplyOutcome,
    pub dry_run: bool,
    pub api_version: String,
    pub kind: String,
    /// `None` for cluster-scoped objects.
    pub namespace: Option<String>,
    pub name: String,
    pub uid: Option<String>,
    /// After the apply (from a dry run: what the server would have stored).
    pub resource_version: Option<String>,
}

impl fmt::Display for Applied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ", self.kind)?;
        if let Some(ns) = &self.namespace {
            write!(f, "{ns}/")?;
        }
        write!(f, "{} {}", self.name, self.outcome.as_str())?;
        if self.dry_run {
            f.write_str(" (dry run)")?;
        }
        Ok(())
    }
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str().filter(|s| !s.is_empty())
}

/// What a dry run compares: the object without the fields every write (or no write) changes.
fn comparable(obj: &DynamicObject) -> Value {
    let mut v = serde_json::to_value(obj).unwrap_or(Value::Null);
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("resourceVersion");
        if let Some(Value::Array(mf)) = meta.get_mut("managedFields") {
            for entry in mf {
                if let Some(e) = entry.as_object_mut() {
                    e.remove("time");
                }
            }
        }
    }
    v
}

impl Kube {
    /// Server-side applies `object` (a full manifest: apiVersion, kind, metadata.name, and
    /// metadata.namespace for namespaced kinds — the context's default namespace when absent).
    /// With `dry_run` the server validates and defaults it (`dryRun=All`) and stores nothing.
    pub async fn apply(&self, object: &Value, dry_run: bool) -> Result<Applied> {
        let api_version = str_at(object, &["apiVersion"]);
        let kind = str_at(object, &["kind"]);
        let name = str_at(object, &["metadata", "name"]);
        let (Some(api_version), Some(kind), Some(name)) = (api_version, kind, name) else {
            return Err(KubeError::Invalid(format!(
                "cannot apply an object without apiVersion, kind and metadata.name \
                 (got apiVersion {api_version:?}, kind {kind:?}, name {name:?})"
            )));
        };
        let (ar, caps) = self.resolve_kind(api_version, kind).await?;
        let namespaced = caps.scope == ::kube::discovery::Scope::Namespaced;
        let namespace = namespaced.then(|| {
            str_at(object, &["metadata", "namespace"])
                .unwrap_or(self.default_namespace())
                .to_string()
        });
        let mut body = object.clone();
        match &namespace {
            Some(ns) => body["metadata"]["namespace"] = Value::String(ns.clone()),
            // kubectl ignores a namespace on a cluster-scoped object; the server would reject it
            None => {
                if let Some(m) = body["metadata"].as_object_mut() {
                    m.remove("namespace");
                }
            }
        }
        let api: Api<DynamicObject> = match &namespace {
            Some(ns) => Api::namespaced_with(self.client(), ns, &ar),
            None => Api::all_with(self.client(), &ar),
        };
        let title = match &namespace {
            Some(ns) => format!("{kind} {ns}/{name}"),
            None => format!("{kind} {name}"),
        };

        let before = retry_transient(&title, || api.get_opt(name))
            .await
            .map_err(|e| KubeError::api(format!("read {title}"), e))?;
        let mut params = PatchParams::apply(FIELD_MANAGER).force();
        params.dry_run = dry_run;
        let patch = Patch::Apply(&body);
        let after = retry_transient(&title, || api.patch(name, &params, &patch))
            .await
            .map_err(|e| {
                KubeError::api(
                    format!("apply {title}{}", if dry_run { " (dry run)" } else { "" }),
                    e,
                )
            })?;

        let outcome = match &before {
            None => ApplyOutcome::Created,
            // a real no-op apply does not bump resourceVersion
            Some(b) if !dry_run => {
                if b.metadata.resource_version == after.metadata.resource_version {
                    ApplyOutcome::Unchanged
                } else {
                    ApplyOutcome::Configured
                }
            }
            // a dry run never bumps it, so compare what the server would store
            Some(b) => {
                if comparable(b) == comparable(&after) {
                    ApplyOutcome::Unchanged
                } else {
                    ApplyOutcome::Configured
                }
            }
        };
        tracing::debug!(%title, outcome = outcome.as_str(), dry_run, "server-side apply");
        Ok(Applied {
            outcome,
            dry_run,
            api_version: api_version.to_string(),
            kind: kind.to_string(),
            namespace,
            name: name.to_string(),
            uid: after.metadata.uid.clone(),
            resource_version: after.metadata.resource_version.clone(),
        })
    }

    /// Server-side applies a Secret holding exactly `data` as kmpilot's keys (base64 is done by
    /// serde; the values never appear in errors or logs). Keys other managers own stay as they
    /// are, so this also patches one key of an existing secret. `secret_type` `None` leaves the
    /// type alone (it is immutable on an existing secret); `Some("Opaque")`,
    /// `Some("kubernetes.io/tls")`… set it.
    pub async fn apply_secret(
        &self,
        namespace: &str,
        name: &str,
        secret_type: Option<&str>,
        data: BTreeMap<String, Vec<u8>>,
        dry_run: bool,
    ) -> Result<Applied> {
        let secret = Secret {
            metadata: ObjectMeta {
                name: Some(name.to_string()),
                namespace: Some(namespace.to_string()),
                ..Default::default()
            },
            type_: secret_type.map(str::to_string),
            data: Some(data.into_iter().map(|(k, v)| (k, ByteString(v))).collect()),
            ..Default::default()
        };
        let value = serde_json::to_value(&secret)
            .map_err(|e| KubeError::Invalid(format!("secret {namespace}/{name}: {e}")))?;
        self.apply(&value, dry_run).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_reads_like_kubectl() {
        let mut a = Applied {
            outcome: ApplyOutcome::Configured,
            dry_run: true,
            api_version: "v1".into(),
            kind: "Secret".into(),
            namespace: Some("wso2".into()),
            name: "s".into(),
            uid: None,
            resource_version: None,
        };
        assert_eq!(a.to_string(), "Secret wso2/s configured (dry run)");
        a.namespace = None;
        a.kind = "ClusterRole".into();
        a.dry_run = false;
        a.outcome = ApplyOutcome::Created;
        assert_eq!(a.to_string(), "ClusterRole s created");
    }
}

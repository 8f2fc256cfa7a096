//! Kubernetes objects as JSON values, built from the profile, and the plan actions that apply
//! them. Server-side apply needs only apiVersion, kind, metadata and the fields we own.

use serde_json::{Value, json};

use crate::plan::Manifest;

/// A manifest action plus the artifact path the runbook applies it from.
pub fn manifest(context: Option<&str>, dir: &str, object: Value) -> Manifest {
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

pub fn namespace(name: &str) -> Manifest {
    manifest(
        None,
        "prerequisites",
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": {"app.kubernetes.io/managed-by": "kmpilot"}}}),
    )
}

pub fn labels() -> Value {
    json!({"app.kubernetes.io/managed-by": "kmpilot"})
}

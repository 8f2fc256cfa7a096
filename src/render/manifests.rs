//! Kubernetes objects as JSON values, built from the profile (the plan's `Manifest` wraps
//! them in an apply action). Server-side apply needs only apiVersion, kind, metadata and the fields we own.

use serde_json::{Value, json};

pub fn labels() -> Value {
    json!({"app.kubernetes.io/managed-by": "kmpilot"})
}

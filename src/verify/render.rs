//! The output of `helm template` as objects, and what other checks read from it (the pods'
//! resource requests and AppArmor settings).

use serde::Serialize;
use serde_json::Value;

/// The manifests one chart rendered.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub objects: Vec<Value>,
}

impl Rendered {
    /// Parses `helm template` output (YAML documents separated by `---`).
    pub fn parse(text: &str) -> Result<Rendered, String> {
        let mut objects = Vec::new();
        for (i, doc) in split_documents(text).iter().enumerate() {
            if doc.lines().all(|l| {
                let t = l.trim();
                t.is_empty() || t.starts_with('#')
            }) {
                continue;
            }
            let v: Value = serde_saphyr::from_str(doc)
                .map_err(|e| format!("rendered document {}: {e}", i + 1))?;
            if v.is_object() {
                objects.push(v);
            }
        }
        Ok(Rendered { objects })
    }

    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        self.objects
            .iter()
            .filter(move |o| o["kind"].as_str() == Some(kind))
    }

    /// Deployments and StatefulSets: the objects with a pod template.
    pub fn workloads(&self) -> impl Iterator<Item = &Value> {
        self.objects.iter().filter(|o| {
            matches!(
                o["kind"].as_str(),
                Some("Deployment" | "StatefulSet" | "DaemonSet")
            )
        })
    }
}

fn split_documents(text: &str) -> Vec<String> {
    let mut docs = vec![String::new()];
    for line in text.lines() {
        if line == "---" || line.starts_with("--- ") {
            docs.push(String::new());
        } else {
            let d = docs.last_mut().expect("one at least");
            d.push_str(line);
            d.push('\n');
        }
    }
    docs
}

/// What the cluster-kind checks (capacity, AppArmor) need to know of one rendered container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PodFacts {
    /// `Kind/name` of the workload.
    pub workload: String,
    pub container: String,
    pub replicas: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_request: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_request: Option<String>,
    /// `securityContext.appArmorProfile.type` (container, else pod), e.g. `RuntimeDefault`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apparmor: Option<String>,
}

/// The resource requests and AppArmor setting of every container the chart renders: one
/// rendered truth for the capacity and AppArmor checks of the cluster-kind work.
pub fn pod_facts(r: &Rendered) -> Vec<PodFacts> {
    let mut out = Vec::new();
    for w in r.workloads() {
        let spec = &w["spec"]["template"]["spec"];
        let pod_apparmor = spec["securityContext"]["appArmorProfile"]["type"].as_str();
        let replicas = w["spec"]["replicas"].as_u64().unwrap_or(1) as u32;
        for c in spec["containers"].as_array().into_iter().flatten() {
            let s = |v: &Value| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            };
            out.push(PodFacts {
                workload: super::finding::label(w),
                container: c["name"].as_str().unwrap_or("?").to_string(),
                replicas,
                cpu_request: s(&c["resources"]["requests"]["cpu"]),
                memory_request: s(&c["resources"]["requests"]["memory"]),
                apparmor: c["securityContext"]["appArmorProfile"]["type"]
                    .as_str()
                    .or(pod_apparmor)
                    .map(str::to_string),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_helm_output_with_comments_and_empty_documents() {
        let text = "---\n# Source: x/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  deployment.toml: \"[server]\\nhostname = \\\"h\\\"\\n\"\n---\n# Source: empty\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: c\n          resources: {requests: {cpu: \"2\", memory: 2Gi}}\n          securityContext: {appArmorProfile: {type: RuntimeDefault}}\n";
        let r = Rendered::parse(text).unwrap();
        assert_eq!(r.objects.len(), 2);
        assert_eq!(r.of_kind("ConfigMap").count(), 1);
        let facts = pod_facts(&r);
        assert_eq!(
            facts,
            vec![PodFacts {
                workload: "Deployment/d".into(),
                container: "c".into(),
                replicas: 2,
                cpu_request: Some("2".into()),
                memory_request: Some("2Gi".into()),
                apparmor: Some("RuntimeDefault".into()),
            }]
        );
    }
}

//! What a run will change, named before it changes it: the kubeconfig context, its API
//! server and the namespace (helm and terraform print their target; k9s keeps it in its
//! header). Read from the kubeconfig only, never from the server, so it is instant and says
//! the truth even when the cluster does not answer.

use std::path::Path;

use super::client::list_contexts;

/// The cluster a plan's `cluster` section points at, as the kubeconfig says now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub context: String,
    /// The context's API server URL; empty when its cluster entry has none.
    pub server: String,
}

/// The context `context` names (the kubeconfig's current one when `None`) and its server.
/// Read each time: `kubectl config use-context` in another window changes the answer.
pub fn read_target(kubeconfig: Option<&Path>, context: Option<&str>) -> Result<Target, String> {
    let all = list_contexts(kubeconfig).map_err(|e| e.to_string())?;
    let name = match context {
        Some(c) => c.to_string(),
        None => all.current.clone().ok_or_else(|| {
            format!(
                "{} has no current context: name one in cluster.context",
                all.source
            )
        })?,
    };
    let info = all
        .contexts
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(|| format!("context {name:?} is not in {}", all.source))?;
    Ok(Target {
        context: name,
        server: info.server.clone(),
    })
}

/// One line naming the target, the same words in `apply`'s, `destroy`'s and the wizard's
/// questions: `context kind-lab (https://127.0.0.1:6443), namespace wso2`.
pub fn describe(target: &Result<Target, String>, namespace: &str) -> String {
    match target {
        Ok(t) if t.server.is_empty() => {
            format!(
                "context {} (no server URL), namespace {namespace}",
                t.context
            )
        }
        Ok(t) => format!(
            "context {} ({}), namespace {namespace}",
            t.context, t.server
        ),
        Err(e) => format!("an unknown cluster ({e}), namespace {namespace}"),
    }
}

/// The plan's cluster, read and described now (what `apply` and `destroy` ask about).
pub fn describe_cluster(c: &crate::plan::ClusterTarget) -> String {
    let t = read_target(c.kubeconfig.as_deref(), c.context.as_deref());
    describe(&t, &c.namespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_context_or_the_named_one_with_its_server() {
        let dir = tempfile::tempdir().unwrap();
        let kc = dir.path().join("config");
        std::fs::write(
            &kc,
            "apiVersion: v1\nkind: Config\ncurrent-context: a\nclusters:\n- name: ca\n  cluster: {server: https://a.example:6443}\n- name: cb\n  cluster: {server: https://b.example:6443}\ncontexts:\n- name: a\n  context: {cluster: ca, user: u}\n- name: b\n  context: {cluster: cb, user: u}\nusers:\n- name: u\n  user: {}\n",
        )
        .unwrap();
        let t = read_target(Some(&kc), None).unwrap();
        assert_eq!(t.context, "a");
        assert_eq!(t.server, "https://a.example:6443");
        let b = read_target(Some(&kc), Some("b"));
        assert_eq!(
            describe(&b, "wso2"),
            "context b (https://b.example:6443), namespace wso2"
        );
        assert!(
            read_target(Some(&kc), Some("c"))
                .unwrap_err()
                .contains("\"c\"")
        );
    }
}

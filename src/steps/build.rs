//! `plan(&Profile) -> Plan`: every step's part, in the order they must run, plus every
//! artifact. Pure: no file, network, clock or environment is read.

use super::registry;
use crate::plan::{Action, Artifact, ArtifactKind, ClusterTarget, ConsoleUrl, Plan, runbook};
use crate::profile::Profile;
use crate::render;

pub fn plan(p: &Profile) -> Plan {
    let mut artifacts: Vec<Artifact> = Vec::new();
    // a profile may leave out IS and/or API-M (PrivateJet on an API-M 3.2 installed
    // elsewhere, the KMS track alone): their steps, and those that need them, are not planned
    let mut steps: Vec<_> = registry::STEPS
        .iter()
        .filter(|s| (s.planned)(p))
        .filter_map(|s| (s.plan)(p, &mut artifacts))
        .collect();
    // the dependency graph, as far as this profile has the steps
    let present: Vec<_> = steps.iter().map(|s| s.id).collect();
    for s in &mut steps {
        s.needs = Some(super::needs::resolve(s.id, &present));
    }

    // every applied manifest is also a file, so the runbook can `kubectl apply -f` it
    for step in &steps {
        for a in &step.actions {
            if let Action::Apply(m) = a
                && !artifacts.iter().any(|x| x.path == m.artifact)
            {
                artifacts.push(Artifact {
                    path: m.artifact.clone(),
                    kind: ArtifactKind::Yaml,
                    content: render::yaml(&m.object),
                });
            }
        }
    }
    let mut plan = Plan {
        profile: p.name.clone(),
        cluster: cluster_target(p),
        steps,
        artifacts,
        console_urls: console_urls(p),
        journal: None,
    };
    let script = runbook::render(&plan, p);
    plan.artifacts.push(Artifact {
        path: runbook::FILE.into(),
        kind: ArtifactKind::Shell,
        content: script,
    });
    plan
}

/// The deployment's cluster, as the executor reaches it.
pub fn cluster_target(p: &Profile) -> ClusterTarget {
    ClusterTarget {
        context: p.cluster.context.clone(),
        kubeconfig: p.cluster.kubeconfig.clone(),
        namespace: p.cluster.namespace.clone(),
    }
}

/// What destroy will do for `p`: its apply plan undone, in reverse. `keep_secrets` keeps the
/// keystores step's secrets (keystores and TLS) for a reinstall.
pub fn destroy_plan(p: &Profile, keep_secrets: bool) -> Plan {
    crate::plan::destroy::from_apply(p, &plan(p), keep_secrets)
}

pub fn console_urls(p: &Profile) -> Vec<ConsoleUrl> {
    let m = &p.api_manager.hostnames.management;
    let is = &p.identity_server.hostname;
    let u = |name: &str, url: String| ConsoleUrl {
        name: name.into(),
        url,
    };
    let mut v = Vec::new();
    if p.api_manager.install {
        v.extend([
            u("API-M Publisher", format!("https://{m}/publisher")),
            u("API-M DevPortal", format!("https://{m}/devportal")),
            u("API-M Admin", format!("https://{m}/admin")),
            u("API-M Carbon", format!("https://{m}/carbon")),
            u(
                "Gateway",
                format!("https://{}", p.api_manager.hostnames.gateway),
            ),
        ]);
    }
    if p.identity_server.install {
        v.extend([
            u("IS Console", format!("https://{is}/console")),
            u("IS Carbon", format!("https://{is}/carbon")),
        ]);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Check;
    use crate::profile::sections::cluster_kind::ClusterKind;
    use crate::profile::sections::key_manager::ServerEndpoints;

    /// The executor reads no profile: everything it used to read from one is in the plan, as
    /// the profile says it — the cluster it connects to, the keystore secrets it looks for,
    /// how discovery's answer is used, what the cluster-kind check compares.
    #[test]
    fn the_plan_carries_what_the_executor_used_to_read_from_the_profile() {
        let mut p = Profile::quickstart("carry");
        p.cluster.context = Some("edge".into());
        p.cluster.kubeconfig = Some("/k/config".into());
        p.cluster.namespace = "apps".into();
        p.cluster.kind = ClusterKind::Kind;
        p.api_manager.ingress.class_name = "traefik".into();
        p.api_manager.ingress.tls_secret = Some("wildcard".into());
        p.key_manager.timeout_seconds = 42;
        p.key_manager.endpoints.token = Some("https://login.example/token".into());
        let plan = plan(&p);
        assert_eq!(
            plan.cluster,
            ClusterTarget {
                context: Some("edge".into()),
                kubeconfig: Some("/k/config".into()),
                namespace: "apps".into(),
            }
        );
        assert_eq!(destroy_plan(&p, false).cluster, plan.cluster);
        let actions: Vec<&Action> = plan.steps.iter().flat_map(|s| &s.actions).collect();
        let ks = actions
            .iter()
            .find_map(|a| match a {
                Action::GenerateKeystores(k) => Some(k),
                _ => None,
            })
            .expect("a keystores action");
        assert_eq!(
            (ks.namespace.as_str(), ks.tls_secret.as_str()),
            ("apps", "wildcard")
        );
        let kind = actions
            .iter()
            .find_map(|a| match a {
                Action::Check(Check::ClusterKind {
                    declared,
                    ingress_class,
                    ..
                }) => Some((*declared, ingress_class.as_str())),
                _ => None,
            })
            .expect("a cluster-kind check");
        assert_eq!(kind, (ClusterKind::Kind, "traefik"));
        let http = |p: &Profile| {
            plan_of_discovery(p).expect("a discovery request (keyManager.discover is on)")
        };
        let h = http(&p);
        assert_eq!(h.timeout_seconds, 42);
        assert_eq!(h.discovery.overrides, p.key_manager.endpoints);
        assert_eq!(h.discovery.derived, crate::steps::key_manager::fields(&p));
        let swap = h
            .discovery
            .origin_swap
            .as_ref()
            .expect("in-cluster by default");
        assert_eq!(swap.in_cluster, "https://is-identity-server.apps.svc:9443");
        p.key_manager.server_endpoints = ServerEndpoints::Public;
        assert_eq!(http(&p).discovery.origin_swap, None);
    }

    fn plan_of_discovery(p: &Profile) -> Option<crate::plan::HttpRequest> {
        plan(p)
            .steps
            .into_iter()
            .flat_map(|s| s.actions)
            .find_map(|a| match a {
                Action::Http(h) => Some(h),
                _ => None,
            })
    }
}

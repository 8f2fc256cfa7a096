//! Turning the profile's `auto` answers into concrete ones from what the cluster reports, and
//! saying what was decided and why. Pure: `apply` (and `plan`, when the cluster answers) reads
//! the facts (`kube::ClusterFacts`, an AppArmor probe), calls `resolve`, and plans the
//! resolved profile; the plan of an unresolved profile says "auto (decided at apply: …)".
//!
//! The choice: the decisions are profile values (`cluster.kind`, `cluster.name`,
//! `cluster.sizing`, `identityServer.appArmor`, `identityServer.image.delivery`), so a user
//! can pin any of them, `plan(&Profile)` stays the one pure function, and the journal's step
//! hashes change when a decision changes.

use serde::Serialize;

use super::cluster_kind;
use crate::kube::ClusterFacts;
use crate::plan::cluster_checks::PodNeed;
use crate::profile::Profile;
use crate::profile::sections::cluster::Sizing;
use crate::profile::sections::cluster_kind::{ClusterKind, Delivery};
use crate::profile::sections::identity_server::AppArmor;

const GI: i64 = 1024 * 1024 * 1024;

/// Requests of the charts (IS 7.1 `deployment.resources`, API-M 4.5 all-in-one
/// `wso2.deployment.resources`): 2 CPU / 2 Gi each.
pub const CHART_CPU_MILLI: i64 = 2000;
pub const CHART_MEMORY: i64 = 2 * GI;
/// The laptop sizing lowers only the CPU requests: CPU is compressible (start-up is slower,
/// hence the longer start-up probes), memory is not (both JVMs have a fixed 2 GB heap).
pub const LAPTOP_CPU: &str = "500m";
pub const LAPTOP_CPU_MILLI: i64 = 500;
/// IS start-up probe: 60 s + 5 s × 30 in the chart; 60 s + 5 s × 90 here.
pub const LAPTOP_IS_STARTUP_FAILURES: u32 = 90;
/// API-M start-up probe: 60 s + 10 s × 5 in the chart; 60 s + 10 s × 30 here.
pub const LAPTOP_APIM_STARTUP_FAILURES: u32 = 30;

/// What kmpilot decided about one `auto` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// The profile path the decision fills (`cluster.kind`).
    pub path: String,
    pub choice: String,
    pub why: String,
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} ({})", self.path, self.choice, self.why)
    }
}

/// The pods both charts start, with the requests `sizing` gives them.
pub fn needs(p: &Profile, sizing: Sizing) -> Vec<PodNeed> {
    let cpu = match sizing {
        Sizing::Laptop => LAPTOP_CPU_MILLI,
        Sizing::Auto | Sizing::Chart => CHART_CPU_MILLI,
    };
    let mut v = vec![PodNeed {
        name: p.identity_server.service_name(),
        cpu_milli: cpu,
        memory_bytes: CHART_MEMORY,
    }];
    let apim = p.api_manager.fullname();
    v.push(PodNeed {
        name: format!("{apim}-am"),
        cpu_milli: cpu,
        memory_bytes: CHART_MEMORY,
    });
    if p.api_manager.high_availability {
        v.push(PodNeed {
            name: format!("{apim}-am-2"),
            cpu_milli: cpu,
            memory_bytes: CHART_MEMORY,
        });
    }
    v
}

/// Name prefixes of the releases' own pods.
pub fn own_prefixes(p: &Profile) -> Vec<String> {
    vec![
        format!("{}-", p.identity_server.service_name()),
        format!("{}-", p.api_manager.fullname()),
    ]
}

fn may_scale(kind: ClusterKind) -> bool {
    matches!(kind, ClusterKind::Eks | ClusterKind::Gke | ClusterKind::Aks)
}

/// Whether a capacity shortfall stops the run on a cluster of this kind.
pub fn capacity_may_scale(p: &Profile) -> bool {
    may_scale(p.cluster.kind)
}

/// What the cluster told kmpilot, beyond its objects: the AppArmor probe pod's verdict.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    pub facts: ClusterFacts,
    /// `Some(true)` admitted, `Some(false)` rejected with reason AppArmor, with what was seen.
    pub apparmor_probe: Option<(bool, String)>,
}

/// The profile with every `auto` the facts can decide replaced by its decision, and the
/// decisions. Answers the user pinned are kept (and reported as such where it matters).
pub fn resolve(p: &Profile, o: &Observed) -> (Profile, Vec<Decision>) {
    let f = &o.facts;
    let mut r = p.clone();
    let mut out = Vec::new();
    let detected = cluster_kind::detect(f);
    if r.cluster.kind == ClusterKind::Auto {
        r.cluster.kind = detected.kind;
        out.push(Decision {
            path: "cluster.kind".into(),
            choice: detected.kind.to_string(),
            why: detected.evidence.join("; "),
        });
    }
    if r.cluster.name.is_none() && r.cluster.kind == detected.kind {
        r.cluster.name = detected.name.clone();
    }
    let kind = r.cluster.kind;

    let img = &mut r.identity_server.image;
    if img.build && img.delivery == Delivery::Auto {
        img.delivery = cluster_kind::delivery_for(kind);
        let why = match img.delivery {
            Delivery::Load => format!(
                "a cluster of kind {kind} loads a local image: `{}` (pullPolicy IfNotPresent)",
                cluster_kind::load_command(kind, r.cluster.name.as_deref(), &img.image_ref())
                    .unwrap_or_default()
                    .join(" ")
            ),
            Delivery::Shared => {
                format!("{kind} uses the same image store as docker build: nothing to copy")
            }
            _ => format!(
                "a cluster of kind {kind} pulls from a registry: docker push {}",
                img.image_ref()
            ),
        };
        out.push(Decision {
            path: "identityServer.image.delivery".into(),
            choice: format!("{:?}", img.delivery).to_lowercase(),
            why,
        });
    }

    if r.identity_server.app_armor == AppArmor::Auto {
        let (hint, hint_why) = cluster_kind::apparmor_hint(f);
        let (choice, why) = match (hint, &o.apparmor_probe) {
            (Some(false), _) => (AppArmor::Disabled, hint_why),
            (_, Some((true, seen))) => (
                AppArmor::Enabled,
                format!("a probe pod with appArmorProfile RuntimeDefault was admitted ({seen})"),
            ),
            (_, Some((false, seen))) => (
                AppArmor::Disabled,
                format!("a probe pod with appArmorProfile RuntimeDefault was rejected: {seen}"),
            ),
            (_, None) => (
                AppArmor::Enabled,
                format!("{hint_why}; no probe verdict, so the chart's default is kept"),
            ),
        };
        r.identity_server.app_armor = choice;
        out.push(Decision {
            path: "identityServer.appArmor".into(),
            choice: format!("{choice:?}").to_lowercase(),
            why: if choice == AppArmor::Disabled {
                format!("{why}: the IS values get deployment.apparmor.enabled: false")
            } else {
                why
            },
        });
    }

    if r.cluster.sizing == Sizing::Auto {
        let ns = &r.cluster.namespace;
        let own = own_prefixes(&r);
        let chart = cluster_kind::fit(f, &needs(&r, Sizing::Chart), ns, &own);
        let (choice, why) = if chart.fits {
            (
                Sizing::Chart,
                format!("the charts' requests fit: {}", chart.report),
            )
        } else {
            let laptop = cluster_kind::fit(f, &needs(&r, Sizing::Laptop), ns, &own);
            if laptop.fits {
                (
                    Sizing::Laptop,
                    format!(
                        "the charts' requests do not fit ({}); with {LAPTOP_CPU} CPU each, limits kept and longer start-up probes, they do",
                        chart.report
                    ),
                )
            } else if may_scale(kind) {
                (
                    Sizing::Chart,
                    format!(
                        "the charts' requests do not fit the nodes there are now ({}); a {kind} cluster may add nodes",
                        chart.report
                    ),
                )
            } else {
                (
                    Sizing::Laptop,
                    format!(
                        "will not fit even with the laptop sizing: {}",
                        laptop.report
                    ),
                )
            }
        };
        r.cluster.sizing = choice;
        out.push(Decision {
            path: "cluster.sizing".into(),
            choice: format!("{choice:?}").to_lowercase(),
            why,
        });
    }

    if r.gateway_api() {
        out.push(ingress_not_used(f));
        return (r, out);
    }
    let d = cluster_kind::ingress_decision(f, &r.api_manager.ingress.class_name);
    out.push(Decision {
        path: "apiManager.ingress.className".into(),
        choice: r.api_manager.ingress.class_name.clone(),
        why: if r.cluster.ingress.install {
            format!(
                "{}; cluster.ingress.install: true installs ingress-nginx ({})",
                d.summary,
                cluster_kind::NGINX_RETIRED
            )
        } else {
            d.summary
        },
    });
    (r, out)
}

/// Plan notes for the answers still `auto` (no cluster met yet).
pub fn unresolved_notes(p: &Profile) -> Vec<String> {
    let mut v = Vec::new();
    if p.cluster.kind == ClusterKind::Auto {
        v.push("cluster.kind: auto (decided at apply: from node provider IDs, labels, node info and the context name)".to_string());
    }
    if p.cluster.sizing == Sizing::Auto {
        v.push("cluster.sizing: auto (decided at apply: the charts' 2 CPU / 2 Gi each when they fit, else 500m CPU each with limits kept and longer start-up probes, else stop with the numbers)".to_string());
    }
    if p.identity_server.app_armor == AppArmor::Auto {
        v.push("identityServer.appArmor: auto (decided at apply: off where the nodes lack AppArmor — Docker Desktop, OrbStack, minikube's VM — or a probe pod is rejected)".to_string());
    }
    v
}

/// The cluster-kind decision about ingress under Gateway API exposure: no ingress class is
/// used; an ingress-nginx the cluster has is named with its retirement.
pub fn ingress_not_used(f: &crate::kube::ClusterFacts) -> Decision {
    let nginx: Vec<&str> = f
        .ingress_classes
        .iter()
        .filter(|c| c.controller == super::cluster_kind::NGINX_CONTROLLER)
        .map(|c| c.name.as_str())
        .collect();
    let mut why = "the Gateway API serves the routes; no ingress class is used".to_string();
    if !nginx.is_empty() {
        why.push_str(&format!(
            "; the cluster's class `{}` is ingress-nginx (or Traefik's compatibility provider, which uses the same controller name), and {}",
            nginx.join("`, `"),
            super::cluster_kind::NGINX_RETIRED
        ));
    }
    Decision {
        path: "cluster.exposure.kind".into(),
        choice: "gatewayAPI".into(),
        why,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::NodeFacts;

    fn laptop(kernel: &str, os: &str) -> ClusterFacts {
        ClusterFacts {
            context: "kind-kind".into(),
            nodes: vec![NodeFacts {
                name: "kind-control-plane".into(),
                provider_id: "kind://docker/kind/kind-control-plane".into(),
                kernel_version: kernel.into(),
                os_image: os.into(),
                ready: true,
                cpu_milli: 4000,
                memory_bytes: 8 * GI,
                requested_cpu_milli: 950,
                requested_memory_bytes: 290 << 20,
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn a_kind_laptop_gets_loaded_image_laptop_sizing_and_apparmor_from_the_kernel() {
        let p = Profile::quickstart("q");
        let o = Observed {
            facts: laptop("6.10.14-linuxkit", "Debian GNU/Linux 13 (trixie)"),
            apparmor_probe: None,
        };
        let (r, d) = resolve(&p, &o);
        assert_eq!(r.cluster.kind, ClusterKind::Kind);
        assert_eq!(r.cluster.name.as_deref(), Some("kind"));
        assert_eq!(r.identity_server.image.delivery, Delivery::Load);
        assert_eq!(r.identity_server.app_armor, AppArmor::Disabled);
        assert_eq!(r.cluster.sizing, Sizing::Laptop);
        let text: Vec<String> = d.iter().map(|d| d.to_string()).collect();
        assert!(
            text.iter()
                .any(|t| t
                    .contains("kind load docker-image localhost:5000/wso2is-km:7.1.0 --name kind")),
            "{text:#?}"
        );
        // pinned answers stay
        let mut pinned = p.clone();
        pinned.cluster.sizing = Sizing::Chart;
        pinned.identity_server.app_armor = AppArmor::Enabled;
        let (r, _) = resolve(&pinned, &o);
        assert_eq!(r.cluster.sizing, Sizing::Chart);
        assert_eq!(r.identity_server.app_armor, AppArmor::Enabled);
    }

    #[test]
    fn an_ubuntu_kind_node_needs_the_probe() {
        let p = Profile::quickstart("q");
        let mut o = Observed {
            facts: laptop("6.8.0-45-generic", "Debian GNU/Linux 13 (trixie)"),
            apparmor_probe: Some((false, "Pod was rejected".into())),
        };
        assert_eq!(
            resolve(&p, &o).0.identity_server.app_armor,
            AppArmor::Disabled
        );
        o.apparmor_probe = Some((true, "Running".into()));
        assert_eq!(
            resolve(&p, &o).0.identity_server.app_armor,
            AppArmor::Enabled
        );
    }
}

//! The destroy plan: what `kmpilot destroy` removes, derived from the apply plan of the same
//! profile, so whatever a step creates (a new kind of manifest, a new release) is covered
//! without a list kept by hand. Pure like `plan()`: the executor proves ownership at run time
//! (the creation ledger, labels and field manager, helm's release records) and leaves alone,
//! and lists, everything kmpilot did not create.
//!
//! Steps keep the apply step ids, in reverse order: the KMS deployment is restored and the key
//! manager deregistered while API-M still answers, before the releases go; the namespace goes
//! last, and only when kmpilot created it and it holds nothing else.

pub use super::undo::{ObjectRef, Original, ReleaseRef, Undo};
use super::{Action, Check, Command, Plan, Step, StepId};
use crate::profile::Profile;

/// The destroy plan of an apply plan (`steps::destroy_plan` with the profile's own).
pub fn from_apply(p: &Profile, apply: &Plan, keep_secrets: bool) -> Plan {
    let mut steps: Vec<Step> = Vec::new();
    for step in apply.steps.iter().rev() {
        let mut actions: Vec<Action> = Vec::new();
        // the reachability checks of the clusters this step worked on come first
        for a in &step.actions {
            if let Action::Check(Check::ClusterReachable { .. }) = a {
                actions.push(a.clone());
            }
        }
        for a in step.actions.iter().rev() {
            actions.extend(undo(p, step.id, a, keep_secrets));
        }
        if !actions.is_empty() {
            steps.push(Step {
                id: step.id,
                title: format!("Remove: {}", step.id.title()),
                actions,
                // no graph: a removal waits for every one listed before it (reverse apply order)
                needs: None,
            });
        }
    }
    // the first step checks the tools and the profile's cluster before anything goes
    let first_checks: Vec<Action> = apply
        .step(StepId::Prerequisites)
        .map(|s| {
            s.actions
                .iter()
                .filter(|a| {
                    matches!(
                        a,
                        Action::Check(Check::Tool { name }) if name == "helm" || name == "kubectl"
                    ) || matches!(a, Action::Check(Check::ClusterReachable { .. }))
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    if let Some(first) = steps.first_mut() {
        let mut v = first_checks;
        v.push(Action::Undo(Box::new(Undo::ForgetApply)));
        v.append(&mut first.actions);
        first.actions = v;
    }
    Plan {
        profile: p.name.clone(),
        cluster: apply.cluster.clone(),
        steps,
        artifacts: Vec::new(),
        console_urls: Vec::new(),
        journal: Some(journal_name(&p.name)),
    }
}

/// The destroy run's journal, apart from apply's.
pub fn journal_name(profile: &str) -> String {
    format!("{profile}.destroy")
}

fn note(text: String) -> Action {
    Action::Note { text }
}

fn undo(p: &Profile, step: StepId, a: &Action, keep_secrets: bool) -> Vec<Action> {
    let u = |x: Undo| Action::Undo(Box::new(x));
    match a {
        Action::Apply(m) => {
            let o = &m.object;
            let r = ObjectRef {
                context: m.context.clone(),
                api_version: o["apiVersion"].as_str().unwrap_or_default().to_string(),
                kind: o["kind"].as_str().unwrap_or_default().to_string(),
                namespace: o["metadata"]["namespace"].as_str().map(str::to_string),
                name: o["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            };
            if r.kind == "Namespace" && r.api_version == "v1" {
                vec![u(Undo::DeleteNamespace(r))]
            } else {
                vec![u(Undo::Delete(r))]
            }
        }
        Action::CreateSecret(s) => {
            // the keystores, and a value that may never change (the encryption key)
            if keep_secrets && (step == StepId::Keystores || s.holds_kept()) {
                return vec![note(format!(
                    "kept (--keep-secrets): Secret {}/{} for a reinstall",
                    s.namespace, s.name
                ))];
            }
            vec![u(Undo::Delete(ObjectRef {
                context: s.context.clone(),
                api_version: "v1".into(),
                kind: "Secret".into(),
                namespace: Some(s.namespace.clone()),
                name: s.name.clone(),
            }))]
        }
        Action::Run(c) => run_undo(p, step, c),
        Action::SaveOriginal(o) => vec![u(Undo::Restore(o.clone()))],
        Action::UpdateHosts(h) => vec![u(Undo::Hosts {
            file: h.file.clone(),
            print_only: h.print_only,
        })],
        Action::MergeContainerMgt(m) => vec![u(Undo::ContainerMgt(m.clone()))],
        Action::RegisterKeyManager(r) => vec![u(Undo::KeyManager(r.clone()))],
        _ => Vec::new(),
    }
}

/// The release a `helm upgrade --install` command installs.
pub fn helm_install_target(c: &Command) -> Option<ReleaseRef> {
    if c.program != "helm" || c.args.first().map(String::as_str) != Some("upgrade") {
        return None;
    }
    if !c.args.iter().any(|a| a == "--install" || a == "-i") {
        return None;
    }
    // flags with a separate value, so the value is not taken for the release name
    const VALUED: [&str; 9] = [
        "-n",
        "--repo",
        "--namespace",
        "--version",
        "-f",
        "--values",
        "--timeout",
        "--set",
        "--set-string",
    ];
    let mut positional = Vec::new();
    let mut namespace = None;
    let mut it = c.args.iter().skip(1);
    while let Some(a) = it.next() {
        if VALUED.contains(&a.as_str()) {
            let v = it.next();
            if a == "-n" || a == "--namespace" {
                namespace = v.cloned();
            }
        } else if let Some(ns) = a.strip_prefix("--namespace=") {
            namespace = Some(ns.to_string());
        } else if !a.starts_with('-') {
            positional.push(a.clone());
        }
    }
    let helm_flags = c
        .args
        .iter()
        .filter(|a| a.starts_with("--kubeconfig=") || a.starts_with("--kube-context="))
        .cloned()
        .collect();
    Some(ReleaseRef {
        release: positional.first()?.clone(),
        namespace: namespace.unwrap_or_else(|| "default".into()),
        helm_flags,
        timeout_secs: c.timeout_secs.max(60),
    })
}

fn run_undo(p: &Profile, step: StepId, c: &Command) -> Vec<Action> {
    if let Some(r) = helm_install_target(c) {
        return vec![Action::Undo(Box::new(Undo::Uninstall(r)))];
    }
    let line = c.command_line();
    let args: Vec<&str> = c.args.iter().map(String::as_str).collect();
    match (c.program.as_str(), args.as_slice()) {
        ("helm", ["repo", "add", ..]) => vec![note(format!(
            "left alone: the helm repository `{}` in helm's own configuration (not in the cluster)",
            p.prerequisites.helm_repo.name
        ))],
        ("docker", _) | ("kind", _) | ("minikube", _) | ("k3d", _) if step == StepId::IsImage => {
            vec![note(format!(
                "left alone: the image `{line}` built or loaded (images are not removed)"
            ))]
        }
        ("kubectl", a) if a.contains(&"apply") && step == StepId::PrivateJet => {
            vec![note(format!(
                "left alone: what `{line}` installed (the API operator): kmpilot cannot prove which of those objects it created; remove them with `kubectl delete -f` on the same file when nothing else uses the operator"
            ))]
        }
        // anything else kubectl applied from a file rendered at run time (the Gateway API
        // exposure's CA ConfigMaps) went around the creation ledger: never removed unproven,
        // but said, so that nothing kmpilot made is passed over in silence
        ("kubectl", a) if a.contains(&"apply") => vec![note(format!(
            "left alone: what `{line}` applied (kubectl from a file made at run time; not in kmpilot's records) — `kubectl delete -f` on the same file removes it"
        ))],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::steps::destroy_plan as plan;

    fn undos(plan: &Plan) -> Vec<(StepId, &Undo)> {
        plan.steps
            .iter()
            .flat_map(|s| {
                s.actions.iter().filter_map(move |a| match a {
                    Action::Undo(u) => Some((s.id, u.as_ref())),
                    _ => None,
                })
            })
            .collect()
    }

    #[test]
    fn the_quickstart_destroy_plan_reverses_apply() {
        let p = Profile::quickstart("q");
        let d = plan(&p, false);
        let ids: Vec<StepId> = d.steps.iter().map(|s| s.id).collect();
        // key manager before the releases (API-M must still answer), namespace last
        let pos = |id| ids.iter().position(|x| *x == id).unwrap();
        assert!(pos(StepId::KeyManager) < pos(StepId::ApiManager), "{ids:?}");
        assert!(pos(StepId::ApiManager) < pos(StepId::IdentityServer));
        assert_eq!(*ids.last().unwrap(), StepId::Prerequisites);
        let u = undos(&d);
        let releases: Vec<&str> = u
            .iter()
            .filter_map(|(_, u)| match u {
                Undo::Uninstall(r) => Some(r.release.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(releases, ["apim", "is"]);
        assert!(u.iter().any(|(id, u)| *id == StepId::Prerequisites
            && matches!(u, Undo::DeleteNamespace(r) if r.name == p.cluster.namespace)));
        assert!(u.iter().any(|(_, u)| matches!(u, Undo::KeyManager(_))));
        assert!(u.iter().any(|(_, u)| matches!(u, Undo::Hosts { .. })));
        // every secret apply creates is removed
        let apply = crate::steps::plan(&p);
        for s in apply.steps.iter().flat_map(|s| &s.actions) {
            if let Action::CreateSecret(s) = s {
                assert!(
                    u.iter().any(|(_, u)| matches!(u, Undo::Delete(r) if r.kind == "Secret" && r.name == s.name)),
                    "{} not removed",
                    s.name
                );
            }
        }
        // the first step checks helm and the cluster first
        let first = &d.steps[0].actions;
        assert!(
            first
                .iter()
                .take_while(|a| matches!(a, Action::Check(_)))
                .any(|a| matches!(a, Action::Check(Check::Tool { name }) if name == "helm")),
            "{first:?}"
        );
        assert_eq!(d.journal.as_deref(), Some("q.destroy"));
    }

    #[test]
    fn keep_secrets_keeps_the_keystores_and_says_so() {
        let p = Profile::quickstart("q");
        let d = plan(&p, true);
        let ks = d.step(StepId::Keystores).unwrap();
        assert!(ks.actions.iter().all(|a| !matches!(a, Action::Undo(_))));
        assert!(ks.actions.iter().any(
            |a| matches!(a, Action::Note { text } if text.starts_with("kept (--keep-secrets)"))
        ));
    }

    #[test]
    fn every_applied_manifest_has_its_removal() {
        for name in ["quickstart", "privatejet", "kms-sts"] {
            let path = format!("{}/profiles/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let p = crate::profile::load::from_str(&text, crate::steps::validate)
                .unwrap_or_else(|e| panic!("{path}: {e:?}"))
                .profile;
            let apply = crate::steps::plan(&p);
            let d = plan(&p, false);
            let u = undos(&d);
            for m in apply.steps.iter().flat_map(|s| &s.actions) {
                if let Action::Apply(m) = m {
                    let name = m.object["metadata"]["name"].as_str().unwrap();
                    assert!(
                        u.iter().any(|(_, u)| matches!(u, Undo::Delete(r) | Undo::DeleteNamespace(r) if r.name == name && r.context == m.context)),
                        "{path}: {} has no removal",
                        m.title
                    );
                }
            }
        }
    }

    #[test]
    fn helm_targets_are_read_from_the_install_command() {
        let c = Command::new(
            "helm",
            [
                "upgrade",
                "--install",
                "ingress-nginx",
                "ingress-nginx",
                "--repo",
                "https://kubernetes.github.io/ingress-nginx",
                "--namespace",
                "ingress-nginx",
                "--create-namespace",
                "--kube-context=k",
            ],
        );
        let r = helm_install_target(&c).unwrap();
        assert_eq!(r.release, "ingress-nginx");
        assert_eq!(r.namespace, "ingress-nginx");
        assert_eq!(r.context().as_deref(), Some("k"));
        assert!(helm_install_target(&Command::new("helm", ["repo", "update"])).is_none());
    }
}

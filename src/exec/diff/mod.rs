//! `kmpilot diff`: what `apply` would change in the live cluster, step by step, without
//! changing anything. Each action that changes something is compared with what it would
//! change: a manifest through a server-side dry-run apply (only the fields kmpilot manages), a
//! helm release's chart and values against `helm list` / `helm get values`, a secret's keys by
//! hash, the hosts block against the file, the key-manager registration against what API-M
//! holds. Secret values are never shown: only that they change.
//!
//! The comparisons are read-only calls (GET, dry runs, `helm get`); the one exception is the
//! Admin REST API, which needs kmpilot's DCR client to read the key managers (the same
//! registration `apply` makes, idempotent on API-M's side).

mod fields;
pub(crate) mod helm;
mod hosts;
mod key_manager;
mod manifests;
pub mod render;
mod report;
mod secrets;

use std::path::Path;

use tokio::sync::{mpsc, watch};

use super::ctx::{Ctx, RunOptions};
use super::secrets::Secrets;
use crate::plan::{Action, Plan, StepId};
use crate::profile::Profile;

pub use fields::Fields;
use report::KeystoreState;
pub use report::{Change, DiffLine, DiffReport, EXIT_CHANGES, EXIT_DIFF_ERROR, Item, Op, StepDiff};

/// Compares `plan` with the cluster. `opts` gives the work directory (the CA files the
/// keystores step wrote, for TLS to API-M) and the profile's directory.
pub async fn diff(plan: &Plan, opts: &RunOptions, secrets: &Secrets) -> DiffReport {
    crate::kube::ensure_crypto_provider();
    let (tx, _rx) = mpsc::unbounded_channel();
    let (_cancel_tx, cancel_rx) = watch::channel(false);
    // never a dry run: the comparisons below call only read-only functions, and discovery
    // (a GET) is skipped by the executor in dry runs
    let mut opts = opts.clone();
    opts.dry_run = false;
    let mut ctx = Ctx::new(plan, &opts, secrets, &tx, cancel_rx);
    let mut report = DiffReport {
        profile: plan.profile.clone(),
        error: None,
        steps: Vec::new(),
    };
    // one question first: a cluster that does not answer would fail every comparison
    if let Err(e) = reachable(&mut ctx).await {
        report.error = Some(e);
        return report;
    }
    let keystores = keystore_state(&mut ctx).await;
    for step in &plan.steps {
        ctx.step = step.id;
        let mut items = Vec::new();
        for (index, action) in step.actions.iter().enumerate() {
            ctx.index = index;
            if let Some(item) = compare(&mut ctx, action, &keystores).await {
                items.push(item);
            }
        }
        report.steps.push(StepDiff {
            step: step.id,
            title: step.title.clone(),
            items,
        });
    }
    after_new_releases(plan, &mut report);
    report
}

/// A step downstream of a release `apply` would install (nothing deployed yet) cannot be
/// compared with what is not there: what it would do is an addition, not a failed comparison
/// (on a fresh cluster `diff` says "everything is new", exit 1, not "comparison failed", 3).
fn after_new_releases(plan: &Plan, report: &mut DiffReport) {
    let new_releases: Vec<(StepId, String)> = report
        .steps
        .iter()
        .flat_map(|s| {
            s.items
                .iter()
                .filter(|i| i.kind == "helm-release" && i.change == Change::Create)
                .map(move |i| (s.step, i.what.clone()))
        })
        .collect();
    for s in &mut report.steps {
        // everything upstream of the step
        let mut up = plan.needs(s.step);
        let mut k = 0;
        while k < up.len() {
            for n in plan.needs(up[k]) {
                if !up.contains(&n) {
                    up.push(n);
                }
            }
            k += 1;
        }
        let Some((_, release)) = new_releases.iter().find(|(id, _)| up.contains(id)) else {
            continue;
        };
        for i in s.items.iter_mut().filter(|i| i.change == Change::Error) {
            let why = i.detail.take().unwrap_or_default();
            i.change = Change::Create;
            i.detail = Some(format!(
                "not there to compare yet: apply installs {release} first ({why})"
            ));
        }
    }
}

async fn reachable(ctx: &mut Ctx<'_>) -> Result<(), String> {
    let k = super::cluster_client::client(ctx, None)
        .await
        .map_err(|f| f.error)?;
    k.server_version()
        .await
        .map(|_| ())
        .map_err(|e| format!("the cluster does not answer: {e}"))
}

async fn keystore_state(ctx: &mut Ctx<'_>) -> KeystoreState {
    let spec = ctx
        .plan
        .steps
        .iter()
        .flat_map(|s| &s.actions)
        .find_map(|a| match a {
            Action::GenerateKeystores(k) => Some(k.clone()),
            _ => None,
        });
    let Some(spec) = spec else {
        return KeystoreState::default();
    };
    let ns = &spec.namespace;
    let apim = super::kube_actions::read_secret(ctx, ns, &spec.apim.secret_name).await;
    let is = super::kube_actions::read_secret(ctx, ns, &spec.is.secret_name).await;
    let tls = super::kube_actions::read_secret(ctx, ns, &spec.tls_secret).await;
    let (Ok(Some(apim)), Ok(Some(is))) = (apim, is) else {
        return KeystoreState::default();
    };
    if ctx
        .secrets
        .get(&spec.store_password, spec.store_password_var())
        .is_none()
    {
        return KeystoreState {
            unknown: true,
            ..Default::default()
        };
    }
    // `reuse` writes the public certificates it reads next to the keystores: a scratch
    // directory here, `apply`'s work directory stays as it is
    let Ok(scratch) = tempfile::tempdir() else {
        return KeystoreState::default();
    };
    let mut mem = super::keystores::MemoryFiles::default();
    let tls = tls.ok().flatten();
    match super::keystores::reuse(
        &spec,
        ctx.secrets,
        scratch.path(),
        &apim,
        &is,
        tls.as_ref(),
        &mut mem,
    ) {
        Ok(true) => KeystoreState {
            reused: Some(mem),
            ..Default::default()
        },
        Ok(false) => KeystoreState::default(),
        Err(e) => KeystoreState {
            problem: Some(ctx.secrets.scrub(&e)),
            ..Default::default()
        },
    }
}

async fn compare(ctx: &mut Ctx<'_>, action: &Action, ks: &KeystoreState) -> Option<Item> {
    match action {
        Action::Apply(m) => Some(manifests::compare(ctx, m).await),
        Action::CreateSecret(s) => Some(secrets::compare(ctx, s, ks).await),
        Action::GenerateKeystores(_) => ks.problem.as_ref().map(|p| {
            Item::error(
                "keystores",
                "the keystores in the cluster",
                format!("apply would stop here: {p}"),
            )
        }),
        Action::Run(c) if helm::is_upgrade(c) => Some(helm::compare(ctx, c).await),
        Action::Run(c) => not_compared_command(c),
        Action::UpdateHosts(h) => Some(hosts::compare(ctx, h).await),
        Action::Http(h) => {
            // discovery's answer feeds the registration's body, as in `apply`
            if let Err(f) = super::key_manager_actions::discover(ctx, h).await {
                tracing::debug!(error = %f.error, "diff: discovery failed; comparing the derived fields");
            }
            None
        }
        Action::RegisterKeyManager(r) => Some(key_manager::compare(ctx, r).await),
        Action::MergeContainerMgt(m) => Some(
            Item::new(
                "command",
                format!("[[ContainerMgtClusterConfig]] blocks ({})", m.output),
                Change::NotCompared,
            )
            .detail("the merged deployment.toml is not compared"),
        ),
        Action::RestartPods(r) => Some(
            Item::new(
                "command",
                format!("restart pods {}/{}-*", r.namespace, r.name_prefix),
                Change::NotCompared,
            )
            .detail("apply restarts them on every run"),
        ),
        _ => None,
    }
}

/// A command kmpilot runs but does not model (docker build, kubectl/istioctl of the KMS track):
/// listed, not counted as a change. `helm repo` only refreshes the local index.
fn not_compared_command(c: &crate::plan::Command) -> Option<Item> {
    if c.program == "helm" && c.args.first().is_some_and(|a| a == "repo") {
        return None;
    }
    let shown: Vec<&str> = std::iter::once(c.program.as_str())
        .chain(c.args.iter().map(String::as_str).take(3))
        .collect();
    Some(
        Item::new("command", shown.join(" "), Change::NotCompared)
            .detail("kmpilot diff does not model what this command changes"),
    )
}

/// Diffs the profile as `apply` would run it: the cluster's `auto` answers decided (without
/// the AppArmor probe pod, which would change the cluster), the secrets available without
/// asking anyone (the others are reported as not compared), apply's work directory.
pub async fn diff_profile(profile: &Profile, base_dir: &Path) -> DiffReport {
    let prepared = super::adapt::prepare(profile, false).await;
    let plan = prepared.plan();
    let profile = prepared.profile;
    let state_dir = crate::profile::store::state_dir();
    let opts = RunOptions {
        dry_run: false,
        resume: false,
        from: None,
        only: None,
        work_dir: state_dir.join("work").join(&profile.name),
        state_dir,
        base_dir: base_dir.to_path_buf(),
        // the diff runs no step; the executor's options only carry its directories
        concurrency: 1,
        skip: Vec::new(),
        allow_upgrade: false,
    };
    let uses = crate::plan::secrets::uses_where(&plan, |_| true);
    let secrets = Secrets::resolve_available(&uses, base_dir);
    diff(&plan, &opts, &secrets).await
}

#[cfg(test)]
mod tests {
    use super::report::unified;
    use super::*;

    /// Nothing deployed: API-M's release is new, so the key manager that cannot be asked is
    /// to be registered, not a failed comparison; the exit code says "changes" (1).
    #[test]
    fn what_follows_a_new_release_is_an_addition() {
        let plan = crate::steps::plan(&crate::profile::Profile::quickstart("q"));
        let step = |id: StepId, items: Vec<Item>| StepDiff {
            step: id,
            title: id.title().into(),
            items,
        };
        let mut report = DiffReport {
            profile: "q".into(),
            error: None,
            steps: vec![
                step(
                    StepId::ApiManager,
                    vec![Item::new(
                        "helm-release",
                        "helm release wso2/apim",
                        Change::Create,
                    )],
                ),
                step(
                    StepId::KeyManager,
                    vec![Item::error(
                        "key-manager",
                        "key manager WSO2IS7",
                        "connection refused",
                    )],
                ),
            ],
        };
        assert_eq!(report.exit_code(), EXIT_DIFF_ERROR);
        after_new_releases(&plan, &mut report);
        let km = &report.step(StepId::KeyManager).unwrap().items[0];
        assert_eq!(km.change, Change::Create);
        assert!(
            km.detail
                .as_deref()
                .unwrap()
                .contains("apply installs helm release wso2/apim first"),
            "{km:?}"
        );
        assert_eq!(report.exit_code(), EXIT_CHANGES);
    }

    #[test]
    fn unified_shows_context_and_changes() {
        let l = unified("a\nb\nc\n", "a\nB\nc\n");
        assert_eq!(
            l,
            vec![
                DiffLine::new(Op::Context, "a"),
                DiffLine::new(Op::Remove, "b"),
                DiffLine::new(Op::Add, "B"),
                DiffLine::new(Op::Context, "c"),
            ]
        );
        assert!(unified("same\n", "same\n").is_empty());
    }

    #[test]
    fn exit_codes_as_kubectl_diff() {
        let mut r = DiffReport {
            profile: "p".into(),
            error: None,
            steps: vec![StepDiff {
                step: StepId::Keystores,
                title: "k".into(),
                items: vec![Item::new("secret", "s", Change::None)],
            }],
        };
        assert_eq!(r.exit_code(), 0);
        r.steps[0]
            .items
            .push(Item::new("command", "docker build", Change::NotCompared));
        assert_eq!(r.exit_code(), 0, "not compared is not a change");
        r.steps[0]
            .items
            .push(Item::new("secret", "t", Change::Create));
        assert_eq!(r.exit_code(), 1);
        r.steps[0]
            .items
            .push(Item::error("secret", "u", "no answer"));
        assert_eq!(r.exit_code(), 3);
    }
}

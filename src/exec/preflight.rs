//! Preflight: every check of a plan run on its own, without changing anything, each with its
//! own result. The wizard's Cluster step shows these live (the run stops at the first failing
//! check; here the user sees all of them, with what to do about each).

use std::path::Path;
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use super::actions;
use super::ctx::{Ctx, RunOptions};
use super::events::{Event, Stream};
use super::secrets::Secrets;
use crate::plan::{Action, Check, Plan, StepId};

/// One check's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOutcome {
    /// What was checked, as the plan says it (`helm is installed`).
    pub summary: String,
    pub status: CheckStatus,
    /// What was found (`helm: v3.21.4`) or what went wrong.
    pub detail: String,
    /// What to do about a failure.
    pub fix: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckStatus {
    Ok,
    Failed,
    /// Not checked because a check it depends on failed (the cluster does not answer).
    Skipped,
}

/// The checks of `plan`, in plan order, with the step each belongs to.
pub fn checks(plan: &Plan) -> Vec<(StepId, Check)> {
    plan.steps
        .iter()
        .flat_map(|s| {
            s.actions.iter().filter_map(move |a| match a {
                Action::Check(c) => Some((s.id, c.clone())),
                _ => None,
            })
        })
        .collect()
}

/// A check gives up after this long (an unreachable API server can otherwise hang for the
/// client's own, much longer, timeouts). Longer than a tool check's own probes (4 s for the
/// version, 5 s for `docker info`), which are killed when they time out.
const CHECK_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs every check of `plan`. Read-only: tools are asked for their version, the API server
/// for its version, ingress classes and CSI drivers are listed.
pub async fn run(plan: &Plan, base_dir: &Path) -> Vec<CheckOutcome> {
    crate::kube::ensure_crypto_provider();
    let state_dir = crate::profile::store::state_dir();
    let opts = RunOptions {
        dry_run: true,
        resume: false,
        from: None,
        only: None,
        work_dir: state_dir.join("work").join(&plan.profile),
        state_dir,
        base_dir: base_dir.to_path_buf(),
        concurrency: 1,
        skip: Vec::new(),
        allow_upgrade: false,
    };
    let secrets = Secrets::none();
    let (tx, mut rx) = mpsc::unbounded_channel::<Event>();
    let (_cancel_tx, cancel) = watch::channel(false);
    let mut ctx = Ctx::new(plan, &opts, &secrets, &tx, cancel);
    let mut out = Vec::new();
    // the contexts whose cluster did not answer: their other checks are skipped
    let mut unreachable: Vec<Option<String>> = Vec::new();
    let cluster_of = |c: &Check| -> Option<Option<String>> {
        let own = |ctx: &Option<String>| ctx.clone().or_else(|| plan.cluster.context.clone());
        match c {
            Check::Tool { .. } => None,
            Check::ClusterReachable { context } | Check::SecretsStoreCsiDriver { context } => {
                Some(own(context))
            }
            Check::IngressController { .. } => Some(own(&None)),
            Check::ServedKinds { context, .. } => Some(own(context)),
            Check::ClusterKind { context, .. } => Some(own(context)),
            Check::Capacity(c) => Some(own(&c.context)),
            Check::GatewayApi(g) => Some(own(&g.context)),
        }
    };
    for (step, check) in checks(plan) {
        let summary = Action::Check(check.clone()).summary();
        let cluster = cluster_of(&check);
        if let Some(c) = &cluster
            && unreachable.contains(c)
        {
            out.push(CheckOutcome {
                summary,
                status: CheckStatus::Skipped,
                detail: "not checked: the cluster does not answer".into(),
                fix: None,
            });
            continue;
        }
        ctx.step = step;
        let result = tokio::time::timeout(CHECK_TIMEOUT, actions::check(&mut ctx, &check)).await;
        let mut found = String::new();
        while let Ok(e) = rx.try_recv() {
            if let Event::Output {
                stream: Stream::Info,
                line,
                ..
            } = e
            {
                found = line;
            }
        }
        let outcome = match result {
            Ok(Ok(())) => CheckOutcome {
                summary,
                status: CheckStatus::Ok,
                detail: found,
                fix: None,
            },
            Ok(Err(f)) => CheckOutcome {
                summary,
                status: CheckStatus::Failed,
                detail: f.error,
                fix: f.hint,
            },
            Err(_) => CheckOutcome {
                summary,
                status: CheckStatus::Failed,
                detail: format!("no answer within {} s", CHECK_TIMEOUT.as_secs()),
                fix: Some(
                    match check {
                        Check::Tool { .. } => "the tool hangs: run it by hand to see why",
                        _ => "is the cluster running and the context right?",
                    }
                    .into(),
                ),
            },
        };
        tracing::debug!(check = %outcome.summary, status = ?outcome.status, detail = %outcome.detail, "preflight");
        if matches!(check, Check::ClusterReachable { .. })
            && outcome.status == CheckStatus::Failed
            && let Some(c) = cluster
        {
            unreachable.push(c);
        }
        out.push(outcome);
    }
    out
}

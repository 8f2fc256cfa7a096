//! Upgrades are not silent: a running release whose chart is of another line (API-M 4.5 →
//! 4.6, a `<major>.<minor>` change) is not upgraded in place unless asked (`apply
//! --allow-upgrade`). WSO2 upgrades a minor version by migration, not in place: the data and
//! configuration move to the new version by its migration procedure, and the embedded H2
//! databases of a quickstart do not migrate themselves. `diff` shows the same change as a
//! line upgrade (`line_change`).

use super::ctx::Ctx;
use super::diff::helm as diff_helm;
use super::events::{Event, Stream};
use super::line_change::{LineChange, line_change};
use crate::plan::{Action, StepId};

/// The line change a `helm upgrade` of the plan would make, asking helm what runs.
pub(crate) async fn of_upgrade(
    ctx: &Ctx<'_>,
    c: &crate::plan::Command,
) -> Result<Option<LineChange>, String> {
    let u = diff_helm::parse(&c.args);
    let ns = u
        .namespace
        .clone()
        .unwrap_or_else(|| ctx.plan.cluster.namespace.clone());
    let (_, wanted) = diff_helm::wanted_chart(ctx, &u)?;
    Ok(diff_helm::live_release(&u, &ns)
        .await?
        .and_then(|(chart, _)| line_change(&u.release, &chart, &wanted)))
}

/// Before the first step changes anything: every `helm upgrade` of the steps to run, against
/// the release running. A line change stops the run (the step reported as failed, with the
/// migration guide) unless `--allow-upgrade`; allowed, it is said on the step's output. A
/// release helm cannot be asked about is left to the step itself.
pub(crate) async fn before_run(ctx: &mut Ctx<'_>, steps: &[StepId]) -> bool {
    for &id in steps {
        let Some(step) = ctx.plan.step(id) else {
            continue;
        };
        for a in &step.actions {
            let Action::Run(c) = a else { continue };
            if !diff_helm::is_upgrade(c) {
                continue;
            }
            let change = match of_upgrade(ctx, c).await {
                Ok(Some(ch)) => ch,
                Ok(None) => continue,
                Err(e) => {
                    tracing::info!(step = id.as_str(), "upgrade check skipped: {e}");
                    continue;
                }
            };
            if ctx.opts.allow_upgrade {
                let _ = ctx.tx.send(Event::Output {
                    step: id,
                    stream: Stream::Info,
                    line: format!(
                        "upgrading release {} in place from chart {} to {} (line {}; --allow-upgrade)",
                        change.release,
                        change.from,
                        change.to,
                        change.lines()
                    ),
                });
                continue;
            }
            let f = change.refusal();
            tracing::warn!(step = id.as_str(), error = %f.error, "in-place line upgrade refused");
            let _ = ctx.tx.send(Event::StepStarted { step: id });
            let _ = ctx.tx.send(Event::StepFailed {
                step: id,
                error: f.error,
                hint: f.hint,
            });
            let _ = ctx.tx.send(Event::RunFinished { ok: false });
            return false;
        }
    }
    true
}

//! Key-manager discovery and registration, through `crate::http`. Discovery's result is kept
//! for the registration that follows in the same step.

use std::time::Duration;

use super::{Ctx, Failure};
use crate::plan::HttpRequest;
use crate::steps::key_manager::{self, Registration};

fn failure(e: crate::http::KmError) -> Failure {
    let f = Failure::new(e.message());
    match e.hint() {
        Some(h) => f.hint(h),
        None => f,
    }
}

pub(super) async fn discover(ctx: &mut Ctx<'_>, h: &HttpRequest) -> Result<(), Failure> {
    if ctx.opts.dry_run {
        ctx.info(format!("dry run: not fetching {}", h.url));
        return Ok(());
    }
    let (tx, step, secrets) = (ctx.tx, ctx.step, ctx.secrets);
    let mut progress = |line: String| {
        let _ = tx.send(super::events::Event::Output {
            step,
            stream: super::events::Stream::Info,
            line: secrets.scrub(&line),
        });
    };
    let timeout = Duration::from_secs(ctx.profile.key_manager.timeout_seconds);
    let d = crate::http::discover(&h.url, &h.tls, &ctx.opts.work_dir, timeout, &mut progress)
        .await
        .map_err(failure)?;
    let d = d.respecting(&ctx.profile.key_manager.endpoints);
    let fields = key_manager::fields(ctx.profile);
    let diffs = crate::http::diff(&fields, &d);
    if diffs.is_empty() {
        ctx.info("the well-known document agrees with every derived field");
    }
    for df in &diffs {
        ctx.info(format!(
            "{}: derived {} but IS publishes {} (using IS's)",
            df.field.label(),
            df.derived,
            df.discovered
        ));
    }
    ctx.discovered = Some(d);
    Ok(())
}

pub(super) async fn register(ctx: &mut Ctx<'_>, r: &Registration) -> Result<(), Failure> {
    if ctx.opts.dry_run {
        ctx.info(format!(
            "dry run: not registering {} at {}",
            r.name, r.key_managers_url
        ));
        return Ok(());
    }
    let admin = ctx
        .secrets
        .get(
            &r.admin.password,
            r.admin.password.shell_var("APIM_ADMIN_PASSWORD"),
        )
        .ok_or_else(|| Failure::new("the API-M admin password was not resolved"))?
        .to_string();
    let connector = ctx
        .secrets
        .get(
            &r.connector.password,
            r.connector.password.shell_var("IS_ADMIN_PASSWORD"),
        )
        .ok_or_else(|| Failure::new("the IS admin password was not resolved"))?
        .to_string();
    let (tx, step, secrets) = (ctx.tx, ctx.step, ctx.secrets);
    let mut progress = |line: String| {
        let _ = tx.send(super::events::Event::Output {
            step,
            stream: super::events::Stream::Info,
            line: secrets.scrub(&line),
        });
    };
    let outcome = crate::http::register(
        r,
        &ctx.opts.work_dir,
        &admin,
        &connector,
        ctx.discovered.as_ref(),
        &mut progress,
    )
    .await
    .map_err(failure)?;
    let verb = match outcome {
        crate::http::Outcome::Created { .. } => "created",
        crate::http::Outcome::Updated { .. } => "updated",
    };
    ctx.info(format!(
        "key manager {} {verb} (id {})",
        r.name,
        outcome.id()
    ));
    Ok(())
}

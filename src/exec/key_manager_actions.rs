//! Key-manager discovery and registration, through `crate::http`. Discovery's result is kept
//! for the registration that follows in the same step.

use std::time::Duration;

use super::ctx::{Ctx, Failure};
use super::secrets::Secrets;
use crate::http::Reach;
use crate::http::reach::{self, Decision};
use crate::kube::port_forward::{self, LocalForward};
use crate::plan::HttpRequest;
use crate::plan::key_manager::{Registration, ServiceRoute};
use crate::plan::prove::Proof;

fn failure(e: crate::http::KmError) -> Failure {
    let f = Failure::new(e.message());
    match e.hint() {
        Some(h) => f.hint(h),
        None => f,
    }
}

/// The progress lines of an HTTP conversation, into the step's log with secrets scrubbed.
fn log_sink<'a>(ctx: &Ctx<'a>) -> impl FnMut(String) + Send + 'a {
    let (tx, step, secrets) = (ctx.tx, ctx.step, ctx.secrets);
    move |line: String| {
        let _ = tx.send(super::events::Event::Output {
            step,
            stream: super::events::Stream::Info,
            line: secrets.scrub(&line),
        });
    }
}

/// The API-M admin password of a registration, as resolved for this run.
pub(super) fn admin_password<'s>(secrets: &'s Secrets, r: &Registration) -> Option<&'s str> {
    secrets.get(
        &r.admin.password,
        r.admin.password.shell_var("APIM_ADMIN_PASSWORD"),
    )
}

/// The password of the IS user API-M's key-manager connector signs in with.
pub(super) fn connector_password<'s>(secrets: &'s Secrets, r: &Registration) -> Option<&'s str> {
    secrets.get(
        &r.connector.password,
        r.connector.password.shell_var("IS_ADMIN_PASSWORD"),
    )
}

pub(super) async fn discover(ctx: &mut Ctx<'_>, h: &HttpRequest) -> Result<(), Failure> {
    if ctx.opts.dry_run {
        ctx.info(format!("dry run: not fetching {}", h.url));
        return Ok(());
    }
    let timeout = Duration::from_secs(h.timeout_seconds);
    let (reach, forward) = route(ctx, &h.url, h.via.as_ref()).await?;
    let mut progress = log_sink(ctx);
    let d = crate::http::discover_via(
        &h.url,
        &h.tls,
        &ctx.opts.work_dir,
        timeout,
        &reach,
        &mut progress,
    )
    .await
    .map_err(|e| forward_failure(e, forward.as_ref()))?;
    drop(forward);
    let use_ = &h.discovery;
    let mut d = d.respecting(&use_.overrides);
    if let Some(swap) = &use_.origin_swap {
        // IS publishes its public URLs; API-M's pods call the ones they use inside the cluster
        d = d.server_calls_at(&swap.public, &swap.in_cluster);
    }
    let diffs = crate::http::diff(&use_.derived, &d);
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
    let admin = admin_password(ctx.secrets, r)
        .ok_or_else(|| Failure::new("the API-M admin password was not resolved"))?
        .to_string();
    let connector = connector_password(ctx.secrets, r)
        .ok_or_else(|| Failure::new("the IS admin password was not resolved"))?
        .to_string();
    let (reach, forward) = route(ctx, &r.key_managers_url, r.apim_route.as_ref()).await?;
    let mut progress = log_sink(ctx);
    let outcome = crate::http::register_via(
        r,
        &ctx.opts.work_dir,
        &admin,
        &connector,
        ctx.discovered.as_ref(),
        &reach,
        &mut progress,
    )
    .await
    .map_err(|e| forward_failure(e, forward.as_ref()))?;
    drop(forward);
    if let crate::http::Outcome::Created { .. } = outcome {
        super::ownership::update(ctx, |l| l.add_key_manager(&r.key_managers_url, &r.name));
    }
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

/// How long a name may take to resolve before kmpilot takes it as not resolving here.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// The route of a call to `url`: direct when its host resolves here; else, when the plan
/// names the Service behind it, a port-forward to a ready pod of that Service (the listener
/// lives as long as the returned guard). Says which route it took.
pub(super) async fn route(
    ctx: &mut Ctx<'_>,
    url: &str,
    via: Option<&ServiceRoute>,
) -> Result<(Reach, Option<LocalForward>), Failure> {
    route_onto(ctx, Reach::direct(), url, via).await
}

/// As [`route`], adding the route of `url` to `reach` (a conversation with several hosts).
async fn route_onto(
    ctx: &mut Ctx<'_>,
    reach: Reach,
    url: &str,
    via: Option<&ServiceRoute>,
) -> Result<(Reach, Option<LocalForward>), Failure> {
    let Some(host) = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
    else {
        return Ok((reach, None));
    };
    let resolves = reach::resolves(&host, RESOLVE_TIMEOUT).await;
    match (reach::decide(resolves, via.is_some()), via) {
        (Decision::PortForward, Some(v)) => {
            let client = super::cluster_client::client(ctx, v.context.as_deref())
                .await?
                .client();
            let target = port_forward::ready_pod_of_service(
                client.clone(),
                &v.namespace,
                &v.service,
                v.port,
            )
            .await
            .map_err(|e| {
                Failure::new(format!(
                    "{host} does not resolve here and {}: {e}",
                    v.describe()
                ))
                .hint(format!(
                    "wait until the pods of {} are ready, or map {host} to the ingress (dns step)",
                    v.service
                ))
            })?;
            let fwd = LocalForward::to_pod(client, target.clone())
                .await
                .map_err(|e| Failure::new(format!("cannot listen on 127.0.0.1: {e}")))?;
            let pod_cert = v
                .pod_certificate
                .as_ref()
                .map(|c| ctx.opts.work_dir.join(c))
                .filter(|c| c.exists());
            ctx.info(format!(
                "{host} does not resolve here: via port-forward to pod {target} (service {}/{}), TLS verified for {host}",
                v.namespace, v.service
            ));
            let reach = reach.through(&host, fwd.local(), pod_cert);
            Ok((reach, Some(fwd)))
        }
        (Decision::Direct, _) => {
            ctx.info(format!("{host} resolves here: calling it directly"));
            Ok((reach, None))
        }
        _ => Ok((reach, None)),
    }
}

/// A call's error, with what the port-forward said when it carried the call.
fn forward_failure(e: crate::http::KmError, fwd: Option<&LocalForward>) -> Failure {
    let mut f = failure(e);
    if let Some(why) = fwd.and_then(LocalForward::last_error) {
        f.error = format!("{} (the port-forward failed: {why})", f.error);
    }
    f
}

/// Destroy: deletes the key manager kmpilot registered (the creation ledger says so), through
/// the Admin REST API while API-M still answers. One that was there before kmpilot's first
/// registration (kmpilot updated it) is left alone.
pub(super) async fn deregister(ctx: &mut Ctx<'_>, r: &Registration) -> Result<(), Failure> {
    let l = super::ownership::Ledger::load(&ctx.opts.state_dir, &ctx.plan.profile);
    if !l.has_key_manager(&r.key_managers_url, &r.name) {
        ctx.info(format!(
            "left alone: key manager {} at {} — kmpilot has no record of creating it (not registered by kmpilot, or it existed before and kmpilot only updated it)",
            r.name, r.key_managers_url
        ));
        return Ok(());
    }
    let admin = admin_password(ctx.secrets, r)
        .ok_or_else(|| Failure::new("the API-M admin password was not resolved"))?
        .to_string();
    let (reach, forward) = route(ctx, &r.key_managers_url, r.apim_route.as_ref()).await?;
    let mut progress = log_sink(ctx);
    let outcome = crate::http::deregister_via(
        r,
        &ctx.opts.work_dir,
        &admin,
        &reach,
        ctx.opts.dry_run,
        &mut progress,
    )
    .await
    .map_err(|e| {
        let mut f = forward_failure(e, forward.as_ref());
        if f.hint.is_none() {
            f.hint = Some("API-M must answer to remove the registration; destroy removes it before the releases. Start API-M (or fix the route) and run destroy again".into());
        }
        f
    })?;
    drop(forward);
    match outcome {
        crate::http::Removed::Deleted { id } => {
            ctx.info(format!("key manager {} deleted (id {id})", r.name))
        }
        crate::http::Removed::NotRegistered => ctx.info(format!(
            "key manager {} is not registered (nothing to remove)",
            r.name
        )),
        crate::http::Removed::WouldDelete { id } => {
            ctx.info(format!("would delete key manager {} (id {id})", r.name));
            return Ok(());
        }
    }
    super::ownership::update(ctx, |l| l.forget_key_manager(&r.key_managers_url, &r.name));
    Ok(())
}

/// The proof (the `prove` step): every host of it routed (the management and gateway
/// hostnames, IS's), the conversation through `crate::http`, and its headline for the run's
/// summary — what works, or what is missing.
pub(super) async fn prove(ctx: &mut Ctx<'_>, p: &Proof) -> Result<(), Failure> {
    if ctx.opts.dry_run {
        ctx.info(format!(
            "dry run: not proving key manager {} through {}",
            p.key_manager,
            p.invoke_url()
        ));
        return Ok(());
    }
    let admin = ctx
        .secrets
        .get(
            &p.admin.password,
            p.admin.password.shell_var("APIM_ADMIN_PASSWORD"),
        )
        .ok_or_else(|| Failure::new("the API-M admin password was not resolved"))?
        .to_string();
    let mut reach = Reach::direct();
    let mut forwards = Vec::new();
    let mut seen = Vec::new();
    for (url, via) in [
        (&p.publisher_url, p.apim_route.as_ref()),
        (&p.gateway_url, p.gateway_route.as_ref()),
        (&p.is_token_url, p.is_route.as_ref()),
    ] {
        let host = url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
        if seen.contains(&host) {
            continue;
        }
        seen.push(host);
        let (r, fwd) = route_onto(ctx, reach, url, via).await?;
        reach = r;
        forwards.extend(fwd);
    }
    let mut progress = log_sink(ctx);
    let outcome =
        crate::http::prove_via(p, &ctx.opts.work_dir, &admin, &reach, &mut progress).await;
    match outcome {
        Ok(proved) => {
            drop(forwards);
            for what in &proved.left_behind {
                ctx.info(format!(
                    "left behind (remove it in the Publisher/Developer Portal): {what}"
                ));
            }
            headline(ctx, true, proved.headline());
            Ok(())
        }
        Err(e) => {
            let text = crate::http::missing_headline(&e);
            let f = forward_failure(e, forwards.first());
            drop(forwards);
            headline(ctx, false, text);
            Err(f)
        }
    }
}

fn headline(ctx: &Ctx<'_>, working: bool, text: String) {
    let _ = ctx.tx.send(super::events::Event::Headline {
        step: ctx.step,
        working,
        text: ctx.secrets.scrub(&text),
    });
}

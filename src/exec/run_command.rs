//! Running one of the plan's commands (helm, kubectl, docker, istioctl …): dry-run flags,
//! output scrubbed of secrets into the run's events, the pods watched for a start the kubelet
//! refuses, and a release helm makes for the first time recorded as kmpilot's.

use std::time::Duration;

use super::ctx::{Ctx, Failure};
use super::{keystores, overlay, process};
use crate::plan::{Action, Command};

/// Dry runs: helm and kubectl ask the API server to validate without persisting; tools that
/// cannot (docker) are skipped.
fn dry_run_args(c: &Command) -> Option<Vec<String>> {
    let mut args = c.args.clone();
    match (c.program.as_str(), args.first().map(String::as_str)) {
        ("helm", Some("upgrade")) => args.push("--dry-run=server".into()),
        ("helm", Some("repo")) => {}
        ("kubectl", _) if args.iter().any(|a| a == "replace" || a == "apply") => {
            args.push("--dry-run=server".into())
        }
        ("kubectl", _) | ("istioctl", _) => {}
        _ => return None,
    }
    Some(args)
}

pub(super) async fn run_command(ctx: &mut Ctx<'_>, c: &Command) -> Result<(), Failure> {
    let mut args = if ctx.opts.dry_run {
        match dry_run_args(c) {
            Some(a) => a,
            None => {
                ctx.info(format!("dry run: not running `{}`", c.command_line()));
                return Ok(());
            }
        }
    } else {
        c.args.clone()
    };
    // the post-renderer's flags are the major's of the helm found (an executable for Helm 3,
    // kmpilot's plugin for Helm 4)
    let post = super::helm_version::post_render(&ctx.opts.work_dir, &c.drop_kinds)
        .await
        .map_err(Failure::new)?;
    args.extend(post.args);
    let stdin = match (&c.stdin, &c.stdin_from) {
        (Some(o), _) => {
            let vault_cert = ctx
                .plan
                .steps
                .iter()
                .flat_map(|s| &s.actions)
                .find_map(|a| match a {
                    Action::GenerateKeystores(k) => {
                        Some(ctx.opts.work_dir.join(keystores::internal_cert_path(k)))
                    }
                    _ => None,
                });
            Some(overlay::build(o, ctx.secrets, vault_cert.as_deref()).map_err(Failure::new)?)
        }
        (None, Some(f)) => Some(std::fs::read(ctx.opts.work_dir.join(f))?),
        (None, None) => None,
    };
    let stdout_to = c.stdout_to.as_ref().map(|f| ctx.opts.work_dir.join(f));
    let spec = process::Spec {
        program: &c.program,
        args: &args,
        cwd: &ctx.opts.work_dir,
        stdin,
        stdout_to: stdout_to.as_deref(),
        timeout: Duration::from_secs(c.timeout_secs),
        env: &post.env,
    };
    // while helm waits for the pods, a pod the kubelet rejects (no AppArmor on the node)
    // never becomes ready: notice it, stop helm and say why, instead of a timeout much later
    let watch_pods = !ctx.opts.dry_run
        && c.program == "helm"
        && c.args.first().is_some_and(|a| a == "upgrade")
        && c.args.iter().any(|a| a == "--wait");
    let kube = if watch_pods {
        super::cluster_client::client(ctx, None).await.ok().cloned()
    } else {
        None
    };
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(*ctx.cancel.borrow());
    let problem = std::sync::Arc::new(std::sync::Mutex::new(None::<String>));
    let guard = {
        let mut outer = ctx.cancel.clone();
        let problem = problem.clone();
        let namespace = ctx.plan.cluster.namespace.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    changed = outer.changed() => {
                        if changed.is_err() {
                            // the run's cancel sender is gone: keep watching pods only
                            if kube.is_none() {
                                return;
                            }
                            std::future::pending::<()>().await;
                        }
                        if *outer.borrow() {
                            let _ = stop_tx.send(true);
                            return;
                        }
                    }
                    _ = tokio::time::sleep(Duration::from_secs(2)), if kube.is_some() => {
                        if let Some(k) = &kube {
                            let api: kube::Api<k8s_openapi::api::core::v1::Pod> =
                                kube::Api::namespaced(k.client(), &namespace);
                            if let Ok(list) = api.list(&Default::default()).await
                                && let Some(why) = list.items.iter().find_map(crate::kube::rows::pod_problem)
                            {
                                *problem.lock().unwrap_or_else(|e| e.into_inner()) = Some(why);
                                let _ = stop_tx.send(true);
                                return;
                            }
                        }
                    }
                }
            }
        })
    };
    // a release helm has no record of yet is kmpilot's once this install makes it
    let fresh_release = super::ownership::fresh_release(ctx, c).await;
    let (tx, step, secrets) = (ctx.tx, ctx.step, ctx.secrets);
    let result = process::run(
        spec,
        |stream, line| {
            let line = secrets.scrub(&line);
            tracing::debug!(target: "kmpilot::process", ?stream, "{line}");
            let _ = tx.send(super::events::Event::Output { step, stream, line });
        },
        stop_rx,
    )
    .await;
    guard.abort();
    if let Some(r) = fresh_release {
        super::ownership::installed(ctx, &r).await;
    }
    let found = problem.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(why) = found {
        return Err(
            Failure::new(format!("stopped {}: {why}", c.program)).hint(crate::kube::APPARMOR_FIX)
        );
    }
    let mut not_ready = Vec::new();
    if result.is_err() && c.program == "helm" && !ctx.opts.dry_run {
        let ns = ctx.plan.cluster.namespace.clone();
        let problems = super::kube_actions::pod_problems(ctx, &ns).await;
        if !problems.is_empty() {
            return Err(Failure::new(problems.join("; ")).hint(crate::kube::APPARMOR_FIX));
        }
        // helm's wait says only "context deadline exceeded": the pods it waited for say why
        if watch_pods {
            not_ready = super::kube_actions::not_ready_reasons(ctx, &ns).await;
        }
    }
    result.map_err(|e| {
        let hint = match &e {
            process::ProcessError::NotFound { program } => Some(install_hint(program).to_string()),
            process::ProcessError::Failed { tail, .. } => tail
                .last()
                .map(|l| format!("last error output: {}", secrets.scrub(l))),
            process::ProcessError::Timeout { .. } => {
                Some("raise the step's timeout in the profile (e.g. helmTimeoutMinutes)".into())
            }
            _ => None,
        };
        let error = if not_ready.is_empty() {
            e.to_string()
        } else {
            format!("{e}; {}", not_ready.join("; "))
        };
        Failure { error, hint }
    })
}

pub(super) fn install_hint(tool: &str) -> &'static str {
    match tool {
        "kubectl" => "install kubectl: https://kubernetes.io/docs/tasks/tools/",
        "helm" => "install Helm 4 (or Helm 3 from v3.13): https://helm.sh/docs/intro/install/",
        "docker" => {
            "install Docker, or set identityServer.image.build: false and use a prebuilt image"
        }
        "istioctl" => {
            "install istioctl matching the cluster's Istio: https://istio.io/latest/docs/setup/getting-started/#download"
        }
        _ => "install it and make sure it is on PATH",
    }
}

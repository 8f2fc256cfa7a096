//! One function per kind of action. Kubernetes calls go through `crate::kube`, HTTP through
//! `crate::http`, processes through `process`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::events::Stream;
use super::{Ctx, Failure, hosts, keystores, overlay, process};
use crate::plan::{Action, AddressSource, Check, Command, HostsUpdate, SecretSource, SecretSpec};

pub(super) async fn execute(ctx: &mut Ctx<'_>, action: &Action) -> Result<(), Failure> {
    match action {
        Action::Check(c) => check(ctx, c).await,
        Action::Run(c) => run_command(ctx, c).await,
        Action::WriteFile { artifact } => write_artifact(ctx, artifact),
        Action::GenerateKeystores(spec) => generate_keystores(ctx, spec).await,
        Action::Apply(m) => super::kube_actions::apply(ctx, m).await,
        Action::CreateSecret(s) => create_secret(ctx, s).await,
        Action::Wait(w) => super::kube_actions::wait(ctx, w).await,
        Action::RestartPods(r) => super::kube_actions::restart_pods(ctx, r).await,
        Action::UpdateHosts(h) => update_hosts(ctx, h).await,
        Action::MergeContainerMgt(m) => super::kube_actions::merge_container_mgt(ctx, m).await,
        Action::Http(h) => super::http_actions::discover(ctx, h).await,
        Action::RegisterKeyManager(r) => super::http_actions::register(ctx, r).await,
        Action::Verify(v) => {
            let index = ctx.index;
            super::verify::action(ctx, v, index).await
        }
        Action::Note { text } => {
            ctx.info(text.clone());
            Ok(())
        }
        Action::RecoverRelease(r) => super::helm_recover::recover(ctx, r).await,
        Action::Undo(u) => super::undo::execute(ctx, u).await,
        Action::SaveOriginal(o) => super::undo::save_original(ctx, o).await,
    }
}

async fn generate_keystores(
    ctx: &mut Ctx<'_>,
    spec: &crate::plan::keystore_set::KeystoreSetSpec,
) -> Result<(), Failure> {
    let ns = &spec.namespace;
    let apim = super::kube_actions::read_secret(ctx, ns, &spec.apim.secret_name).await?;
    let is = super::kube_actions::read_secret(ctx, ns, &spec.is.secret_name).await?;
    let tls = super::kube_actions::read_secret(ctx, ns, &spec.tls_secret).await?;
    if let (Some(apim), Some(is)) = (&apim, &is)
        && keystores::reuse(
            spec,
            ctx.secrets,
            &ctx.opts.work_dir,
            apim,
            is,
            tls.as_ref(),
            &mut ctx.mem,
        )
        .map_err(Failure::new)?
    {
        ctx.info(format!(
            "keeping the keystores already in {ns} (secrets {} and {}); delete them to make new ones",
            spec.apim.secret_name, spec.is.secret_name
        ));
        return Ok(());
    }
    let written = keystores::generate(
        spec,
        ctx.secrets,
        &ctx.opts.work_dir,
        &ctx.opts.base_dir,
        &mut ctx.mem,
    )
    .map_err(Failure::new)?;
    ctx.info(format!(
        "keystores made for API-M (JKS) and IS (PKCS12), cross-trusted; public certificates in {}",
        written.join(", ")
    ));
    Ok(())
}

fn install_hint(tool: &str) -> &'static str {
    match tool {
        "kubectl" => "install kubectl: https://kubernetes.io/docs/tasks/tools/",
        "helm" => "install helm 3: https://helm.sh/docs/intro/install/",
        "docker" => {
            "install Docker, or set identityServer.image.build: false and use a prebuilt image"
        }
        "istioctl" => {
            "install istioctl matching the cluster's Istio: https://istio.io/latest/docs/setup/getting-started/#download"
        }
        _ => "install it and make sure it is on PATH",
    }
}

fn version_args(tool: &str) -> &'static [&'static str] {
    match tool {
        "kubectl" => &["version", "--client"],
        "helm" => &["version", "--short"],
        "istioctl" => &["version", "--remote=false"],
        _ => &["--version"],
    }
}

pub(super) fn on_path(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(tool))
        .find(|p| p.is_file())
}

pub(super) async fn check(ctx: &mut Ctx<'_>, c: &Check) -> Result<(), Failure> {
    match c {
        Check::Tool { name } => {
            if on_path(name).is_none() {
                return Err(
                    Failure::new(format!("{name} is not installed (not found on PATH)"))
                        .hint(install_hint(name)),
                );
            }
            let out = tokio::time::timeout(
                Duration::from_secs(4),
                tokio::process::Command::new(name)
                    .args(version_args(name))
                    .stdin(std::process::Stdio::null())
                    .kill_on_drop(true)
                    .output(),
            )
            .await;
            let version = match out {
                Ok(Ok(o)) => String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string(),
                _ => String::new(),
            };
            if name == "docker" {
                // the CLI alone cannot build the IS image: its daemon must answer
                docker_daemon().await?;
            }
            ctx.info(format!(
                "{name}: {}",
                if version.is_empty() {
                    "found"
                } else {
                    &version
                }
            ));
            Ok(())
        }
        Check::ClusterReachable { context } => {
            super::kube_actions::cluster_reachable(ctx, context.as_deref()).await
        }
        Check::IngressController { class } => super::kube_actions::ingress_class(ctx, class).await,
        Check::SecretsStoreCsiDriver { context } => {
            super::kube_actions::csi_driver(ctx, context.as_deref()).await
        }
        Check::ServedKinds {
            context,
            purpose,
            kinds,
        } => super::served_kinds::check(ctx, context.as_deref(), purpose, kinds).await,
        Check::ClusterKind {
            context,
            declared,
            ingress_class,
        } => {
            super::kube_actions::cluster_kind(ctx, context.as_deref(), *declared, ingress_class)
                .await
        }
        Check::Capacity(c) => super::kube_actions::capacity(ctx, c).await,
        Check::GatewayApi(g) => super::gateway_api::check(ctx, g).await,
    }
}

/// `docker info` answers: a Docker CLI without a running daemon (or one the user may not
/// reach) fails the image build only much later.
async fn docker_daemon() -> Result<(), Failure> {
    // plain `docker info`: podman's docker CLI has no .ServerVersion to format
    let out = tokio::time::timeout(
        Duration::from_secs(5),
        tokio::process::Command::new("docker")
            .arg("info")
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true)
            .output(),
    )
    .await;
    let why = match out {
        Ok(Ok(o)) if o.status.success() => return Ok(()),
        Ok(Ok(o)) => String::from_utf8_lossy(&o.stderr)
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no answer")
            .trim()
            .to_string(),
        Ok(Err(e)) => e.to_string(),
        Err(_) => "no answer within 5 s".into(),
    };
    Err(
        Failure::new(format!("docker is installed but its daemon does not answer: {why}"))
            .hint("start Docker (and check you may use its socket), or set identityServer.image.build: false and use a prebuilt image"),
    )
}

fn write_artifact(ctx: &Ctx<'_>, path: &str) -> Result<(), Failure> {
    let a = ctx
        .plan
        .artifact(path)
        .ok_or_else(|| Failure::new(format!("the plan has no artifact {path}")))?;
    crate::profile::save::write_atomic(&ctx.opts.work_dir.join(path), a.content.as_bytes())?;
    ctx.info(format!("wrote {}", ctx.opts.work_dir.join(path).display()));
    Ok(())
}

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

async fn run_command(ctx: &mut Ctx<'_>, c: &Command) -> Result<(), Failure> {
    let args = if ctx.opts.dry_run {
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
    };
    // while helm waits for the pods, a pod the kubelet rejects (no AppArmor on the node)
    // never becomes ready: notice it, stop helm and say why, instead of a timeout much later
    let watch_pods = !ctx.opts.dry_run
        && c.program == "helm"
        && c.args.first().is_some_and(|a| a == "upgrade")
        && c.args.iter().any(|a| a == "--wait");
    let kube = if watch_pods {
        super::kube_actions::client(ctx, None).await.ok().cloned()
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
    let fresh_release = super::undo::fresh_release(ctx, c).await;
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
        super::undo::installed(ctx, &r).await;
    }
    let found = problem.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(why) = found {
        return Err(
            Failure::new(format!("stopped {}: {why}", c.program)).hint(crate::kube::APPARMOR_FIX)
        );
    }
    if result.is_err() && c.program == "helm" && !ctx.opts.dry_run {
        let ns = ctx.plan.cluster.namespace.clone();
        let problems = super::kube_actions::pod_problems(ctx, &ns).await;
        if !problems.is_empty() {
            return Err(Failure::new(problems.join("; ")).hint(crate::kube::APPARMOR_FIX));
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
        Failure {
            error: e.to_string(),
            hint,
        }
    })
}

fn secret_bytes(ctx: &Ctx<'_>, src: &SecretSource) -> Result<Vec<u8>, Failure> {
    Ok(match src {
        SecretSource::Plain(v) => v.as_bytes().to_vec(),
        SecretSource::Ref { secret, shell_var } => ctx
            .secrets
            .get(secret, shell_var)
            .ok_or_else(|| Failure::new(format!("secret {secret} was not resolved")))?
            .as_bytes()
            .to_vec(),
        SecretSource::WorkFile(f) => match ctx.mem.get(f) {
            Some(b) => b.to_vec(),
            None => std::fs::read(ctx.opts.work_dir.join(f)).map_err(|e| {
                Failure::new(format!("{f}: {e}"))
                    .hint("the keystores step makes this file; run it (without --resume) first")
            })?,
        },
    })
}

async fn create_secret(ctx: &mut Ctx<'_>, s: &SecretSpec) -> Result<(), Failure> {
    let mut data = std::collections::BTreeMap::new();
    for (k, src) in &s.data {
        data.insert(k.clone(), secret_bytes(ctx, src)?);
    }
    super::kube_actions::apply_secret(ctx, s, data).await
}

async fn update_hosts(ctx: &mut Ctx<'_>, h: &HostsUpdate) -> Result<(), Failure> {
    let address = match &h.address {
        AddressSource::Fixed(a) => a.clone(),
        AddressSource::Ingress {
            context,
            namespace,
            host,
        } => {
            match super::kube_actions::ingress_address(ctx, context.as_deref(), namespace, host).await? {
                Some(a) => a,
                None if ctx.opts.dry_run => "<ingress address>".into(),
                None => return Err(Failure::new(format!("the ingress for {host} has no address yet")).hint("is the ingress controller running and of a LoadBalancer kind? set dns.address to map a fixed address")),
            }
        }
        AddressSource::Gateway {
            context,
            namespace,
            name,
        } => match super::gateway_api::address(ctx, context.as_deref(), namespace, name).await? {
            Some(a) => a,
            None if ctx.opts.dry_run => "<gateway address>".into(),
            None => {
                return Err(Failure::new(format!("Gateway {namespace}/{name} has no address yet"))
                    .hint("is the Gateway's controller running? set dns.address to map a fixed address"));
            }
        },
    };
    // the address as the controller reports it: an IP as is, `localhost` as 127.0.0.1,
    // another name resolved first; a cloud load balancer's name is never written as an
    // address — the hostnames need a CNAME to it
    let address = match crate::render::hosts::address_kind(&address) {
        _ if address.starts_with('<') => address,
        crate::render::hosts::AddressKind::Ip(ip) => ip.to_string(),
        crate::render::hosts::AddressKind::LoadBalancer(lb) => {
            ctx.info(format!(
                "the ingress address {lb} is a cloud load balancer's name: not written into {}; create these DNS records instead:",
                h.file.display()
            ));
            for r in crate::render::hosts::cname_records(&lb, &h.hostnames) {
                let _ = ctx.tx.send(super::events::Event::Output {
                    step: ctx.step,
                    stream: Stream::Stdout,
                    line: r,
                });
            }
            return Ok(());
        }
        crate::render::hosts::AddressKind::Name(name) => {
            let found = tokio::time::timeout(
                Duration::from_secs(10),
                tokio::net::lookup_host((name.as_str(), 443)),
            )
            .await;
            let ips: Vec<std::net::IpAddr> = match found {
                Ok(Ok(it)) => it.map(|a| a.ip()).collect(),
                _ => Vec::new(),
            };
            match ips.iter().find(|ip| ip.is_ipv4()).or(ips.first()) {
                Some(ip) => {
                    ctx.info(format!("the ingress address {name} resolves to {ip}"));
                    ip.to_string()
                }
                None => {
                    return Err(Failure::new(format!(
                        "the ingress reports the name {name}, which does not resolve from here; a hosts file needs an IP address"
                    ))
                    .hint("set dns.address to the address the ingress controller listens on (e.g. 127.0.0.1), or create a CNAME record to that name"));
                }
            }
        }
    };
    let block = crate::render::hosts::block(&ctx.plan.profile, &address, &h.hostnames);
    if h.print_only || ctx.opts.dry_run {
        for line in block.lines() {
            let _ = ctx.tx.send(super::events::Event::Output {
                step: ctx.step,
                stream: Stream::Stdout,
                line: line.to_string(),
            });
        }
        return Ok(());
    }
    let file: &Path = &h.file;
    if let Ok((old, new)) = hosts::contents(file, &ctx.plan.profile, &address, &h.hostnames) {
        super::ownership::hosts_before(ctx, file, &old, &new);
    }
    // not writable by this user (not root): one write through sudo, with consent
    if let Err(why) = super::elevate::can_replace(file)
        && super::elevate::is_permission(&why)
    {
        let (old, new) = hosts::contents(file, &ctx.plan.profile, &address, &h.hostnames)
            .map_err(Failure::new)?;
        if old == new {
            ctx.info(format!("{} already maps {address}", file.display()));
            return Ok(());
        }
        super::elevate::write(ctx, file, &old, &new, &why).await?;
        ctx.info(format!(
            "{} now maps {address} (written with sudo)",
            file.display()
        ));
        return Ok(());
    }
    match hosts::update(file, &ctx.plan.profile, &address, &h.hostnames).map_err(Failure::new)? {
        hosts::HostsOutcome::Unchanged => {
            ctx.info(format!("{} already maps {address}", file.display()))
        }
        hosts::HostsOutcome::Written { backup } => ctx.info(format!(
            "{} now maps {address} (backup: {backup})",
            file.display()
        )),
    }
    Ok(())
}

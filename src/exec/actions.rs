//! One function per kind of action. Kubernetes calls go through `crate::kube`, HTTP through
//! `crate::http`, processes through `process`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::ctx::{Ctx, Failure};
use super::events::Stream;
use super::{hosts, keystores};
use crate::plan::{Action, AddressSource, Check, HostsUpdate, SecretSource, SecretSpec};

pub(super) async fn execute(ctx: &mut Ctx<'_>, action: &Action) -> Result<(), Failure> {
    match action {
        Action::Check(c) => check(ctx, c).await,
        Action::Run(c) => super::run_command::run_command(ctx, c).await,
        Action::WriteFile { artifact } => write_artifact(ctx, artifact),
        Action::GenerateKeystores(spec) => generate_keystores(ctx, spec).await,
        Action::Apply(m) => super::kube_actions::apply(ctx, m).await,
        Action::CreateSecret(s) => create_secret(ctx, s).await,
        Action::Wait(w) => super::kube_actions::wait(ctx, w).await,
        Action::RestartPods(r) => super::kube_actions::restart_pods(ctx, r).await,
        Action::UpdateHosts(h) => update_hosts(ctx, h).await,
        Action::MergeContainerMgt(m) => super::kube_actions::merge_container_mgt(ctx, m).await,
        Action::Http(h) => super::key_manager_actions::discover(ctx, h).await,
        Action::RegisterKeyManager(r) => super::key_manager_actions::register(ctx, r).await,
        Action::ProveKeyManager(p) => super::key_manager_actions::prove(ctx, p).await,
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

/// helm's major decides flags (`plan::helm`): say which one was found, and refuse one kmpilot
/// has not been tested with.
async fn helm_supported(ctx: &mut Ctx<'_>) -> Result<(), Failure> {
    let found = super::helm_version::found()
        .await
        .map_err(|e| Failure::new(e).hint(super::run_command::install_hint("helm")))?;
    let v = found.version;
    crate::plan::helm::check_supported(v).map_err(|e| {
        let (why, fix) = e.split_once("; ").unwrap_or((e.as_str(), ""));
        Failure::new(why.to_string()).hint(fix.to_string())
    })?;
    ctx.info(format!("helm: {v} (Helm {})", v.major));
    Ok(())
}

fn version_args(tool: &str) -> &'static [&'static str] {
    match tool {
        "kubectl" => &["version", "--client"],
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
                        .hint(super::run_command::install_hint(name)),
                );
            }
            if name == "helm" {
                return helm_supported(ctx).await;
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
    crate::util::atomic_file::write_atomic(&ctx.opts.work_dir.join(path), a.content.as_bytes())?;
    ctx.info(format!("wrote {}", ctx.opts.work_dir.join(path).display()));
    Ok(())
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
        SecretSource::Kept { .. } => {
            return Err(Failure::new(
                "a kept value is read with its Secret (create_secret)",
            ));
        }
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
    let live = if s.holds_kept() {
        super::kube_actions::read_secret_at(ctx, s.context.as_deref(), &s.namespace, &s.name)
            .await?
    } else {
        None
    };
    let mut data = std::collections::BTreeMap::new();
    for (k, src) in &s.data {
        let bytes = match src {
            SecretSource::Kept {
                secret,
                shell_var,
                hex_chars,
            } => {
                let given = match secret {
                    Some(r) => Some(
                        ctx.secrets
                            .get(r, shell_var)
                            .ok_or_else(|| Failure::new(format!("secret {r} was not resolved")))?,
                    ),
                    None => None,
                };
                let what = format!("key {k} of Secret {}/{}", s.namespace, s.name);
                let current = live.as_ref().and_then(|m| m.get(k)).map(Vec::as_slice);
                super::kept::value(&what, current, given, *hex_chars)?
            }
            _ => secret_bytes(ctx, src)?,
        };
        data.insert(k.clone(), bytes);
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

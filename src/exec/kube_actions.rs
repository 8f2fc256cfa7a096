//! Actions against the Kubernetes API, through `crate::kube`. One client per kubeconfig context,
//! made on first use.

use std::collections::BTreeMap;
use std::time::Duration;

use super::ctx::{Ctx, Failure};
use crate::plan::container_mgt::ContainerMgtMerge;
use crate::plan::{Manifest, RestartPods, SecretSpec, Wait};
use crate::profile::sections::private_jet::Target;
use crate::steps::private_jet::{self, Resolved};

pub(super) async fn cluster_reachable(
    ctx: &mut Ctx<'_>,
    context: Option<&str>,
) -> Result<(), Failure> {
    let k = super::cluster_client::client(ctx, context).await?;
    let v = k.server_version().await.map_err(|e| {
        Failure::new(e.to_string()).hint("is the cluster running and the context right?")
    })?;
    let line = format!(
        "cluster {} ({}) answers: Kubernetes {v}",
        k.context(),
        k.master_url()
    );
    ctx.info(line);
    Ok(())
}

pub(super) async fn ingress_class(ctx: &mut Ctx<'_>, class: &str) -> Result<(), Failure> {
    let k = super::cluster_client::client(ctx, None).await?;
    if k.ingress_class_exists(class).await? {
        ctx.info(format!("ingress class {class} found"));
        Ok(())
    } else {
        Err(Failure::new(format!("no IngressClass `{class}`: the NGINX ingress controller is not installed")).hint(
            "helm upgrade --install ingress-nginx ingress-nginx --repo https://kubernetes.github.io/ingress-nginx -n ingress-nginx --create-namespace (or set prerequisites.requireIngressController: false)",
        ))
    }
}

pub(super) async fn csi_driver(ctx: &mut Ctx<'_>, context: Option<&str>) -> Result<(), Failure> {
    let k = super::cluster_client::client(ctx, context).await?;
    if k.csi_driver_exists("secrets-store.csi.k8s.io").await? {
        ctx.info("Secrets Store CSI driver found");
        Ok(())
    } else {
        Err(Failure::new("the Secrets Store CSI driver is not installed; the chart's secure vault mounts its password through it")
            .hint("install secrets-store-csi-driver and your cloud's provider, or set secureVault.enabled: false"))
    }
}

pub(super) async fn apply(ctx: &mut Ctx<'_>, m: &Manifest) -> Result<(), Failure> {
    let dry = ctx.opts.dry_run;
    let k = super::cluster_client::client(ctx, m.context.as_deref()).await?;
    let applied = k.apply(&m.object, dry).await?;
    super::ownership::applied(ctx, m.context.as_deref(), &applied);
    ctx.info(applied.to_string());
    Ok(())
}

pub(super) async fn apply_secret(
    ctx: &mut Ctx<'_>,
    s: &SecretSpec,
    data: BTreeMap<String, Vec<u8>>,
) -> Result<(), Failure> {
    let dry = ctx.opts.dry_run;
    let k = super::cluster_client::client(ctx, s.context.as_deref()).await?;
    // Opaque is the default for a new secret; not naming it leaves an existing secret's
    // (immutable) type alone, so patching a key into someone else's secret works
    let secret_type = (s.secret_type != "Opaque").then_some(s.secret_type.as_str());
    let applied = k
        .apply_secret(&s.namespace, &s.name, secret_type, data, dry)
        .await?;
    super::ownership::applied(ctx, s.context.as_deref(), &applied);
    ctx.info(applied.to_string());
    Ok(())
}

/// The data of an existing secret, or None.
pub(super) async fn read_secret(
    ctx: &mut Ctx<'_>,
    namespace: &str,
    name: &str,
) -> Result<Option<BTreeMap<String, Vec<u8>>>, Failure> {
    read_secret_at(ctx, None, namespace, name).await
}

/// The data of an existing secret in the cluster of `context`, or None.
pub(super) async fn read_secret_at(
    ctx: &mut Ctx<'_>,
    context: Option<&str>,
    namespace: &str,
    name: &str,
) -> Result<Option<BTreeMap<String, Vec<u8>>>, Failure> {
    use k8s_openapi::api::core::v1::Secret;
    let k = super::cluster_client::client(ctx, context).await?;
    let api: kube::Api<Secret> = kube::Api::namespaced(k.client(), namespace);
    let s = api
        .get_opt(name)
        .await
        .map_err(|e| Failure::new(format!("read secret {namespace}/{name}: {e}")))?;
    Ok(s.map(|s| {
        s.data
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, v.0))
            .collect()
    }))
}

pub(super) async fn wait(ctx: &mut Ctx<'_>, w: &Wait) -> Result<(), Failure> {
    if ctx.opts.dry_run {
        ctx.info("dry run: not waiting");
        return Ok(());
    }
    match w {
        Wait::DeploymentAvailable {
            context,
            namespace,
            name,
            timeout_secs,
        } => {
            super::cluster_client::client(ctx, context.as_deref())
                .await?
                .deployment_available(namespace, name, Duration::from_secs(*timeout_secs))
                .await?;
            ctx.info(format!("deployment {namespace}/{name} is available"));
        }
        Wait::IngressAddress {
            context,
            namespace,
            host,
            timeout_secs,
        } => {
            // no controller at all: nothing will ever give the ingress an address, so say so
            // now instead of after the whole wait (an unanswered list is left to the wait). An
            // ingress that already has an address was served by a controller that publishes no
            // IngressClass (annotation-era controllers, a stand-in): that one is fine.
            let kube = super::cluster_client::client(ctx, context.as_deref()).await?;
            let no_class = matches!(kube.any_ingress_class().await, Ok(false));
            if no_class && matches!(kube.ingress_address_now(namespace, host).await, Ok(None)) {
                return Err(Failure::new(format!(
                    "no ingress controller in the cluster (it has no IngressClass): nothing will give the ingress for {host} an address"
                ))
                .hint("install one (NGINX: https://kubernetes.github.io/ingress-nginx/deploy/), then retry; or set dns.address to the address that reaches the cluster"));
            }
            ctx.info(format!(
                "waiting up to {timeout_secs} s for the ingress controller to give the ingress for {host} an address"
            ));
            let a = super::cluster_client::client(ctx, context.as_deref())
                .await?
                .wait_ingress_address(namespace, host, Duration::from_secs(*timeout_secs))
                .await
                .map_err(|e| Failure::new(e.to_string()).hint("is the ingress controller running? on kind/minikube without a load balancer set dns.address"))?;
            ctx.info(format!("ingress for {host} has address {a}"));
        }
        Wait::GatewayAddress {
            context,
            namespace,
            name,
            timeout_secs,
        } => {
            super::gateway_api::wait_address(
                ctx,
                context.as_deref(),
                namespace,
                name,
                Duration::from_secs(*timeout_secs),
            )
            .await?;
        }
        Wait::SecretKey {
            context,
            namespace,
            name,
            key,
            timeout_secs,
        } => {
            super::cluster_client::client(ctx, context.as_deref())
                .await?
                .wait_secret_key(namespace, name, key, Duration::from_secs(*timeout_secs))
                .await?;
            ctx.info(format!("secret {namespace}/{name} has `{key}`"));
        }
    }
    Ok(())
}

pub(super) async fn ingress_address(
    ctx: &mut Ctx<'_>,
    context: Option<&str>,
    namespace: &str,
    host: &str,
) -> Result<Option<String>, Failure> {
    Ok(super::cluster_client::client(ctx, context)
        .await?
        .ingress_address(namespace, host)
        .await?)
}

pub(super) async fn restart_pods(ctx: &mut Ctx<'_>, r: &RestartPods) -> Result<(), Failure> {
    if ctx.opts.dry_run {
        ctx.info(format!(
            "dry run: not restarting pods {}/{}-*",
            r.namespace, r.name_prefix
        ));
        return Ok(());
    }
    let done = super::cluster_client::client(ctx, r.context.as_deref())
        .await?
        .restart_pods(
            &r.namespace,
            &r.name_prefix,
            Duration::from_secs(r.timeout_secs),
        )
        .await?;
    ctx.info(format!(
        "replaced {} with {}",
        done.deleted.join(", "),
        done.replacements.join(", ")
    ));
    Ok(())
}

/// Reads each cluster's token and master URL, then writes the merged deployment.toml or
/// tenant-conf.json. The token is a secret: it goes only into the file the profile names
/// (`privateJet.mergeInto`, which API-M reads), never into the log.
pub(super) async fn merge_container_mgt(
    ctx: &mut Ctx<'_>,
    m: &ContainerMgtMerge,
) -> Result<(), Failure> {
    let mut values: Vec<(String, String)> = Vec::new();
    for e in &m.clusters {
        if ctx.opts.dry_run {
            values.push(crate::plan::container_mgt::placeholders(e));
            continue;
        }
        let k = super::cluster_client::client(ctx, e.context.as_deref()).await?;
        let token = k
            .service_account_token(&e.namespace, &e.token_secret, Duration::from_secs(120))
            .await?;
        let master = e
            .master_url
            .clone()
            .unwrap_or_else(|| k.master_url().to_string());
        values.push((master, token));
    }
    let resolved: Vec<(crate::plan::container_mgt::ClusterEntry, Resolved)> = m
        .clusters
        .iter()
        .zip(&values)
        .map(|(e, (mu, t))| {
            (
                e.clone(),
                Resolved {
                    master_url: mu,
                    sa_token: t,
                },
            )
        })
        .collect();
    let (target, existing) = match &m.merge_into {
        Some(p) => {
            let p = if p.is_absolute() {
                p.clone()
            } else {
                ctx.opts.base_dir.join(p)
            };
            let text = match std::fs::read_to_string(&p) {
                Ok(t) => t,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
                Err(e) => return Err(Failure::new(format!("cannot read {}: {e}", p.display()))),
            };
            (p, text)
        }
        None => (ctx.opts.work_dir.join(&m.output), String::new()),
    };
    let merged = match m.target {
        Target::DeploymentToml => {
            private_jet::merge_toml(&existing, &resolved, m.custom_class.as_deref())
        }
        Target::TenantConf => private_jet::merge_tenant_conf(&existing, &resolved),
    }
    .map_err(|e| Failure::new(format!("{}: {e}", target.display())))?;
    if ctx.opts.dry_run {
        ctx.info(format!(
            "dry run: would write {} cluster(s) into {}",
            m.clusters.len(),
            target.display()
        ));
        return Ok(());
    }
    if merged == existing {
        ctx.info(format!("{} already holds these clusters", target.display()));
        return Ok(());
    }
    if m.merge_into.is_some() {
        super::ownership::merging(ctx, &target, &existing, m);
    }
    if !existing.is_empty() {
        crate::util::atomic_file::write_atomic(
            &target.with_extension("kmpilot.bak"),
            existing.as_bytes(),
        )?;
    }
    crate::util::atomic_file::write_atomic_with(&target, |f| {
        use std::io::Write;
        use std::os::unix::fs::PermissionsExt;
        // it holds service-account tokens
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        f.write_all(merged.as_bytes())
    })?;
    ctx.info(format!(
        "wrote {} cluster(s) into {}",
        m.clusters.len(),
        target.display()
    ));
    Ok(())
}

/// Reports the detected kind and what it means (image delivery, ingress, AppArmor); never
/// fails once the cluster answers: it is what the wizard's Cluster step and `apply` show.
pub(super) async fn cluster_kind(
    ctx: &mut Ctx<'_>,
    context: Option<&str>,
    declared: crate::profile::sections::cluster_kind::ClusterKind,
    ingress_class: &str,
) -> Result<(), Failure> {
    use crate::steps::cluster_kind as ck;
    let facts = super::cluster_client::client(ctx, context)
        .await?
        .cluster_facts()
        .await?;
    let d = ck::detect(&facts);
    let mut parts = vec![format!(
        "{}{} ({})",
        d.kind,
        d.name
            .as_deref()
            .map(|n| format!(" `{n}`"))
            .unwrap_or_default(),
        d.evidence.join("; ")
    )];
    if declared != crate::profile::sections::cluster_kind::ClusterKind::Auto && declared != d.kind {
        parts.push(format!("the profile says {declared}: its answer is used"));
    }
    parts.push(format!(
        "ingress: {}",
        ck::ingress_decision(&facts, ingress_class).summary
    ));
    parts.push(format!("AppArmor: {}", ck::apparmor_hint(&facts).1));
    ctx.info(parts.join("; "));
    Ok(())
}

/// Both pods fit on the nodes, counted as the scheduler counts: stops before anything is
/// installed, with the numbers, instead of a helm timeout 20 minutes later.
pub(super) async fn capacity(
    ctx: &mut Ctx<'_>,
    c: &crate::plan::CapacitySpec,
) -> Result<(), Failure> {
    use crate::steps::cluster_kind as ck;
    let facts = super::cluster_client::client(ctx, c.context.as_deref())
        .await?
        .cluster_facts()
        .await?;
    let f = ck::fit(&facts, &c.pods, &c.namespace, &c.own_prefixes);
    if f.fits {
        ctx.info(format!(
            "room for {} ({})",
            f.placements
                .iter()
                .map(|(p, n)| format!("{p} → {n}"))
                .collect::<Vec<_>>()
                .join(", "),
            f.report
        ));
        return Ok(());
    }
    if c.may_scale {
        ctx.info(format!(
            "the nodes there are now have no room ({}); the cluster may add nodes",
            f.report
        ));
        return Ok(());
    }
    let laptop = c
        .pods
        .iter()
        .all(|p| p.cpu_milli <= crate::steps::adapt::LAPTOP_CPU_MILLI);
    Err(Failure::new(format!("will not fit: {}", f.report)).hint(if laptop {
        "give the cluster more CPU/memory (Docker Desktop/OrbStack: Settings → Resources; minikube start --cpus 6 --memory 8g; a bigger node), or free what other pods request"
    } else {
        "set cluster.sizing: laptop (500m CPU each, memory and limits kept, longer start-up probes), or give the cluster more CPU/memory"
    }))
}

/// What kmpilot knows about pods in `namespace` that will never run (a pod rejected for
/// AppArmor), to explain a failed install.
/// Why the namespace's pods are not ready (`Kube::not_ready_reasons`); empty when the
/// cluster does not answer in time.
pub(super) async fn not_ready_reasons(ctx: &mut Ctx<'_>, namespace: &str) -> Vec<String> {
    let Ok(k) = super::cluster_client::client(ctx, None).await else {
        return Vec::new();
    };
    match tokio::time::timeout(Duration::from_secs(10), k.not_ready_reasons(namespace)).await {
        Ok(Ok(v)) => v,
        _ => Vec::new(),
    }
}

pub(super) async fn pod_problems(ctx: &mut Ctx<'_>, namespace: &str) -> Vec<String> {
    use k8s_openapi::api::core::v1::Pod;
    let Ok(k) = super::cluster_client::client(ctx, None).await else {
        return Vec::new();
    };
    let api: kube::Api<Pod> = kube::Api::namespaced(k.client(), namespace);
    match tokio::time::timeout(Duration::from_secs(10), api.list(&Default::default())).await {
        Ok(Ok(list)) => {
            let mut v: Vec<String> = list
                .items
                .iter()
                .filter_map(crate::kube::rows::pod_problem)
                .collect();
            v.dedup();
            v
        }
        _ => Vec::new(),
    }
}

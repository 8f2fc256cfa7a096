//! Destroy's actions, and the apply-side records they rely on. Every removal first proves
//! that kmpilot created the thing: the creation ledger (`ownership`) names it, with the same
//! uid for a Kubernetes object, which still carries kmpilot's field manager. Anything else is
//! reported as left alone, with the reason. Every removal is idempotent: what is gone already
//! is reported and skipped, so a resumed or repeated destroy converges.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kube::api::{Api, DeleteParams, DynamicObject, PostParams, Preconditions};
use serde_json::{Value, json};

use super::ctx::{Ctx, Failure};
use super::ownership::{self, Ledger, resolved_context};
use crate::kube::Kube;
use crate::plan::destroy::{ObjectRef, Original, ReleaseRef, Undo};

pub(super) async fn execute(ctx: &mut Ctx<'_>, u: &Undo) -> Result<(), Failure> {
    match u {
        Undo::Delete(r) => delete(ctx, r).await,
        Undo::DeleteNamespace(r) => delete_namespace(ctx, r).await,
        Undo::Uninstall(r) => uninstall(ctx, r).await,
        Undo::Hosts { file, print_only } => hosts(ctx, file, *print_only).await,
        Undo::ContainerMgt(m) => container_mgt(ctx, m),
        Undo::KeyManager(r) => super::key_manager_actions::deregister(ctx, r).await,
        Undo::Restore(o) => restore(ctx, o).await,
        Undo::ForgetApply => {
            let j = super::journal::path(&ctx.opts.state_dir, &ctx.plan.profile);
            if ctx.opts.dry_run || !j.exists() {
                return Ok(());
            }
            std::fs::remove_file(&j)
                .map_err(|e| Failure::new(format!("cannot remove {}: {e}", j.display())))?;
            ctx.info(format!(
                "removed apply's journal {}: the next apply runs every step",
                j.display()
            ));
            Ok(())
        }
    }
}

fn ledger(ctx: &Ctx<'_>) -> Ledger {
    Ledger::load(&ctx.opts.state_dir, &ctx.plan.profile)
}

fn left_alone(ctx: &Ctx<'_>, what: impl std::fmt::Display, why: &str) {
    ctx.info(format!("left alone: {what} — {why}"));
}

async fn kube_for(ctx: &mut Ctx<'_>, context: Option<&str>) -> Result<Kube, Failure> {
    Ok(super::cluster_client::client(ctx, context).await?.clone())
}

/// The object's API, or `None` when the cluster does not serve its kind (nothing of it can
/// exist).
async fn api_of(k: &Kube, r: &ObjectRef) -> Result<Option<Api<DynamicObject>>, Failure> {
    let (ar, caps) = match k.resolve_kind(&r.api_version, &r.kind).await {
        Ok(x) => x,
        Err(e) if e.to_string().contains("not served") || e.to_string().contains("no kind") => {
            return Ok(None);
        }
        Err(e) => {
            // a kind the cluster no longer serves (its CRD went) holds no objects
            tracing::debug!(error = %e, "resolve kind for removal");
            return Ok(None);
        }
    };
    Ok(Some(
        match (
            caps.scope == kube::discovery::Scope::Namespaced,
            &r.namespace,
        ) {
            (true, Some(ns)) => Api::namespaced_with(k.client(), ns, &ar),
            (true, None) => Api::namespaced_with(k.client(), k.default_namespace(), &ar),
            (false, _) => Api::all_with(k.client(), &ar),
        },
    ))
}

fn managed_by_kmpilot(o: &DynamicObject) -> bool {
    o.metadata.managed_fields.as_ref().is_some_and(|m| {
        m.iter()
            .any(|e| e.manager.as_deref() == Some(crate::kube::FIELD_MANAGER))
    })
}

/// Why kmpilot may remove `o`, or why not.
fn proof(
    ledger: &Ledger,
    r: &ObjectRef,
    ctx: Option<&str>,
    o: &DynamicObject,
) -> Result<(), String> {
    let uid = o.metadata.uid.as_deref().unwrap_or_default();
    match ledger.object_uid(r, ctx) {
        None => Err(
            "kmpilot has no record of creating it (it was there before, or another tool made it)"
                .into(),
        ),
        Some(u) if u != uid => Err(format!(
            "it is not the object kmpilot created (uid {uid}, kmpilot made {u}): something replaced it"
        )),
        Some(_) if !managed_by_kmpilot(o) => {
            Err("kmpilot no longer manages any of its fields (no `kmpilot` field manager)".into())
        }
        Some(_) => Ok(()),
    }
}

/// The live object `r`, when it is there and provably the one kmpilot created; otherwise says
/// why there is nothing to remove (gone: forgotten from the ledger; not kmpilot's: left
/// alone) and returns `None`.
async fn owned(
    ctx: &mut Ctx<'_>,
    api: &Api<DynamicObject>,
    r: &ObjectRef,
    c: Option<&str>,
) -> Result<Option<DynamicObject>, Failure> {
    let Some(o) = api
        .get_opt(&r.name)
        .await
        .map_err(|e| Failure::new(format!("read {r}: {e}")))?
    else {
        ctx.info(format!("{r}: not there (nothing to remove)"));
        ownership::update(ctx, |l| l.forget_object(r, c));
        return Ok(None);
    };
    if let Err(why) = proof(&ledger(ctx), r, c, &o) {
        left_alone(ctx, r, &why);
        return Ok(None);
    }
    Ok(Some(o))
}

async fn delete(ctx: &mut Ctx<'_>, r: &ObjectRef) -> Result<(), Failure> {
    let c = resolved_context(ctx, r.context.as_deref());
    let k = kube_for(ctx, r.context.as_deref()).await?;
    let Some(api) = api_of(&k, r).await? else {
        ctx.info(format!(
            "{r}: the cluster does not serve {} (nothing to remove)",
            r.kind
        ));
        ownership::update(ctx, |l| l.forget_object(r, c.as_deref()));
        return Ok(());
    };
    let Some(o) = owned(ctx, &api, r, c.as_deref()).await? else {
        return Ok(());
    };
    if ctx.opts.dry_run {
        ctx.info(format!("would delete {r} (created by kmpilot)"));
        return Ok(());
    }
    remove_and_wait(ctx, &api, r, &o, Duration::from_secs(60)).await?;
    ownership::update(ctx, |l| l.forget_object(r, c.as_deref()));
    Ok(())
}

/// Deletes `o` (only that very object: uid precondition) and waits, within `patience`, until
/// it is gone; an object still finalizing by then is reported, not failed.
async fn remove_and_wait(
    ctx: &Ctx<'_>,
    api: &Api<DynamicObject>,
    r: &ObjectRef,
    o: &DynamicObject,
    patience: Duration,
) -> Result<(), Failure> {
    let dp = DeleteParams {
        preconditions: Some(Preconditions {
            uid: o.metadata.uid.clone(),
            resource_version: None,
        }),
        ..DeleteParams::background()
    };
    match api.delete(&r.name, &dp).await {
        Ok(_) => {}
        Err(kube::Error::Api(e)) if e.code == 404 => {
            ctx.info(format!("{r}: gone already"));
            return Ok(());
        }
        Err(e) => return Err(Failure::new(format!("delete {r}: {e}"))),
    }
    let started = Instant::now();
    loop {
        match api.get_opt(&r.name).await {
            Ok(Some(now)) if now.metadata.uid == o.metadata.uid => {}
            Ok(_) => {
                ctx.info(format!("deleted {r}"));
                return Ok(());
            }
            Err(e) => return Err(Failure::new(format!("read {r}: {e}"))),
        }
        if started.elapsed() > patience {
            ctx.info(format!(
                "deleted {r}; it is still finalizing after {}s (the cluster finishes it)",
                patience.as_secs()
            ));
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// What a namespace holds besides what every namespace gets by itself, each with whether it
/// goes by itself or with this destroy: being deleted already, owned by another object (the
/// garbage collector takes it), part of a helm release kmpilot installed, or in the ledger.
async fn contents(
    k: &Kube,
    ns: &str,
    ledger: &Ledger,
    context: Option<&str>,
) -> Result<Vec<(String, bool)>, Failure> {
    use kube::discovery::{Discovery, verbs};
    let d = Discovery::new(k.client())
        .run()
        .await
        .map_err(|e| Failure::new(format!("API discovery: {e}")))?;
    let mut out = Vec::new();
    let mut services: Vec<String> = Vec::new();
    let mut endpoints: Vec<String> = Vec::new();
    for group in d.groups() {
        for (ar, caps) in group.recommended_resources() {
            if caps.scope != kube::discovery::Scope::Namespaced
                || !caps.supports_operation(verbs::LIST)
            {
                continue;
            }
            // events record what happened; they are not the namespace's content
            if ar.kind == "Event" {
                continue;
            }
            let api: Api<DynamicObject> = Api::namespaced_with(k.client(), ns, &ar);
            let Ok(list) = api.list(&Default::default()).await else {
                continue;
            };
            for o in list.items {
                let name = o.metadata.name.clone().unwrap_or_default();
                let own = (ar.kind == "ConfigMap" && name == "kube-root-ca.crt")
                    || (ar.kind == "ServiceAccount" && name == "default");
                if own {
                    continue;
                }
                if ar.kind == "Service" {
                    services.push(name.clone());
                }
                if ar.kind == "Endpoints" {
                    endpoints.push(name.clone());
                    continue;
                }
                let release = o
                    .metadata
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get("meta.helm.sh/release-name"))
                    .cloned()
                    .or_else(|| {
                        // helm's own release records
                        let l = o.metadata.labels.as_ref()?;
                        (l.get("owner").map(String::as_str) == Some("helm"))
                            .then(|| l.get("name").cloned())
                            .flatten()
                    });
                let r = ObjectRef {
                    context: None,
                    api_version: ar.api_version.clone(),
                    kind: ar.kind.clone(),
                    namespace: Some(ns.to_string()),
                    name: name.clone(),
                };
                let going = o.metadata.deletion_timestamp.is_some()
                    || o.metadata
                        .owner_references
                        .as_ref()
                        .is_some_and(|v| !v.is_empty())
                    || release.is_some_and(|rel| {
                        ledger.releases.iter().any(|x| {
                            x.context.as_deref() == context && x.namespace == ns && x.release == rel
                        })
                    })
                    || ledger.object_uid(&r, context) == o.metadata.uid.as_deref();
                out.push((format!("{} {name}", ar.kind), going));
            }
        }
    }
    // the endpoints controller removes a Service's Endpoints after the Service
    for e in endpoints {
        let going = !services.contains(&e);
        out.push((format!("Endpoints {e}"), going));
    }
    Ok(out)
}

async fn delete_namespace(ctx: &mut Ctx<'_>, r: &ObjectRef) -> Result<(), Failure> {
    let c = resolved_context(ctx, r.context.as_deref());
    let k = kube_for(ctx, r.context.as_deref()).await?;
    let Some(api) = api_of(&k, r).await? else {
        return Err(Failure::new("the cluster does not serve v1 Namespace"));
    };
    let Some(o) = owned(ctx, &api, r, c.as_deref()).await? else {
        return Ok(());
    };
    if o.metadata.deletion_timestamp.is_some() {
        ctx.info(format!("{r}: being deleted already"));
        return Ok(());
    }
    // what the releases left is removed by the cluster shortly (pods of a deleted
    // ReplicaSet, a Service's Endpoints); anything else is someone else's and keeps it
    let patience = if ctx.opts.dry_run {
        Duration::ZERO
    } else {
        Duration::from_secs(120)
    };
    let started = Instant::now();
    let left = loop {
        let held = contents(&k, &r.name, &ledger(ctx), c.as_deref()).await?;
        let foreign: Vec<&String> = held.iter().filter(|(_, g)| !g).map(|(n, _)| n).collect();
        if !foreign.is_empty() {
            break held
                .iter()
                .filter(|(_, g)| !g)
                .map(|(n, _)| n.clone())
                .collect::<Vec<_>>();
        }
        if held.is_empty() || ctx.opts.dry_run {
            break Vec::new();
        }
        if started.elapsed() > patience {
            break held.into_iter().map(|(n, _)| n).collect();
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    if !left.is_empty() {
        let shown: Vec<&str> = left.iter().take(8).map(String::as_str).collect();
        left_alone(
            ctx,
            r,
            &format!(
                "kmpilot created it, but it holds what kmpilot did not create: {}{}",
                shown.join(", "),
                if left.len() > shown.len() {
                    format!(" and {} more", left.len() - shown.len())
                } else {
                    String::new()
                }
            ),
        );
        return Ok(());
    }
    if ctx.opts.dry_run {
        ctx.info(format!(
            "would delete {r} (created by kmpilot; nothing else in it once kmpilot's objects are gone)"
        ));
        return Ok(());
    }
    remove_and_wait(ctx, &api, r, &o, Duration::from_secs(180)).await?;
    ownership::update(ctx, |l| l.forget_object(r, c.as_deref()));
    Ok(())
}

async fn uninstall(ctx: &mut Ctx<'_>, r: &ReleaseRef) -> Result<(), Failure> {
    let c = resolved_context(ctx, r.context().as_deref());
    let what = format!("helm release {}/{}", r.namespace, r.release);
    if !ownership::release_exists(ctx, r).await? {
        ctx.info(format!("{what}: not installed (nothing to remove)"));
        ownership::update(ctx, |l| l.forget_release(r, c.as_deref()));
        return Ok(());
    }
    if !ledger(ctx).has_release(r, c.as_deref()) {
        left_alone(
            ctx,
            &what,
            "kmpilot has no record of installing it (it was installed before kmpilot's first run, or by someone else)",
        );
        return Ok(());
    }
    if ctx.opts.dry_run {
        ctx.info(format!("would uninstall {what} (installed by kmpilot)"));
        return Ok(());
    }
    let mut args = vec![
        "uninstall".to_string(),
        r.release.clone(),
        "-n".into(),
        r.namespace.clone(),
    ];
    args.extend(r.helm_flags.iter().cloned());
    args.extend([
        "--wait".into(),
        "--timeout".into(),
        format!("{}s", r.timeout_secs),
    ]);
    let cmd = crate::plan::Command::new("helm", args).with_timeout(r.timeout_secs + 60);
    super::run_command::run_command(ctx, &cmd).await?;
    ownership::update(ctx, |l| l.forget_release(r, c.as_deref()));
    Ok(())
}

async fn hosts(ctx: &mut Ctx<'_>, file: &Path, print_only: bool) -> Result<(), Failure> {
    if print_only {
        ctx.info("dns.mode print: kmpilot wrote no hosts file (remove the printed lines where you put them)".to_string());
        return Ok(());
    }
    let existing = match std::fs::read_to_string(file) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            ctx.info(format!("{}: not there (nothing to remove)", file.display()));
            return Ok(());
        }
        Err(e) => return Err(Failure::new(format!("cannot read {}: {e}", file.display()))),
    };
    let l = ledger(ctx);
    let new = crate::render::hosts::remove(&existing, &ctx.plan.profile, l.hosts_separator(file));
    if new == existing {
        ctx.info(format!(
            "{}: no block of profile {} (nothing to remove)",
            file.display(),
            ctx.plan.profile
        ));
        return Ok(());
    }
    if ctx.opts.dry_run {
        ctx.info(format!(
            "would remove the lines between `{}` and `{}` from {}",
            crate::render::hosts::begin_marker(&ctx.plan.profile),
            crate::render::hosts::end_marker(&ctx.plan.profile),
            file.display()
        ));
        return Ok(());
    }
    // the same two paths as apply: a plain atomic write, or one write through sudo
    if let Err(why) = super::elevate::can_replace(file)
        && super::elevate::is_permission(&why)
    {
        super::elevate::write(ctx, file, &existing, &new, &why).await?;
        ctx.info(format!(
            "{}: block removed (written with sudo)",
            file.display()
        ));
    } else {
        crate::util::atomic_file::write_atomic(file, new.as_bytes())
            .map_err(|e| Failure::new(format!("cannot write {}: {e}", file.display())))?;
        ctx.info(format!("{}: block removed", file.display()));
    }
    let f = file.to_path_buf();
    ownership::update(ctx, |l| l.hosts.retain(|h| h.file != f));
    Ok(())
}

fn container_mgt(
    ctx: &mut Ctx<'_>,
    m: &crate::plan::container_mgt::ContainerMgtMerge,
) -> Result<(), Failure> {
    use crate::profile::sections::private_jet::Target;
    use crate::steps::private_jet_unmerge as um;
    let Some(p) = &m.merge_into else {
        ctx.info(format!(
            "the clusters were written to kmpilot's work file {} only (no file of yours to change)",
            m.output
        ));
        return Ok(());
    };
    let file: PathBuf = if p.is_absolute() {
        p.clone()
    } else {
        ctx.opts.base_dir.join(p)
    };
    let l = ledger(ctx);
    let Some(rec) = l.merge_of(&file) else {
        left_alone(
            ctx,
            file.display(),
            "kmpilot has no record of merging clusters into it",
        );
        return Ok(());
    };
    let existing = match std::fs::read_to_string(&file) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            ctx.info(format!("{}: not there (nothing to remove)", file.display()));
            return Ok(());
        }
        Err(e) => return Err(Failure::new(format!("cannot read {}: {e}", file.display()))),
    };
    let new = match m.target {
        Target::DeploymentToml => um::unmerge_toml(&existing, &rec.added),
        Target::TenantConf => um::unmerge_tenant_conf(&existing, &rec.added),
    }
    .map_err(|e| {
        Failure::new(format!("{}: {e}", file.display()))
            .hint("fix the file so it parses, then run destroy again; nothing was changed")
    })?;
    if new == existing {
        ctx.info(format!(
            "{}: none of kmpilot's clusters in it (nothing to remove)",
            file.display()
        ));
    } else if ctx.opts.dry_run {
        ctx.info(format!(
            "would remove cluster(s) {} from {}",
            rec.added.clusters.join(", "),
            file.display()
        ));
        return Ok(());
    } else {
        crate::util::atomic_file::write_atomic(&file, new.as_bytes())
            .map_err(|e| Failure::new(format!("cannot write {}: {e}", file.display())))?;
        ctx.info(format!(
            "removed cluster(s) {} from {} (everything else kept)",
            rec.added.clusters.join(", "),
            file.display()
        ));
    }
    if !ctx.opts.dry_run {
        ownership::update(ctx, |l| l.merges.retain(|r| r.file != file));
    }
    Ok(())
}

fn config_map_ref(o: &Original) -> ObjectRef {
    ObjectRef {
        context: o.context.clone(),
        api_version: "v1".into(),
        kind: "ConfigMap".into(),
        namespace: Some(o.namespace.clone()),
        name: o.config_map.clone(),
    }
}

fn deployment_ref(o: &Original) -> ObjectRef {
    ObjectRef {
        context: o.context.clone(),
        api_version: "apps/v1".into(),
        kind: "Deployment".into(),
        namespace: Some(o.namespace.clone()),
        name: o.name.clone(),
    }
}

/// The object as it can be created again: no server-set fields, no status.
fn restorable(mut v: Value) -> Value {
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in [
            "managedFields",
            "resourceVersion",
            "uid",
            "creationTimestamp",
            "generation",
            "selfLink",
        ] {
            m.remove(k);
        }
    }
    if let Some(o) = v.as_object_mut() {
        o.remove("status");
    }
    v
}

/// Apply side (KMS): the deployment as it is, saved once before kmpilot replaces it.
pub(super) async fn save_original(ctx: &mut Ctx<'_>, o: &Original) -> Result<(), Failure> {
    let k = kube_for(ctx, o.context.as_deref()).await?;
    let cm_ref = config_map_ref(o);
    let cms: Api<DynamicObject> = api_of(&k, &cm_ref)
        .await?
        .ok_or_else(|| Failure::new("the cluster does not serve v1 ConfigMap"))?;
    if cms
        .get_opt(&o.config_map)
        .await
        .map_err(|e| Failure::new(format!("read {cm_ref}: {e}")))?
        .is_some()
    {
        ctx.info(format!(
            "the original of Deployment {}/{} is kept in ConfigMap {} already",
            o.namespace, o.name, o.config_map
        ));
        return Ok(());
    }
    let d_ref = deployment_ref(o);
    let deps = api_of(&k, &d_ref)
        .await?
        .ok_or_else(|| Failure::new("the cluster does not serve apps/v1 Deployment"))?;
    let Some(d) = deps
        .get_opt(&o.name)
        .await
        .map_err(|e| Failure::new(format!("read {d_ref}: {e}")))?
    else {
        return Err(Failure::new(format!("{d_ref} does not exist"))
            .hint("kmsSts.kms.deployment / namespace must name the KMS API deployment"));
    };
    let v = serde_json::to_value(&d).map_err(|e| Failure::new(e.to_string()))?;
    // a sidecar already there means it was replaced before kmpilot kept originals: that
    // version is not the original and is not saved as one
    if v.pointer("/spec/template/metadata/annotations/sidecar.istio.io~1status")
        .is_some()
    {
        ctx.info(format!(
            "{d_ref} already carries an injected sidecar: not saved as the original (destroy will not restore it)"
        ));
        return Ok(());
    }
    let saved = restorable(v);
    let cm = json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": o.config_map, "namespace": o.namespace,
                     "labels": crate::render::manifests::labels()},
        "data": {Original::KEY: serde_json::to_string_pretty(&saved).unwrap_or_default()},
    });
    let applied = k.apply(&cm, ctx.opts.dry_run).await?;
    ownership::applied(ctx, o.context.as_deref(), &applied);
    ctx.info(format!(
        "the original of {d_ref} kept in ConfigMap {}/{}{}",
        o.namespace,
        o.config_map,
        if ctx.opts.dry_run { " (dry run)" } else { "" }
    ));
    Ok(())
}

async fn restore(ctx: &mut Ctx<'_>, o: &Original) -> Result<(), Failure> {
    let c = resolved_context(ctx, o.context.as_deref());
    let k = kube_for(ctx, o.context.as_deref()).await?;
    let cm_ref = config_map_ref(o);
    let cms = api_of(&k, &cm_ref)
        .await?
        .ok_or_else(|| Failure::new("the cluster does not serve v1 ConfigMap"))?;
    let Some(cm) = cms
        .get_opt(&o.config_map)
        .await
        .map_err(|e| Failure::new(format!("read {cm_ref}: {e}")))?
    else {
        ctx.info(format!(
            "no saved original in {cm_ref} (restored already, or kmpilot never replaced Deployment {}/{})",
            o.namespace, o.name
        ));
        return Ok(());
    };
    if let Err(why) = proof(&ledger(ctx), &cm_ref, c.as_deref(), &cm) {
        left_alone(ctx, &cm_ref, &why);
        return Ok(());
    }
    let text = cm
        .data
        .pointer(&format!("/data/{}", Original::KEY))
        .and_then(Value::as_str)
        .ok_or_else(|| Failure::new(format!("{cm_ref} has no `{}`", Original::KEY)))?;
    let mut saved: Value = serde_json::from_str(text).map_err(|e| {
        Failure::new(format!(
            "{cm_ref}: the saved deployment does not parse: {e}"
        ))
    })?;
    let d_ref = deployment_ref(o);
    if ctx.opts.dry_run {
        ctx.info(format!(
            "would restore {d_ref} from {cm_ref}, then delete {cm_ref}"
        ));
        return Ok(());
    }
    let deps = api_of(&k, &d_ref)
        .await?
        .ok_or_else(|| Failure::new("the cluster does not serve apps/v1 Deployment"))?;
    let pp = PostParams {
        field_manager: Some(crate::kube::FIELD_MANAGER.into()),
        ..PostParams::default()
    };
    let obj: DynamicObject = match deps
        .get_opt(&o.name)
        .await
        .map_err(|e| Failure::new(format!("read {d_ref}: {e}")))?
    {
        Some(now) => {
            saved["metadata"]["resourceVersion"] = json!(now.metadata.resource_version);
            let obj: DynamicObject =
                serde_json::from_value(saved).map_err(|e| Failure::new(e.to_string()))?;
            deps.replace(&o.name, &pp, &obj)
                .await
                .map_err(|e| Failure::new(format!("restore {d_ref}: {e}")))?
        }
        None => {
            let obj: DynamicObject =
                serde_json::from_value(saved).map_err(|e| Failure::new(e.to_string()))?;
            deps.create(&pp, &obj)
                .await
                .map_err(|e| Failure::new(format!("restore {d_ref}: {e}")))?
        }
    };
    let _ = obj;
    ctx.info(format!(
        "restored {d_ref} as it was before kmpilot replaced it"
    ));
    remove_and_wait(ctx, &cms, &cm_ref, &cm, Duration::from_secs(60)).await?;
    ownership::update(ctx, |l| l.forget_object(&cm_ref, c.as_deref()));
    Ok(())
}

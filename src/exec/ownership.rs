//! The creation ledger: what kmpilot itself created for a profile — objects it applied that did
//! not exist before (with their uid), helm releases it installed where none was, key managers
//! API-M created at its request. Kept in the state directory beside the journal, written right
//! after each creation. `destroy` removes only what is in it (and still the same object:
//! same uid, still carrying kmpilot's field manager), so a Secret kmpilot merely patched, a
//! namespace that was there before or a release someone else installed is never removed.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::ctx::Ctx;
use crate::plan::destroy::{ObjectRef, ReleaseRef};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedObject {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// The API group (`""` for the core group): a version change is the same object.
    pub group: String,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
    pub uid: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedRelease {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    pub namespace: String,
    pub release: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedKeyManager {
    /// The Admin REST API's key-managers URL.
    pub at: String,
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    pub profile: String,
    #[serde(default)]
    pub objects: Vec<CreatedObject>,
    #[serde(default)]
    pub releases: Vec<CreatedRelease>,
    #[serde(default)]
    pub key_managers: Vec<CreatedKeyManager>,
    /// Hosts files kmpilot appended the profile's block to.
    #[serde(default)]
    pub hosts: Vec<HostsRecord>,
    /// API-M configuration files kmpilot merged PrivateJet clusters into.
    #[serde(default)]
    pub merges: Vec<MergeRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostsRecord {
    pub file: PathBuf,
    /// What the merge put between the file's text and the block (see `render::hosts`).
    pub separator: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeRecord {
    pub file: PathBuf,
    pub added: crate::steps::private_jet_unmerge::Added,
}

pub fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("")
}

pub fn path(state_dir: &Path, profile: &str) -> PathBuf {
    state_dir.join("created").join(format!("{profile}.json"))
}

fn same(o: &CreatedObject, r: &ObjectRef, ctx: Option<&str>) -> bool {
    o.context.as_deref() == ctx
        && o.group == group_of(&r.api_version)
        && o.kind == r.kind
        && o.namespace == r.namespace
        && o.name == r.name
}

impl Ledger {
    pub fn load(state_dir: &Path, profile: &str) -> Ledger {
        std::fs::read(path(state_dir, profile))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_else(|| Ledger {
                profile: profile.to_string(),
                ..Ledger::default()
            })
    }

    pub fn save(&self, state_dir: &Path) -> Result<(), String> {
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| e.to_string())?;
        crate::util::atomic_file::write_atomic(&path(state_dir, &self.profile), &bytes)
            .map_err(|e| e.to_string())
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
            && self.releases.is_empty()
            && self.key_managers.is_empty()
            && self.hosts.is_empty()
            && self.merges.is_empty()
    }

    pub fn hosts_separator(&self, file: &Path) -> Option<&str> {
        self.hosts
            .iter()
            .find(|h| h.file == file)
            .map(|h| h.separator.as_str())
    }

    pub fn merge_of(&self, file: &Path) -> Option<&MergeRecord> {
        self.merges.iter().find(|m| m.file == file)
    }

    /// The uid kmpilot recorded when it created `r` (context `ctx`: the resolved one).
    pub fn object_uid(&self, r: &ObjectRef, ctx: Option<&str>) -> Option<&str> {
        self.objects
            .iter()
            .find(|o| same(o, r, ctx))
            .map(|o| o.uid.as_str())
    }

    pub fn add_object(&mut self, r: &ObjectRef, ctx: Option<&str>, uid: &str) {
        self.forget_object(r, ctx);
        self.objects.push(CreatedObject {
            context: ctx.map(str::to_string),
            group: group_of(&r.api_version).to_string(),
            kind: r.kind.clone(),
            namespace: r.namespace.clone(),
            name: r.name.clone(),
            uid: uid.to_string(),
        });
    }

    pub fn forget_object(&mut self, r: &ObjectRef, ctx: Option<&str>) {
        self.objects.retain(|o| !same(o, r, ctx));
    }

    pub fn has_release(&self, r: &ReleaseRef, ctx: Option<&str>) -> bool {
        self.releases.iter().any(|x| {
            x.context.as_deref() == ctx && x.namespace == r.namespace && x.release == r.release
        })
    }

    pub fn add_release(&mut self, r: &ReleaseRef, ctx: Option<&str>) {
        if !self.has_release(r, ctx) {
            self.releases.push(CreatedRelease {
                context: ctx.map(str::to_string),
                namespace: r.namespace.clone(),
                release: r.release.clone(),
            });
        }
    }

    pub fn forget_release(&mut self, r: &ReleaseRef, ctx: Option<&str>) {
        self.releases.retain(|x| {
            !(x.context.as_deref() == ctx && x.namespace == r.namespace && x.release == r.release)
        });
    }

    pub fn has_key_manager(&self, at: &str, name: &str) -> bool {
        self.key_managers
            .iter()
            .any(|k| k.at == at && k.name == name)
    }

    pub fn add_key_manager(&mut self, at: &str, name: &str) {
        if !self.has_key_manager(at, name) {
            self.key_managers.push(CreatedKeyManager {
                at: at.to_string(),
                name: name.to_string(),
            });
        }
    }

    pub fn forget_key_manager(&mut self, at: &str, name: &str) {
        self.key_managers
            .retain(|k| !(k.at == at && k.name == name));
    }
}

/// Reads, changes and writes the ledger of the run's profile at once (a kill right after a
/// creation still finds it recorded).
pub(super) fn update(ctx: &super::ctx::Ctx<'_>, f: impl FnOnce(&mut Ledger)) {
    if ctx.opts.dry_run {
        return;
    }
    // steps that run side by side must not lose each other's records
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _held = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let mut l = Ledger::load(&ctx.opts.state_dir, &ctx.plan.profile);
    f(&mut l);
    if let Err(e) = l.save(&ctx.opts.state_dir) {
        tracing::warn!(error = %e, "cannot save the creation ledger");
        ctx.info(format!(
            "cannot record what kmpilot created ({e}); destroy will leave it alone"
        ));
    }
}

/// The context an action's `None` means: the profile's.
pub(super) fn resolved_context(ctx: &super::ctx::Ctx<'_>, c: Option<&str>) -> Option<String> {
    c.or(ctx.plan.cluster.context.as_deref())
        .map(str::to_string)
}

/// After an apply: a created object goes into the ledger.
pub(super) fn applied(ctx: &super::ctx::Ctx<'_>, context: Option<&str>, a: &crate::kube::Applied) {
    if a.dry_run || a.outcome != crate::kube::ApplyOutcome::Created {
        return;
    }
    let Some(uid) = &a.uid else { return };
    let r = ObjectRef {
        context: None,
        api_version: a.api_version.clone(),
        kind: a.kind.clone(),
        namespace: a.namespace.clone(),
        name: a.name.clone(),
    };
    let c = resolved_context(ctx, context);
    update(ctx, |l| l.add_object(&r, c.as_deref(), uid));
}

/// Before the hosts file is written: when the profile's block is new to it, what the merge
/// puts before the block, so destroy gives back the file byte for byte.
pub(super) fn hosts_before(ctx: &super::ctx::Ctx<'_>, file: &Path, old: &str, new: &str) {
    if let Some(sep) = crate::render::hosts::separator_added(old, new, &ctx.plan.profile) {
        let file = file.to_path_buf();
        update(ctx, |l| {
            l.hosts.retain(|h| h.file != file);
            l.hosts.push(HostsRecord {
                file,
                separator: sep,
            });
        });
    }
}

/// Before a PrivateJet merge writes `file`: which entries are new to it (the others were
/// there before kmpilot and stay on destroy).
pub(super) fn merging(
    ctx: &super::ctx::Ctx<'_>,
    file: &Path,
    existing: &str,
    m: &crate::plan::container_mgt::ContainerMgtMerge,
) {
    use crate::profile::sections::private_jet::Target;
    use crate::steps::private_jet_unmerge as um;
    let names: Vec<String> = m.clusters.iter().map(|e| e.cluster_name.clone()).collect();
    let types: Vec<String> = m.clusters.iter().map(|e| e.cluster_type.clone()).collect();
    let now = match m.target {
        Target::DeploymentToml => {
            um::added_toml(existing, &names, &types, m.custom_class.is_some())
        }
        Target::TenantConf => um::added_tenant_conf(
            existing,
            &types
                .iter()
                .cloned()
                .zip(names.iter().cloned())
                .collect::<Vec<_>>(),
        ),
    };
    let file = file.to_path_buf();
    update(ctx, |l| {
        match l.merges.iter_mut().find(|r| r.file == file) {
            // an earlier run's record stays: what it added is still kmpilot's
            Some(r) => {
                for c in now.clusters {
                    if !r.added.clusters.contains(&c) {
                        r.added.clusters.push(c);
                    }
                }
                for t in now.class_types {
                    if !r.added.class_types.contains(&t) {
                        r.added.class_types.push(t);
                    }
                }
                for g in now.groups {
                    if !r.added.groups.contains(&g) {
                        r.added.groups.push(g);
                    }
                }
            }
            None => l.merges.push(MergeRecord { file, added: now }),
        }
    });
}

/// Whether helm has a record of `r` (its release secrets, `owner=helm,name=<release>`).
pub(super) async fn release_exists(
    ctx: &mut super::ctx::Ctx<'_>,
    r: &ReleaseRef,
) -> Result<bool, super::ctx::Failure> {
    use k8s_openapi::api::core::v1::Secret;
    let c = r.context();
    let k = super::cluster_client::client(ctx, c.as_deref()).await?;
    let api: kube::Api<Secret> = kube::Api::namespaced(k.client(), &r.namespace);
    let lp = kube::api::ListParams::default()
        .labels(&format!("owner=helm,name={}", r.release))
        .limit(1);
    let list = api.list(&lp).await.map_err(|e| {
        super::ctx::Failure::new(format!(
            "list helm's records of release {}/{}: {e}",
            r.namespace, r.release
        ))
    })?;
    Ok(!list.items.is_empty())
}

/// Apply side: a `helm upgrade --install` of a release helm has no record of yet (the release
/// becomes kmpilot's when the install makes it).
pub(super) async fn fresh_release(
    ctx: &mut Ctx<'_>,
    c: &crate::plan::Command,
) -> Option<ReleaseRef> {
    if ctx.opts.dry_run {
        return None;
    }
    let r = crate::plan::destroy::helm_install_target(c)?;
    match release_exists(ctx, &r).await {
        Ok(false) => Some(r),
        _ => None,
    }
}

/// Apply side, after the install ran (done or not): a release now on record is kmpilot's.
pub(super) async fn installed(ctx: &mut Ctx<'_>, r: &ReleaseRef) {
    if let Ok(true) = release_exists(ctx, r).await {
        let c = resolved_context(ctx, r.context().as_deref());
        update(ctx, |l| l.add_release(r, c.as_deref()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_known_by_identity_and_uid() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::load(dir.path(), "p");
        let r = ObjectRef {
            context: None,
            api_version: "apps/v1".into(),
            kind: "Deployment".into(),
            namespace: Some("ns".into()),
            name: "d".into(),
        };
        l.add_object(&r, Some("c"), "u1");
        l.add_object(&r, Some("c"), "u2");
        l.save(dir.path()).unwrap();
        let l = Ledger::load(dir.path(), "p");
        assert_eq!(l.objects.len(), 1);
        assert_eq!(l.object_uid(&r, Some("c")), Some("u2"));
        assert_eq!(l.object_uid(&r, None), None, "another cluster");
        let mut v1beta = r.clone();
        v1beta.api_version = "apps/v1beta1".into();
        assert_eq!(l.object_uid(&v1beta, Some("c")), Some("u2"));
    }
}

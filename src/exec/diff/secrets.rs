//! A secret the plan creates against the live one: key by key, compared by SHA-256 of the
//! value; only the key names and whether they change are shown, never a value.

use std::collections::BTreeMap;

use super::report::{Change, DiffLine, Item, KeystoreState, Op};
use crate::exec::ctx::Ctx;
use crate::plan::{SecretSource, SecretSpec};

const KIND: &str = "secret";

/// What the plan would store under a key, as far as kmpilot can know it without running.
enum Desired {
    Value([u8; 32]),
    /// A keystore or certificate the keystores step makes anew (the cluster's are missing).
    Generated,
    /// A secret reference not resolvable here (variable not set, a prompt).
    Unknown(String),
    /// A value the cluster's Secret keeps once it has one (`SecretSource::Kept`), with the
    /// digest of the profile's reference when it names one.
    Kept(Option<[u8; 32]>),
}

fn desired(ctx: &Ctx<'_>, src: &SecretSource, ks: &KeystoreState) -> Desired {
    match src {
        SecretSource::Plain(v) => Desired::Value(super::report::digest(v.as_bytes())),
        SecretSource::Ref { secret, shell_var } => match ctx.secrets.get(secret, shell_var) {
            Some(v) => Desired::Value(super::report::digest(v.as_bytes())),
            None => Desired::Unknown(crate::exec::secrets::unavailable(secret, shell_var)),
        },
        SecretSource::WorkFile(_) if ks.unknown => {
            Desired::Unknown("the keystore password is not available here".into())
        }
        SecretSource::WorkFile(f) => match ks.reused.as_ref().and_then(|m| m.get(f)) {
            Some(b) => Desired::Value(super::report::digest(b)),
            None => Desired::Generated,
        },
        SecretSource::Kept {
            secret: Some(secret),
            shell_var,
            ..
        } => Desired::Kept(
            ctx.secrets
                .get(secret, shell_var)
                .map(|v| super::report::digest(v.as_bytes())),
        ),
        SecretSource::Kept { .. } => Desired::Kept(None),
    }
}

pub(super) async fn compare(ctx: &mut Ctx<'_>, s: &SecretSpec, ks: &KeystoreState) -> Item {
    let what = format!("Secret {}/{}", s.namespace, s.name);
    let live = match read(ctx, s).await {
        Ok(l) => l,
        Err(e) => return Item::error(KIND, what, e),
    };
    let Some((live_type, live)) = live else {
        let lines = s
            .data
            .iter()
            .map(|(k, _)| DiffLine::new(Op::Add, format!("{k}: (secret)")))
            .collect();
        return Item::new(KIND, what, Change::Create)
            .detail(format!("type {}", s.secret_type))
            .lines(lines);
    };
    let mut lines = Vec::new();
    let mut unknown: Vec<(String, Vec<String>)> = Vec::new();
    if live_type != s.secret_type {
        lines.push(DiffLine::new(Op::Remove, format!("type: {live_type}")));
        lines.push(DiffLine::new(Op::Add, format!("type: {}", s.secret_type)));
    }
    for (key, src) in &s.data {
        let have = live.get(key);
        match (desired(ctx, src, ks), have) {
            (_, None) => lines.push(DiffLine::new(Op::Add, format!("{key}: (secret)"))),
            (Desired::Value(want), Some(h)) if want != *h => lines.push(DiffLine::new(
                Op::Secret,
                format!("{key}: (secret) changed"),
            )),
            (Desired::Value(_), Some(_)) => {}
            (Desired::Kept(Some(want)), Some(h)) if want != *h => lines.push(DiffLine::new(
                Op::Secret,
                format!(
                    "{key}: (secret) the profile's differs from the cluster's, which is kept: apply refuses to change it"
                ),
            )),
            (Desired::Kept(_), Some(_)) => {}
            (Desired::Generated, Some(_)) => lines.push(DiffLine::new(
                Op::Secret,
                format!("{key}: (secret) regenerated: the keystores step makes new keystores"),
            )),
            (Desired::Unknown(why), Some(_)) => match unknown.iter_mut().find(|(w, _)| *w == why) {
                Some((_, keys)) => keys.push(key.clone()),
                None => unknown.push((why, vec![key.clone()])),
            },
        }
    }
    let change = if !lines.is_empty() {
        Change::Update
    } else if !unknown.is_empty() {
        Change::NotCompared
    } else {
        Change::None
    };
    let item = Item::new(KIND, what, change).lines(lines);
    if unknown.is_empty() {
        item
    } else {
        let said: Vec<String> = unknown
            .iter()
            .map(|(why, keys)| format!("{} ({why})", keys.join(", ")))
            .collect();
        item.detail(format!("not compared: {}", said.join("; ")))
    }
}

/// The live secret's type and the digest of each value (the values themselves are dropped
/// here).
async fn read(
    ctx: &mut Ctx<'_>,
    s: &SecretSpec,
) -> Result<Option<(String, BTreeMap<String, [u8; 32]>)>, String> {
    use k8s_openapi::api::core::v1::Secret;
    let k = crate::exec::cluster_client::client(ctx, s.context.as_deref())
        .await
        .map_err(|f| f.error)?;
    let api: kube::Api<Secret> = kube::Api::namespaced(k.client(), &s.namespace);
    let found = api
        .get_opt(&s.name)
        .await
        .map_err(|e| format!("read secret {}/{}: {e}", s.namespace, s.name))?;
    Ok(found.map(|sec| {
        let digests = sec
            .data
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, super::report::digest(&v.0)))
            .collect();
        (sec.type_.unwrap_or_else(|| "Opaque".into()), digests)
    }))
}

//! `Check::ServedKinds`: ask the target cluster, before a track changes it, whether it serves
//! every kind the track will create, and say exactly what is missing and what provides it.

use super::ctx::{Ctx, Failure};
use crate::compat::KindNeed;

pub(super) async fn check(
    ctx: &mut Ctx<'_>,
    context: Option<&str>,
    purpose: &str,
    kinds: &[KindNeed],
) -> Result<(), Failure> {
    let k = super::cluster_client::client(ctx, context).await?.clone();
    let mut missing: Vec<&KindNeed> = Vec::new();
    for need in kinds {
        if !k.serves(&need.api_version, &need.kind).await? {
            missing.push(need);
        }
    }
    let list = |v: &[&KindNeed]| {
        v.iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if missing.is_empty() {
        let all: Vec<&KindNeed> = kinds.iter().collect();
        ctx.info(format!(
            "{purpose}: cluster {} serves {}",
            k.context(),
            list(&all)
        ));
        return Ok(());
    }
    let version = k
        .server_version()
        .await
        .map(|v| format!(" (Kubernetes {v})"))
        .unwrap_or_default();
    let mut providers: Vec<String> = Vec::new();
    for n in &missing {
        let line = format!("{}: {}", n, n.provided_by);
        if !providers.contains(&line) {
            providers.push(line);
        }
    }
    Err(Failure::new(format!(
        "{purpose}: cluster {}{version} does not serve {}; nothing was changed on it",
        k.context(),
        list(&missing)
    ))
    .hint(format!("needed: {}", providers.join("; "))))
}

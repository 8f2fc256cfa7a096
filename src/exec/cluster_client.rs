//! The cluster client of a run, one per context and made once: every action of a step, and
//! the reads after them, talk to the same cluster.

use super::ctx::{Ctx, Failure};
use crate::kube::Kube;

/// The client for `context`; an action that names none uses the profile's cluster context
/// (itself the kubeconfig's current context when absent), so every action of a step, and the
/// token read after them, talk to the same cluster.
pub(super) async fn client<'c>(
    ctx: &'c mut Ctx<'_>,
    context: Option<&str>,
) -> Result<&'c Kube, Failure> {
    let key = context
        .or(ctx.plan.cluster.context.as_deref())
        .map(str::to_string);
    if !ctx.kube.contains_key(&key) {
        let kubeconfig = ctx.plan.cluster.kubeconfig.as_deref();
        let k = Kube::connect(kubeconfig, key.as_deref()).await.map_err(|e| {
            Failure::new(e.to_string()).hint("check KUBECONFIG / cluster.kubeconfig and the context name (`kubectl config get-contexts`)")
        })?;
        ctx.kube.insert(key.clone(), k);
    }
    Ok(&ctx.kube[&key])
}

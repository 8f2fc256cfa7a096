//! The hosts block: what `apply` would write (the block for the ingress's current address,
//! merged as `apply` merges it) against the file as it is.

use super::report::{Change, Item};
use crate::exec::ctx::Ctx;
use crate::plan::{AddressSource, HostsUpdate};
use crate::render::hosts::{AddressKind, address_kind};

const KIND: &str = "hosts";

pub(super) async fn compare(ctx: &mut Ctx<'_>, h: &HostsUpdate) -> Item {
    let what = format!("hosts file {}", h.file.display());
    if h.print_only {
        return Item::new(KIND, what, Change::NotCompared)
            .detail("dns.mode: print: apply prints the lines and writes nothing");
    }
    let address = match &h.address {
        AddressSource::Fixed(a) => a.clone(),
        AddressSource::Ingress {
            context,
            namespace,
            host,
        } => match crate::exec::kube_actions::ingress_address(
            ctx,
            context.as_deref(),
            namespace,
            host,
        )
        .await
        {
            Ok(Some(a)) => a,
            Ok(None) => {
                return Item::new(KIND, what, Change::NotCompared).detail(format!(
                    "the ingress for {host} has no address yet: apply waits for it, then writes the block"
                ));
            }
            Err(f) => return Item::error(KIND, what, f.error),
        },
        AddressSource::Gateway {
            context,
            namespace,
            name,
        } => {
            match crate::exec::gateway_api::address(ctx, context.as_deref(), namespace, name).await
            {
                Ok(Some(a)) => a,
                Ok(None) => {
                    return Item::new(KIND, what, Change::NotCompared).detail(format!(
                    "the Gateway {namespace}/{name} has no address yet: apply waits for it, then writes the block"
                ));
                }
                Err(f) => return Item::error(KIND, what, f.error),
            }
        }
    };
    let ip = match address_kind(&address) {
        AddressKind::Ip(ip) => ip.to_string(),
        AddressKind::LoadBalancer(lb) => {
            return Item::new(KIND, what, Change::NotCompared).detail(format!(
                "the ingress address {lb} is a load balancer's name: apply prints CNAME records and leaves the file alone"
            ));
        }
        AddressKind::Name(name) => match tokio::net::lookup_host((name.as_str(), 443)).await {
            Ok(mut it) => match it.next() {
                Some(a) => a.ip().to_string(),
                None => {
                    return Item::error(KIND, what, format!("{name} does not resolve here"));
                }
            },
            Err(e) => return Item::error(KIND, what, format!("{name}: {e}")),
        },
    };
    match crate::exec::hosts::contents(&h.file, &ctx.plan.profile, &ip, &h.hostnames) {
        Err(e) => Item::error(KIND, what, e),
        Ok((old, new)) if old == new => Item::new(KIND, what, Change::None),
        Ok((old, new)) => {
            Item::new(KIND, what, Change::Update).lines(super::report::unified(&old, &new))
        }
    }
}

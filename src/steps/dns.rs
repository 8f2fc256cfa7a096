//! Step "dns": map the ingress address to every hostname, in a hosts file between kmpilot's
//! markers (atomic write with a backup, by the executor) or printed for a DNS admin.

use crate::profile::sections::dns::DnsMode;

use std::path::PathBuf;

use crate::plan::{Action, AddressSource, Artifact, ArtifactKind, HostsUpdate, Step, StepId, Wait};
use crate::profile::Profile;
use crate::profile::diagnostics::{Issues, YamlPath};
use crate::render::hosts;

/// Placeholder for the address when it is only known at run time.
pub const ADDRESS_PLACEHOLDER: &str = "${INGRESS_ADDRESS}";

pub fn validate(p: &Profile, issues: &mut Issues) {
    let d = &p.dns;
    let base = YamlPath::root().key("dns");
    if let Some(a) = &d.address
        && a.parse::<std::net::IpAddr>().is_err()
    {
        issues.error(
            &base.key("address"),
            format!("`{a}` is not an IP address"),
            Some("an IPv4 or IPv6 address such as 127.0.0.1"),
            Some("a hosts file maps names to addresses, not to other names"),
        );
    }
    if d.mode == DnsMode::HostsFile && d.hosts_file.as_os_str().is_empty() {
        issues.error(
            &base.key("hostsFile"),
            "empty path",
            Some("/etc/hosts or another file"),
            None,
        );
    }
}

pub fn plan(p: &Profile, artifacts: &mut Vec<Artifact>) -> Option<Step> {
    let d = &p.dns;
    if d.mode == DnsMode::None {
        return None;
    }
    let names = p.hostnames();
    let addr_text = d
        .address
        .clone()
        .unwrap_or_else(|| ADDRESS_PLACEHOLDER.to_string());
    artifacts.push(Artifact {
        path: "dns/hosts.block".into(),
        kind: ArtifactKind::Text,
        content: hosts::block(&p.name, &addr_text, &names),
    });
    let mut actions = Vec::new();
    let address = match &d.address {
        Some(a) => AddressSource::Fixed(a.clone()),
        None if p.gateway_api() => {
            let name = p.cluster.exposure.gateway.name.clone();
            actions.push(Action::Wait(Wait::GatewayAddress {
                context: p.cluster.context.clone(),
                namespace: p.cluster.namespace.clone(),
                name: name.clone(),
                timeout_secs: d.wait_seconds,
            }));
            AddressSource::Gateway {
                context: p.cluster.context.clone(),
                namespace: p.cluster.namespace.clone(),
                name,
            }
        }
        None => {
            actions.push(Action::Wait(Wait::IngressAddress {
                context: p.cluster.context.clone(),
                namespace: p.cluster.namespace.clone(),
                host: p.api_manager.hostnames.management.clone(),
                timeout_secs: d.wait_seconds,
            }));
            AddressSource::Ingress {
                context: p.cluster.context.clone(),
                namespace: p.cluster.namespace.clone(),
                host: p.api_manager.hostnames.management.clone(),
            }
        }
    };
    actions.push(Action::UpdateHosts(HostsUpdate {
        file: d.hosts_file.clone(),
        print_only: d.mode == DnsMode::Print,
        address,
        hostnames: names,
    }));
    Some(Step::new(StepId::Dns, actions))
}

/// The wizard's fields for this step.
pub fn form(_p: &Profile) -> Vec<super::form::Field> {
    use super::form::{Field, path};
    let at = |k: &str| path(&["dns", k]);
    vec![
        Field::enum_choice(
            "Mode",
            at("mode"),
            "hosts-file writes the mapping (with a backup); print shows it for a DNS admin",
            &["hosts-file", "print", "none"],
            |p| p.dns.mode,
            |p, v| p.dns.mode = v,
        ),
        Field::text(
            "Hosts file",
            at("hostsFile"),
            "file the mapping is written into, between kmpilot's markers",
            |p| p.dns.hosts_file.display().to_string(),
            |p, v| p.dns.hosts_file = PathBuf::from(v),
        ),
        Field::opt_text(
            "Fixed address",
            at("address"),
            "an address instead of the ingress's (e.g. 127.0.0.1 with a port-forward)",
            |p| p.dns.address.clone(),
            |p, v| p.dns.address = v,
        )
        .with_default("(the ingress address)"),
        Field::number(
            "Wait (s)",
            at("waitSeconds"),
            "how long to wait for the ingress to get an address",
            |p| p.dns.wait_seconds,
            |p, v| p.dns.wait_seconds = v,
        ),
    ]
}

//! Whether a URL that a pod will call resolves from inside the cluster: a Service of the
//! cluster (`<svc>`, `<svc>.<ns>`, `<svc>.<ns>.svc[.cluster.local]`, looked up through the
//! API, with the URL's port among its ports), or a name in public DNS. A name that only this
//! machine's hosts file knows does not count: pods resolve through cluster DNS.

use std::time::Duration;

use k8s_openapi::api::core::v1::Service;
use kube::{Api, Client};

/// How a pod in some namespace reaches a URL's host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PodReach {
    /// A Service of the cluster exposing the port.
    Service {
        namespace: String,
        name: String,
        port: u16,
    },
    /// An IP address in the URL.
    Address,
    /// Not a Service; resolves in DNS from here (and so, presumably, from the cluster's
    /// upstream resolver).
    PublicDns(Vec<String>),
    /// It does not resolve from a pod; why.
    Unresolved(String),
}

impl PodReach {
    pub fn ok(&self) -> bool {
        !matches!(self, PodReach::Unresolved(_))
    }

    /// One line for a person.
    pub fn describe(&self) -> String {
        match self {
            PodReach::Service {
                namespace,
                name,
                port,
            } => format!("in cluster: Service {namespace}/{name}:{port}"),
            PodReach::Address => "an IP address".into(),
            PodReach::PublicDns(a) => format!(
                "public DNS ({}), outside the cluster: pods reach it only if the cluster's DNS forwards to a resolver that knows it",
                a.join(",")
            ),
            PodReach::Unresolved(why) => why.clone(),
        }
    }
}

/// How a pod in `pod_namespace` reaches `url`.
pub async fn pod_reach(client: &Client, pod_namespace: &str, url: &str) -> PodReach {
    let Ok(u) = url::Url::parse(url) else {
        return PodReach::Unresolved("not a URL".into());
    };
    let Some(port) = u.port_or_known_default() else {
        return PodReach::Unresolved("no port for this scheme".into());
    };
    let host = match u.host() {
        Some(url::Host::Domain(d)) => d.trim_end_matches('.').to_ascii_lowercase(),
        Some(_) => return PodReach::Address,
        None => return PodReach::Unresolved("no host".into()),
    };
    // the search path of a pod: <ns>.svc.cluster.local svc.cluster.local cluster.local
    let short = host.strip_suffix(".cluster.local").unwrap_or(&host);
    let labels: Vec<&str> = short.split('.').collect();
    let candidate = match labels.as_slice() {
        [svc] => Some((*svc, pod_namespace, false)),
        [svc, ns] => Some((*svc, *ns, false)),
        [svc, ns, "svc"] => Some((*svc, *ns, true)),
        _ => None,
    };
    if let Some((svc, ns, explicit)) = candidate {
        let api: Api<Service> = Api::namespaced(client.clone(), ns);
        match api.get_opt(svc).await {
            Ok(Some(s)) => {
                let ports: Vec<i32> = s
                    .spec
                    .and_then(|s| s.ports)
                    .unwrap_or_default()
                    .iter()
                    .map(|p| p.port)
                    .collect();
                return if ports.contains(&i32::from(port)) {
                    PodReach::Service {
                        namespace: ns.to_string(),
                        name: svc.to_string(),
                        port,
                    }
                } else {
                    PodReach::Unresolved(format!(
                        "Service {ns}/{svc} exists but has no port {port} (ports {ports:?})"
                    ))
                };
            }
            Ok(None) if explicit => {
                return PodReach::Unresolved(format!(
                    "no Service {svc} in namespace {ns}: is that release installed?"
                ));
            }
            Ok(None) => {}
            Err(e) => {
                return PodReach::Unresolved(format!("cannot look up Service {ns}/{svc}: {e}"));
            }
        }
    }
    if hosts_file_names(&host) {
        return PodReach::Unresolved(format!(
            "{host} is only in this machine's hosts file; pods resolve through cluster DNS and will not find it"
        ));
    }
    match tokio::time::timeout(
        Duration::from_secs(5),
        tokio::net::lookup_host((host.as_str(), port)),
    )
    .await
    {
        Ok(Ok(addrs)) => {
            let mut a: Vec<String> = addrs.map(|s| s.ip().to_string()).collect();
            a.dedup();
            if a.is_empty() {
                PodReach::Unresolved(format!("{host} resolves to no address"))
            } else {
                PodReach::PublicDns(a)
            }
        }
        _ => PodReach::Unresolved(format!(
            "{host} is not a Service of the cluster and not in public DNS: pods cannot reach it"
        )),
    }
}

/// Whether /etc/hosts names `host`.
fn hosts_file_names(host: &str) -> bool {
    std::fs::read_to_string("/etc/hosts")
        .unwrap_or_default()
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default())
        .any(|l| {
            l.split_whitespace()
                .skip(1)
                .any(|n| n.eq_ignore_ascii_case(host))
        })
}

//! `kmpilot doctor -f P`: is the deployment healthy and reachable? Pods ready, ingresses with an
//! address, hostnames resolving to that address, console URLs answering. A table; exit 1 when
//! anything is unhealthy. `--bundle FILE` also writes a redacted support bundle
//! (`exec::bundle`).

use std::net::ToSocketAddrs;
use std::path::Path;
use std::time::Duration;

use super::args::{Cli, Format};
use super::support::{EXIT_FAILED, EXIT_OK, load_profile};
use crate::kube::Kube;

#[derive(Debug, serde::Serialize)]
struct Row {
    check: String,
    target: String,
    ok: bool,
    detail: String,
}

pub fn run(cli: &Cli, file: &str, output: Format, bundle: Option<&Path>, log_lines: i64) -> u8 {
    let (path, loaded) = match load_profile(cli, file) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let p = loaded.profile;
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    let rows = rt.block_on(checks(&p));
    let healthy = rows.iter().all(|r| r.ok);
    if let Some(dest) = bundle {
        let report = serde_json::json!({"healthy": healthy, "checks": rows});
        let opts = crate::exec::bundle::BundleOptions {
            path: dest.to_path_buf(),
            log_lines,
            state_dir: crate::profile::store::state_dir(),
            base_dir: crate::exec::base_dir(Some(&path)),
        };
        match rt.block_on(write_bundle(&p, &report, &opts)) {
            Ok(s) => eprintln!(
                "bundle: {} ({} files, {} secret values masked{})",
                s.path.display(),
                s.files.len(),
                s.known_secrets,
                if s.errors.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; {} things could not be gathered, see errors.txt",
                        s.errors.len()
                    )
                }
            ),
            Err(e) => {
                eprintln!("error: cannot write the bundle {}: {e}", dest.display());
                return EXIT_FAILED;
            }
        }
    }
    match output {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({"healthy": healthy, "checks": rows}))
                .unwrap_or_default()
        ),
        Format::Yaml => print!(
            "{}",
            crate::render::yaml(&serde_json::json!({"healthy": healthy, "checks": rows}))
        ),
        Format::Text => {
            let w = rows
                .iter()
                .map(|r| r.target.len())
                .max()
                .unwrap_or(10)
                .min(60);
            println!("{:<4} {:<10} {:<w$} DETAIL", "", "CHECK", "TARGET");
            for r in &rows {
                println!(
                    "{:<4} {:<10} {:<w$} {}",
                    if r.ok { "ok" } else { "FAIL" },
                    r.check,
                    r.target,
                    r.detail
                );
            }
            println!("\n{}", if healthy { "healthy" } else { "unhealthy" });
        }
    }
    if healthy { EXIT_OK } else { EXIT_FAILED }
}

async fn write_bundle(
    p: &crate::profile::Profile,
    report: &serde_json::Value,
    opts: &crate::exec::bundle::BundleOptions,
) -> std::io::Result<crate::exec::bundle::BundleSummary> {
    let kube = Kube::connect(
        p.cluster.kubeconfig.as_deref(),
        p.cluster.context.as_deref(),
    )
    .await
    .ok();
    crate::exec::bundle::write(p, kube.as_ref(), report, opts).await
}

async fn checks(p: &crate::profile::Profile) -> Vec<Row> {
    crate::kube::ensure_crypto_provider();
    let mut rows = Vec::new();
    let ns = &p.cluster.namespace;
    let kube = match Kube::connect(
        p.cluster.kubeconfig.as_deref(),
        p.cluster.context.as_deref(),
    )
    .await
    {
        Ok(k) => k,
        Err(e) => {
            rows.push(Row {
                check: "cluster".into(),
                target: p
                    .cluster
                    .context
                    .clone()
                    .unwrap_or_else(|| "(current context)".into()),
                ok: false,
                detail: e.to_string(),
            });
            return rows;
        }
    };
    use k8s_openapi::api::core::v1::Pod;
    use k8s_openapi::api::core::v1::Service;
    use k8s_openapi::api::networking::v1::Ingress;
    let pods: kube::Api<Pod> = kube::Api::namespaced(kube.client(), ns);
    let services: kube::Api<Service> = kube::Api::namespaced(kube.client(), ns);
    // Services without pods are a deployment whose pods are gone: where each endpoint
    // resolves still tells something, so only an empty namespace stops the report
    let no_services = services
        .list(&kube::api::ListParams::default().limit(1))
        .await
        .is_ok_and(|l| l.items.is_empty());
    match pods.list(&Default::default()).await {
        // nothing deployed: that is the one cause; every check after it would only fail
        // because of it (no ingress, no address, no URL), so the report stops here
        Ok(list) if list.items.is_empty() && no_services => {
            rows.push(Row {
                check: "pods".into(),
                target: ns.clone(),
                ok: false,
                detail: format!(
                    "nothing is deployed in namespace {ns} (no pods, no services): apply the profile first (`kmpilot apply -f …`); the other checks are not run"
                ),
            });
            return rows;
        }
        Ok(list) => {
            for pod in &list.items {
                let r = crate::kube::rows::pod_row(pod);
                let (ready, total) = r.ready.split_once('/').unwrap_or(("0", "1"));
                rows.push(Row {
                    check: "pod".into(),
                    target: r.name.clone(),
                    ok: ready == total && r.status == "Running",
                    detail: match crate::kube::rows::pod_problem(pod) {
                        Some(why) => why,
                        None => format!("{} {} restarts {}", r.ready, r.status, r.restarts),
                    },
                });
            }
        }
        Err(e) => rows.push(Row {
            check: "pods".into(),
            target: ns.clone(),
            ok: false,
            detail: e.to_string(),
        }),
    }
    let ingresses: kube::Api<Ingress> = kube::Api::namespaced(kube.client(), ns);
    let mut address_of_host = std::collections::HashMap::new();
    if let Ok(list) = ingresses.list(&Default::default()).await {
        for ing in &list.items {
            let r = crate::kube::rows::ingress_row(ing);
            for h in &r.hosts {
                address_of_host.insert(h.clone(), r.address.clone());
            }
            rows.push(Row {
                check: "ingress".into(),
                target: r.name.clone(),
                ok: !r.address.is_empty(),
                detail: if r.address.is_empty() {
                    "no address yet".into()
                } else {
                    format!("{} → {}", r.hosts.join(","), r.address)
                },
            });
        }
    }
    if p.gateway_api() {
        for (check, target, ok, detail, hosts, address) in
            crate::exec::gateway_api::rows(&kube, ns).await
        {
            for h in hosts {
                address_of_host.insert(h, address.clone());
            }
            rows.push(Row {
                check,
                target,
                ok,
                detail,
            });
        }
    }
    rows.extend(server_endpoint_rows(p, &kube).await);
    // the profile's hosts file, which need not be the one this machine's resolver reads
    let kmpilot_block = (p.dns.mode == crate::profile::sections::dns::DnsMode::HostsFile)
        .then(|| crate::import::live::hosts(&p.dns.hosts_file))
        .and_then(|f| f.blocks.into_iter().find(|b| b.profile == p.name));
    for host in p.hostnames() {
        let resolved: Vec<String> = (host.as_str(), 443)
            .to_socket_addrs()
            .map(|a| a.map(|s| s.ip().to_string()).collect())
            .unwrap_or_default();
        let reported = p
            .dns
            .address
            .clone()
            .or_else(|| address_of_host.get(&host).cloned())
            .unwrap_or_default();
        // the ingress may report a name (localhost, a load balancer's DNS name): compare
        // with the addresses that name has
        let wanted: Vec<String> = reported
            .split(',')
            .filter(|a| !a.is_empty())
            .flat_map(|a| match crate::render::hosts::address_kind(a) {
                crate::render::hosts::AddressKind::Ip(ip) => vec![ip.to_string()],
                crate::render::hosts::AddressKind::LoadBalancer(n)
                | crate::render::hosts::AddressKind::Name(n) => (n.as_str(), 443)
                    .to_socket_addrs()
                    .map(|a| a.map(|s| s.ip().to_string()).collect())
                    .unwrap_or_default(),
            })
            .collect();
        let mapped = kmpilot_block
            .as_ref()
            .and_then(|b| b.hostnames.contains(&host).then_some(b.address.as_str()));
        rows.push(dns_row(
            host,
            &resolved,
            &wanted,
            &reported,
            mapped.map(|a| (p.dns.hosts_file.as_path(), a)),
        ));
    }
    let ca = crate::profile::store::state_dir()
        .join("work")
        .join(&p.name)
        .join(crate::steps::keystores::spec(p).tls_cert);
    let tls = crate::profile::sections::key_manager::TlsPolicy {
        ca_file: ca.exists().then_some(ca),
        insecure: p.key_manager.tls.insecure,
    };
    if let Ok(client) = crate::http::build_client(&tls, Path::new("/")) {
        for u in crate::steps::console_urls(p) {
            let res = client
                .get(&u.url)
                .timeout(Duration::from_secs(10))
                .send()
                .await;
            let (ok, detail) = match res {
                Ok(r) => (
                    r.status().as_u16() < 500,
                    format!("HTTP {}", r.status().as_u16()),
                ),
                Err(e) => (false, e.to_string()),
            };
            rows.push(Row {
                check: "url".into(),
                target: u.url,
                ok,
                detail,
            });
        }
    }
    rows
}

/// Where `host` points from here: what the resolver answers (`resolved`), against the address
/// the ingress reports (`reported`, and the addresses it stands for: `wanted`), and kmpilot's
/// block in the profile's hosts file (`mapped`: the file and the address it gives the name).
/// A block in a file the resolver does not read (a test's or a container's hosts file) is
/// what the profile asked for, so it passes, and the row says who sees it.
fn dns_row(
    host: String,
    resolved: &[String],
    wanted: &[String],
    reported: &str,
    mapped: Option<(&Path, &str)>,
) -> Row {
    let row = |ok: bool, detail: String| Row {
        check: "dns".into(),
        target: host.clone(),
        ok,
        detail,
    };
    let agrees = |addr: &str| reported.is_empty() || reported.split(',').any(|r| r == addr);
    if let Some((file, addr)) = mapped {
        if !agrees(addr) {
            return row(
                false,
                format!(
                    "kmpilot's block in {} maps it to {addr}, the ingress reports {reported}: apply the dns step again",
                    file.display()
                ),
            );
        }
        if resolved.is_empty() {
            return if file == Path::new("/etc/hosts") {
                row(
                    false,
                    format!(
                        "/etc/hosts maps it to {addr} but the resolver does not answer for it: check /etc/nsswitch.conf"
                    ),
                )
            } else {
                row(
                    true,
                    format!(
                        "mapped to {addr} in {} (the profile's hosts file); this machine's resolver does not read that file, only what reads it sees the name",
                        file.display()
                    ),
                )
            };
        }
    }
    let ok = !resolved.is_empty()
        && (reported.is_empty() || resolved.iter().any(|r| wanted.contains(r)));
    let detail = match (resolved.is_empty(), reported.is_empty()) {
        (true, _) => "does not resolve: apply the dns step or add it to your DNS".to_string(),
        (false, true) => format!("resolves to {}", resolved.join(",")),
        (false, false) => format!("resolves to {} (ingress: {reported})", resolved.join(",")),
    };
    row(ok, detail)
}

/// One row per endpoint a pod calls server to server: every key-manager endpoint API-M calls
/// (as the profile derives them) and IS's token-revocation notification to API-M. Each says
/// whether it resolves inside the cluster (a Service, looked up through the API) or only
/// through public DNS, or not at all from a pod.
async fn server_endpoint_rows(p: &crate::profile::Profile, kube: &Kube) -> Vec<Row> {
    use crate::kube::service_dns::pod_reach;
    let ns = &p.cluster.namespace;
    let client = kube.client();
    let mut calls: Vec<(String, String)> = crate::steps::key_manager::server_to_server_endpoints(p)
        .into_iter()
        .map(|(name, url)| (format!("API-M → IS {name}"), url))
        .collect();
    calls.push((
        "IS → API-M revocation notify".into(),
        crate::steps::identity_server::notification_endpoint(p),
    ));
    let mut rows = Vec::new();
    for (what, url) in calls {
        let r = pod_reach(&client, ns, &url).await;
        rows.push(Row {
            check: "endpoint".into(),
            target: format!("{what} {url}"),
            ok: r.ok(),
            detail: if r.ok() {
                r.describe()
            } else {
                format!(
                    "{}; use keyManager.serverEndpoints: in-cluster (the IS Service)",
                    r.describe()
                )
            },
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    /// The profile's hosts file is where the dns step wrote the name: a block there counts,
    /// and the row says whether the resolver sees it.
    #[test]
    fn a_name_kmpilot_mapped_in_the_profiles_hosts_file_is_found_there() {
        let f = Path::new("/tmp/kmpilot-hosts");
        let r = dns_row(
            "am.local".into(),
            &[],
            &v(&["10.0.0.5"]),
            "10.0.0.5",
            Some((f, "10.0.0.5")),
        );
        assert!(r.ok, "{}", r.detail);
        assert!(r.detail.contains("/tmp/kmpilot-hosts"), "{}", r.detail);
        assert!(r.detail.contains("does not read that file"), "{}", r.detail);

        // the ingress moved: the block is stale
        let r = dns_row(
            "am.local".into(),
            &[],
            &v(&["10.0.0.6"]),
            "10.0.0.6",
            Some((f, "10.0.0.5")),
        );
        assert!(!r.ok);
        assert!(
            r.detail.contains("apply the dns step again"),
            "{}",
            r.detail
        );

        // in /etc/hosts but unanswered: the resolver is the problem, not the file
        let r = dns_row(
            "am.local".into(),
            &[],
            &[],
            "",
            Some((Path::new("/etc/hosts"), "10.0.0.5")),
        );
        assert!(!r.ok);
        assert!(r.detail.contains("nsswitch"), "{}", r.detail);

        // no block and no answer: as before
        let r = dns_row("am.local".into(), &[], &[], "10.0.0.5", None);
        assert!(!r.ok);
        assert!(r.detail.starts_with("does not resolve"), "{}", r.detail);

        // the resolver agrees with the ingress
        let r = dns_row(
            "am.local".into(),
            &v(&["10.0.0.5"]),
            &v(&["10.0.0.5"]),
            "10.0.0.5",
            None,
        );
        assert!(r.ok, "{}", r.detail);
    }
}

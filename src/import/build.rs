//! The pure half of the import: [`Live`] → profile + [`Report`]. No file, network or clock.

use serde_json::{Value, json};

use super::bindings::{self, BINDINGS, Chart, Outcome};
use super::values::{self, Difference, display, get, set_profile_path};
use super::{KeyManagerFacts, Live, LiveRelease, Report};
use crate::exec::bundle::redact::{Redactor, is_secret_key};
use crate::profile::Profile;
use crate::profile::secret::SecretRef;
use crate::profile::sections::dns::DnsMode;
use crate::profile::sections::identity_server::AppArmor;
use crate::profile::sections::is_image::IsImage;

/// The API-M 3.2 chart PrivateJet runs on (profiles/privatejet.yaml; `compat`'s PrivateJet fact).
const PRIVATE_JET_CHART: &str = "wso2/am-pattern-1";
const PRIVATE_JET_CHART_VERSION: &str = "3.2.0-5";

/// The imported profile, and what was and was not mapped. `Err` when the cluster holds
/// nothing kmpilot deploys.
pub fn build(name: &str, live: &Live) -> Result<(Profile, Report), String> {
    let mut p = Profile::quickstart(name);
    let mut r = Report {
        profile: name.to_string(),
        context: live.context.clone(),
        namespace: live.namespace.clone(),
        ..Report::default()
    };
    p.cluster.namespace = live.namespace.clone();
    p.cluster.context = live.context.clone();
    if p.cluster.namespace != crate::profile::sections::cluster::Cluster::default().namespace {
        r.mapped("cluster.namespace", "-n");
    }

    let is = find_release(live, Chart::IdentityServer, &mut r);
    let am = find_release(live, Chart::ApiManager, &mut r);
    for rel in &live.releases {
        let ours = [is, am].iter().flatten().any(|x| x.name == rel.name);
        if !ours {
            r.unmapped(
                format!("release {}", rel.name),
                format!(
                    "chart {} is not one kmpilot installs (identity-server, wso2am-all-in-one)",
                    rel.chart
                ),
            );
        }
    }
    if is.is_none() && am.is_none() && live.private_jet.is_empty() {
        return Err(format!(
            "nothing kmpilot deploys was found in namespace {}: no identity-server or wso2am-all-in-one release, no PrivateJet service account labelled app.kubernetes.io/managed-by=kmpilot",
            live.namespace
        ));
    }
    for (chart, rel) in [(Chart::IdentityServer, is), (Chart::ApiManager, am)] {
        let sec = chart.section();
        match rel {
            None => {
                p = set(&p, &format!("{sec}.install"), json!(false));
                r.mapped(
                    &format!("{sec}.install"),
                    format!("no {} release in the namespace", chart.chart_name()),
                );
            }
            Some(rel) => {
                let version = rel.chart[chart.chart_name().len() + 1..].to_string();
                p = set(&p, &format!("{sec}.release"), json!(rel.name));
                p = set(&p, &format!("{sec}.chartVersion"), json!(version));
                r.mapped(
                    &format!("{sec}.release"),
                    format!("helm release {}", rel.name),
                );
                r.mapped(
                    &format!("{sec}.chartVersion"),
                    format!("helm release {}: chart {}", rel.name, rel.chart),
                );
                r.assumptions.push(format!(
                    "{sec}.chart: helm records the chart's name and version, not where it came from; `wso2/{}` (the WSO2 repository) is assumed",
                    chart.chart_name()
                ));
                if rel.status != "deployed" {
                    r.unmapped(
                        format!("release {}", rel.name),
                        format!(
                            "status is {}, not deployed: its values are those of the last attempt",
                            rel.status
                        ),
                    );
                }
            }
        }
    }

    // API-M first: IS's values derive from its release (the revocation listener's Service)
    for (chart, rel) in [(Chart::ApiManager, am), (Chart::IdentityServer, is)] {
        let Some(rel) = rel else { continue };
        for bnd in BINDINGS.iter().filter(|b| b.chart == chart) {
            match bindings::apply(&mut p, bnd, &rel.values) {
                Some(Outcome::Set) => {
                    r.mapped(bnd.field, format!("release {}: {}", rel.name, bnd.value))
                }
                Some(Outcome::Rejected(e)) => r.unmapped(
                    format!("release {}: {}", rel.name, bnd.value),
                    format!("does not fit {}: {e}", bnd.field),
                ),
                Some(Outcome::Same) | None => {}
            }
        }
        match chart {
            Chart::ApiManager => api_manager_specials(&mut p, &mut r, rel),
            Chart::IdentityServer => identity_server_specials(&mut p, &mut r, rel),
        }
    }
    sizing(&mut p, &mut r, is, am);

    if am.is_none() && !live.private_jet.is_empty() {
        // PrivateJet exists only on API-M 3.2, which kmpilot does not install: the targets
        // are evidence of an API-M 3.2 elsewhere
        p.api_manager.chart = PRIVATE_JET_CHART.into();
        p.api_manager.chart_version = PRIVATE_JET_CHART_VERSION.into();
        r.assumptions.push(format!(
            "apiManager.chart / chartVersion: PrivateJet targets and no API-M release here: PrivateJet exists only on API-M 3.2, so its chart {} {} is assumed (installed elsewhere)",
            PRIVATE_JET_CHART,
            PRIVATE_JET_CHART_VERSION
        ));
    }
    if is.is_some() || am.is_some() {
        dns(&mut p, &mut r, live);
    }
    if is.is_some() && am.is_some() {
        key_manager(&mut p, &mut r, &live.key_manager);
    }
    // PrivateJet exists only on API-M 3.2: next to an API-M release without it (4.x), the
    // labelled accounts elsewhere in the cluster belong to another deployment, not this one
    let no_private_jet = am.is_some()
        && crate::compat::supports(&p, crate::compat::Feature::PrivateJet) == Some(false);
    if no_private_jet {
        for l in &live.private_jet {
            r.unmapped(
                format!("service account {}/{}", l.namespace, l.service_account),
                format!(
                    "a PrivateJet target, but this deployment's API-M {} has no PrivateJet mode (API-M 3.2 only): it belongs to another deployment",
                    p.api_manager.chart_version
                ),
            );
        }
    } else {
        super::private_jet::map(&mut p, &mut r, &live.private_jet);
    }
    if let Some(e) = &live.private_jet_unreadable {
        r.unmapped("PrivateJet accounts", format!("not searched: {e}"));
    }

    // what the re-rendered profile does not reproduce is listed, whatever the reason
    for (chart, rel) in [(Chart::IdentityServer, is), (Chart::ApiManager, am)] {
        let Some(rel) = rel else { continue };
        residue(&p, &mut r, chart, rel);
    }

    secrets_to_prompt(&mut p, &mut r);
    not_recorded(&p, &mut r);
    let issues = crate::steps::validate(&p);
    for i in issues
        .list
        .iter()
        .filter(|i| i.severity == crate::profile::diagnostics::Severity::Error)
    {
        r.unmapped(
            "imported profile",
            format!("{}: {} (fix it before replaying)", i.path, i.message),
        );
    }
    Ok((p, r))
}

fn set(p: &Profile, path: &str, v: Value) -> Profile {
    set_profile_path(p, path, v).expect("a path and value of kmpilot's own")
}

fn find_release<'a>(live: &'a Live, chart: Chart, r: &mut Report) -> Option<&'a LiveRelease> {
    let prefix = format!("{}-", chart.chart_name());
    let found = live
        .releases
        .iter()
        .filter(|rel| {
            rel.chart.starts_with(&prefix)
                && rel.chart[prefix.len()..].starts_with(|c: char| c.is_ascii_digit())
        })
        .collect::<Vec<_>>();
    if found.len() > 1 {
        for extra in &found[1..] {
            r.unmapped(
                format!("release {}", extra.name),
                format!(
                    "a second {} release; a profile holds one (release {} imported)",
                    chart.chart_name(),
                    found[0].name
                ),
            );
        }
    }
    found.first().copied()
}

fn api_manager_specials(p: &mut Profile, r: &mut Report, rel: &LiveRelease) {
    let v = &rel.values;
    let rendered = Chart::ApiManager.values(p);
    // databases: url and user; the password is a secret (existingSecret or the vault)
    for (key, field) in [("apim_db", "apimDb"), ("shared_db", "sharedDb")] {
        let at = format!("wso2.apim.configurations.databases.{key}");
        let (Some(url), Some(user)) = (
            get(v, &format!("{at}.url")),
            get(v, &format!("{at}.username")),
        ) else {
            continue;
        };
        if get(&rendered, &format!("{at}.url")) != Some(url)
            || get(&rendered, &format!("{at}.username")) != Some(user)
        {
            *p = set(
                p,
                &format!("apiManager.databases.{field}"),
                json!({"url": url, "username": user, "password": {"prompt": true}}),
            );
            r.mapped(
                &format!("apiManager.databases.{field}"),
                format!("release {}: {at}.url, .username", rel.name),
            );
        }
    }
    if get(v, "wso2.deployment.image.imagePullSecrets.enabled") == Some(&json!(true)) {
        let user = get(v, "wso2.deployment.image.imagePullSecrets.username")
            .cloned()
            .unwrap_or(json!(""));
        *p = set(
            p,
            "apiManager.image.pullCredentials",
            json!({"username": user, "password": {"prompt": true}}),
        );
        r.mapped(
            "apiManager.image.pullCredentials",
            format!(
                "release {}: wso2.deployment.image.imagePullSecrets",
                rel.name
            ),
        );
    }
    cloud_provider(p, r, rel);
    for name in ["management", "gateway", "websocket", "websub"] {
        let at = format!("kubernetes.ingress.{name}.annotations");
        let rendered = Chart::ApiManager.values(p);
        if let Some(live_a) = get(v, &at)
            && get(&rendered, &at) != Some(live_a)
        {
            match set_profile_path(
                p,
                &format!("apiManager.ingress.annotations.{name}"),
                live_a.clone(),
            ) {
                Ok(next) => {
                    *p = next;
                    r.mapped(
                        &format!("apiManager.ingress.annotations.{name}"),
                        format!("release {}: {at}", rel.name),
                    );
                }
                Err(e) => r.unmapped(format!("release {}: {at}", rel.name), e),
            }
        }
    }
}

/// Secure vault's cloud secret store (`aws`/`azure`/`gcp`, one enabled at most).
fn cloud_provider(p: &mut Profile, r: &mut Report, rel: &LiveRelease) {
    let v = &rel.values;
    let s = |path: &str| get(v, path).cloned().unwrap_or(json!(""));
    let provider = if get(v, "aws.enabled") == Some(&json!(true)) {
        let ids = "aws.secretsManager.secretIdentifiers.internalKeystorePassword";
        json!({"aws": {"region": s("aws.region"), "secretName": s(&format!("{ids}.secretName")),
                       "secretKey": s(&format!("{ids}.secretKey")), "serviceAccountName": s("aws.serviceAccountName")}})
    } else if get(v, "azure.enabled") == Some(&json!(true)) {
        let kv = "azure.keyVault";
        json!({"azure": {"keyVault": s(&format!("{kv}.name")), "tenantId": s(&format!("{kv}.activeDirectory.tenantId")),
                         "internalKeystorePassword": s(&format!("{kv}.secretIdentifiers.internalKeystorePassword")),
                         "internalKeystoreKeyPassword": s(&format!("{kv}.secretIdentifiers.internalKeystoreKeyPassword"))}})
    } else if get(v, "gcp.enabled") == Some(&json!(true)) {
        let sm = "gcp.secretsManager";
        json!({"gcp": {"projectId": s(&format!("{sm}.projectId")), "secretName": s(&format!("{sm}.secret.secretName")),
                       "secretVersion": s(&format!("{sm}.secret.secretVersion")), "serviceAccountName": s("gcp.serviceAccountName")}})
    } else {
        return;
    };
    match set_profile_path(p, "secureVault.provider", provider) {
        Ok(next) => {
            *p = next;
            r.mapped(
                "secureVault.provider",
                format!("release {}: aws / azure / gcp", rel.name),
            );
        }
        // residue lists the values themselves
        Err(e) => r.unmapped(format!("release {}: cloud secret store", rel.name), e),
    }
}

fn identity_server_specials(p: &mut Profile, r: &mut Report, rel: &LiveRelease) {
    let v = &rel.values;
    if get(v, "deployment.apparmor.enabled") == Some(&json!(false)) {
        p.identity_server.app_armor = AppArmor::Disabled;
        r.mapped(
            "identityServer.appArmor",
            format!("release {}: deployment.apparmor.enabled false", rel.name),
        );
    }
    // the image: kmpilot builds it (base + jar) or takes a ready one; the cluster only shows
    // the result, so the default build is assumed when the image is the one it would build
    let built = IsImage::default();
    let img = &p.identity_server.image;
    if img.repository.ends_with(&built.repository) {
        r.assumptions.push(format!(
            "identityServer.image.build: {} is named as kmpilot names the image it builds ({}); built again from the base and notification handler in this profile",
            img.image_ref(),
            built.repository
        ));
    } else {
        p.identity_server.image.build = false;
        r.mapped(
            "identityServer.image.build",
            format!(
                "release {}: the pods run {}, not an image kmpilot builds: taken as it is",
                rel.name,
                p.identity_server.image.image_ref()
            ),
        );
    }
    // extraConfigs = what kmpilot generates (with or without [role_mgt]) + the user's TOML
    let Some(Value::String(live_extra)) = get(v, "deploymentToml.extraConfigs") else {
        return;
    };
    for create_roles in [false, true] {
        let mut q = p.clone();
        q.key_manager.create_roles = create_roles;
        q.identity_server.extra_toml.clear();
        let generated = crate::steps::identity_server::extra_configs(&q);
        if let Some(rest) = live_extra.strip_prefix(&generated) {
            // the generated text is a prefix; with [role_mgt] off the user's TOML could
            // itself start with [role_mgt], so the longer prefix is tried too
            let rest = rest.trim_start_matches('\n');
            if create_roles || !rest.trim_start().starts_with("[role_mgt]") {
                p.key_manager.create_roles = create_roles;
                if create_roles {
                    r.mapped(
                        "keyManager.createRoles",
                        format!("release {}: [role_mgt] in extraConfigs", rel.name),
                    );
                }
                if !rest.trim().is_empty() {
                    p.identity_server.extra_toml = rest.to_string();
                    r.mapped(
                        "identityServer.extraToml",
                        format!("release {}: extraConfigs after kmpilot's tables", rel.name),
                    );
                }
                return;
            }
        }
    }
    // residue lists it with the difference
}

fn sizing(p: &mut Profile, r: &mut Report, is: Option<&LiveRelease>, am: Option<&LiveRelease>) {
    let laptop = json!(crate::steps::adapt::LAPTOP_CPU);
    let cpu = |rel: Option<&LiveRelease>, at: &str| rel.and_then(|x| get(&x.values, at)).cloned();
    let is_cpu = cpu(is, "deployment.resources.requests.cpu");
    let am_cpu = cpu(am, "wso2.deployment.resources.requests.cpu");
    if is_cpu.as_ref() == Some(&laptop) || am_cpu.as_ref() == Some(&laptop) {
        p.cluster.sizing = crate::profile::sections::cluster::Sizing::Laptop;
        r.mapped(
            "cluster.sizing",
            format!("releases' CPU requests {}", crate::steps::adapt::LAPTOP_CPU),
        );
    } else {
        r.not_recorded(
            "cluster.sizing",
            "the charts run with their own requests: `auto` kept (decided again when kmpilot meets the cluster)",
        );
    }
    if p.identity_server.app_armor != AppArmor::Disabled && is.is_some() {
        r.not_recorded(
            "identityServer.appArmor",
            "the chart's AppArmor profile is on: `auto` kept (decided again from the nodes)",
        );
    }
}

fn dns(p: &mut Profile, r: &mut Report, live: &Live) {
    let h = &live.hosts;
    if let Some(e) = &h.unreadable {
        r.unmapped(format!("hosts file {}", h.file.display()), e.clone());
    }
    let names = p.hostnames();
    // only the hostnames of what is installed: a missing server's names are no evidence
    let wanted: Vec<&String> = names
        .iter()
        .filter(|n| {
            let is_name = **n == p.identity_server.hostname;
            if is_name {
                p.identity_server.install
            } else {
                p.api_manager.install
            }
        })
        .collect();
    let found = h
        .blocks
        .iter()
        .find(|b| wanted.iter().all(|n| b.hostnames.contains(n)));
    match found {
        Some(b) => {
            p.dns.mode = DnsMode::HostsFile;
            p.dns.hosts_file = h.file.clone();
            r.mapped(
                "dns.mode",
                format!(
                    "hosts file {}: block `kmpilot {}` maps the hostnames to {}",
                    h.file.display(),
                    b.profile,
                    b.address
                ),
            );
            if h.file != crate::profile::sections::dns::Dns::default().hosts_file {
                r.mapped(
                    "dns.hostsFile",
                    format!("--hosts-file {}", h.file.display()),
                );
            }
            if b.profile != p.name {
                r.assumptions.push(format!(
                    "the hosts block is named after profile `{}`; replaying as `{}` writes a block of its own (remove the old one)",
                    b.profile, p.name
                ));
            }
        }
        None => {
            p.dns.mode = DnsMode::Print;
            r.not_recorded(
                "dns.hostsFile",
                "no kmpilot block names the hostnames: which hosts file the profile writes is not on the cluster",
            );
            r.assumptions.push(format!(
                "dns.mode: no kmpilot block in {} names the hostnames, so `print` (kmpilot cannot tell print from none, or a block in another hosts file)",
                h.file.display()
            ));
        }
    }
}

fn key_manager(p: &mut Profile, r: &mut Report, facts: &KeyManagerFacts) {
    match facts {
        KeyManagerFacts::NotRead => r.not_recorded(
            "keyManager",
            "the registration was not read (API-M was not asked): kmpilot's defaults kept",
        ),
        KeyManagerFacts::Unreadable(why) => r.not_recorded(
            "keyManager",
            &format!("API-M's Admin REST API did not answer ({why}): kmpilot's defaults kept"),
        ),
        KeyManagerFacts::Listed(kms) if kms.is_empty() => {
            p.key_manager.register = false;
            r.mapped(
                "keyManager.register",
                "Admin REST API: no key manager points at this IS",
            );
        }
        KeyManagerFacts::Listed(kms) => {
            let mut km = kms[0].clone();
            for extra in &kms[1..] {
                r.unmapped(
                    "Admin REST API",
                    format!(
                        "a second key manager `{}` points at this IS; one imported",
                        extra["name"].as_str().unwrap_or("?")
                    ),
                );
            }
            for (key, field) in [
                ("name", "keyManager.name"),
                ("displayName", "keyManager.displayName"),
                ("description", "keyManager.description"),
            ] {
                if let Some(Value::String(s)) = km.get(key) {
                    let cur = serde_json::to_value(&p.key_manager).unwrap_or_default();
                    if cur.get(key) != Some(&json!(s)) && !(key == "description" && s.is_empty()) {
                        *p = set(p, field, json!(s));
                        r.mapped(field, format!("Admin REST API: {key}"));
                    }
                }
            }
            let rendered = crate::steps::key_manager::body(p);
            // either shape of the connector's credentials is the same registration
            crate::steps::key_manager::read_as_connector(&rendered, &mut km);
            let km = &km;
            for (path, want) in values::leaves(&rendered) {
                let last = path.last().map(String::as_str).unwrap_or("");
                if is_secret_key(last) {
                    continue;
                }
                let got = values::get_segments(km, &path);
                if got != Some(&want) {
                    r.unmapped(
                        format!("Admin REST API: key manager {}", display(&path)),
                        format!(
                            "API-M holds {}, the imported profile would register {}",
                            shown(got.unwrap_or(&Value::Null)),
                            shown(&want)
                        ),
                    );
                }
            }
        }
    }
}

/// Chart values the imported profile does not reproduce.
fn residue(p: &Profile, r: &mut Report, chart: Chart, rel: &LiveRelease) {
    // secrets: what kmpilot hands helm on standard input, and what was masked as read
    let mask = Value::String(super::bindings::SECRET_MASK.into());
    let mut skip = chart.overlay_paths(p);
    for (path, v) in values::leaves(&rel.values) {
        let secret = v == mask || skip.iter().any(|s| path.starts_with(s));
        if secret {
            r.secret_values_skipped
                .push(format!("release {}: {}", rel.name, display(&path)));
            skip.push(path);
        }
    }
    for d in values::differences(&rel.values, &chart.values(p), &skip) {
        match d {
            Difference::Live {
                path,
                live,
                rendered,
            } => r.unmapped(
                format!("release {}: {}", rel.name, display(&path)),
                match rendered {
                    Some(x) => format!(
                        "the cluster has {}, the imported profile renders {}",
                        shown(&live),
                        shown(&x)
                    ),
                    None => format!(
                        "the cluster has {}; no profile field renders this value",
                        shown(&live)
                    ),
                },
            ),
            Difference::Missing { path, rendered } => r.unmapped(
                format!("release {}: {}", rel.name, display(&path)),
                format!(
                    "not set on the cluster; the imported profile renders {}",
                    shown(&rendered)
                ),
            ),
        }
    }
}

/// A value for the report: secret-shaped content masked, long text cut.
fn shown(v: &Value) -> String {
    let s = match v {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    };
    let s = Redactor::default().text(&s);
    if s.chars().count() > 120 {
        format!(
            "{}… ({} characters)",
            s.chars().take(117).collect::<String>(),
            s.len()
        )
    } else {
        s
    }
}

/// Every secret reference becomes `prompt: true`: the profile says where a secret comes from,
/// and the cluster cannot say that (its values are never copied).
pub(super) fn secrets_to_prompt(p: &mut Profile, r: &mut Report) {
    let Ok(mut doc) = serde_json::to_value(&*p) else {
        return;
    };
    let mut found = Vec::new();
    fn walk(v: &mut Value, at: &mut Vec<String>, found: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                let is_ref = m.len() == 1
                    && m.keys()
                        .all(|k| matches!(k.as_str(), "env" | "file" | "prompt" | "literal"));
                if is_ref && serde_json::from_value::<SecretRef>(Value::Object(m.clone())).is_ok() {
                    *v = json!({"prompt": true});
                    found.push(at.join("."));
                    return;
                }
                for (k, x) in m.iter_mut() {
                    at.push(k.clone());
                    walk(x, at, found);
                    at.pop();
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter_mut().enumerate() {
                    at.push(i.to_string());
                    walk(x, at, found);
                    at.pop();
                }
            }
            _ => {}
        }
    }
    walk(&mut doc, &mut Vec::new(), &mut found);
    if let Ok(q) = serde_json::from_value(doc) {
        *p = q;
        r.secrets = found;
    }
}

/// Settings that live only in the profile: kmpilot keeps them nowhere on the cluster.
fn not_recorded(p: &Profile, r: &mut Report) {
    let why_local = "a setting of kmpilot's run, not kept on the cluster";
    let mut list: Vec<(&str, &str)> = vec![
        ("description", why_local),
        ("cluster.kubeconfig", "a local file"),
        (
            "cluster.kind",
            "detected again when kmpilot meets the cluster",
        ),
        (
            "cluster.name",
            "detected again when kmpilot meets the cluster",
        ),
        ("cluster.createNamespace", why_local),
        ("cluster.ingress.install", why_local),
        ("prerequisites", why_local),
    ];
    if !p.identity_server.install {
        list.push((
            "identityServer.release / chart / chartVersion / hostname / admin / image / extraToml / helmTimeoutMinutes / appArmor",
            "IS is not installed in this namespace",
        ));
    }
    if !p.api_manager.install {
        list.push((
            "apiManager.release / hostnames / image / ingress / admin / databases / highAvailability / extraToml / helmTimeoutMinutes",
            "API-M is not installed in this namespace",
        ));
    }
    if !p.identity_server.install && !p.api_manager.install {
        list.extend([
            ("keystores", "used only by IS and API-M"),
            ("secureVault", "used only by API-M"),
            ("dns", "used only for IS and API-M"),
        ]);
    }
    if !(p.identity_server.install && p.api_manager.install) {
        list.push((
            "keyManager",
            "registered only when both IS and API-M are installed",
        ));
    }
    if p.identity_server.install || p.api_manager.install {
        list.push((
            "keystores.keyPassword",
            "whether the key password differs from the store password is in the secrets' content, which is not read",
        ));
        list.extend([
            (
                "keystores.dname / validityDays / keySize / extraSans / provided / extraCaBundle",
                "the keystores are reused from the cluster's Secrets while they exist; these only shape new ones",
            ),
            ("dns.waitSeconds / dns.address", why_local),
            (
                "keystores.tlsSecret",
                "the ingresses' TLS secret is read into apiManager.ingress.tlsSecret: whether kmpilot generated it (keystores.tlsSecret) or it is the person's own, the cluster does not say",
            ),
        ]);
    }
    if p.identity_server.install {
        list.extend([
            ("identityServer.helmTimeoutMinutes", why_local),
            (
                "identityServer.image.base / notificationHandler / jarUrl / serverVersion / push / delivery",
                "the build inputs of the image are not on the cluster",
            ),
        ]);
    }
    if p.api_manager.install {
        list.push(("apiManager.helmTimeoutMinutes", why_local));
    }
    if p.identity_server.install && p.api_manager.install {
        list.push((
            "keyManager.discover / tls / timeoutSeconds / serverEndpoints / endpoints / connector",
            "how kmpilot registers, not what API-M holds",
        ));
    }
    if !p.private_jet.clusters.is_empty() {
        list.extend([
            (
                "privateJet.mergeInto / target / customClass",
                "the API-M deployment.toml kmpilot merged into is a file outside these clusters",
            ),
            ("privateJet.operatorConfigs", why_local),
        ]);
    } else {
        list.push((
            "privateJet.operatorConfigs",
            "used only with PrivateJet targets, and none were found",
        ));
    }
    list.push(("kmsSts", "the KMS↔STS track is not imported"));
    for (f, why) in list {
        r.not_recorded(f, why);
    }
}

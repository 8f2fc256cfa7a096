//! Step "api-manager": the `wso2/wso2am-all-in-one` chart with the real 4.5 key paths
//! (`kubernetes.ingress.management`, not the documented `controlPlane`), credentials through
//! a Kubernetes Secret (`existingSecret`), the keystores from the keystores step, secure vault,
//! and workarounds for the chart bugs in wso2-facts §1.

use crate::profile::sections::api_manager::H2_USER;
use crate::profile::sections::api_manager::{Database, DbType};

use serde_json::{Value, json};

use super::secure_vault::{self, ALIASES};
use crate::plan::{
    Action, Artifact, ArtifactKind, OverlayEntry, SecretOverlay, SecretSource, SecretSpec,
    SecretValue, Step, StepId,
};
use crate::profile::diagnostics::{Issues, YamlPath};
use crate::profile::secret::SecretRef;
use crate::profile::{Credentials, Profile, checks};
use crate::render;

mod form;
mod plan;
mod values;
pub use form::*;
pub use plan::*;
pub use values::*;
#[cfg(test)]
mod tests;

pub fn validate(p: &Profile, issues: &mut Issues) {
    let a = &p.api_manager;
    let base = YamlPath::root().key("apiManager");
    checks::k8s_label(
        issues,
        &base.key("release"),
        &a.release,
        "helm release name",
    );
    checks::non_empty(
        issues,
        &base.key("chart"),
        &a.chart,
        "wso2/wso2am-all-in-one",
    );
    checks::chart_version(issues, &base.key("chartVersion"), &a.chart_version);
    if is_pre_tag_chart(&a.chart_version) && a.image.digest.is_none() {
        issues.error(
            &base.key("image").key("digest"),
            format!(
                "chart {} always renders the image as registry/repository@digest",
                a.chart_version
            ),
            Some("an image digest (sha256:…), or chart version 4.5.0-10 or later"),
            Some("the `tag` value exists only from 4.5.0-10"),
        );
    }
    if let Some(line) = a.line()
        && !a.image.tag.is_empty()
        && a.image.digest.is_none()
        && a.image.repository == line.image_repository
        && !a.image.tag.starts_with(&format!("{}.", line.name()))
    {
        issues.error(
            &base.key("image").key("tag"),
            format!(
                "{}:{} is not API-M {}, the line of chart {}",
                a.image.repository,
                a.image.tag,
                line.name(),
                a.chart_version
            ),
            Some(&format!(
                "{} (or leave the tag out: the line's own)",
                line.image_tag
            )),
            Some("the chart writes the configuration of its own API-M version"),
        );
    }
    match (a.line().and_then(|l| l.encryption_key), &a.encryption_key) {
        (Some(_), Some(r)) if p.secure_vault.enabled => issues.warn(
            &base.key("encryptionKey"),
            format!("not used with secure vault: API-M {} then encrypts with its internal keystore (KeyStoreBasedInternalCryptoProvider)", a.line().map(|l| l.name()).unwrap_or_default()),
            Some(&format!("remove it, or secureVault.enabled: false ({r})")),
        ),
        (Some(_), Some(r)) => checks::secret(issues, &base.key("encryptionKey"), r),
        (None, Some(_)) => issues.warn(
            &base.key("encryptionKey"),
            format!("chart {} has no encryption key: not used", a.chart_version),
            Some("remove it; API-M 4.7 and later have one"),
        ),
        _ => {}
    }
    checks::registry(
        issues,
        &base.key("image").key("registry"),
        &a.image.registry,
    );
    checks::non_empty(
        issues,
        &base.key("image").key("repository"),
        &a.image.repository,
        "wso2/wso2am",
    );
    if let Some(d) = &a.image.digest {
        let ok = d
            .strip_prefix("sha256:")
            .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()));
        if !ok {
            issues.error(
                &base.key("image").key("digest"),
                format!("`{d}` is not an image digest"),
                Some("sha256: followed by 64 hex digits"),
                None,
            );
        }
    }
    if let Some(c) = &a.image.pull_credentials {
        c.validate(issues, &base.key("image").key("pullCredentials"));
    }
    let hb = base.key("hostnames");
    let mut seen: Vec<&String> = Vec::new();
    for (field, host) in a.hostnames.all() {
        checks::hostname(issues, &hb.key(field), host);
        if seen.contains(&host) {
            issues.error(
                &hb.key(field),
                format!("`{host}` is used by two ingresses"),
                Some("four distinct hostnames"),
                Some("each ingress routes a different port of the API-M service"),
            );
        }
        seen.push(host);
    }
    if a.hostnames.management == p.identity_server.hostname {
        issues.error(
            &hb.key("management"),
            "the same hostname as the Identity Server",
            Some("a hostname of its own"),
            None,
        );
    }
    let ib = base.key("ingress");
    checks::k8s_name(issues, &ib.key("className"), &a.ingress.class_name);
    if let Some(t) = &a.ingress.tls_secret {
        checks::k8s_name(issues, &ib.key("tlsSecret"), t);
    }
    for key in a.ingress.annotations.keys() {
        if !["management", "gateway", "websocket", "websub"].contains(&key.as_str()) {
            issues.error(
                &ib.key("annotations").key(key),
                format!("no ingress named `{key}`"),
                Some("management, gateway, websocket or websub"),
                Some("the all-in-one chart has no `controlPlane` ingress; that key belongs to the distributed control-plane chart"),
            );
        }
    }
    a.admin.validate(issues, &base.key("admin"));
    let db = &a.databases;
    let dbb = base.key("databases");
    if db.db_type != DbType::H2 {
        for (field, d) in [("apimDb", &db.apim_db), ("sharedDb", &db.shared_db)] {
            match d {
                None => issues.error(
                    &dbb.key(field),
                    format!("a {} database needs its connection", db.db_type.name()),
                    Some("{url: jdbc:…, username: …, password: {env: VAR}}"),
                    None,
                ),
                Some(d) => {
                    if !d.url.starts_with(db.db_type.url_prefix()) {
                        issues.error(
                            &dbb.key(field).key("url"),
                            format!("`{}` is not a {} JDBC URL", d.url, db.db_type.name()),
                            Some(&format!("a URL starting with {}", db.db_type.url_prefix())),
                            None,
                        );
                    }
                    checks::non_empty(
                        issues,
                        &dbb.key(field).key("username"),
                        &d.username,
                        "the database user",
                    );
                    checks::secret(issues, &dbb.key(field).key("password"), &d.password);
                }
            }
        }
    } else if p.secure_vault.enabled {
        issues.warn(&dbb.key("type"), "secure vault with the embedded H2 databases encrypts their well-known default password", None);
    }
    for (table, line) in crate::verify::known_tables::clashes(
        crate::verify::ChartKind::ApiManager,
        &a.chart_version,
        &a.extra_toml,
    ) {
        issues.error(
            &base.key("extraToml"),
            format!(
                "[{table}] (line {line} of extraToml) is already declared by the deployment.toml of chart {} {}; TOML forbids declaring a table twice, so API-M would not start",
                a.chart, a.chart_version
            ),
            Some("tables the chart's template does not declare"),
            Some("remove the table, or set its keys through the chart's values; `kmpilot verify` renders the exact chart"),
        );
    }
    if !a.extra_toml.is_empty()
        && let Err(e) = a.extra_toml.parse::<toml::Table>()
    {
        issues.error(
            &base.key("extraToml"),
            format!("not valid TOML: {}", e.message()),
            Some("TOML tables with key = value lines"),
            None,
        );
    }
}

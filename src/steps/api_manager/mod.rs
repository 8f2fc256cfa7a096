//! Step "api-manager": the `wso2/wso2am-all-in-one` chart with the real 4.5 key paths
//! (`kubernetes.ingress.management`, not the documented `controlPlane`), credentials through
//! a Kubernetes Secret (`existingSecret`), the keystores from the keystores step, secure vault,
//! and workarounds for the chart bugs in wso2-facts §1.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ApiManager {
    /// Install API-M with the chart. Off when it runs elsewhere (an API-M 3.2 installed with
    /// its own chart for PrivateJet) or is not part of the profile (the KMS track alone); the
    /// chart version still says which API-M version the other steps are for.
    #[serde(skip_serializing_if = "is_true")]
    pub install: bool,
    pub release: String,
    pub chart: String,
    pub chart_version: String,
    pub image: ApimImage,
    pub hostnames: Hostnames,
    pub ingress: Ingress,
    pub admin: Credentials,
    pub databases: Databases,
    pub high_availability: bool,
    /// Free TOML for `wso2.apim.configurations.extraConfigs` (appended to deployment.toml).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub extra_toml: String,
    pub helm_timeout_minutes: u32,
}

fn is_true(b: &bool) -> bool {
    *b
}

impl Default for ApiManager {
    fn default() -> Self {
        ApiManager {
            install: true,
            release: "apim".into(),
            chart: "wso2/wso2am-all-in-one".into(),
            chart_version: "4.5.0-10".into(),
            image: ApimImage::default(),
            hostnames: Hostnames::default(),
            ingress: Ingress::default(),
            admin: Credentials::new("admin", "APIM_ADMIN_PASSWORD"),
            databases: Databases::default(),
            high_availability: false,
            extra_toml: String::new(),
            helm_timeout_minutes: 20,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ApimImage {
    pub registry: String,
    pub repository: String,
    pub tag: String,
    /// Wins over the tag when set (`registry/repository@digest`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// Credentials for a private registry; the chart builds its own pull secret from them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pull_credentials: Option<Credentials>,
}

impl Default for ApimImage {
    fn default() -> Self {
        ApimImage {
            registry: "docker.io".into(),
            repository: "wso2/wso2am".into(),
            tag: "4.5.0".into(),
            digest: None,
            pull_credentials: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Hostnames {
    pub management: String,
    pub gateway: String,
    pub websocket: String,
    pub websub: String,
}

impl Default for Hostnames {
    fn default() -> Self {
        Hostnames {
            management: "am.wso2.com".into(),
            gateway: "gw.wso2.com".into(),
            websocket: "websocket.wso2.com".into(),
            websub: "websub.wso2.com".into(),
        }
    }
}

impl Hostnames {
    pub fn all(&self) -> [(&'static str, &String); 4] {
        [
            ("management", &self.management),
            ("gateway", &self.gateway),
            ("websocket", &self.websocket),
            ("websub", &self.websub),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Ingress {
    pub class_name: String,
    /// TLS secret of the ingresses; the keystores step's secret when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_secret: Option<String>,
    /// Annotations per ingress; an ingress listed here gets exactly these, others the chart's
    /// recommended defaults.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub annotations: IndexMap<String, IndexMap<String, String>>,
}

impl Default for Ingress {
    fn default() -> Self {
        Ingress {
            class_name: "nginx".into(),
            tls_secret: None,
            annotations: IndexMap::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DbType {
    #[default]
    H2,
    Mysql,
    Postgres,
    Mssql,
    Oracle,
}

impl DbType {
    pub fn default_driver(self) -> &'static str {
        match self {
            DbType::H2 => "org.h2.Driver",
            DbType::Mysql => "com.mysql.cj.jdbc.Driver",
            DbType::Postgres => "org.postgresql.Driver",
            DbType::Mssql => "com.microsoft.sqlserver.jdbc.SQLServerDriver",
            DbType::Oracle => "oracle.jdbc.OracleDriver",
        }
    }
    fn name(self) -> &'static str {
        match self {
            DbType::H2 => "h2",
            DbType::Mysql => "mysql",
            DbType::Postgres => "postgres",
            DbType::Mssql => "mssql",
            DbType::Oracle => "oracle",
        }
    }
    fn url_prefix(self) -> &'static str {
        match self {
            DbType::H2 => "jdbc:h2:",
            DbType::Mysql => "jdbc:mysql:",
            DbType::Postgres => "jdbc:postgresql:",
            DbType::Mssql => "jdbc:sqlserver:",
            DbType::Oracle => "jdbc:oracle:",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Databases {
    /// One type and driver for both databases: the chart has no per-database setting.
    #[serde(rename = "type")]
    pub db_type: DbType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
    /// Required unless the type is h2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apim_db: Option<Database>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared_db: Option<Database>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Database {
    pub url: String,
    pub username: String,
    pub password: SecretRef,
}

/// H2's documented defaults (chart default_values.yaml); not a secret anyone chose.
const H2_USER: &str = "wso2carbon";

fn h2_db(name: &str) -> Database {
    Database {
        url: format!("jdbc:h2:./repository/database/{name};DB_CLOSE_ON_EXIT=FALSE"),
        username: H2_USER.into(),
        password: SecretRef::Literal(H2_USER.into()),
    }
}

impl Databases {
    pub fn apim(&self) -> Database {
        self.apim_db.clone().unwrap_or_else(|| h2_db("WSO2AM_DB"))
    }
    pub fn shared(&self) -> Database {
        self.shared_db
            .clone()
            .unwrap_or_else(|| h2_db("WSO2SHARED_DB"))
    }
}

impl ApiManager {
    /// The chart's `fullname`: `<release>-wso2am-all-in-one` unless the release already
    /// contains the chart name.
    pub fn fullname(&self) -> String {
        if self.release.contains("wso2am-all-in-one") {
            self.release.clone()
        } else {
            format!("{}-wso2am-all-in-one", self.release)
        }
    }

    pub fn service_name(&self) -> String {
        format!("{}-am-service", self.fullname())
    }

    pub fn credentials_secret(&self) -> String {
        format!("{}-kmpilot-credentials", self.release)
    }

    pub fn tls_secret<'a>(&'a self, p: &'a Profile) -> &'a str {
        self.ingress
            .tls_secret
            .as_deref()
            .unwrap_or(&p.keystores.tls_secret)
    }
}

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

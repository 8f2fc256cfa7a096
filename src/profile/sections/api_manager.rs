//! The `apiManager` section: the API-M chart, its hostnames, ingress, databases and image.

use super::credentials::Credentials;
use crate::chart_lines::{self, ApimLine};
use crate::profile::secret::SecretRef;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

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
    /// The symmetric encryption key of a line that needs one (API-M 4.7): absent, kmpilot
    /// generates it once (64 hex characters from the OS's CSPRNG) into the credentials Secret
    /// and keeps it there; a reference (`{env|file|prompt}`) brings an existing key instead.
    /// Either way the key in the cluster never changes once there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_key: Option<SecretRef>,
    pub helm_timeout_minutes: u32,
}

pub(crate) fn is_true(b: &bool) -> bool {
    *b
}

impl Default for ApiManager {
    fn default() -> Self {
        ApiManager {
            install: true,
            release: "apim".into(),
            chart: "wso2/wso2am-all-in-one".into(),
            chart_version: chart_lines::current_apim().chart_version.into(),
            image: ApimImage::default(),
            hostnames: Hostnames::default(),
            ingress: Ingress::default(),
            admin: Credentials::new("admin", "APIM_ADMIN_PASSWORD"),
            databases: Databases::default(),
            high_availability: false,
            extra_toml: String::new(),
            encryption_key: None,
            helm_timeout_minutes: 20,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ApimImage {
    pub registry: String,
    pub repository: String,
    /// Empty: the chart line's own tag (`ApiManager::image_tag`).
    #[serde(skip_serializing_if = "String::is_empty")]
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
            tag: String::new(),
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
    pub(crate) fn name(self) -> &'static str {
        match self {
            DbType::H2 => "h2",
            DbType::Mysql => "mysql",
            DbType::Postgres => "postgres",
            DbType::Mssql => "mssql",
            DbType::Oracle => "oracle",
        }
    }
    pub(crate) fn url_prefix(self) -> &'static str {
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

pub(crate) fn h2_db(name: &str) -> Database {
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
    /// The chart line of `chartVersion`, when kmpilot knows it (`compat::validate` refuses an
    /// unknown one for an install).
    pub fn line(&self) -> Option<&'static ApimLine> {
        chart_lines::apim(&self.chart_version)
    }

    /// The image tag: the profile's, else the line's own (`4.7.0` for chart `4.7.0-1`).
    pub fn image_tag(&self) -> &str {
        if !self.image.tag.is_empty() {
            return &self.image.tag;
        }
        self.line()
            .map_or(chart_lines::current_apim().image_tag, |l| l.image_tag)
    }

    /// The key of the credentials Secret that holds the encryption key.
    pub const ENCRYPTION_KEY_KEY: &str = "encryption-key";

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
}

/// H2's documented defaults (chart default_values.yaml); not a secret anyone chose.
pub(crate) const H2_USER: &str = "wso2carbon";

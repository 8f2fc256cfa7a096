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

/// Chart versions before 4.5.0-10 have no `tag` value.
fn is_pre_tag_chart(v: &str) -> bool {
    v.strip_prefix("4.5.0-")
        .and_then(|n| n.parse::<u32>().ok())
        .is_some_and(|n| n < 10)
}

fn default_annotations(ingress: &str) -> Value {
    let n = |k: &str| format!("nginx.ingress.kubernetes.io/{k}");
    match ingress {
        "management" => json!({
            n("backend-protocol"): "HTTPS",
            n("affinity"): "cookie",
            n("session-cookie-name"): "route",
            n("session-cookie-hash"): "sha1",
        }),
        "gateway" => json!({
            n("backend-protocol"): "HTTPS",
            n("proxy-buffering"): "on",
            n("proxy-buffer-size"): "8k",
        }),
        // websocket and websub: the chart sets none, and their ports are not all TLS
        _ => json!({}),
    }
}

pub fn values(p: &Profile) -> Value {
    let a = &p.api_manager;
    let k = &p.keystores;
    let vault = p.secure_vault.enabled;
    let mut image = json!({
        "registry": a.image.registry,
        "repository": a.image.repository,
        "tag": a.image.tag,
        "imagePullPolicy": "IfNotPresent",
        "imagePullSecrets": {"enabled": a.image.pull_credentials.is_some()},
    });
    if let Some(d) = &a.image.digest {
        image["digest"] = json!(d);
    }
    if let Some(c) = &a.image.pull_credentials {
        image["imagePullSecrets"]["username"] = json!(c.username);
    }
    let apim_db = a.databases.apim();
    let shared_db = a.databases.shared();
    let driver = a
        .databases
        .driver
        .clone()
        .unwrap_or_else(|| a.databases.db_type.default_driver().to_string());
    let mut configurations = json!({
        "adminUsername": a.admin.username,
        "databases": {
            "type": a.databases.db_type.name(),
            "jdbc": {"driver": driver},
            "apim_db": {"url": apim_db.url, "username": apim_db.username},
            "shared_db": {"url": shared_db.url, "username": shared_db.username},
        },
        "security": {
            "jksSecretName": k.apim.secret_name,
            "keystores": {
                "primary": {"enabled": true, "name": k.apim.keystore, "alias": k.apim.alias},
                "tls": {"enabled": true, "name": k.apim.tls_keystore, "alias": k.apim.alias},
                "internal": {"enabled": true, "name": k.apim.internal_keystore, "alias": k.apim.alias},
            },
            "truststore": {"name": k.apim.truststore},
        },
        // IS 7 can only be a third-party key manager; it is registered by the key-manager step
        "iskm": {"enabled": false},
        "gateway": {"environments": [{
            "name": "Default",
            "type": "hybrid",
            "gatewayType": "Regular",
            "provider": "wso2",
            "visibility": "",
            "displayInApiConsole": true,
            "description": "This is a hybrid gateway that handles both production and sandbox token traffic.",
            "showAsTokenEndpointUrl": true,
            "serviceName": a.service_name(),
            "servicePort": 9443,
            "wsHostname": a.hostnames.websocket,
            "httpHostname": a.hostnames.gateway,
            "websubHostname": a.hostnames.websub,
        }]},
    });
    if !vault {
        configurations["existingSecret"] = json!({
            "secretName": a.credentials_secret(),
            "adminPasswordKey": "admin-password",
            "apimDBPasswordKey": "apim-db-password",
            "sharedDBPasswordKey": "shared-db-password",
        });
    }
    if !a.extra_toml.trim().is_empty() {
        configurations["extraConfigs"] = json!(a.extra_toml);
    }
    let mut ingress = json!({
        // chart bug (4.5.0-10): deployment.toml reads kubernetes.ingress.enabled, which
        // values.yaml lacks, to choose the server hostname
        "enabled": true,
        "tlsSecret": a.tls_secret(p),
    });
    let mut gateway_api = json!({});
    for (name, host) in a.hostnames.all() {
        let annotations = match a.ingress.annotations.get(name) {
            Some(m) => json!(m),
            None => default_annotations(name),
        };
        ingress[name] = json!({"enabled": true, "hostname": host, "annotations": annotations});
        // the same bug's other half: keep the Gateway API hostnames equal to the ingress ones
        gateway_api[name] = json!({"hostname": host});
    }
    let mut v = json!({
        "wso2": {
            "deployment": {"image": image, "highAvailability": a.high_availability},
            "apim": {"secureVaultEnabled": vault, "configurations": configurations},
        },
        "kubernetes": {
            "ingressClass": a.ingress.class_name,
            "ingress": ingress,
            "gatewayAPI": gateway_api,
        },
    });
    if super::exposure::gateway_api(p) {
        super::exposure::merge(&mut v, super::exposure::apim_values(p));
    }
    let cloud = secure_vault::cloud_values(&p.secure_vault);
    for key in ["aws", "azure", "gcp"] {
        v[key] = cloud[key].clone();
    }
    if p.cluster.sizing == super::cluster::Sizing::Laptop {
        let d = &mut v["wso2"]["deployment"];
        d["resources"] = json!({"requests": {"cpu": super::adapt::LAPTOP_CPU}});
        d["startupProbe"] = json!({"failureThreshold": super::adapt::LAPTOP_APIM_STARTUP_FAILURES});
    }
    v
}

/// Secret values helm reads from standard input: keystore passwords (the chart has no
/// secret reference for them) and, with secure vault, all ten encrypted aliases.
pub fn overlay(p: &Profile) -> SecretOverlay {
    let a = &p.api_manager;
    let k = &p.keystores;
    let mut entries = Vec::new();
    let mut push = |path: &str, secret: &SecretRef, var: &str| {
        let value = if p.secure_vault.enabled {
            SecretValue::VaultEncrypted {
                secret: secret.clone(),
                cipher: p.secure_vault.cipher,
            }
        } else {
            SecretValue::Ref(secret.clone())
        };
        entries.push(OverlayEntry {
            path: path.split('.').map(str::to_string).collect(),
            value,
            shell_var: secret.shell_var(var).to_string(),
        });
    };
    for (alias, path) in ALIASES {
        let (secret, var) = match alias {
            "admin_password" => (&a.admin.password, "APIM_ADMIN_PASSWORD"),
            "apim_db_password" => (&a.databases.apim().password, "APIM_DB_PASSWORD"),
            "shared_db_password" => (&a.databases.shared().password, "SHARED_DB_PASSWORD"),
            a if a.ends_with("key_password") => k.key_password_and_var(),
            _ => (&k.store_password, "KEYSTORE_PASSWORD"),
        };
        // without secure vault, admin and database passwords go through existingSecret
        let via_secret = matches!(
            alias,
            "admin_password" | "apim_db_password" | "shared_db_password"
        );
        if p.secure_vault.enabled || !via_secret {
            push(path, secret, var);
        }
    }
    if let Some(c) = &a.image.pull_credentials {
        push(
            "wso2.deployment.image.imagePullSecrets.password",
            &c.password,
            "APIM_REGISTRY_PASSWORD",
        );
    }
    if p.secure_vault.enabled {
        // pull-secret passwords are not a secure-vault alias: keep them as plain references
        for e in entries.iter_mut().filter(|e| {
            e.path.last().is_some_and(|l| l == "password")
                && e.path.contains(&"imagePullSecrets".to_string())
        }) {
            if let SecretValue::VaultEncrypted { secret, .. } = &e.value {
                e.value = SecretValue::Ref(secret.clone());
            }
        }
    }
    SecretOverlay { entries }
}

fn db_secret(d: &Database, var: &str) -> SecretSource {
    if d.username == H2_USER && d.password == SecretRef::Literal(H2_USER.into()) {
        return SecretSource::Plain(H2_USER.into());
    }
    SecretSource::Ref {
        secret: d.password.clone(),
        shell_var: d.password.shell_var(var).to_string(),
    }
}

pub fn plan(p: &Profile, artifacts: &mut Vec<Artifact>) -> Step {
    let a = &p.api_manager;
    let path = "api-manager/values.yaml".to_string();
    artifacts.push(Artifact {
        path: path.clone(),
        kind: ArtifactKind::Yaml,
        content: format!(
            "{}{}",
            render::header("#", &p.name),
            render::yaml(&values(p))
        ),
    });
    // verified first: a chart that renders wrong changes nothing, not even the credentials
    let mut actions = vec![Action::Verify(Box::new(crate::verify::spec(
        p,
        crate::verify::ChartKind::ApiManager,
    )))];
    if !p.secure_vault.enabled {
        actions.push(Action::CreateSecret(SecretSpec {
            context: p.cluster.context.clone(),
            namespace: p.cluster.namespace.clone(),
            name: a.credentials_secret(),
            secret_type: "Opaque".into(),
            data: vec![
                (
                    "admin-password".into(),
                    SecretSource::Ref {
                        secret: a.admin.password.clone(),
                        shell_var: a
                            .admin
                            .password
                            .shell_var("APIM_ADMIN_PASSWORD")
                            .to_string(),
                    },
                ),
                (
                    "apim-db-password".into(),
                    db_secret(&a.databases.apim(), "APIM_DB_PASSWORD"),
                ),
                (
                    "shared-db-password".into(),
                    db_secret(&a.databases.shared(), "SHARED_DB_PASSWORD"),
                ),
            ],
        }));
    }
    actions.push(Action::WriteFile {
        artifact: path.clone(),
    });
    actions.push(super::helm_recover(p, &a.release, a.helm_timeout_minutes));
    actions.push(Action::Run(super::helm_upgrade(
        p,
        &a.release,
        &a.chart,
        &a.chart_version,
        &path,
        overlay(p),
        a.helm_timeout_minutes,
    )));
    Step::new(StepId::ApiManager, actions)
}

/// The wizard's fields for this step; database fields appear for external databases.
pub fn form(p: &Profile) -> Vec<super::form::Field> {
    use super::form::{Field, parse_yaml, path, yaml_text};
    let at = |k: &str| path(&["apiManager", k]);
    let host = |label: &str, key: &'static str, help: &str| {
        Field::text(
            label,
            path(&["apiManager", "hostnames", key]),
            help,
            move |p| {
                let h = &p.api_manager.hostnames;
                match key {
                    "management" => h.management.clone(),
                    "gateway" => h.gateway.clone(),
                    "websocket" => h.websocket.clone(),
                    _ => h.websub.clone(),
                }
            },
            move |p, v| {
                let h = &mut p.api_manager.hostnames;
                match key {
                    "management" => h.management = v,
                    "gateway" => h.gateway = v,
                    "websocket" => h.websocket = v,
                    _ => h.websub = v,
                }
            },
        )
    };
    let mut v = vec![
        Field::bool(
            "Install",
            at("install"),
            "install API-M with the chart; off when it runs elsewhere (API-M 3.2 for PrivateJet) or for the KMS track alone",
            |p| p.api_manager.install,
            |p, v| p.api_manager.install = v,
        ),
        host(
            "Management host",
            "management",
            "publisher, devportal, admin and carbon consoles",
        ),
        host("Gateway host", "gateway", "API gateway (HTTP traffic)"),
        host("WebSocket host", "websocket", "WebSocket gateway"),
        host("WebSub host", "websub", "WebSub gateway"),
        Field::text(
            "Release",
            at("release"),
            "helm release name",
            |p| p.api_manager.release.clone(),
            |p, v| p.api_manager.release = v,
        ),
        Field::text(
            "Chart",
            at("chart"),
            "helm chart reference",
            |p| p.api_manager.chart.clone(),
            |p, v| p.api_manager.chart = v,
        ),
        Field::text(
            "Chart version",
            at("chartVersion"),
            "chart version = API-M version + revision: 4.5.0-10 (all-in-one, no digest needed), 3.2.0-5 (am-pattern-1, PrivateJet)",
            |p| p.api_manager.chart_version.clone(),
            |p, v| p.api_manager.chart_version = v,
        ),
        Field::text(
            "Image registry",
            path(&["apiManager", "image", "registry"]),
            "registry of the API-M image",
            |p| p.api_manager.image.registry.clone(),
            |p, v| p.api_manager.image.registry = v,
        ),
        Field::text(
            "Image repository",
            path(&["apiManager", "image", "repository"]),
            "repository of the API-M image",
            |p| p.api_manager.image.repository.clone(),
            |p, v| p.api_manager.image.repository = v,
        ),
        Field::text(
            "Image tag",
            path(&["apiManager", "image", "tag"]),
            "tag of the API-M image",
            |p| p.api_manager.image.tag.clone(),
            |p, v| p.api_manager.image.tag = v,
        ),
        Field::opt_text(
            "Image digest",
            path(&["apiManager", "image", "digest"]),
            "sha256:… digest; charts before 4.5.0-10 need one",
            |p| p.api_manager.image.digest.clone(),
            |p, v| p.api_manager.image.digest = v,
        ),
        Field::opt_text(
            "Registry user",
            path(&["apiManager", "image", "pullCredentials", "username"]),
            "user for a private registry (the chart makes the pull secret); empty: none",
            |p| {
                p.api_manager
                    .image
                    .pull_credentials
                    .as_ref()
                    .map(|c| c.username.clone())
            },
            |p, v| {
                let creds = &mut p.api_manager.image.pull_credentials;
                *creds = v.map(|user| match creds.take() {
                    Some(mut c) => {
                        c.username = user;
                        c
                    }
                    None => Credentials::new(&user, "APIM_REGISTRY_PASSWORD"),
                });
            },
        )
        .with_default("(public image)"),
    ];
    if p.api_manager.image.pull_credentials.is_some() {
        v.push(Field::secret(
            "Registry password",
            path(&["apiManager", "image", "pullCredentials", "password"]),
            "password (or token) of the registry user",
            |p| {
                p.api_manager
                    .image
                    .pull_credentials
                    .as_ref()
                    .map(|c| c.password.clone())
                    .unwrap_or(SecretRef::Prompt(true))
            },
            |p, v| {
                if let Some(c) = &mut p.api_manager.image.pull_credentials {
                    c.password = v;
                }
            },
        ));
    }
    v.extend([
        Field::text(
            "Admin user",
            path(&["apiManager", "admin", "username"]),
            "API-M super admin",
            |p| p.api_manager.admin.username.clone(),
            |p, v| p.api_manager.admin.username = v,
        ),
        Field::secret(
            "Admin password",
            path(&["apiManager", "admin", "password"]),
            "where the API-M admin password comes from",
            |p| p.api_manager.admin.password.clone(),
            |p, v| p.api_manager.admin.password = v,
        ),
        Field::text(
            "Ingress class",
            path(&["apiManager", "ingress", "className"]),
            "ingress class of the NGINX ingress controller",
            |p| p.api_manager.ingress.class_name.clone(),
            |p, v| p.api_manager.ingress.class_name = v,
        ),
        Field::opt_text(
            "Ingress TLS secret",
            path(&["apiManager", "ingress", "tlsSecret"]),
            "an existing TLS secret; the keystores step's secret when empty",
            |p| p.api_manager.ingress.tls_secret.clone(),
            |p, v| p.api_manager.ingress.tls_secret = v,
        )
        .with_default("(keystores.tlsSecret)"),
        Field::multiline(
            "Ingress annotations",
            path(&["apiManager", "ingress", "annotations"]),
            "YAML map per ingress (management, gateway, websocket, websub) of annotations",
            |p| {
                let a = &p.api_manager.ingress.annotations;
                yaml_text(a, a.is_empty())
            },
            |p, s| {
                p.api_manager.ingress.annotations = parse_yaml(s)?;
                Ok(())
            },
        ),
        Field::bool(
            "High availability",
            at("highAvailability"),
            "two all-in-one replicas (needs external databases)",
            |p| p.api_manager.high_availability,
            |p, v| p.api_manager.high_availability = v,
        ),
        Field::number(
            "Helm timeout (min)",
            at("helmTimeoutMinutes"),
            "how long helm --wait may take",
            |p| p.api_manager.helm_timeout_minutes,
            |p, v| p.api_manager.helm_timeout_minutes = v,
        ),
        Field::multiline(
            "Extra TOML",
            at("extraToml"),
            "TOML appended to API-M's deployment.toml (extraConfigs)",
            |p| p.api_manager.extra_toml.clone(),
            |p, v| {
                p.api_manager.extra_toml = v.to_string();
                Ok(())
            },
        ),
        Field::enum_choice(
            "Database type",
            path(&["apiManager", "databases", "type"]),
            "h2 is embedded (evaluation only); the others need the databases below",
            &["h2", "mysql", "postgres", "mssql", "oracle"],
            |p| p.api_manager.databases.db_type,
            |p, v| p.api_manager.databases.db_type = v,
        ),
    ]);
    if p.api_manager.databases.db_type != DbType::H2 {
        v.push(
            Field::opt_text(
                "JDBC driver URL",
                path(&["apiManager", "databases", "driver"]),
                "URL of the JDBC driver jar the chart downloads",
                |p| p.api_manager.databases.driver.clone(),
                |p, v| p.api_manager.databases.driver = v,
            )
            .in_group("Databases"),
        );
        for (key, title, apim) in [
            ("apimDb", "apim_db", true),
            ("sharedDb", "shared_db", false),
        ] {
            let db = move |p: &Profile| -> Option<Database> {
                let d = &p.api_manager.databases;
                if apim {
                    d.apim_db.clone()
                } else {
                    d.shared_db.clone()
                }
            };
            fn slot(p: &mut Profile, apim: bool) -> &mut Database {
                let d = &mut p.api_manager.databases;
                let s = if apim {
                    &mut d.apim_db
                } else {
                    &mut d.shared_db
                };
                s.get_or_insert_with(|| Database {
                    url: String::new(),
                    username: String::new(),
                    password: SecretRef::Prompt(true),
                })
            }
            let g = format!("Database {title}");
            v.push(
                Field::text(
                    "JDBC URL",
                    path(&["apiManager", "databases", key, "url"]),
                    "jdbc:… URL of this database",
                    move |p| db(p).map(|d| d.url).unwrap_or_default(),
                    move |p, v| slot(p, apim).url = v,
                )
                .in_group(g.clone()),
            );
            v.push(
                Field::text(
                    "User",
                    path(&["apiManager", "databases", key, "username"]),
                    "database user",
                    move |p| db(p).map(|d| d.username).unwrap_or_default(),
                    move |p, v| slot(p, apim).username = v,
                )
                .in_group(g.clone()),
            );
            v.push(
                Field::opt_secret(
                    "Password",
                    path(&["apiManager", "databases", key, "password"]),
                    "where the database password comes from",
                    move |p| db(p).map(|d| d.password),
                    move |p, v| slot(p, apim).password = v.unwrap_or(SecretRef::Prompt(true)),
                )
                .in_group(g),
            );
        }
    }
    v
}

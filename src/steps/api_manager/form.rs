//! The API-M step's wizard fields.

use super::*;

/// The wizard's fields for this step; database fields appear for external databases.
pub fn form(p: &Profile) -> Vec<crate::steps::form::Field> {
    use crate::steps::form::{Field, parse_yaml, path, yaml_text};
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
            &chart_version_help(),
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
            |p| p.api_manager.image_tag().to_string(),
            // the line's own tag is left unset, so it follows the chart version
            |p, v| {
                let own = p.api_manager.line().map(|l| l.image_tag);
                p.api_manager.image.tag = if own == Some(v.as_str()) {
                    String::new()
                } else {
                    v
                };
            },
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
    if p.api_manager
        .line()
        .is_some_and(|l| l.encryption_key.is_some())
    {
        v.push(
            Field::opt_secret(
                "Encryption key",
                at("encryptionKey"),
                "API-M's symmetric encryption key (64 hex characters); not set: kmpilot generates one once and keeps it in the credentials Secret. It can never change once API-M has started",
                |p| p.api_manager.encryption_key.clone(),
                |p, v| p.api_manager.encryption_key = v,
            )
            .with_default("(generated once, kept in the cluster)"),
        );
    }
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

/// The chart-version field's help, from the lines kmpilot knows (newest first), so it names
/// what people install today rather than the line the field was written for.
fn chart_version_help() -> String {
    let lines: Vec<String> = crate::chart_lines::APIM_LINES
        .iter()
        .rev()
        .map(|l| format!("{} ({})", l.chart_version, l.released))
        .collect();
    format!(
        "chart version = API-M version + revision; the all-in-one lines kmpilot knows: {} — the newest is the current release; 3.2.0-5 is am-pattern-1 (PrivateJet)",
        lines.join(", ")
    )
}

#[cfg(test)]
mod help_tests {
    /// The help names every line, newest first, so a new line shows up without editing it.
    #[test]
    fn chart_version_help_names_the_current_line_first() {
        let h = super::chart_version_help();
        let newest = crate::chart_lines::APIM_LINES.last().unwrap().chart_version;
        let pos = |v: &str| h.find(v).unwrap_or_else(|| panic!("{v} in {h}"));
        assert!(pos(newest) < pos("4.5.0-10"), "{h}");
        for l in crate::chart_lines::APIM_LINES {
            pos(l.chart_version);
        }
    }
}

//! The stand-in images' own start (`standin-apim`, `standin-is`): no arguments, as the WSO2
//! images start under their charts. Everything is read where the charts put it — the
//! `deployment.toml` the chart renders into its ConfigMap, the keystores it mounts from the
//! Secret kmpilot made, passwords as the TOML gives them (`$env{VAR}` from the container's
//! environment, as Carbon resolves it) — so a wrong mount path, a missing key or a password
//! that does not open a store shows here as it would in the product: the server does not come
//! up on 9443 and the chart's own probes fail.
//!
//! How the product fails is modelled, not known: on a keystore it cannot open, this stand-in
//! logs the error and stays up without its HTTPS transport (so the kubelet's start-up probe
//! reports the refused connection and restarts the container after the chart's threshold);
//! on a `deployment.toml` it cannot parse it exits 1.

use axum::Router;
use axum::routing::get;
use toml::Table;

use crate::{Role, Start};

/// Where both charts mount `deployment.toml` (API-M all-in-one, IS): the images' entrypoint
/// copies the config volume over the server's home.
const CONF: &str = "/home/wso2carbon/wso2-config-volume/repository/conf/deployment.toml";
/// API-M's chart mounts each keystore file under the config volume's security folder.
const APIM_SECURITY: &str = "/home/wso2carbon/wso2-config-volume/repository/resources/security";
/// IS's chart mounts them under the server's home, named by the image's version
/// (`<productPackName>-<buildVersion>`); the stand-in image has no version of its own, so it
/// takes the one folder of that shape it finds.
const IS_HOME_PARENT: &str = "/home/wso2carbon";

pub async fn run(mode: &str) {
    let conf = match read_conf() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("ERROR {CONF}: {e}");
            std::process::exit(1)
        }
    };
    let started = match mode {
        "apim-image" => {
            // the liveness probe's target, plain HTTP on 9763: answered from the start
            tokio::spawn(version_service());
            apim(&conf).map(|s| {
                let extra = Router::new().route(
                    "/api/am/gateway/v2/server-startup-healthcheck",
                    get(|| async { "{\"status\": \"ready\"}" }),
                );
                (s, extra)
            })
        }
        _ => is(&conf).map(|s| (s, Router::new())),
    };
    match started {
        Ok((start, extra)) => crate::serve_with(start, extra).await,
        Err(e) => {
            eprintln!(
                "ERROR {{org.wso2.carbon.core.transports}} - the HTTPS transport did not start: {e}"
            );
            std::future::pending::<()>().await
        }
    }
}

fn read_conf() -> Result<Table, String> {
    let text = std::fs::read_to_string(CONF).map_err(|e| e.to_string())?;
    text.parse::<Table>().map_err(|e| e.to_string())
}

/// `table.key` as a string, with `$env{VAR}` resolved from the container's environment.
fn value(conf: &Table, table: &str, key: &str) -> Result<String, String> {
    let mut t = conf;
    for part in table.split('.') {
        t = t
            .get(part)
            .and_then(|v| v.as_table())
            .ok_or_else(|| format!("[{table}] is missing"))?;
    }
    let raw = t
        .get(key)
        .and_then(|v| v.as_str())
        .ok_or_else(|| format!("[{table}] {key} is missing"))?;
    resolve(raw).map_err(|e| format!("[{table}] {key}: {e}"))
}

fn resolve(raw: &str) -> Result<String, String> {
    if let Some(var) = raw.strip_prefix("$env{").and_then(|r| r.strip_suffix('}')) {
        return std::env::var(var)
            .map_err(|_| format!("{raw}: ${var} is not set in the container"));
    }
    if raw.starts_with("$secret{") {
        return Err(format!(
            "{raw}: a secure-vault alias; this stand-in cannot decrypt the vault"
        ));
    }
    Ok(raw.to_string())
}

/// The TLS keystore the server opens: `[keystore.tls]`, else the primary one (Carbon's
/// fallback when no TLS keystore is declared).
fn tls_identity(conf: &Table, dir: &str) -> Result<kmpilot_keystore::Identity, String> {
    let (table, file) = match value(conf, "keystore.tls", "file_name") {
        Ok(f) => ("keystore.tls", f),
        Err(_) => (
            "keystore.primary",
            value(conf, "keystore.primary", "file_name")?,
        ),
    };
    let password = value(conf, table, "password")?;
    let key_password = value(conf, table, "key_password").unwrap_or_else(|_| password.clone());
    let alias = value(conf, table, "alias")?;
    let pkcs12 = value(conf, table, "type").is_ok_and(|t| t.eq_ignore_ascii_case("PKCS12"));
    crate::identity(
        &format!("{dir}/{file}"),
        pkcs12,
        &alias,
        &password,
        &key_password,
    )
}

fn apim(conf: &Table) -> Result<Start, String> {
    let identity = tls_identity(conf, APIM_SECURITY)?;
    let trusted = crate::trusted(
        &format!(
            "{APIM_SECURITY}/{}",
            value(conf, "truststore", "file_name")?
        ),
        &value(conf, "truststore", "password")?,
    )?;
    Ok(Start {
        identity,
        port: 9443 + offset(conf),
        role: Role::Apim {
            trusted,
            admin_user: value(conf, "super_admin", "username")?,
            admin_password: value(conf, "super_admin", "password")?,
            line: None,
        },
    })
}

fn is(conf: &Table) -> Result<Start, String> {
    let home = std::fs::read_dir(IS_HOME_PARENT)
        .map_err(|e| format!("{IS_HOME_PARENT}: {e}"))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("wso2is-"))
        })
        .ok_or_else(|| format!("no {IS_HOME_PARENT}/wso2is-<version> (nothing mounted there)"))?;
    let dir = home.join("repository/resources/security");
    let identity = tls_identity(conf, &dir.to_string_lossy())?;
    Ok(Start {
        identity,
        port: 9443,
        role: Role::Is {
            public_base: format!("https://{}", value(conf, "server", "hostname")?),
        },
    })
}

/// `[server] offset` (API-M's port offset; 0 when absent).
fn offset(conf: &Table) -> u16 {
    conf.get("server")
        .and_then(|s| s.get("offset"))
        .and_then(|o| o.as_integer())
        .and_then(|o| u16::try_from(o).ok())
        .unwrap_or(0)
}

/// `GET /services/Version` on plain HTTP 9763, the API-M chart's liveness probe.
async fn version_service() {
    let app = Router::new().route(
        "/services/Version",
        get(|| async { "WSO2 API Manager (kmpilot STAND-IN)" }),
    );
    match tokio::net::TcpListener::bind("0.0.0.0:9763").await {
        Ok(l) => {
            let _ = axum::serve(l, app).await;
        }
        Err(e) => eprintln!("ERROR 9763: {e}"),
    }
}

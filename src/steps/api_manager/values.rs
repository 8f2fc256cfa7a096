//! The API-M chart's values from the profile, and the secret values that go on helm's standard input.

use super::*;
use crate::chart_lines::{self, ApimLine, HostnamePrecedence};
use crate::profile::sections::api_manager::ApiManager;

/// The credentials Secret's key holding the encryption key.
pub const ENCRYPTION_KEY_KEY: &str = ApiManager::ENCRYPTION_KEY_KEY;

/// The chart revisions of a line older than its `tag` value (4.5.0-1 … 4.5.0-9).
pub(super) fn is_pre_tag_chart(v: &str) -> bool {
    chart_lines::apim(v).is_some_and(|l| ApimLine::revision(v) < l.tag_value_from)
}

/// The line the values are written for: the profile's, or for a chart version kmpilot does
/// not know (refused by `compat::validate` for an install) the first line's key paths.
pub(super) fn line_of(a: &crate::profile::sections::api_manager::ApiManager) -> &'static ApimLine {
    a.line().unwrap_or(chart_lines::APIM_LINES[0])
}

pub(super) fn default_annotations(ingress: &str) -> Value {
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
    let line = line_of(a);
    let k = &p.keystores;
    let vault = p.secure_vault.enabled;
    let mut image = json!({
        "registry": a.image.registry,
        "repository": a.image.repository,
        "tag": a.image_tag(),
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
        // the key lives in the same Secret: the chart has one existingSecret
        if let Some(e) = line.encryption_key {
            configurations["existingSecret"][e.existing_secret_field] = json!(ENCRYPTION_KEY_KEY);
        }
    } else if let Some(e) = line.encryption_key {
        // secure vault stays keystore-based (kmpilot encrypts with the internal keystore's
        // certificate); the chart's symmetric vault would need the key in a cloud secret store
        configurations["encryption"] = json!({"internalCryptoProvider": e.keystore_provider});
    }
    if !a.extra_toml.trim().is_empty() {
        configurations["extraConfigs"] = json!(a.extra_toml);
    }
    let (mut ingress, mut gateway_api) = match line.hostname_precedence {
        // chart bug (4.5.0-10, 4.6): deployment.toml reads kubernetes.ingress.enabled, which
        // values.yaml lacks, to choose the server hostname
        HostnamePrecedence::IngressFirst => (
            json!({"enabled": true, "tlsSecret": p.tls_secret()}),
            json!({}),
        ),
        // 4.7 takes the Gateway API hostname when the Gateway API is on, and turns it on by
        // default: Ingress exposure turns it off (Gateway API exposure turns it on below)
        HostnamePrecedence::GatewayApiFirst => (
            json!({"tlsSecret": p.tls_secret()}),
            json!({"enabled": false}),
        ),
    };
    for (name, host) in a.hostnames.all() {
        let annotations = match a.ingress.annotations.get(name) {
            Some(m) => json!(m),
            None => default_annotations(name),
        };
        // on every line: 4.7 turns every Ingress off by default
        ingress[name] = json!({"enabled": true, "hostname": host, "annotations": annotations});
        // whichever the chart reads [server] hostname from, it is the same name
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
    if p.gateway_api() {
        crate::steps::exposure::merge(&mut v, crate::steps::exposure::apim_values(p));
    }
    let cloud = secure_vault::cloud_values(&p.secure_vault);
    for key in ["aws", "azure", "gcp"] {
        v[key] = cloud[key].clone();
    }
    if p.cluster.sizing == crate::profile::sections::cluster::Sizing::Laptop {
        let d = &mut v["wso2"]["deployment"];
        d["resources"] = json!({"requests": {"cpu": crate::steps::adapt::LAPTOP_CPU}});
        d["startupProbe"] =
            json!({"failureThreshold": crate::steps::adapt::LAPTOP_APIM_STARTUP_FAILURES});
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

pub(super) fn db_secret(d: &Database, var: &str) -> SecretSource {
    if d.username == H2_USER && d.password == SecretRef::Literal(H2_USER.into()) {
        return SecretSource::Plain(H2_USER.into());
    }
    SecretSource::Ref {
        secret: d.password.clone(),
        shell_var: d.password.shell_var(var).to_string(),
    }
}

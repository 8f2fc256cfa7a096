//! Step "identity-server": the WSO2 IS 7 chart (`wso2/identity-server`), configured as API-M's
//! key manager: the `[oauth]`, `/scim2/Me` access control and token-revocation listener that
//! pattern 6 asks for, keystores from the keystores step, and the chart bug workarounds.

use crate::plan::verify_spec::VerifySpec;
use crate::profile::sections::identity_server::AppArmor;
use serde_json::json;

use crate::plan::{
    Action, Artifact, ArtifactKind, OverlayEntry, SecretOverlay, SecretValue, Step, StepId,
};
use crate::profile::diagnostics::{Issues, YamlPath};
use crate::profile::{Profile, checks};
use crate::render;

/// Tables the chart's deployment.toml template already emits; redefining one in extraConfigs
/// breaks the server's start-up (wso2-facts §2).
const CHART_TABLES: [&str; 10] = [
    "server",
    "super_admin",
    "keystore",
    "truststore",
    "transport",
    "oauth.token_cleanup",
    "oauth.token_generation",
    "clustering",
    "encryption",
    "secrets",
];

pub fn validate(p: &Profile, issues: &mut Issues) {
    let is = &p.identity_server;
    let base = YamlPath::root().key("identityServer");
    checks::k8s_label(
        issues,
        &base.key("release"),
        &is.release,
        "helm release name",
    );
    checks::non_empty(
        issues,
        &base.key("chart"),
        &is.chart,
        "wso2/identity-server",
    );
    checks::chart_version(issues, &base.key("chartVersion"), &is.chart_version);
    checks::hostname(issues, &base.key("hostname"), &is.hostname);
    is.admin.validate(issues, &base.key("admin"));
    if !is.extra_toml.is_empty() {
        match is.extra_toml.parse::<toml::Table>() {
            Err(e) => issues.error(
                &base.key("extraToml"),
                format!("not valid TOML: {}", e.message()),
                Some("TOML tables such as [role_mgt] with key = value lines"),
                None,
            ),
            Ok(t) => {
                for bad in CHART_TABLES.iter().filter(|c| defines(&t, c)) {
                    issues.error(
                        &base.key("extraToml"),
                        format!("[{bad}] is already written by the chart"),
                        Some("only tables the chart does not emit"),
                        Some("set the chart's own values instead (hostname, admin, keystores are profile fields)"),
                    );
                }
                // tables the chart version's own deployment.toml declares (verify renders the
                // exact chart; this catches the known ones offline)
                for (table, line) in crate::verify::known_tables::clashes(
                    crate::verify::ChartKind::IdentityServer,
                    &is.chart_version,
                    &is.extra_toml,
                ) {
                    let covered = CHART_TABLES
                        .iter()
                        .any(|c| table == *c || table.starts_with(&format!("{c}.")));
                    if !covered {
                        issues.error(
                            &base.key("extraToml"),
                            format!(
                                "[{table}] (line {line} of extraToml) is already declared by the deployment.toml of chart {} {}; TOML forbids declaring a table twice, so IS would not start",
                                is.chart, is.chart_version
                            ),
                            Some("tables the chart's template does not declare"),
                            Some("remove the table, or set its keys through a table of your own; `kmpilot verify` renders the exact chart"),
                        );
                    }
                }
                if let Err(e) = extra_configs(p).parse::<toml::Table>() {
                    issues.error(
                        &base.key("extraToml"),
                        format!("clashes with the TOML kmpilot generates: {}", e.message()),
                        Some("tables other than [oauth], [[resource.access_control]], [[event_listener]] and [role_mgt]"),
                        None,
                    );
                }
            }
        }
    }
    unknown_line(p, issues);
    if p.identity_server.admin != p.api_manager.admin {
        issues.warn(
            &base.key("admin"),
            "IS and API-M admin credentials differ; IS sends its own admin credentials (${admin.username}/${admin.password}) to API-M's token revocation endpoint",
            Some("use the same admin credentials for both, or revoked tokens stay valid at the gateway until they expire"),
        );
    }
}

/// Whether the TOML table `t` defines the dotted table `path`.
fn defines(t: &toml::Table, path: &str) -> bool {
    let mut cur = t;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        match cur.get(part) {
            None => return false,
            Some(_) if parts.peek().is_none() => return true,
            Some(toml::Value::Table(next)) => cur = next,
            Some(_) => return false,
        }
    }
    false
}

/// API-M's notify endpoint as IS reaches it inside the cluster.
pub fn notification_endpoint(p: &Profile) -> String {
    format!(
        "https://{}:9443/internal/data/v1/notify",
        p.api_manager.service_name()
    )
}

/// `deploymentToml.extraConfigs`: what pattern 6 asks IS to add, plus the user's own TOML.
pub fn extra_configs(p: &Profile) -> String {
    let mut s = String::from(
        "[oauth]\nauthorize_all_scopes = true\n\n\
         [[resource.access_control]]\ncontext = \"(.*)/scim2/Me\"\nsecure = true\nhttp_method = \"GET\"\ncross_tenant = true\npermissions = []\nscopes = []\n\n\
         [[event_listener]]\nid = \"token_revocation\"\ntype = \"org.wso2.carbon.identity.core.handler.AbstractIdentityHandler\"\n\
         name = \"org.wso2.is.notification.ApimOauthEventInterceptor\"\norder = 1\n\n\
         [event_listener.properties]\n",
    );
    s.push_str(&format!(
        "notification_endpoint = \"{}\"\n",
        notification_endpoint(p)
    ));
    s.push_str("username = \"${admin.username}\"\npassword = \"${admin.password}\"\n'header.X-WSO2-KEY-MANAGER' = \"WSO2-IS\"\n");
    if p.key_manager.create_roles {
        // the connector creates roles named with IS's system prefix
        s.push_str("\n[role_mgt]\nallow_system_prefix_for_role = true\n");
    }
    if !p.identity_server.extra_toml.trim().is_empty() {
        s.push('\n');
        s.push_str(p.identity_server.extra_toml.trim_end());
        s.push('\n');
    }
    s
}

pub fn values(p: &Profile) -> serde_json::Value {
    let mut v = chart_values(p);
    if p.identity_server.app_armor == AppArmor::Disabled {
        // the kubelet rejects the chart's RuntimeDefault profile where AppArmor is missing
        v["deployment"]["apparmor"] = json!({"enabled": false});
    }
    if p.cluster.sizing == crate::profile::sections::cluster::Sizing::Laptop {
        v["deployment"]["resources"] = json!({"requests": {"cpu": super::adapt::LAPTOP_CPU}});
        v["deployment"]["startupProbe"] =
            json!({"failureThreshold": super::adapt::LAPTOP_IS_STARTUP_FAILURES});
    }
    v
}

/// `deployment.buildVersion`: the chart mounts the keystores under
/// `<productPackName>-<buildVersion>/repository/resources/security`, the home directory the
/// image's server version names, so it follows the image (`identityServer.image.serverVersion`).
/// Written when the chart's own default is not already that version: always for a chart line
/// kmpilot has not read, whose default nobody here knows.
pub fn build_version(p: &Profile) -> Option<&str> {
    let is = &p.identity_server;
    let v = is.image.server_version.as_str();
    match crate::chart_lines::identity_server(&is.chart_version) {
        Some(line) if line.build_version == v => None,
        _ => Some(v),
    }
}

/// A chart reference helm reads from disk rather than from a repository.
pub fn is_local_chart(chart: &str) -> bool {
    chart.starts_with("./")
        || chart.starts_with("../")
        || chart.starts_with('/')
        || chart.ends_with(".tgz")
}

/// An IS chart version of a line kmpilot has not read (7.2 and 7.3 exist; their charts could
/// not be read here): accepted only through a chart the user names — a local chart or
/// `<repository>/<chart>` (or `oci://…`) with its version — and always rendered by `verify`
/// before install (the step's first action); kmpilot makes no claim about its tables.
fn unknown_line(p: &Profile, issues: &mut Issues) {
    let is = &p.identity_server;
    if !is.install || crate::chart_lines::identity_server(&is.chart_version).is_some() {
        return;
    }
    let base = YamlPath::root().key("identityServer");
    let known: Vec<&str> = crate::chart_lines::IS_LINES
        .iter()
        .map(|l| l.chart_version)
        .collect();
    let named = is_local_chart(&is.chart)
        || is.chart.starts_with("oci://")
        || is.chart.split('/').filter(|s| !s.is_empty()).count() == 2;
    if !named {
        issues.error(
            &base.key("chart"),
            format!(
                "kmpilot knows IS chart {} and has not read chart {} {}; a chart it has not read is installed only from a chart you name",
                known.join(", "),
                is.chart,
                is.chart_version
            ),
            Some("a local chart (`helm pull wso2/identity-server --version <v> --untar`, then identityServer.chart: ./identity-server) or <repository>/identity-server with the version"),
            Some("kmpilot renders that chart with `verify` before installing it; set identityServer.image.serverVersion to the IS version of the image"),
        );
        return;
    }
    issues.warn(
        &base.key("chartVersion"),
        format!(
            "kmpilot has not read IS chart {} {} (it knows {}): `verify` renders it before install and is the only judge of it; deployment.buildVersion is written from identityServer.image.serverVersion ({})",
            is.chart,
            is.chart_version,
            known.join(", "),
            is.image.server_version
        ),
        Some("run `kmpilot verify` and read its findings before `apply`"),
    );
}

fn chart_values(p: &Profile) -> serde_json::Value {
    let is = &p.identity_server;
    let k = &p.keystores;
    let img = &is.image;
    let store = |file: &str| json!({"fileName": file, "type": "PKCS12", "alias": k.is.alias});
    let mut v = json!({
        "deployment": {
            "image": {
                "registry": img.registry,
                "repository": img.repository,
                "tag": img.tag,
                "pullPolicy": "IfNotPresent",
                "imagePullSecret": "",
            },
            "ingress": {
                "hostName": is.hostname,
                "ingressClassName": p.api_manager.ingress.class_name,
                "tlsSecretsName": p.tls_secret(),
            },
            "externalJKS": {"enabled": true, "secretName": k.is.secret_name},
        },
        // chart bug: the deployment template reads wso2.deployment.image.imagePullSecret,
        // which values.yaml does not define; without it the template fails to render
        "wso2": {"deployment": {"image": {"imagePullSecret": ""}}},
        "deploymentToml": {
            "superAdmin": {"username": is.admin.username, "createAdminAccount": true},
            "keystore": {
                "primary": store(&k.is.primary),
                "tls": store(&k.is.tls),
                "internal": store(&k.is.internal),
            },
            "truststore": {"fileName": k.is.truststore, "type": "PKCS12"},
            "extraConfigs": extra_configs(p),
        },
    });
    if let Some(b) = build_version(p) {
        v["deployment"]["buildVersion"] = json!(b);
    }
    v
}

/// Secret values helm reads from standard input.
pub fn overlay(p: &Profile) -> SecretOverlay {
    let k = &p.keystores;
    let path = |s: &str| s.split('.').map(str::to_string).collect::<Vec<_>>();
    let entry = |p: &str, v: &crate::profile::secret::SecretRef, var: &str| OverlayEntry {
        path: path(p),
        value: SecretValue::Ref(v.clone()),
        shell_var: v.shell_var(var).to_string(),
    };
    let sp = &k.store_password;
    // PKCS12 keys are protected with the store password (keytool ignores -keypass for
    // PKCS12), so IS's key passwords are the store password whatever keyPassword says
    let kp = sp;
    SecretOverlay {
        entries: vec![
            entry(
                "deploymentToml.superAdmin.password",
                &p.identity_server.admin.password,
                "IS_ADMIN_PASSWORD",
            ),
            entry(
                "deploymentToml.keystore.primary.password",
                sp,
                "KEYSTORE_PASSWORD",
            ),
            entry(
                "deploymentToml.keystore.primary.keyPassword",
                kp,
                "KEYSTORE_PASSWORD",
            ),
            entry(
                "deploymentToml.keystore.tls.password",
                sp,
                "KEYSTORE_PASSWORD",
            ),
            entry(
                "deploymentToml.keystore.tls.keyPassword",
                kp,
                "KEYSTORE_PASSWORD",
            ),
            entry(
                "deploymentToml.keystore.internal.password",
                sp,
                "KEYSTORE_PASSWORD",
            ),
            entry(
                "deploymentToml.keystore.internal.keyPassword",
                kp,
                "KEYSTORE_PASSWORD",
            ),
            entry(
                "deploymentToml.truststore.password",
                sp,
                "KEYSTORE_PASSWORD",
            ),
        ],
    }
}

/// `verify`: the chart's verify action (`verify_spec::spec`), handed in by the registry
/// because it renders API-M's chart too.
pub fn plan(p: &Profile, artifacts: &mut Vec<Artifact>, verify: VerifySpec) -> Step {
    let is = &p.identity_server;
    let path = "identity-server/values.yaml".to_string();
    artifacts.push(Artifact {
        path: path.clone(),
        kind: ArtifactKind::Yaml,
        content: format!(
            "{}{}",
            render::header("#", &p.name),
            render::yaml(&values(p))
        ),
    });
    let gateway_api = p.gateway_api();
    let install = super::helm::install_chart(
        p,
        super::helm::Chart {
            release: &is.release,
            chart: &is.chart,
            version: &is.chart_version,
            values: &path,
            timeout_minutes: is.helm_timeout_minutes,
            drop_kinds: if gateway_api {
                super::exposure::dropped_kinds()
            } else {
                Vec::new()
            },
        },
        overlay(p),
    );
    let mut actions = vec![
        Action::Verify(Box::new(verify)),
        Action::WriteFile { artifact: path },
    ];
    actions.extend(install);
    if gateway_api {
        actions.extend(super::exposure::identity_server_objects(p));
    }
    Step::new(StepId::IdentityServer, actions)
}

/// The wizard's fields for this step (the image has its own step).
pub fn form(_p: &Profile) -> Vec<super::form::Field> {
    use super::form::{Field, path};
    let at = |k: &str| path(&["identityServer", k]);
    vec![
        Field::bool(
            "Install",
            at("install"),
            "install IS 7 as API-M's key manager (pattern 6); off for a profile without it",
            |p| p.identity_server.install,
            |p, v| p.identity_server.install = v,
        ),
        Field::text(
            "Hostname",
            at("hostname"),
            "DNS name of the IS ingress; the key-manager endpoints derive from it",
            |p| p.identity_server.hostname.clone(),
            |p, v| p.identity_server.hostname = v,
        ),
        Field::text(
            "Release",
            at("release"),
            "helm release name",
            |p| p.identity_server.release.clone(),
            |p, v| p.identity_server.release = v,
        ),
        Field::text(
            "Chart",
            at("chart"),
            "helm chart reference",
            |p| p.identity_server.chart.clone(),
            |p, v| p.identity_server.chart = v,
        ),
        Field::text(
            "Chart version",
            at("chartVersion"),
            "version of the identity-server chart",
            |p| p.identity_server.chart_version.clone(),
            |p, v| p.identity_server.chart_version = v,
        ),
        Field::text(
            "Admin user",
            path(&["identityServer", "admin", "username"]),
            "IS super admin; IS sends these credentials to API-M when a token is revoked",
            |p| p.identity_server.admin.username.clone(),
            |p, v| p.identity_server.admin.username = v,
        ),
        Field::secret(
            "Admin password",
            path(&["identityServer", "admin", "password"]),
            "where the IS admin password comes from",
            |p| p.identity_server.admin.password.clone(),
            |p, v| p.identity_server.admin.password = v,
        ),
        Field::number(
            "Helm timeout (min)",
            at("helmTimeoutMinutes"),
            "how long helm --wait may take",
            |p| p.identity_server.helm_timeout_minutes,
            |p, v| p.identity_server.helm_timeout_minutes = v,
        ),
        Field::enum_choice(
            "AppArmor",
            at("appArmor"),
            "the chart's RuntimeDefault profile; auto turns it off where the nodes lack AppArmor",
            &["auto", "enabled", "disabled"],
            |p| p.identity_server.app_armor,
            |p, v| p.identity_server.app_armor = v,
        ),
        Field::multiline(
            "Extra TOML",
            at("extraToml"),
            "TOML appended to deploymentToml.extraConfigs (tables the chart does not emit)",
            |p| p.identity_server.extra_toml.clone(),
            |p, v| {
                p.identity_server.extra_toml = v.to_string();
                Ok(())
            },
        ),
    ]
}

#[cfg(test)]
mod line_tests {
    use super::*;

    fn issues_at(p: &Profile, path: &str) -> Vec<(bool, String)> {
        let mut i = Issues::default();
        validate(p, &mut i);
        i.list
            .into_iter()
            .filter(|x| x.path.to_string() == path)
            .map(|x| (x.is_error(), x.message))
            .collect()
    }

    #[test]
    fn build_version_follows_the_image_where_the_chart_default_does_not() {
        let mut p = Profile::quickstart("t");
        p.identity_server.chart_version = "7.1.0-3".into();
        // the 7.1 chart's own default already names the 7.1.0 image
        assert_eq!(build_version(&p), None);
        assert!(values(&p)["deployment"].get("buildVersion").is_none());
        p.identity_server.image.server_version = "7.2.0".into();
        assert_eq!(values(&p)["deployment"]["buildVersion"], "7.2.0");
        // a chart nobody here has read: its default is unknown, so it is always written
        p.identity_server.image.server_version = "7.1.0".into();
        p.identity_server.chart_version = "7.3.0-2".into();
        assert_eq!(values(&p)["deployment"]["buildVersion"], "7.1.0");
    }

    #[test]
    fn an_is_chart_kmpilot_has_not_read_comes_only_from_a_named_chart_and_is_verified() {
        let mut p = Profile::quickstart("t");
        p.identity_server.chart_version = "7.3.0-2".into();
        p.identity_server.chart = "identity-server".into();
        let at = issues_at(&p, "identityServer.chart");
        assert!(
            at.iter()
                .any(|(e, m)| *e && m.contains("has not read chart identity-server 7.3.0-2")),
            "{at:?}"
        );
        for named in [
            "./charts/identity-server",
            "wso2/identity-server",
            "oci://r.example/wso2/identity-server",
        ] {
            p.identity_server.chart = named.into();
            assert!(issues_at(&p, "identityServer.chart").is_empty(), "{named}");
            let warned = issues_at(&p, "identityServer.chartVersion");
            assert!(
                warned
                    .iter()
                    .any(|(e, m)| !*e && m.contains("`verify` renders it before install")),
                "{named}: {warned:?}"
            );
        }
        // its step verifies before installing, and no table claims are made for it
        let step = plan(
            &p,
            &mut Vec::new(),
            crate::steps::verify_spec::spec(
                &p,
                crate::plan::verify_spec::ChartKind::IdentityServer,
            ),
        );
        assert!(
            matches!(&step.actions[0], Action::Verify(v) if v.render.version == "7.3.0-2"),
            "{:?}",
            step.actions[0]
        );
        assert!(
            crate::verify::known_tables::declared(
                crate::verify::ChartKind::IdentityServer,
                "7.3.0-2"
            )
            .is_none()
        );
        // the line kmpilot has read is not questioned
        p.identity_server.chart_version = "7.1.0-3".into();
        p.identity_server.chart = "identity-server".into();
        assert!(issues_at(&p, "identityServer.chart").is_empty());
    }
}

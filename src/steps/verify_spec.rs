//! What `verify` checks for each chart, derived from the profile: the values the chart is
//! rendered with (exactly as its step installs it) and what the result must hold.

use crate::plan::SecretOverlay;
use crate::plan::verify_spec::{ChartKind, Expect, NotificationExpect, RenderSpec, VerifySpec};
use crate::profile::Profile;

/// The expectations of the chart of `kind` for profile `p`.
pub fn expect(p: &Profile, kind: ChartKind) -> Expect {
    let k = &p.keystores;
    match kind {
        ChartKind::IdentityServer => {
            let is = &p.identity_server;
            let f = |name: &String, field: &str| (name.clone(), format!("keystores.is.{field}"));
            Expect {
                chart: kind,
                server_hostname: is.hostname.clone(),
                server_hostname_path: "identityServer.hostname".into(),
                // through the Gateway API no Ingress is rendered: one that is would be stale
                ingress_hosts: if p.gateway_api() {
                    Vec::new()
                } else {
                    vec![(is.hostname.clone(), "identityServer.hostname".into())]
                },
                tls_secret: p.tls_secret().to_string(),
                tls_secret_path: tls_path(p),
                no_ingress: p.gateway_api(),
                container: "wso2is".into(),
                image: is.image.image_ref(),
                image_path: "identityServer.image".into(),
                keystore_secret: k.is.secret_name.clone(),
                keystore_files: vec![
                    f(&k.is.primary, "primary"),
                    f(&k.is.tls, "tls"),
                    f(&k.is.internal, "internal"),
                    f(&k.is.truststore, "truststore"),
                ],
                password_path: "keystores.storePassword".into(),
                // kmpilot does not turn on the IS chart's secret store (Azure Key Vault only)
                secure_vault: false,
                extra_toml: is.extra_toml.clone(),
                extra_toml_path: "identityServer.extraToml".into(),
                notification: Some(NotificationExpect {
                    fix_path: "apiManager.release".into(),
                }),
            }
        }
        ChartKind::ApiManager => {
            let a = &p.api_manager;
            let f = |name: &String, field: &str| (name.clone(), format!("keystores.apim.{field}"));
            let image = match &a.image.digest {
                Some(d) => format!("{}/{}@{d}", a.image.registry, a.image.repository),
                None => format!(
                    "{}/{}:{}",
                    a.image.registry,
                    a.image.repository,
                    a.image_tag()
                ),
            };
            Expect {
                chart: kind,
                server_hostname: a.hostnames.management.clone(),
                server_hostname_path: "apiManager.hostnames.management".into(),
                ingress_hosts: a
                    .hostnames
                    .all()
                    .iter()
                    .filter(|_| !p.gateway_api())
                    .map(|(n, h)| ((*h).clone(), format!("apiManager.hostnames.{n}")))
                    .collect(),
                tls_secret: p.tls_secret().to_string(),
                tls_secret_path: tls_path(p),
                no_ingress: p.gateway_api(),
                container: "wso2am".into(),
                image,
                image_path: "apiManager.image".into(),
                keystore_secret: k.apim.secret_name.clone(),
                keystore_files: vec![
                    f(&k.apim.keystore, "keystore"),
                    f(&k.apim.tls_keystore, "tlsKeystore"),
                    f(&k.apim.internal_keystore, "internalKeystore"),
                    f(&k.apim.truststore, "truststore"),
                ],
                password_path: "keystores.storePassword".into(),
                secure_vault: p.secure_vault.enabled,
                extra_toml: a.extra_toml.clone(),
                extra_toml_path: "apiManager.extraToml".into(),
                notification: None,
            }
        }
    }
}

fn tls_path(p: &Profile) -> String {
    if p.api_manager.ingress.tls_secret.is_some() {
        "apiManager.ingress.tlsSecret".into()
    } else {
        "keystores.tlsSecret".into()
    }
}

/// `helm template` of the chart of `kind` exactly as its step installs it.
pub fn render_spec(p: &Profile, kind: ChartKind) -> RenderSpec {
    let (release, chart, version, values, overlay) = match kind {
        ChartKind::IdentityServer => {
            let is = &p.identity_server;
            (
                &is.release,
                &is.chart,
                &is.chart_version,
                "identity-server/values.yaml",
                super::identity_server::overlay(p),
            )
        }
        ChartKind::ApiManager => {
            let a = &p.api_manager;
            (
                &a.release,
                &a.chart,
                &a.chart_version,
                "api-manager/values.yaml",
                super::api_manager::overlay(p),
            )
        }
    };
    RenderSpec {
        chart_kind: kind,
        release: release.clone(),
        chart: chart.clone(),
        version: version.clone(),
        namespace: p.cluster.namespace.clone(),
        values: values.into(),
        stdin: (!overlay.entries.is_empty()).then_some(overlay),
        drop_kinds: if kind == ChartKind::IdentityServer && p.gateway_api() {
            super::exposure::dropped_kinds()
        } else {
            Vec::new()
        },
    }
}

/// The plan's verify action for the chart of `kind` (IS also renders API-M, whose Service its
/// revocation listener names).
pub fn spec(p: &Profile, kind: ChartKind) -> VerifySpec {
    VerifySpec {
        render: render_spec(p, kind),
        peer: (kind == ChartKind::IdentityServer).then(|| render_spec(p, ChartKind::ApiManager)),
        expect: expect(p, kind),
    }
}

/// The secret values each chart is handed on standard input, for `verify::plaintext` to say
/// which of them the chart writes into a ConfigMap as they are.
pub fn secret_overlays(p: &Profile) -> Vec<(ChartKind, SecretOverlay)> {
    vec![
        (
            ChartKind::IdentityServer,
            super::identity_server::overlay(p),
        ),
        (ChartKind::ApiManager, super::api_manager::overlay(p)),
    ]
}

//! The inverse of the charts' values: which chart value comes from which profile field.
//!
//! The forward mapping (`steps::identity_server::values`, `steps::api_manager::values`) stays
//! the one source of truth. This table only names, for each chart value kmpilot writes from a
//! single profile field, that field; the unit test below sets every field to a probe value and
//! renders the forward mapping, so a binding that no longer matches the forward code fails the
//! build's tests instead of importing the wrong field. Anything the table does not cover is
//! caught at import time by re-rendering the imported profile and listing every chart value
//! that comes out different (`residue`), so a missing binding is reported, never dropped.

use serde_json::Value;

use super::values::{get, set_profile_path};
use crate::profile::Profile;

/// Which chart a value belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Chart {
    IdentityServer,
    ApiManager,
}

impl Chart {
    /// The chart values kmpilot hands helm for this profile (secrets excluded: they go
    /// through standard input and are listed by `overlay_paths`).
    pub fn values(self, p: &Profile) -> Value {
        match self {
            Chart::IdentityServer => crate::steps::identity_server::values(p),
            Chart::ApiManager => crate::steps::api_manager::values(p),
        }
    }

    /// Value paths that carry secrets (helm reads them from standard input, and `helm get
    /// values` shows them in clear): imported as `prompt: true`, never read.
    pub fn overlay_paths(self, p: &Profile) -> Vec<Vec<String>> {
        let o = match self {
            Chart::IdentityServer => crate::steps::identity_server::overlay(p),
            Chart::ApiManager => crate::steps::api_manager::overlay(p),
        };
        o.entries.into_iter().map(|e| e.path).collect()
    }

    /// The chart name helm records for a release of this chart.
    pub fn chart_name(self) -> &'static str {
        match self {
            Chart::IdentityServer => "identity-server",
            Chart::ApiManager => "wso2am-all-in-one",
        }
    }

    /// Where the chart's section of the profile is.
    pub fn section(self) -> &'static str {
        match self {
            Chart::IdentityServer => "identityServer",
            Chart::ApiManager => "apiManager",
        }
    }
}

/// One chart value written from one profile field (dotted paths; numbers index arrays).
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub chart: Chart,
    pub value: &'static str,
    pub field: &'static str,
}

const fn b(chart: Chart, value: &'static str, field: &'static str) -> Binding {
    Binding {
        chart,
        value,
        field,
    }
}

use Chart::{ApiManager as AM, IdentityServer as IS};

/// Ordered: a field several values derive from comes first, so the later values already
/// match and are not taken as overrides.
pub const BINDINGS: &[Binding] = &[
    // API-M
    b(
        AM,
        "wso2.deployment.image.registry",
        "apiManager.image.registry",
    ),
    b(
        AM,
        "wso2.deployment.image.repository",
        "apiManager.image.repository",
    ),
    b(AM, "wso2.deployment.image.tag", "apiManager.image.tag"),
    b(
        AM,
        "wso2.deployment.image.digest",
        "apiManager.image.digest",
    ),
    b(
        AM,
        "wso2.deployment.highAvailability",
        "apiManager.highAvailability",
    ),
    b(AM, "wso2.apim.secureVaultEnabled", "secureVault.enabled"),
    b(
        AM,
        "wso2.apim.configurations.adminUsername",
        "apiManager.admin.username",
    ),
    b(
        AM,
        "wso2.apim.configurations.databases.type",
        "apiManager.databases.type",
    ),
    b(
        AM,
        "wso2.apim.configurations.databases.jdbc.driver",
        "apiManager.databases.driver",
    ),
    b(
        AM,
        "wso2.apim.configurations.security.jksSecretName",
        "keystores.apim.secretName",
    ),
    b(
        AM,
        "wso2.apim.configurations.security.keystores.primary.alias",
        "keystores.apim.alias",
    ),
    b(
        AM,
        "wso2.apim.configurations.security.keystores.primary.name",
        "keystores.apim.keystore",
    ),
    b(
        AM,
        "wso2.apim.configurations.security.keystores.tls.name",
        "keystores.apim.tlsKeystore",
    ),
    b(
        AM,
        "wso2.apim.configurations.security.keystores.internal.name",
        "keystores.apim.internalKeystore",
    ),
    b(
        AM,
        "wso2.apim.configurations.security.truststore.name",
        "keystores.apim.truststore",
    ),
    b(
        AM,
        "wso2.apim.configurations.extraConfigs",
        "apiManager.extraToml",
    ),
    b(
        AM,
        "kubernetes.ingressClass",
        "apiManager.ingress.className",
    ),
    // the ingresses' secret; the keystores step's generated one (keystores.tlsSecret) unless
    // overridden, and only the override shows in the values
    b(
        AM,
        "kubernetes.ingress.tlsSecret",
        "apiManager.ingress.tlsSecret",
    ),
    b(
        AM,
        "kubernetes.ingress.management.hostname",
        "apiManager.hostnames.management",
    ),
    b(
        AM,
        "kubernetes.ingress.gateway.hostname",
        "apiManager.hostnames.gateway",
    ),
    b(
        AM,
        "kubernetes.ingress.websocket.hostname",
        "apiManager.hostnames.websocket",
    ),
    b(
        AM,
        "kubernetes.ingress.websub.hostname",
        "apiManager.hostnames.websub",
    ),
    // IS
    b(
        IS,
        "deployment.image.registry",
        "identityServer.image.registry",
    ),
    b(
        IS,
        "deployment.image.repository",
        "identityServer.image.repository",
    ),
    b(IS, "deployment.image.tag", "identityServer.image.tag"),
    b(IS, "deployment.ingress.hostName", "identityServer.hostname"),
    b(
        IS,
        "deployment.ingress.ingressClassName",
        "apiManager.ingress.className",
    ),
    b(
        IS,
        "deployment.ingress.tlsSecretsName",
        "apiManager.ingress.tlsSecret",
    ),
    b(
        IS,
        "deployment.externalJKS.secretName",
        "keystores.is.secretName",
    ),
    b(
        IS,
        "deploymentToml.superAdmin.username",
        "identityServer.admin.username",
    ),
    b(
        IS,
        "deploymentToml.keystore.primary.alias",
        "keystores.is.alias",
    ),
    b(
        IS,
        "deploymentToml.keystore.primary.fileName",
        "keystores.is.primary",
    ),
    b(
        IS,
        "deploymentToml.keystore.tls.fileName",
        "keystores.is.tls",
    ),
    b(
        IS,
        "deploymentToml.keystore.internal.fileName",
        "keystores.is.internal",
    ),
    b(
        IS,
        "deploymentToml.truststore.fileName",
        "keystores.is.truststore",
    ),
];

/// What applying one binding did.
pub enum Outcome {
    /// The live value already is what the profile renders.
    Same,
    /// The field was set from the live value.
    Set,
    /// The live value does not fit the field (type, enum): left as it was.
    Rejected(String),
}

/// Sets `binding.field` from the live value at `binding.value`, unless the profile already
/// renders that value (defaults and derived values stay out of the imported profile).
pub fn apply(p: &mut Profile, binding: &Binding, live: &Value) -> Option<Outcome> {
    let live_v = get(live, binding.value)?;
    if get(&binding.chart.values(p), binding.value) == Some(live_v) {
        return Some(Outcome::Same);
    }
    if live_v == &Value::String(SECRET_MASK.into()) {
        return Some(Outcome::Rejected("a secret-shaped value, not read".into()));
    }
    match set_profile_path(p, binding.field, live_v.clone()) {
        Ok(next) => {
            *p = next;
            Some(Outcome::Set)
        }
        Err(e) => Some(Outcome::Rejected(e)),
    }
}

/// Stands where a secret value was: the value is never kept.
pub const SECRET_MASK: &str = "«secret, not read»";

#[cfg(test)]
mod tests {
    use super::*;

    /// Every binding is the forward mapping: setting the field to a probe value makes the
    /// chart value that probe value (from the quickstart and from a profile with API-M's
    /// optional values present).
    #[test]
    fn every_binding_matches_the_forward_mapping() {
        for (i, bnd) in BINDINGS.iter().enumerate() {
            let base = Profile::quickstart("probe");
            let current = get(&bnd.chart.values(&base), bnd.value).cloned();
            let probe = match &current {
                Some(Value::Bool(b)) => Value::Bool(!b),
                _ if bnd.field.ends_with("databases.type") => Value::String("postgres".into()),
                _ => Value::String(format!("probe-{i}")),
            };
            let p = set_profile_path(&base, bnd.field, probe.clone())
                .unwrap_or_else(|e| panic!("{}: {e}", bnd.field));
            let rendered = bnd.chart.values(&p);
            assert_eq!(
                get(&rendered, bnd.value),
                Some(&probe),
                "binding {} <- {} does not match the forward mapping",
                bnd.value,
                bnd.field
            );
        }
    }

    #[test]
    fn a_value_the_profile_already_renders_is_not_set() {
        let mut p = Profile::quickstart("q");
        let live = AM.values(&p);
        let before = p.clone();
        for bnd in BINDINGS.iter().filter(|b| b.chart == AM) {
            if let Some(o) = apply(&mut p, bnd, &live) {
                assert!(matches!(o, Outcome::Same), "{}", bnd.value);
            }
        }
        assert_eq!(p, before);
    }
}

//! The shape of a chart line: the types each line's file fills in (`apim_4_5`, …, `is_7_1`)
//! and what a line answers about itself. The tables of the known lines are `chart_lines`'.

/// How the IS 7 key-manager connector of a line expects the connector's credentials in the
/// key manager's `additionalProperties` (the Admin Portal form stores what the connector reads).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum KmAuthShape {
    /// Connector ≤ 2.0.4 (API-M 4.5): `Username` and `Password` at the top level.
    Flat,
    /// Connector ≥ 2.0.8 (API-M 4.6, 4.7): `"Authentication": "BasicAuth"` beside `Username`
    /// and `Password`, as the 4.6/4.7 Admin Portal stores it.
    BasicAuth,
}

/// Which value the chart's `[server] hostname` comes from when both exposures are configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum HostnamePrecedence {
    /// 4.5/4.6: `kubernetes.ingress.management.hostname` when `kubernetes.ingress.enabled`, else
    /// the Gateway API hostname.
    IngressFirst,
    /// 4.7: the Gateway API hostname when `kubernetes.gatewayAPI.enabled`, else the ingress one.
    GatewayApiFirst,
}

/// The symmetric encryption key a line's chart requires (`wso2.apim.configurations.encryption`),
/// and how kmpilot hands it over: the Secret named by `existingSecret.secretName` (the same
/// Secret as the admin and database passwords: the chart has one `existingSecret`), under the
/// key `existingSecret.<existing_secret_field>`.
#[derive(Debug, serde::Serialize)]
pub struct EncryptionKey {
    /// The field of `wso2.apim.configurations.existingSecret` that names the Secret's key.
    pub existing_secret_field: &'static str,
    /// Hex characters of the key (the chart's README: 64, the same on every node, set before
    /// the first start; it can never change afterwards).
    pub hex_chars: usize,
    /// `wso2.apim.configurations.encryption.internalCryptoProvider` value that keeps the 4.5
    /// keystore-based encryption (and secure vault), for which the chart requires no key.
    pub keystore_provider: &'static str,
}

/// One fact and where it was read (shown by `kmpilot versions` and in error messages).
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Sourced {
    pub fact: &'static str,
    pub source: &'static str,
}

/// An API-M chart line (`wso2am-all-in-one` `<major>.<minor>.x`).
#[derive(Debug, serde::Serialize)]
pub struct ApimLine {
    /// `(4, 7)`: the chart versions `4.7.0-*` belong to this line.
    pub minor: (u32, u32),
    /// Product version and release month (`"4.7.0"`, `"2026-04"`).
    pub product: &'static str,
    pub released: &'static str,
    /// The newest chart version read, the one a new profile gets.
    pub chart_version: &'static str,
    /// One line on what the line brings (the wizard's first screen).
    pub summary: &'static str,
    /// The chart's own image default (`wso2/wso2am`, tag).
    pub image_repository: &'static str,
    pub image_tag: &'static str,
    /// The first chart revision of the line with the image `tag` value (before it the chart
    /// always renders `registry/repository@digest`).
    pub tag_value_from: u32,
    /// The first chart revision of the line with the `kubernetes.gatewayAPI` values.
    pub gateway_api_values_from: u32,
    /// The `WSO2-IS-7` key-manager connector the product ships, and what its config looks like.
    pub km_connector: &'static str,
    pub km_auth_shape: KmAuthShape,
    /// The IS notification-handler jar (`wso2is.notification.event.handlers`) and IS base image
    /// the pattern-6 docs of this line use.
    pub notification_handler: &'static str,
    pub is_base_image: &'static str,
    /// TOML tables `confs/instance-1/deployment.toml` declares itself: an `extraToml` that
    /// repeats one makes the file invalid. In parts (a line adds to the one before); read them
    /// through `ApimLine::tables`.
    pub declared_tables: &'static [&'static [&'static str]],
    /// Does the chart turn the Gateway API on (and every Ingress off) by default?
    pub gateway_api_on_by_default: bool,
    pub hostname_precedence: HostnamePrecedence,
    /// The symmetric encryption key the chart `fail`s without (with its default, symmetric
    /// internal crypto provider); `None`: the line has no such key.
    pub encryption_key: Option<&'static EncryptionKey>,
    /// Value-path renames against the previous line (`old` → `new`), for values kmpilot writes
    /// or imports.
    pub renamed: &'static [(&'static str, &'static str)],
    /// Every fact above, with where it was read.
    pub sources: &'static [Sourced],
}

/// An IS chart line (`identity-server` `<major>.<minor>.x`).
#[derive(Debug, serde::Serialize)]
pub struct IsLine {
    pub minor: (u32, u32),
    pub product: &'static str,
    pub chart_version: &'static str,
    /// `deployment.buildVersion`: the chart builds the keystore mount paths from it, so it must
    /// match the IS image's version.
    pub build_version: &'static str,
    /// As `ApimLine::declared_tables`, in parts.
    pub declared_tables: &'static [&'static [&'static str]],
    pub sources: &'static [Sourced],
}

impl ApimLine {
    /// Every table the chart's `deployment.toml` declares itself.
    pub fn tables(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.declared_tables.iter().flat_map(|p| p.iter().copied())
    }

    /// `4.7`: how people name the line.
    pub fn name(&self) -> String {
        format!("{}.{}", self.minor.0, self.minor.1)
    }

    /// The chart revision of a version of this line (`4.5.0-10` → 10); 0 without one.
    pub fn revision(chart_version: &str) -> u32 {
        chart_version
            .trim()
            .split_once('-')
            .and_then(|(_, r)| r.parse().ok())
            .unwrap_or(0)
    }
}

impl IsLine {
    /// Every table the chart's `deployment.toml` declares itself.
    pub fn tables(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.declared_tables.iter().flat_map(|p| p.iter().copied())
    }
}

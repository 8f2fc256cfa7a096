//! API-M 4.7 (`wso2am-all-in-one` 4.7.0-x, April 2026): the current line.
//! Sources: wso2/helm-apim branch 4.7.x (`git diff 4.6.x 4.7.x -- all-in-one`); product-apim v4.7.0
//! release; shared/reference/wso2-facts.md §8.

use super::line::{ApimLine, EncryptionKey, HostnamePrecedence, KmAuthShape, Sourced};
use super::{apim_4_5, apim_4_6};

/// 4.7 adds these to 4.6's tables (`[oauth.multiple_client_secrets]` with the default
/// `oauth_config.multipleClientSecrets`; `[[oauth.extensions.token_types]]` is an array of
/// tables, to which an extraToml may add entries, but not a plain table of that name).
pub(super) const EXTRA_TABLES: &[&str] = &[
    "keystore",
    "system.parameter",
    "encryption",
    "oauth.multiple_client_secrets",
    "oauth.extensions.token_types",
];

/// `[encryption] key = "$env{WSO2_ENCRYPTION_KEY}"` from `existingSecret.encryptionKeyKey`.
static ENCRYPTION_KEY: EncryptionKey = EncryptionKey {
    existing_secret_field: "encryptionKeyKey",
    hex_chars: 64,
    keystore_provider: "org.wso2.carbon.crypto.provider.KeyStoreBasedInternalCryptoProvider",
};

pub(super) static LINE: ApimLine = ApimLine {
    minor: (4, 7),
    product: "4.7.0",
    released: "2026-04",
    chart_version: "4.7.0-1",
    summary: "API-M 4.7 (April 2026): the current release; Gateway API by default, an encryption key",
    image_repository: "wso2/wso2am",
    image_tag: "4.7.0",
    tag_value_from: 1,
    gateway_api_values_from: 1,
    km_connector: "2.1.3",
    km_auth_shape: KmAuthShape::BasicAuth,
    notification_handler: "2.1.3",
    is_base_image: "wso2/wso2is:7.1.0",
    declared_tables: &[apim_4_5::TABLES, apim_4_6::EXTRA_TABLES, EXTRA_TABLES],
    gateway_api_on_by_default: true,
    hostname_precedence: HostnamePrecedence::GatewayApiFirst,
    encryption_key: Some(&ENCRYPTION_KEY),
    renamed: &[],
    sources: &[
        Sourced {
            fact: "chart 4.7.0-1 (appVersion 4.7.0); default image wso2/wso2am:4.7.0",
            source: "helm-apim@4.7.x all-in-one/Chart.yaml, docs default_values.yaml",
        },
        Sourced {
            fact: "the chart fails without a symmetric encryption key (encryption.key, existingSecret.encryptionKeyKey or secure vault)",
            source: "helm-apim@4.7.x all-in-one/confs/instance-1/deployment.toml [encryption]",
        },
        Sourced {
            fact: "[server] hostname: the Gateway API hostname when kubernetes.gatewayAPI.enabled, else the ingress one (reversed from 4.6); `mode = \"single\"` dropped from [server]",
            source: "helm-apim@4.7.x all-in-one/confs/instance-1/deployment.toml lines 1-5",
        },
        Sourced {
            fact: "existingSecret.encryptionKeyKey (with secretName) sets env WSO2_ENCRYPTION_KEY from that Secret; internalCryptoProvider KeyStoreBasedInternalCryptoProvider needs no key and keeps the keystore-based secure vault",
            source: "helm-apim@4.7.x all-in-one/templates/am/instance-1/wso2am-deployment.yaml, confs/secret-conf.properties, values.yaml",
        },
        Sourced {
            fact: "kubernetes.gatewayAPI.enabled defaults to true and every kubernetes.ingress.*.enabled to false",
            source: "helm-apim@4.7.x all-in-one/values.yaml",
        },
        Sourced {
            fact: "API-M 4.7.0 ships the WSO2-IS-7 connector 2.1.3; pattern 6 uses notification handler 2.1.3",
            source: "product-apim v4.7.0 all-in-one pom; apim.docs.wso2.com 4.7.0 configure-wso2is7-connector",
        },
    ],
};

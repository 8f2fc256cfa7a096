//! API-M 4.5 (`wso2am-all-in-one` 4.5.0-x, March 2025).
//! Sources: wso2/helm-apim branch 4.5.x (`all-in-one/values.yaml`, `confs/instance-1/deployment.toml`);
//! product-apim v4.5.0 release; shared/reference/wso2-facts.md §1, §3, §5, §8.

use super::line::{ApimLine, HostnamePrecedence, KmAuthShape, Sourced};

/// Tables `confs/instance-1/deployment.toml` of 4.5.x always declares with kmpilot's values.
pub(super) const TABLES: &[&str] = &[
    "server",
    "user_store",
    "super_admin",
    "database.apim_db",
    "database.shared_db",
    "apim",
    "keystore.primary",
    "keystore.tls",
    "keystore.internal",
    "truststore",
    "apim.sync_runtime_artifacts.gateway",
    "apim.cache.gateway_token",
    "apim.cache.resource",
    "apim.cache.km_token",
    "apim.cache.recent_apis",
    "apim.cache.scopes",
    "apim.cache.publisher_roles",
    "apim.cache.jwt_claim",
    "apim.cache.tags",
    "apim.analytics",
    "apim.ai",
    "transport.http",
    "transport.https",
    "apim.key_manager",
    "apim.transaction_counter",
    "oauth.grant_type.token_exchange",
    "oauth.endpoints",
    "apim.oauth_config",
    "apim.devportal",
    "apim.publisher",
    "apim.cors",
    "apim.throttling",
    "apim.throttling.blacklist_condition",
    "apim.throttling.jms",
    "apim.throttling.event_sync",
    "apim.throttling.event_management",
    "apim.workflow",
    "service_provider",
    "database.local",
    "apim.organization_based_access_control",
];

pub(super) static LINE: ApimLine = ApimLine {
    minor: (4, 5),
    product: "4.5.0",
    released: "2025-03",
    chart_version: "4.5.0-10",
    summary: "API-M 4.5 (March 2025): the line kmpilot was first built for; Ingress by default",
    image_repository: "wso2/wso2am",
    image_tag: "4.5.0",
    tag_value_from: 10,
    gateway_api_values_from: 9,
    km_connector: "2.0.4",
    km_auth_shape: KmAuthShape::Flat,
    notification_handler: "2.0.5",
    is_base_image: "wso2/wso2is:7.1.0",
    declared_tables: &[TABLES],
    gateway_api_on_by_default: false,
    hostname_precedence: HostnamePrecedence::IngressFirst,
    encryption_key: None,
    renamed: &[],
    sources: &[
        Sourced {
            fact: "chart 4.5.0-10 (appVersion 4.5.0); the image `tag` value exists from 4.5.0-10",
            source: "helm-apim@4.5.x all-in-one/Chart.yaml, values.yaml (commit c00978e)",
        },
        Sourced {
            fact: "kubernetes.gatewayAPI.* exists from chart 4.5.0-9; its HTTPRoutes attach to the listeners control-plane-https, gateway-https, websocket-https, websub-https",
            source: "helm-apim@4.5.x all-in-one/values.yaml history, templates/am/wso2am-gateway-api-*-httproute.yaml",
        },
        Sourced {
            fact: "[server] hostname reads kubernetes.ingress.enabled (absent from values.yaml) before the ingress hostname, else the Gateway API one",
            source: "helm-apim@4.5.x all-in-one/confs/instance-1/deployment.toml line 2",
        },
        Sourced {
            fact: "API-M 4.5.0 ships the WSO2-IS-7 connector 2.0.4 (Username/Password at the top level)",
            source: "product-apim v4.5.0 all-in-one pom; apim-km-wso2is 2.0.4",
        },
        Sourced {
            fact: "pattern 6 on 4.5: IS 7.1.0 base image, notification handler 2.0.5",
            source: "apim.docs.wso2.com 4.5.0 configure-wso2is7-connector",
        },
    ],
};

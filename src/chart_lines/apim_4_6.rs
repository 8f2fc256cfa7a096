//! API-M 4.6 (`wso2am-all-in-one` 4.6.0-x, October 2025).
//! Sources: wso2/helm-apim branch 4.6.x (`git diff 4.5.x 4.6.x -- all-in-one`); product-apim v4.6.0
//! release; shared/reference/wso2-facts.md §8.

use super::apim_4_5;
use super::line::{ApimLine, HostnamePrecedence, KmAuthShape, Sourced};

/// 4.6 adds the gateway-notification tables and `[apim.mcp]` to 4.5's.
pub(super) const EXTRA_TABLES: &[&str] = &[
    "apim.gateway_notification",
    "apim.gateway_notification.heartbeat",
    "apim.gateway_notification.deployment_ack",
    "apim.gateway_notification.registration",
    "apim.gateway_notification.cleanup",
    "apim.mcp",
];

pub(super) static LINE: ApimLine = ApimLine {
    minor: (4, 6),
    product: "4.6.0",
    released: "2025-10",
    chart_version: "4.6.0-5",
    summary: "API-M 4.6 (October 2025): MCP servers, gateway notifications, Moesif analytics",
    image_repository: "wso2/wso2am",
    image_tag: "4.6.0",
    tag_value_from: 1,
    gateway_api_values_from: 1,
    km_connector: "2.0.8",
    km_auth_shape: KmAuthShape::BasicAuth,
    notification_handler: "2.0.8",
    is_base_image: "wso2/wso2is:7.1.0",
    declared_tables: &[apim_4_5::TABLES, EXTRA_TABLES],
    gateway_api_on_by_default: false,
    hostname_precedence: HostnamePrecedence::IngressFirst,
    encryption_key: None,
    renamed: &[
        (
            "wso2.apim.configurations.publisher.enable_api_doc_visibility",
            "wso2.apim.configurations.publisher.enableApiDocVisibility",
        ),
        (
            "wso2.apim.configurations.ai.token_endpoint",
            "wso2.apim.configurations.ai.tokenEndpoint",
        ),
        // kmpilot writes no analytics values; recorded for import and for extraToml authors
        ("wso2.choreoAnalytics", "wso2.moesifAnalytics"),
    ],
    sources: &[
        Sourced {
            fact: "chart 4.6.0-5 (appVersion 4.6.0)",
            source: "helm-apim@4.6.x all-in-one/Chart.yaml",
        },
        Sourced {
            fact: "renamed publisher.enableApiDocVisibility and ai.tokenEndpoint; wso2.choreoAnalytics replaced by wso2.moesifAnalytics; [apim.gateway_notification*] always declared, [apim.mcp] with mcp.enabled (default true)",
            source: "git diff 4.5.x 4.6.x -- all-in-one/values.yaml all-in-one/confs/instance-1/deployment.toml",
        },
        Sourced {
            fact: "API-M 4.6.0 ships the WSO2-IS-7 connector 2.0.8: credentials under Authentication = BasicAuth",
            source: "product-apim v4.6.0 all-in-one pom; apim-km-wso2is 2.0.8",
        },
        Sourced {
            fact: "pattern 6 on 4.6: notification handler 2.0.8",
            source: "apim.docs.wso2.com 4.6.0 configure-wso2is7-connector",
        },
    ],
};

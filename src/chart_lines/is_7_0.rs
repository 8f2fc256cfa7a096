//! IS 7.0 (`identity-server` 7.0.0-x): kept so a 7.0 profile's extraToml is still checked offline.
//! Sources: wso2/kubernetes-is branch 7.0.x (`values.yaml`, `confs/deployment.toml`);
//! shared/reference/wso2-facts.md §2.

use super::is_7_1;
use super::line::{IsLine, Sourced};

pub(super) static LINE: IsLine = IsLine {
    minor: (7, 0),
    product: "7.0.0",
    chart_version: "7.0.0-2",
    build_version: "7.0.0",
    declared_tables: &[is_7_1::TABLES_7],
    sources: &[Sourced {
        fact: "chart 7.0.0-2 (appVersion 7.0.0); its deployment.toml declares the 7.x tables without [identity_mgt]; buildVersion 7.0.0 is inferred from appVersion",
        source: "kubernetes-is@7.0.x Chart.yaml, confs/deployment.toml",
    }],
};

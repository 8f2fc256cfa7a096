//! Live rows for Gateway API exposure: the namespace's Gateways and HTTPRoutes, watched like
//! pods and ingresses (`watch::spawn_pane`), each turned into a `RouteRow` with the conditions
//! a controller reported. The kinds are CRDs, so they get small typed wrappers here (the pane
//! machinery wants a statically known resource).

use std::borrow::Cow;

use ::kube::Client;
use ::kube::Resource;
use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::snapshot::{RouteRow, WatchUpdate};
use super::watch::{WatchOptions, Watchers, spawn_pane};

macro_rules! gateway_api_kind {
    ($ty:ident, $kind:literal, $plural:literal) => {
        /// A Gateway API object with its spec and status kept as JSON.
        #[derive(Debug, Clone, Deserialize)]
        pub struct $ty {
            pub metadata: ObjectMeta,
            #[serde(default)]
            pub spec: Value,
            #[serde(default)]
            pub status: Value,
        }

        impl Resource for $ty {
            type DynamicType = ();
            type Scope = NamespaceResourceScope;
            fn kind(_: &()) -> Cow<'_, str> {
                $kind.into()
            }
            fn group(_: &()) -> Cow<'_, str> {
                "gateway.networking.k8s.io".into()
            }
            fn version(_: &()) -> Cow<'_, str> {
                "v1".into()
            }
            fn plural(_: &()) -> Cow<'_, str> {
                $plural.into()
            }
            fn meta(&self) -> &ObjectMeta {
                &self.metadata
            }
            fn meta_mut(&mut self) -> &mut ObjectMeta {
                &mut self.metadata
            }
        }

        impl $ty {
            fn row(&self) -> RouteRow {
                let obj = json!({"kind": $kind, "spec": self.spec, "status": self.status});
                let (ok, status) = crate::render::gateway_api::health(&obj);
                // the hosts have their own column
                let status = match status.split_once(" → ") {
                    Some((_, rest)) => rest.to_string(),
                    None => status,
                };
                let hosts = match $kind {
                    "Gateway" => self.spec["listeners"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|l| l["hostname"].as_str().map(str::to_string))
                        .collect(),
                    _ => self.spec["hostnames"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|h| h.as_str().map(str::to_string))
                        .collect(),
                };
                RouteRow {
                    namespace: self.metadata.namespace.clone().unwrap_or_default(),
                    name: format!("{}/{}", $kind, self.metadata.name.clone().unwrap_or_default()),
                    hosts,
                    status,
                    ok,
                }
            }
        }
    };
}

gateway_api_kind!(GatewayObject, "Gateway", "gateways");
gateway_api_kind!(HttpRouteObject, "HTTPRoute", "httproutes");

/// Watches Gateways and HTTPRoutes in `namespaces`, sending `WatchUpdate::Gateways` /
/// `WatchUpdate::HttpRoutes` snapshots. A cluster without the Gateway API CRDs shows the
/// panes as broken with the API server's reason, as for any watch that fails.
pub fn spawn_route_watchers(
    client: Client,
    namespaces: Vec<String>,
    tx: mpsc::Sender<WatchUpdate>,
) -> Watchers {
    let options = WatchOptions::default();
    let mut tasks = spawn_pane::<GatewayObject, _>(
        &client,
        &namespaces,
        &options,
        GatewayObject::row,
        WatchUpdate::Gateways,
        tx.clone(),
    );
    tasks.extend(spawn_pane::<HttpRouteObject, _>(
        &client,
        &namespaces,
        &options,
        HttpRouteObject::row,
        WatchUpdate::HttpRoutes,
        tx,
    ));
    Watchers::from_tasks(tasks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_carry_kind_hosts_and_conditions() {
        let r: HttpRouteObject = serde_json::from_value(json!({
            "metadata": {"name": "is", "namespace": "wso2"},
            "spec": {"hostnames": ["is.wso2.com"], "rules": [{"backendRefs": [{"name": "is-identity-server", "port": 9443}]}]},
            "status": {"parents": [{"conditions": [
                {"type": "Accepted", "status": "True", "reason": "Accepted"},
                {"type": "ResolvedRefs", "status": "True", "reason": "ResolvedRefs"}]}]},
        }))
        .unwrap();
        let row = r.row();
        assert_eq!(row.name, "HTTPRoute/is");
        assert_eq!(row.hosts, ["is.wso2.com"]);
        assert!(row.ok, "{}", row.status);
        assert_eq!(
            row.status,
            "is-identity-server:9443: Accepted=True ResolvedRefs=True"
        );
        let g: GatewayObject = serde_json::from_value(json!({
            "metadata": {"name": "gw", "namespace": "wso2"},
            "spec": {"listeners": [{"hostname": "am.wso2.com"}, {"hostname": "is.wso2.com"}]},
        }))
        .unwrap();
        let row = g.row();
        assert_eq!(row.name, "Gateway/gw");
        assert_eq!(row.hosts, ["am.wso2.com", "is.wso2.com"]);
        assert!(!row.ok);
        assert_eq!(
            HttpRouteObject::url_path(&(), Some("wso2")),
            "/apis/gateway.networking.k8s.io/v1/namespaces/wso2/httproutes"
        );
    }
}

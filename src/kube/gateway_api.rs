//! Reading Gateway API objects (CRDs, so through discovery and dynamic objects): the cluster's
//! GatewayClasses for the prerequisites check, a Gateway's address for DNS, and waiting for
//! that address.

use std::time::Duration;

use ::kube::api::{Api, DynamicObject, ListParams};
use ::kube::runtime::watcher;
use serde_json::Value;

use super::client::Kube;
use super::error::{KubeError, Result};
use super::retry::retry_transient;
use super::wait::Check;
use crate::render::gateway_api::gateway_address;

pub const GROUP_VERSION: &str = "gateway.networking.k8s.io/v1";

/// One GatewayClass as the prerequisites check needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayClassFacts {
    pub name: String,
    pub controller: String,
    /// `status.supportedFeatures[].name` (Gateway API v1.2+; empty when not published).
    pub supported_features: Vec<String>,
    /// The controller accepted the class (`Accepted=True`); `None` before any controller did.
    pub accepted: Option<bool>,
}

impl GatewayClassFacts {
    fn from_value(v: &Value) -> Self {
        let s = |x: &Value| x.as_str().unwrap_or_default().to_string();
        let features = v["status"]["supportedFeatures"]
            .as_array()
            .into_iter()
            .flatten()
            // v1.2+ publishes objects with a name; older drafts published plain strings
            .map(|f| {
                f["name"]
                    .as_str()
                    .or(f.as_str())
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        let accepted = v["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["type"] == "Accepted")
            .map(|c| c["status"] == "True");
        GatewayClassFacts {
            name: s(&v["metadata"]["name"]),
            controller: s(&v["spec"]["controllerName"]),
            supported_features: features,
            accepted,
        }
    }
}

fn to_value(o: &DynamicObject) -> Value {
    serde_json::to_value(o).unwrap_or(Value::Null)
}

impl Kube {
    async fn gateway_api(&self, kind: &str, namespace: Option<&str>) -> Result<Api<DynamicObject>> {
        let (ar, _) = self.resolve_kind(GROUP_VERSION, kind).await?;
        Ok(match namespace {
            Some(ns) => Api::namespaced_with(self.client(), ns, &ar),
            None => Api::all_with(self.client(), &ar),
        })
    }

    /// The cluster's GatewayClasses; `None` when it does not serve the Gateway API at all.
    pub async fn gateway_classes(&self) -> Result<Option<Vec<GatewayClassFacts>>> {
        let Ok(api) = self.gateway_api("GatewayClass", None).await else {
            return Ok(None);
        };
        let what = "list GatewayClasses";
        let lp = ListParams::default();
        let list = retry_transient(what, || api.list(&lp))
            .await
            .map_err(|e| KubeError::api(what, e))?;
        Ok(Some(
            list.items
                .iter()
                .map(|o| GatewayClassFacts::from_value(&to_value(o)))
                .collect(),
        ))
    }

    /// A Gateway as JSON; `None` when it does not exist.
    pub async fn gateway(&self, namespace: &str, name: &str) -> Result<Option<Value>> {
        let api = self.gateway_api("Gateway", Some(namespace)).await?;
        let what = format!("get Gateway {namespace}/{name}");
        let got = retry_transient(&what, || api.get_opt(name))
            .await
            .map_err(|e| KubeError::api(what.clone(), e))?;
        Ok(got.as_ref().map(to_value))
    }

    /// Objects of a Gateway API kind in `namespace` as JSON (the live rows and `doctor`).
    pub async fn gateway_api_objects(&self, kind: &str, namespace: &str) -> Result<Vec<Value>> {
        let api = self.gateway_api(kind, Some(namespace)).await?;
        let what = format!("list {kind}s in {namespace}");
        let lp = ListParams::default();
        let list = retry_transient(&what, || api.list(&lp))
            .await
            .map_err(|e| KubeError::api(what.clone(), e))?;
        Ok(list.items.iter().map(to_value).collect())
    }

    /// The Gateway's address for DNS (`status.addresses`: an IP before a hostname), `None`
    /// while its controller has published none.
    pub async fn gateway_address(&self, namespace: &str, name: &str) -> Result<Option<String>> {
        Ok(self
            .gateway(namespace, name)
            .await?
            .as_ref()
            .and_then(gateway_address))
    }

    /// Waits until the Gateway's controller has published an address.
    pub async fn wait_gateway_address(
        &self,
        namespace: &str,
        name: &str,
        timeout: Duration,
    ) -> Result<String> {
        let api = self.gateway_api("Gateway", Some(namespace)).await?;
        let what = format!("an address on Gateway {namespace}/{name}");
        let key = (namespace.to_string(), name.to_string());
        let config = watcher::Config::default().fields(&format!("metadata.name={name}"));
        self.wait_on_list(api, config, &what, timeout, |store| {
            match store.get(&key).map(to_value) {
                None => Check::NotYet(format!("Gateway {namespace}/{name} does not exist")),
                Some(g) => match gateway_address(&g) {
                    Some(a) => Check::Done(a),
                    None => Check::NotYet(format!(
                        "Gateway {name} has no address yet (is its controller running? {})",
                        crate::render::gateway_api::conditions(&g)
                            .iter()
                            .map(|(t, s, r)| format!("{t}={s} {r}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                },
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn class_facts_read_the_controller_features_and_acceptance() {
        let f = GatewayClassFacts::from_value(&json!({
            "metadata": {"name": "eg"},
            "spec": {"controllerName": "gateway.envoyproxy.io/gatewayclass-controller"},
            "status": {
                "conditions": [{"type": "Accepted", "status": "True"}],
                "supportedFeatures": [{"name": "BackendTLSPolicy"}, {"name": "Gateway"}],
            },
        }));
        assert_eq!(f.name, "eg");
        assert_eq!(f.accepted, Some(true));
        assert_eq!(f.supported_features, ["BackendTLSPolicy", "Gateway"]);
        let none = GatewayClassFacts::from_value(&json!({
            "metadata": {"name": "x"}, "spec": {"controllerName": "c"}}));
        assert_eq!(none.accepted, None);
        assert!(none.supported_features.is_empty());
    }
}

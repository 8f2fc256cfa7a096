//! `identityServer.image`: the IS image, pulled or built with the MySQL driver and loaded into the cluster.

use super::cluster_kind::Delivery;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct IsImage {
    /// Build and push the image; when false the chart pulls `registry/repository:tag` as is
    /// (an image someone already built with the jar in it).
    pub build: bool,
    /// Base image. Docker Hub's `wso2/wso2is` needs no subscription; `docker.wso2.com/wso2is`
    /// (the published procedure's choice) does.
    pub base: String,
    /// Version of `wso2is.notification.event.handlers`.
    pub notification_handler: String,
    /// Where the jar is downloaded from; derived from the version when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jar_url: Option<String>,
    /// The server version inside the image, which names its home directory.
    pub server_version: String,
    pub registry: String,
    pub repository: String,
    pub tag: String,
    pub push: bool,
    /// How the built image reaches the nodes: `auto` loads it into kind/minikube/k3d, relies
    /// on the shared engine of Docker Desktop/OrbStack/Rancher Desktop, pushes elsewhere.
    pub delivery: Delivery,
}

impl Default for IsImage {
    fn default() -> Self {
        IsImage {
            build: true,
            // the current API-M line's pattern-6 image (a new profile is on that line)
            base: crate::chart_lines::current_apim().is_base_image.into(),
            notification_handler: crate::chart_lines::current_apim()
                .notification_handler
                .into(),
            jar_url: None,
            server_version: "7.1.0".into(),
            registry: "localhost:5000".into(),
            repository: "wso2is-km".into(),
            tag: "7.1.0".into(),
            push: true,
            delivery: Delivery::Auto,
        }
    }
}

impl IsImage {
    pub fn image_ref(&self) -> String {
        format!("{}/{}:{}", self.registry, self.repository, self.tag)
    }

    pub fn jar_url(&self) -> String {
        self.jar_url.clone().unwrap_or_else(|| {
            let v = &self.notification_handler;
            format!(
                "https://maven.wso2.org/nexus/content/repositories/releases/org/wso2/km/ext/wso2is/wso2is.notification.event.handlers/{v}/wso2is.notification.event.handlers-{v}.jar"
            )
        })
    }
}

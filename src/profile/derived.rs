//! Answers that read more than one section of the profile (a section's own methods read only
//! that section, so `sections` never needs the whole `Profile`).

use crate::profile::Profile;
use crate::profile::sections::credentials::Credentials;
use crate::profile::sections::exposure::ExposureKind;

impl Profile {
    /// Whether the profile exposes through the Gateway API (else through Ingresses).
    pub fn gateway_api(&self) -> bool {
        self.cluster.exposure.kind == ExposureKind::GatewayApi
    }

    /// Every public name: API-M's four, then IS's.
    pub fn hostnames(&self) -> Vec<String> {
        let h = &self.api_manager.hostnames;
        vec![
            h.management.clone(),
            h.gateway.clone(),
            h.websocket.clone(),
            h.websub.clone(),
            self.identity_server.hostname.clone(),
        ]
    }

    /// The TLS Secret of the ingresses: API-M's own when it names one, else the keystores'.
    pub fn tls_secret(&self) -> &str {
        self.api_manager
            .ingress
            .tls_secret
            .as_deref()
            .unwrap_or(&self.keystores.tls_secret)
    }

    /// The account API-M's key-manager connector uses on IS: its own, else IS's admin.
    pub fn km_connector(&self) -> &Credentials {
        self.key_manager
            .connector
            .as_ref()
            .unwrap_or(&self.identity_server.admin)
    }
}

//! What a deployment lacks when a step of its plan did not finish: the run summary says this
//! instead of a green tick, so a step left out after failing is never read as success.

use super::StepId;

impl StepId {
    /// The consequence, for the person running the deployment, of this step not having run.
    pub fn lacks(self) -> &'static str {
        match self {
            StepId::Prerequisites => {
                "the cluster was not checked: the namespace, the helm repository or the ingress class may be missing"
            }
            StepId::IsImage => {
                "the IS image was not built or pushed: the IS install pulls an image that is not there"
            }
            StepId::Keystores => {
                "no keystores: IS and API-M lack the TLS and signing keys they are configured with"
            }
            StepId::SecureVault => {
                "the secrets in the configuration are not encrypted by secure vault"
            }
            StepId::IdentityServer => {
                "Identity Server is not installed: no key manager to issue tokens"
            }
            StepId::ApiManager => "API Manager is not installed",
            StepId::Dns => {
                "the hostnames do not point at the ingress: the consoles do not open by name"
            }
            StepId::KeyManager => {
                "no key manager registered: tokens from IS will not be accepted by API-M"
            }
            StepId::PrivateJet => {
                "the PrivateJet clusters are not registered: their gateways get no APIs"
            }
            StepId::KmsSts => "KMS and STS are not connected",
            StepId::Prove => {
                "the key manager is not proven: nothing showed that a token from IS is accepted by the gateway and refused once revoked"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_says_what_is_missing_without_it() {
        for id in StepId::all() {
            assert!(id.lacks().len() > 10, "{id:?}");
        }
    }
}

//! Cluster facts other steps consume: a service account's token, who a credential
//! authenticates as, and what it may do (to prove a PrivateJet token works before API-M gets it).

use std::time::Duration;

use ::kube::api::{Api, PostParams};
use k8s_openapi::api::authentication::v1::{SelfSubjectReview, SelfSubjectReviewStatus};
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};

use super::client::Kube;
use super::error::{KubeError, Result};
use super::retry::retry_transient;

impl Kube {
    /// The token the token controller wrote into the `kubernetes.io/service-account-token`
    /// secret `secret` (created by the plan, since Kubernetes ≥ 1.24 no longer creates one).
    pub async fn service_account_token(
        &self,
        namespace: &str,
        secret: &str,
        timeout: Duration,
    ) -> Result<String> {
        let bytes = self
            .wait_secret_key(namespace, secret, "token", timeout)
            .await?;
        String::from_utf8(bytes).map_err(|_| {
            KubeError::Invalid(format!(
                "the token in secret {namespace}/{secret} is not UTF-8"
            ))
        })
    }

    /// The user name this client authenticates as (`system:serviceaccount:ns:name` for a
    /// service-account token), from a SelfSubjectReview.
    pub async fn authenticated_user(&self) -> Result<String> {
        let api: Api<SelfSubjectReview> = Api::all(self.client());
        let pp = PostParams::default();
        let review = SelfSubjectReview::default();
        let review = retry_transient("self-subject review", || api.create(&pp, &review))
            .await
            .map_err(|e| KubeError::api("self-subject review (who am I)", e))?;
        review
            .status
            .and_then(|SelfSubjectReviewStatus { user_info }| user_info)
            .and_then(|u| u.username)
            .ok_or_else(|| KubeError::Invalid("self-subject review returned no user".into()))
    }

    /// Whether this client may `verb` `resource` (of API `group`, "" for core) in `namespace`
    /// (cluster-wide when `None`), from a SelfSubjectAccessReview.
    pub async fn can_i(
        &self,
        verb: &str,
        group: &str,
        resource: &str,
        namespace: Option<&str>,
    ) -> Result<bool> {
        let api: Api<SelfSubjectAccessReview> = Api::all(self.client());
        let review = SelfSubjectAccessReview {
            spec: SelfSubjectAccessReviewSpec {
                resource_attributes: Some(ResourceAttributes {
                    verb: Some(verb.into()),
                    group: Some(group.into()),
                    resource: Some(resource.into()),
                    namespace: namespace.map(str::to_string),
                    ..Default::default()
                }),
                ..Default::default()
            },
            ..Default::default()
        };
        let pp = PostParams::default();
        let done = retry_transient("access review", || api.create(&pp, &review))
            .await
            .map_err(|e| KubeError::api(format!("access review: can I {verb} {resource}"), e))?;
        Ok(done.status.is_some_and(|s| s.allowed))
    }
}

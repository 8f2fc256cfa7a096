//! The proof that the key manager works (the `prove` step, `kmpilot doctor --prove`): through
//! API-M's public REST APIs (Publisher v4, Developer Portal v3, as API-M 4.5–4.7 serve them)
//! and IS's OAuth endpoints, as a person would:
//!
//! 1. publish a sample API with IS 7 as its key manager (create, revision, deploy, Publish);
//! 2. create an application, generate its keys with the IS key manager (client credentials;
//!    API-M asks IS to register the client, DCR), subscribe it to the API;
//! 3. a token from IS; the API through the gateway's public hostname answers 200;
//! 4. the token revoked at IS; the gateway refuses it (401) within the promised time — how
//!    long it took is the proof's headline;
//! 5. the subscription, the application (with its keys) and the API removed, also when a
//!    stage failed.
//!
//! Each failure names its stage and the likely cause with its fix (wso2-facts §8, "What
//! evaluators hit"). No secret (admin password, consumer secret, token) reaches a line.

use std::path::Path;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::http::error::{ErrorKind, KmError};
use crate::http::reach::Reach;
use crate::http::redact::Redactor;
use crate::http::send::{Call, host_of};
use crate::plan::prove::{PROOF_SCOPES, Proof};

use super::conversation::{expect, json_of, send_logged, str_field};
use super::session::{Admin, Routed, Session};

pub const STAGE_PUBLISH: &str = "publish the sample API";
pub const STAGE_APPLICATION: &str = "create the application";
pub const STAGE_KEYS: &str = "generate keys with the IS key manager";
pub const STAGE_SUBSCRIBE: &str = "subscribe the application";
pub const STAGE_IS_TOKEN: &str = "token from IS";
pub const STAGE_CALL: &str = "call the API through the gateway";
pub const STAGE_REVOKE: &str = "revoke the token at IS";
pub const STAGE_REFUSED: &str = "revocation reaching the gateway";
pub const STAGE_CLEANUP: &str = "remove what the proof created";

/// How often the gateway is asked again while it deploys the API or takes in a revocation.
const POLL: Duration = Duration::from_millis(500);

/// A proof that passed.
#[derive(Debug, Clone, PartialEq)]
pub struct Proved {
    /// From the revocation at IS to the gateway's first 401.
    pub revocation: Duration,
    /// What could not be removed afterwards (empty: nothing left behind).
    pub left_behind: Vec<String>,
}

impl Proved {
    /// The deployment's headline.
    pub fn headline(&self) -> String {
        format!(
            "working: token from IS accepted by the gateway; revocation reached the gateway in {} s",
            self.revocation.as_secs_f64().ceil() as u64
        )
    }
}

/// The headline of a proof that failed: what is missing.
pub fn missing_headline(e: &KmError) -> String {
    format!(
        "not working: {} failed — {}",
        e.stage,
        e.hint().unwrap_or(&e.detail)
    )
}

/// What the proof created, by API-M's ids, so that it is removed whatever happened.
#[derive(Default)]
struct Created {
    api: Option<String>,
    application: Option<String>,
    subscription: Option<String>,
}

/// Runs the proof `p` describes. `reach` routes every host whose name does not resolve here.
pub async fn prove_via(
    p: &Proof,
    base_dir: &Path,
    admin_password: &str,
    reach: &Reach,
    progress: &mut (dyn FnMut(String) + Send),
) -> Result<Proved, KmError> {
    let mut say = |line: String, r: &Redactor| progress(r.scrub(&line));
    let mut s = Session::open(
        &Admin::new(&p.dcr_url, &p.token_url, &p.admin, &p.tls, PROOF_SCOPES),
        base_dir,
        admin_password,
        &[],
        reach,
        Duration::from_secs(p.timeout_seconds.max(1)),
        &mut say,
    )
    .await?;
    sweep(p, &mut s, &mut say).await;
    let mut created = Created::default();
    let outcome = stages(p, &mut s, &mut created, &mut say).await;
    let left = remove(p, &mut s, &created, &mut say).await;
    match outcome {
        Ok(revocation) => Ok(Proved {
            revocation,
            left_behind: left,
        }),
        Err(mut e) if !left.is_empty() => {
            e.detail = format!("{}; and left behind: {}", e.detail, left.join(", "));
            Err(e)
        }
        Err(e) => Err(e),
    }
}

type Say<'a> = dyn FnMut(String, &Redactor) + Send + 'a;

async fn stages(
    p: &Proof,
    s: &mut Session<'_>,
    created: &mut Created,
    say: &mut Say<'_>,
) -> Result<Duration, KmError> {
    // 1. the API
    let apis = format!("{}/apis", p.publisher_url);
    let body = json!({
        "name": p.api.name,
        "context": p.api.context,
        "version": p.api.version,
        "description": "created by kmpilot to prove the key manager; removed when the proof ends",
        "endpointConfig": {
            "endpoint_type": "http",
            "production_endpoints": {"url": p.api.backend_url},
            "sandbox_endpoints": {"url": p.api.backend_url},
        },
        "policies": ["Unlimited"],
        "keyManagers": [p.key_manager],
        "securityScheme": ["oauth2"],
        "operations": [{
            "target": "/*", "verb": "GET",
            "authType": "Application & Application User", "throttlingPolicy": "Unlimited",
        }],
    });
    let v = call_json(s, say, STAGE_PUBLISH, "POST", &apis, Some(&body), &[201]).await?;
    let api = id_of(&v, "id", STAGE_PUBLISH, &apis, s)?;
    created.api = Some(api.clone());
    let url = format!("{apis}/{api}/revisions");
    let v = call_json(
        s,
        say,
        STAGE_PUBLISH,
        "POST",
        &url,
        Some(&json!({"description": "kmpilot proof"})),
        &[201],
    )
    .await?;
    let revision = id_of(&v, "id", STAGE_PUBLISH, &url, s)?;
    let url = format!("{apis}/{api}/deploy-revision?revisionId={revision}");
    let to = json!([{"name": p.gateway_environment, "vhost": p.gateway_vhost, "displayOnDevportal": true}]);
    call_json(s, say, STAGE_PUBLISH, "POST", &url, Some(&to), &[201, 200]).await?;
    let url = format!("{apis}/change-lifecycle?apiId={api}&action=Publish");
    call_json(s, say, STAGE_PUBLISH, "POST", &url, None, &[200]).await?;

    // 2. the application, its keys from IS, the subscription
    let apps = format!("{}/applications", p.devportal_url);
    let body = json!({
        "name": p.api.application, "throttlingPolicy": "Unlimited", "tokenType": "JWT",
        "description": "created by kmpilot to prove the key manager; removed when the proof ends",
    });
    let v = call_json(
        s,
        say,
        STAGE_APPLICATION,
        "POST",
        &apps,
        Some(&body),
        &[201],
    )
    .await?;
    let app = id_of(&v, "applicationId", STAGE_APPLICATION, &apps, s)?;
    created.application = Some(app.clone());
    let url = format!("{apps}/{app}/generate-keys");
    let body = json!({
        "keyType": "PRODUCTION", "keyManager": p.key_manager,
        "grantTypesToBeSupported": ["client_credentials"], "callbackUrl": "",
        "scopes": ["default"], "validityTime": "3600",
    });
    let v = call_json(s, say, STAGE_KEYS, "POST", &url, Some(&body), &[200]).await?;
    let key = id_of(&v, "consumerKey", STAGE_KEYS, &url, s)?;
    let secret = id_of(&v, "consumerSecret", STAGE_KEYS, &url, s)?;
    s.redactor.add_basic(&key, &secret);
    let subs = format!("{}/subscriptions", p.devportal_url);
    let body = json!({"apiId": api, "applicationId": app, "throttlingPolicy": "Unlimited"});
    let v = call_json(s, say, STAGE_SUBSCRIBE, "POST", &subs, Some(&body), &[201]).await?;
    created.subscription = Some(id_of(&v, "subscriptionId", STAGE_SUBSCRIBE, &subs, s)?);

    // 3. a token from IS, accepted by the gateway
    let token = is_token(p, s, say, &key, &secret).await?;
    let invoke = p.invoke_url();
    say(
        format!("GET {invoke} — the API through the gateway, with IS's token"),
        &s.redactor,
    );
    let until = Instant::now() + Duration::from_secs(p.gateway_seconds.max(1));
    let (status, body) = poll(s, &invoke, &token, until, |st| st == StatusCode::OK).await?;
    if status != StatusCode::OK {
        return Err(gateway_error(p, STAGE_CALL, &invoke, status, &body, s));
    }
    say(
        format!("the gateway accepted IS's token (200 from {invoke})"),
        &s.redactor,
    );

    // 4. revoked at IS, refused by the gateway
    let form = [
        ("token", token.as_str()),
        ("token_type_hint", "access_token"),
    ];
    say(
        format!("POST {} — revoke the token", p.is_revoke_url),
        &s.redactor,
    );
    let call = Call {
        stage: STAGE_REVOKE,
        method: "POST",
        url: &p.is_revoke_url,
    };
    let build = || {
        s.client
            .post(&p.is_revoke_url)
            .basic_auth(&key, Some(&secret))
            .form(&form)
    };
    let answer = send_logged(&call, &build, s.deadline, &s.redactor, say).await?;
    expect(&call, &answer, &[StatusCode::OK], &s.redactor).map_err(|e| staged(e, None))?;
    let revoked = Instant::now();
    let until = revoked + Duration::from_secs(p.revocation_seconds.max(1));
    let (status, body) = poll(s, &invoke, &token, until, |st| {
        st == StatusCode::UNAUTHORIZED
    })
    .await?;
    if status != StatusCode::UNAUTHORIZED {
        return Err(gateway_error(p, STAGE_REFUSED, &invoke, status, &body, s));
    }
    let took = revoked.elapsed();
    say(
        format!(
            "the gateway refused the revoked token (401) after {:.1} s",
            took.as_secs_f64()
        ),
        &s.redactor,
    );
    Ok(took)
}

/// The application's client-credentials token from IS.
async fn is_token(
    p: &Proof,
    s: &mut Session<'_>,
    say: &mut Say<'_>,
    key: &str,
    secret: &str,
) -> Result<String, KmError> {
    say(
        format!(
            "POST {} — client-credentials token for the application",
            p.is_token_url
        ),
        &s.redactor,
    );
    let call = Call {
        stage: STAGE_IS_TOKEN,
        method: "POST",
        url: &p.is_token_url,
    };
    let form = [("grant_type", "client_credentials")];
    let build = || {
        s.client
            .post(&p.is_token_url)
            .basic_auth(key, Some(secret))
            .form(&form)
    };
    let answer = send_logged(&call, &build, s.deadline, &s.redactor, say).await?;
    expect(&call, &answer, &[StatusCode::OK], &s.redactor).map_err(|e| staged(e, None))?;
    let v = json_of(&call, &answer, &s.redactor)?;
    let token = str_field(&call, &v, "access_token", &answer, &s.redactor)?;
    s.redactor.add(&token);
    Ok(token)
}

/// GETs `url` with `token` until `done(status)` or `until`; the last status and body.
async fn poll(
    s: &Session<'_>,
    url: &str,
    token: &str,
    until: Instant,
    done: impl Fn(StatusCode) -> bool,
) -> Result<(StatusCode, String), KmError> {
    let call = Call {
        stage: STAGE_CALL,
        method: "GET",
        url,
    };
    let bearer = format!("Bearer {token}");
    loop {
        let build = || {
            s.client
                .get(url)
                .header(reqwest::header::AUTHORIZATION, &bearer)
        };
        // one answer per round: a gateway that answers 503 is polled like any other status
        let answer = crate::http::send::send(
            &call,
            &build,
            Instant::now() + Duration::from_secs(10),
            &s.redactor,
            &mut |_| {},
        )
        .await
        .map_err(|e| staged(e, None))?;
        if done(answer.status) || Instant::now() >= until {
            return Ok((answer.status, answer.body));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// A call of the Publisher or Developer Portal API that must answer one of `ok` with JSON
/// (or nothing).
#[allow(clippy::too_many_arguments)]
async fn call_json(
    s: &Session<'_>,
    say: &mut Say<'_>,
    stage: &'static str,
    method: &'static str,
    url: &str,
    body: Option<&Value>,
    ok: &[u16],
) -> Result<Value, KmError> {
    say(format!("{method} {url} — {stage}"), &s.redactor);
    let call = Call { stage, method, url };
    let build = || {
        let rb = request(&s.client, method, url).header(reqwest::header::AUTHORIZATION, &s.bearer);
        match body {
            Some(b) => rb.json(b),
            None => rb,
        }
    };
    let answer = send_logged(&call, &build, s.deadline, &s.redactor, say).await?;
    let ok: Vec<StatusCode> = ok
        .iter()
        .filter_map(|c| StatusCode::from_u16(*c).ok())
        .collect();
    expect(&call, &answer, &ok, &s.redactor).map_err(|e| staged(e, Some(&answer.body)))?;
    if answer.body.trim().is_empty() {
        return Ok(Value::Null);
    }
    json_of(&call, &answer, &s.redactor)
}

fn request(client: &Routed<'_>, method: &str, url: &str) -> reqwest::RequestBuilder {
    match method {
        "GET" => client.get(url),
        "DELETE" => client.delete(url),
        "PUT" => client.put(url),
        _ => client.post(url),
    }
}

fn id_of(
    v: &Value,
    key: &str,
    stage: &'static str,
    url: &str,
    s: &Session<'_>,
) -> Result<String, KmError> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .ok_or_else(|| {
            KmError::new(
                ErrorKind::Response,
                stage,
                "POST",
                url,
                format!(
                    "no `{key}` in the answer: {}",
                    s.redactor.excerpt(&v.to_string())
                ),
            )
            .with_hint("does this API-M serve the Publisher v4 and Developer Portal v3 APIs (API-M 4.5–4.7)?")
        })
}

/// The hint of a proof stage's failure: the likely cause and its fix, from what the answer
/// says (`body`) and where it failed.
fn staged(mut e: KmError, body: Option<&str>) -> KmError {
    let body = body.unwrap_or_default();
    let hint = if body.contains("Failed to create role") {
        Some(
            "IS refused to create the role API-M asked for (\"Failed to create role\", e.g. \
             Internal/subscriber): add `[role_mgt] allow_system_prefix_for_role = true` to IS's \
             deployment.toml (identityServer.extraToml) and restart IS, or switch off role \
             creation (keyManager.createRoles: false) — api-manager #3310, #3221"
                .to_string(),
        )
    } else if e.status() == Some(409) && [STAGE_PUBLISH, STAGE_APPLICATION].contains(&e.stage) {
        Some(
            "an API of the proof's name or context, or an application of its name, is still in \
             API-M and could not be removed first: delete the KmpilotProof API (Publisher) and the \
             kmpilot-proof application (Developer Portal), then prove again"
                .to_string(),
        )
    } else if e.status() == Some(202) {
        Some(
            "API-M accepted the call for approval (a workflow is on for it): approve it in the \
             Admin Portal (Tasks), or switch the workflow off for the proof"
                .to_string(),
        )
    } else if e.stage == STAGE_KEYS && e.status().is_some() {
        Some(format!(
            "IS refused the client API-M registered for the application (DCR): check the key \
             manager's connector user (keyManager.connector: an IS admin, its password), that its \
             client-registration endpoint answers from the API-M pod, and IS's log \
             (kubectl logs on the IS pod) — product-apim #12633, #12449; API-M said: {}",
            e.detail
        ))
    } else if e.stage == STAGE_IS_TOKEN && e.status().is_some() {
        Some(
            "IS did not issue a token for the application's keys: are they IS's (the key \
             manager the keys were generated with must be this IS), and does the application \
             allow client_credentials?"
                .to_string(),
        )
    } else if e.kind == ErrorKind::Connect
        && e.hint().is_some_and(|h| h.contains("does not resolve"))
    {
        Some(format!(
            "{} does not resolve from where kmpilot runs: map it to the ingress address (dns step: \
             /etc/hosts or your DNS); kmpilot port-forwards to the Service only when the plan \
             names one for this host",
            url::Url::parse(&e.url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_else(|| host_of(&e.url))
        ))
    } else {
        None
    };
    if let Some(h) = hint {
        e.hint = Some(h);
    }
    e
}

/// The gateway answered `status` where the stage expected another.
fn gateway_error(
    p: &Proof,
    stage: &'static str,
    url: &str,
    status: StatusCode,
    body: &str,
    s: &Session<'_>,
) -> KmError {
    let hint = match (stage, status.as_u16()) {
        (STAGE_REFUSED, _) => format!(
            "the gateway still accepted the token {} s after IS revoked it: the revocation did \
             not reach the gateway. IS must run the notification handler \
             (wso2is.notification.event.handlers, in the IS image) posting revoked tokens to \
             API-M's listener (https://<management hostname>/internal/data/v1/notify) with the \
             header X-WSO2-KEY-MANAGER: {} (the key manager's name), and API-M's \
             [apim.key_manager] must take in events from it — product-apim #11274",
            p.revocation_seconds, p.key_manager
        ),
        // API-M's gateway writes its own refusals with a 9009xx code; a 401 without one came
        // from the sample API's backend, through a gateway that accepted the token
        (_, 401) if !is_gateway_fault(body) => format!(
            "the gateway accepted IS's token, but the sample API's backend ({}) refused the \
             call: the gateway forwarded the token to it. API-M's default drops the \
             Authorization header before the backend (helm-apim \
             wso2.apim.configurations.oauth_config.enableOutboundAuthHeader: false); \
             set it back, or skip the proof (keyManager.prove: false)",
            p.api.backend_url
        ),
        (_, 401) => format!(
            "the gateway did not accept IS's token: it does not trust IS's JWKS or the issuer \
             differs. The key manager `{}` must name exactly the issuer IS writes into its \
             tokens and a JWKS endpoint the API-M pod reaches (keyManager.endpoints.issuer / \
             jwks; Admin Portal → Key Managers)",
            p.key_manager
        ),
        (_, 403) => "the gateway refused the application: the subscription did not reach the \
                     gateway (\"API Subscription validation failed\"); look at the API-M pod's log"
            .to_string(),
        (_, 404) => format!(
            "the gateway does not serve {}: the API was not deployed to the gateway environment \
             `{}` with vhost `{}` in time; check the gateway hostname (apiManager.hostnames.gateway)",
            url, p.gateway_environment, p.gateway_vhost
        ),
        (_, s) => format!("the gateway answered {s}; look at the API-M pod's log"),
    };
    KmError::new(
        ErrorKind::Status(status.as_u16()),
        stage,
        "GET",
        url,
        format!("HTTP {status}: {}", s.redactor.excerpt(body)),
    )
    .with_hint(hint)
}

/// Whether `body` is one of the API-M gateway's own faults (`"code":"900901"` Invalid
/// Credentials, 900902 Missing Credentials, 900908 Resource forbidden, …).
fn is_gateway_fault(body: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| match &v["code"] {
            serde_json::Value::String(c) => c.parse::<u64>().ok(),
            serde_json::Value::Number(n) => n.as_u64(),
            _ => None,
        })
        .is_some_and(|c| (900_000..1_000_000).contains(&c))
}

/// Removes what an earlier proof left (killed midway, or its clean-up refused), found by the
/// names every proof uses: API-M answers a second API of that context or an application of
/// that name with 409, so one failed clean-up would otherwise block every later proof. A
/// failure here only says so; the proof's own stages then report what stands in the way.
async fn sweep(p: &Proof, s: &mut Session<'_>, say: &mut Say<'_>) {
    let deadline = s.deadline;
    let found = |v: &Value, list_id: &str, matches: &dyn Fn(&Value) -> bool| {
        v["list"]
            .as_array()
            .and_then(|l| l.iter().find(|x| matches(x)))
            .and_then(|x| x[list_id].as_str())
            .map(str::to_string)
    };
    let mut old = Created::default();
    let apps = format!("{}/applications", p.devportal_url);
    if let Ok(v) = call_json(s, say, STAGE_CLEANUP, "GET", &apps, None, &[200]).await {
        old.application = found(&v, "applicationId", &|a| a["name"] == p.api.application);
    }
    let apis = format!("{}/apis", p.publisher_url);
    if let Ok(v) = call_json(s, say, STAGE_CLEANUP, "GET", &apis, None, &[200]).await {
        old.api = found(&v, "id", &|a| {
            a["name"] == p.api.name || a["context"] == p.api.context
        });
    }
    if old.api.is_some() || old.application.is_some() {
        say(
            "an earlier proof left its sample API or application: removing them first".into(),
            &s.redactor,
        );
        let left = remove(p, s, &old, say).await;
        if !left.is_empty() {
            say(
                format!(
                    "could not remove what an earlier proof left: {}",
                    left.join(", ")
                ),
                &s.redactor,
            );
        }
    }
    // the proof's own time is not spent on what came before it
    s.deadline = deadline.max(Instant::now() + Duration::from_secs(p.timeout_seconds.max(1)));
}

/// Removes what the proof created, newest first (API-M refuses to delete an API that still
/// has subscriptions); what could not be removed, by name and id.
async fn remove(p: &Proof, s: &mut Session<'_>, c: &Created, say: &mut Say<'_>) -> Vec<String> {
    // its own time: the proof may have used all of its own
    s.deadline = Instant::now() + Duration::from_secs(60);
    let mut left = Vec::new();
    let items = [
        (
            c.subscription.as_ref(),
            format!("{}/subscriptions", p.devportal_url),
            "subscription",
        ),
        (
            c.application.as_ref(),
            format!("{}/applications", p.devportal_url),
            "application (and its keys)",
        ),
        (c.api.as_ref(), format!("{}/apis", p.publisher_url), "API"),
    ];
    for (id, base, what) in items {
        let Some(id) = id else { continue };
        let url = format!("{base}/{id}");
        match call_json(
            s,
            say,
            STAGE_CLEANUP,
            "DELETE",
            &url,
            None,
            &[200, 204, 404],
        )
        .await
        {
            Ok(_) => say(format!("removed the proof's {what} ({id})"), &s.redactor),
            Err(e) => {
                say(
                    format!("could not remove the proof's {what}: {e}"),
                    &s.redactor,
                );
                left.push(format!("{what} {id} ({url})"));
            }
        }
    }
    left
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 409 on the proof's API or application is what an earlier proof left, not the
    /// registration's "key manager exists"; a 202 is an approval workflow.
    #[test]
    fn conflicts_and_approvals_get_the_proofs_own_hints() {
        let e = |status, stage| {
            staged(
                KmError::new(
                    ErrorKind::Status(status),
                    stage,
                    "POST",
                    "https://am/x",
                    "d",
                ),
                Some("{}"),
            )
        };
        for stage in [STAGE_PUBLISH, STAGE_APPLICATION] {
            let h = e(409, stage).hint().unwrap_or_default().to_string();
            assert!(h.contains("KmpilotProof API"), "{h}");
            assert!(!h.contains("key manager with this name"), "{h}");
        }
        let h = e(202, STAGE_SUBSCRIBE)
            .hint()
            .unwrap_or_default()
            .to_string();
        assert!(h.contains("approval"), "{h}");
    }
}

//! The one admin session of every Admin, Publisher and Developer Portal conversation kmpilot
//! has with API-M: its HTTP client (no redirects: API-M answers where it is asked; routed by
//! the [`Reach`]), kmpilot's REST API client (DCR) and a password-grant token for the scopes
//! the conversation needs. Registration, deregistration, the read-back and the proof open it
//! here, so that the DCR body, the grant and what is scrubbed are written once.

use std::path::Path;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use crate::http::error::{ErrorKind, KmError, STAGE_DCR, STAGE_TOKEN, status_hint};
use crate::http::reach::Reach;
use crate::http::redact::Redactor;
use crate::http::send::{Call, host_of};
use crate::plan::key_manager::{Registration, TOKEN_SCOPES};
use crate::profile::Credentials;
use crate::profile::sections::key_manager::TlsPolicy;

use super::conversation::{CLIENT_NAME, expect, json_of, send_logged, str_field};

/// Where and as whom a session signs in, and for which scopes.
pub struct Admin<'a> {
    pub dcr_url: &'a str,
    pub token_url: &'a str,
    pub username: &'a str,
    pub tls: &'a TlsPolicy,
    /// The scopes of the password grant, space-separated.
    pub scopes: &'a str,
}

impl<'a> Admin<'a> {
    /// The key-manager registration's session: the admin scopes of the Admin REST API.
    pub fn of(reg: &'a Registration) -> Admin<'a> {
        Admin::new(
            &reg.dcr_url,
            &reg.token_url,
            &reg.admin,
            &reg.tls,
            TOKEN_SCOPES,
        )
    }

    pub fn new(
        dcr_url: &'a str,
        token_url: &'a str,
        admin: &'a Credentials,
        tls: &'a TlsPolicy,
        scopes: &'a str,
    ) -> Admin<'a> {
        Admin {
            dcr_url,
            token_url,
            username: &admin.username,
            tls,
            scopes,
        }
    }
}

/// An open session: the routed client, the redactor that knows every secret of it (the
/// admin's, the client's, the token, and those the caller added), `Authorization: Bearer …`
/// and the deadline of the whole conversation.
pub(crate) struct Session<'a> {
    pub(crate) client: Routed<'a>,
    pub(crate) redactor: Redactor,
    pub(crate) bearer: String,
    pub(crate) deadline: Instant,
}

impl<'a> Session<'a> {
    /// DCR and the password grant, within `timeout` for the whole conversation. `secrets`: more
    /// values the redactor must scrub from here on (a connector password).
    pub(crate) async fn open(
        t: &Admin<'_>,
        base_dir: &Path,
        admin_password: &str,
        secrets: &[&str],
        reach: &'a Reach,
        timeout: Duration,
        say: &mut (dyn FnMut(String, &Redactor) + Send),
    ) -> Result<Session<'a>, KmError> {
        let deadline = Instant::now() + timeout;
        let http = crate::http::client::build_reaching(
            t.tls,
            base_dir,
            reqwest::redirect::Policy::none(),
            reach,
        )?;
        let mut redactor = Redactor::new();
        redactor.add_basic(t.username, admin_password);
        for s in secrets {
            redactor.add(s);
        }
        let client = Routed {
            client: http,
            reach,
        };
        let bearer = admin_token(&client, t, admin_password, deadline, &mut redactor, say).await?;
        Ok(Session {
            client,
            redactor,
            bearer,
            deadline,
        })
    }
}

/// Steps 1 and 2: kmpilot's REST API client (DCR) and an admin token for it, as
/// `Bearer …`. The client's secret and the token join `redactor`.
async fn admin_token(
    client: &Routed<'_>,
    t: &Admin<'_>,
    admin_password: &str,
    deadline: Instant,
    redactor: &mut Redactor,
    say: &mut (dyn FnMut(String, &Redactor) + Send),
) -> Result<String, KmError> {
    let insecure = if t.tls.insecure {
        "  [TLS NOT VERIFIED]"
    } else {
        ""
    };

    // 1. DCR
    let call = Call {
        stage: STAGE_DCR,
        method: "POST",
        url: t.dcr_url,
    };
    say(
        format!(
            "POST {} — register REST API client {CLIENT_NAME} (Basic {}:********){insecure}",
            t.dcr_url, t.username
        ),
        redactor,
    );
    let dcr_body = serde_json::json!({
        "callbackUrl": "www.example.com",
        "clientName": CLIENT_NAME,
        "owner": t.username,
        "grantType": "client_credentials password refresh_token",
        "saasApp": true,
    });
    let build = || {
        client
            .post(t.dcr_url)
            .basic_auth(t.username, Some(admin_password))
            .json(&dcr_body)
    };
    let answer = send_logged(&call, &build, deadline, redactor, say).await?;
    expect(
        &call,
        &answer,
        &[StatusCode::OK, StatusCode::CREATED],
        redactor,
    )?;
    let dcr: Value = json_of(&call, &answer, redactor)?;
    let client_id = str_field(&call, &dcr, "clientId", &answer, redactor)?;
    let client_secret = str_field(&call, &dcr, "clientSecret", &answer, redactor)?;
    redactor.add_basic(&client_id, &client_secret);

    // 2. password grant
    let call = Call {
        stage: STAGE_TOKEN,
        method: "POST",
        url: t.token_url,
    };
    say(
        format!(
            "POST {} — password grant for {} (scope {})",
            t.token_url, t.username, t.scopes
        ),
        redactor,
    );
    let form = [
        ("grant_type", "password"),
        ("username", t.username),
        ("password", admin_password),
        ("scope", t.scopes),
    ];
    let build = || {
        client
            .post(t.token_url)
            .basic_auth(&client_id, Some(&client_secret))
            .form(&form)
    };
    let answer = send_logged(&call, &build, deadline, redactor, say).await?;
    expect(&call, &answer, &[StatusCode::OK], redactor)?;
    let tok: Value = json_of(&call, &answer, redactor)?;
    let token = str_field(&call, &tok, "access_token", &answer, redactor)?;
    redactor.add(&token);
    if let Some(r) = tok.get("refresh_token").and_then(Value::as_str) {
        redactor.add(r);
    }
    if let Some(granted) = tok.get("scope").and_then(Value::as_str) {
        let wanted: Vec<&str> = t.scopes.split(' ').collect();
        if !granted.split(' ').any(|s| wanted.contains(&s)) {
            return Err(KmError::new(
                ErrorKind::Response,
                STAGE_TOKEN,
                "POST",
                t.token_url,
                format!(
                    "the token was granted scope \"{}\", none of {}",
                    redactor.scrub(granted),
                    t.scopes
                ),
            )
            .with_hint(status_hint(STAGE_TOKEN, 403, &host_of(t.token_url), "")));
        }
    }
    Ok(format!("Bearer {token}"))
}

/// The client and the route its calls take.
#[derive(Clone)]
pub(crate) struct Routed<'a> {
    pub(crate) client: reqwest::Client,
    pub(crate) reach: &'a Reach,
}

impl Routed<'_> {
    pub(crate) fn get(&self, url: &str) -> reqwest::RequestBuilder {
        self.reach.request(&self.client, reqwest::Method::GET, url)
    }
    pub(crate) fn post(&self, url: &str) -> reqwest::RequestBuilder {
        self.reach.request(&self.client, reqwest::Method::POST, url)
    }
    pub(crate) fn put(&self, url: &str) -> reqwest::RequestBuilder {
        self.reach.request(&self.client, reqwest::Method::PUT, url)
    }
    pub(crate) fn delete(&self, url: &str) -> reqwest::RequestBuilder {
        self.reach
            .request(&self.client, reqwest::Method::DELETE, url)
    }
}

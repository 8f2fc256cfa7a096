//! Discovery: fetch the IS OpenID well-known document, read its issuer and endpoints, show how
//! they differ from the fields kmpilot derived, and take them unless the profile overrode one.
//!
//! What is taken from the document: `issuer`, `token_endpoint` (also the display token
//! endpoint), `authorization_endpoint`, `introspection_endpoint`, `revocation_endpoint` (also
//! the display revoke endpoint), `jwks_uri` (the JWKS certificate URL) and
//! `registration_endpoint` (client registration). `userinfo_endpoint` is read and kept in
//! [`Discovered::userinfo`] but not applied: the IS 7 connector's user-info field wants SCIM's
//! `/scim2/Me`, not the OIDC userinfo endpoint IS publishes (wso2-facts §3).

use std::path::Path;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

use crate::plan::key_manager::Fields;
use crate::profile::sections::key_manager::{EndpointOverrides, TlsPolicy};

use crate::http::error::{ErrorKind, KmError};
use crate::http::reach::Reach;
use crate::http::redact::Redactor;
use crate::http::send::{Call, send, status_error};

pub const STAGE_DISCOVER: &str = "discovery (OpenID well-known document)";

/// What the well-known document says. `None` where the document has no (usable) value, and
/// after [`Discovered::respecting`] where the profile overrode the field.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Discovered {
    /// The URL the document was fetched from.
    pub well_known: String,
    pub issuer: Option<String>,
    pub token: Option<String>,
    /// The token endpoint again: the display token endpoint follows the token endpoint unless
    /// the profile set either.
    pub display_token: Option<String>,
    pub authorize: Option<String>,
    pub introspection: Option<String>,
    pub revoke: Option<String>,
    /// The revocation endpoint again, as `display_token`.
    pub display_revoke: Option<String>,
    /// Read, never applied (see the module documentation).
    pub userinfo: Option<String>,
    pub jwks: Option<String>,
    pub client_registration: Option<String>,
}

/// The Admin Portal fields discovery can set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Endpoint {
    Issuer,
    ClientRegistration,
    Introspection,
    Token,
    DisplayToken,
    Revoke,
    DisplayRevoke,
    Authorize,
    Jwks,
}

impl Endpoint {
    /// In the Admin Portal form's order.
    pub const ALL: [Endpoint; 9] = [
        Endpoint::Issuer,
        Endpoint::ClientRegistration,
        Endpoint::Introspection,
        Endpoint::Token,
        Endpoint::DisplayToken,
        Endpoint::Revoke,
        Endpoint::DisplayRevoke,
        Endpoint::Authorize,
        Endpoint::Jwks,
    ];

    /// The key under `keyManager.endpoints` in the profile.
    pub fn key(self) -> &'static str {
        match self {
            Endpoint::Issuer => "issuer",
            Endpoint::ClientRegistration => "clientRegistration",
            Endpoint::Introspection => "introspection",
            Endpoint::Token => "token",
            Endpoint::DisplayToken => "displayToken",
            Endpoint::Revoke => "revoke",
            Endpoint::DisplayRevoke => "displayRevoke",
            Endpoint::Authorize => "authorize",
            Endpoint::Jwks => "jwks",
        }
    }

    /// The label of the Admin Portal form.
    pub fn label(self) -> &'static str {
        match self {
            Endpoint::Issuer => "Issuer",
            Endpoint::ClientRegistration => "Client Registration Endpoint",
            Endpoint::Introspection => "Introspection Endpoint",
            Endpoint::Token => "Token Endpoint",
            Endpoint::DisplayToken => "Display Token Endpoint",
            Endpoint::Revoke => "Revoke Endpoint",
            Endpoint::DisplayRevoke => "Display Revoke Endpoint",
            Endpoint::Authorize => "Authorize Endpoint",
            Endpoint::Jwks => "JWKS URL",
        }
    }

    fn of_fields(self, f: &Fields) -> &String {
        match self {
            Endpoint::Issuer => &f.issuer,
            Endpoint::ClientRegistration => &f.client_registration,
            Endpoint::Introspection => &f.introspection,
            Endpoint::Token => &f.token,
            Endpoint::DisplayToken => &f.display_token,
            Endpoint::Revoke => &f.revoke,
            Endpoint::DisplayRevoke => &f.display_revoke,
            Endpoint::Authorize => &f.authorize,
            Endpoint::Jwks => &f.jwks,
        }
    }

    fn of_fields_mut(self, f: &mut Fields) -> &mut String {
        match self {
            Endpoint::Issuer => &mut f.issuer,
            Endpoint::ClientRegistration => &mut f.client_registration,
            Endpoint::Introspection => &mut f.introspection,
            Endpoint::Token => &mut f.token,
            Endpoint::DisplayToken => &mut f.display_token,
            Endpoint::Revoke => &mut f.revoke,
            Endpoint::DisplayRevoke => &mut f.display_revoke,
            Endpoint::Authorize => &mut f.authorize,
            Endpoint::Jwks => &mut f.jwks,
        }
    }

    pub fn of_discovered(self, d: &Discovered) -> Option<&String> {
        match self {
            Endpoint::Issuer => d.issuer.as_ref(),
            Endpoint::ClientRegistration => d.client_registration.as_ref(),
            Endpoint::Introspection => d.introspection.as_ref(),
            Endpoint::Token => d.token.as_ref(),
            Endpoint::DisplayToken => d.display_token.as_ref(),
            Endpoint::Revoke => d.revoke.as_ref(),
            Endpoint::DisplayRevoke => d.display_revoke.as_ref(),
            Endpoint::Authorize => d.authorize.as_ref(),
            Endpoint::Jwks => d.jwks.as_ref(),
        }
    }

    fn of_discovered_mut(self, d: &mut Discovered) -> &mut Option<String> {
        match self {
            Endpoint::Issuer => &mut d.issuer,
            Endpoint::ClientRegistration => &mut d.client_registration,
            Endpoint::Introspection => &mut d.introspection,
            Endpoint::Token => &mut d.token,
            Endpoint::DisplayToken => &mut d.display_token,
            Endpoint::Revoke => &mut d.revoke,
            Endpoint::DisplayRevoke => &mut d.display_revoke,
            Endpoint::Authorize => &mut d.authorize,
            Endpoint::Jwks => &mut d.jwks,
        }
    }

    /// The profile's override of this field (`keyManager.endpoints.*`).
    pub fn override_mut(self, o: &mut EndpointOverrides) -> &mut Option<String> {
        match self {
            Endpoint::Issuer => &mut o.issuer,
            Endpoint::ClientRegistration => &mut o.client_registration,
            Endpoint::Introspection => &mut o.introspection,
            Endpoint::Token => &mut o.token,
            Endpoint::DisplayToken => &mut o.display_token,
            Endpoint::Revoke => &mut o.revoke,
            Endpoint::DisplayRevoke => &mut o.display_revoke,
            Endpoint::Authorize => &mut o.authorize,
            Endpoint::Jwks => &mut o.jwks,
        }
    }

    /// Whether the profile fixed this field. A display endpoint also counts as fixed when its
    /// endpoint was set, because it follows that one (see `key_manager::fields`).
    pub fn overridden(self, o: &EndpointOverrides) -> bool {
        match self {
            Endpoint::Issuer => o.issuer.is_some(),
            Endpoint::ClientRegistration => o.client_registration.is_some(),
            Endpoint::Introspection => o.introspection.is_some(),
            Endpoint::Token => o.token.is_some(),
            Endpoint::DisplayToken => o.display_token.is_some() || o.token.is_some(),
            Endpoint::Revoke => o.revoke.is_some(),
            Endpoint::DisplayRevoke => o.display_revoke.is_some() || o.revoke.is_some(),
            Endpoint::Authorize => o.authorize.is_some(),
            Endpoint::Jwks => o.jwks.is_some(),
        }
    }

    /// Where the field sits in the Admin REST API body: the top-level (deprecated) property
    /// and the `endpoints[]` entry name.
    fn body_places(self) -> (&'static str, Option<&'static str>) {
        match self {
            Endpoint::Issuer => ("issuer", None),
            Endpoint::ClientRegistration => (
                "clientRegistrationEndpoint",
                Some("client_registration_endpoint"),
            ),
            Endpoint::Introspection => ("introspectionEndpoint", Some("introspection_endpoint")),
            Endpoint::Token => ("tokenEndpoint", Some("token_endpoint")),
            Endpoint::DisplayToken => ("displayTokenEndpoint", Some("display_token_endpoint")),
            Endpoint::Revoke => ("revokeEndpoint", Some("revoke_endpoint")),
            Endpoint::DisplayRevoke => ("displayRevokeEndpoint", Some("display_revoke_endpoint")),
            Endpoint::Authorize => ("authorizeEndpoint", Some("authorize_endpoint")),
            Endpoint::Jwks => ("certificates", None),
        }
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// One field where the derived value and the document disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDiff {
    pub field: Endpoint,
    pub derived: String,
    pub discovered: String,
}

impl Discovered {
    /// Reads a well-known document (already parsed as JSON). The issuer is required; other
    /// endpoints are taken when they are absolute http(s) URLs.
    pub fn from_document(well_known_url: &str, doc: &Value) -> Result<Discovered, String> {
        let obj = doc.as_object().ok_or("the document is not a JSON object")?;
        let url = |key: &str| -> Option<String> {
            let s = obj.get(key)?.as_str()?.trim();
            let u = url::Url::parse(s).ok()?;
            matches!(u.scheme(), "http" | "https").then(|| s.to_string())
        };
        let issuer = obj
            .get("issuer")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or("the document has no `issuer`: it is not an OpenID configuration")?
            .to_string();
        let token = url("token_endpoint");
        let revoke = url("revocation_endpoint");
        Ok(Discovered {
            well_known: well_known_url.to_string(),
            issuer: Some(issuer),
            display_token: token.clone(),
            token,
            authorize: url("authorization_endpoint"),
            introspection: url("introspection_endpoint"),
            display_revoke: revoke.clone(),
            revoke,
            userinfo: url("userinfo_endpoint"),
            jwks: url("jwks_uri"),
            client_registration: url("registration_endpoint"),
        })
    }

    /// The same document without the fields the profile overrode, so that applying it keeps
    /// the profile's explicit choices. Pass this to [`register`](super::register::register).
    pub fn respecting(&self, overrides: &EndpointOverrides) -> Discovered {
        let mut d = self.clone();
        for e in Endpoint::ALL {
            if e.overridden(overrides) {
                *e.of_discovered_mut(&mut d) = None;
            }
        }
        d
    }

    /// The same document with the endpoints API-M calls server to server (client
    /// registration, introspection, token, revoke, JWKS) moved from the `public` base onto the
    /// `in_cluster` one (`key_manager::origin_swap`): IS publishes the URLs people use, built
    /// from its `[server] hostname`, and API-M's pods cannot resolve a name only the laptop's
    /// hosts file knows. The issuer, authorize and display endpoints stay as published. A URL
    /// on another host is left alone.
    pub fn server_calls_at(&self, public: &str, in_cluster: &str) -> Discovered {
        let mut d = self.clone();
        let public = public.trim_end_matches('/');
        let in_cluster = in_cluster.trim_end_matches('/');
        let move_one = |v: &mut Option<String>| {
            let Some(u) = v.as_deref() else { return };
            let rest = match u.strip_prefix(public) {
                Some(r) if r.is_empty() || r.starts_with('/') => Some(r.to_string()),
                _ => same_origin_path(u, public),
            };
            if let Some(r) = rest {
                *v = Some(format!("{in_cluster}{r}"));
            }
        };
        move_one(&mut d.client_registration);
        move_one(&mut d.introspection);
        move_one(&mut d.token);
        move_one(&mut d.revoke);
        move_one(&mut d.jwks);
        d
    }

    /// The issuer the OpenID discovery spec expects: the well-known URL without
    /// `/.well-known/openid-configuration`. WSO2 IS publishes its document under the issuer
    /// (`…/oauth2/token/.well-known/openid-configuration`), so the two should agree.
    pub fn issuer_matches_location(&self) -> bool {
        let expected = self
            .well_known
            .trim_end_matches('/')
            .trim_end_matches("/.well-known/openid-configuration");
        self.issuer
            .as_deref()
            .is_none_or(|i| i.trim_end_matches('/') == expected)
    }
}

/// `url`'s path (with query) when it has the same scheme, host and port as `base`.
fn same_origin_path(url: &str, base: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    let b = url::Url::parse(base).ok()?;
    if u.origin() != b.origin() {
        return None;
    }
    let mut r = u.path().to_string();
    if let Some(q) = u.query() {
        r.push('?');
        r.push_str(q);
    }
    Some(r)
}

/// The fields whose discovered value differs from the derived one, in the form's order.
pub fn diff(fields: &Fields, discovered: &Discovered) -> Vec<FieldDiff> {
    Endpoint::ALL
        .iter()
        .filter_map(|&e| {
            let d = e.of_discovered(discovered)?;
            let f = e.of_fields(fields);
            (d != f).then(|| FieldDiff {
                field: e,
                derived: f.clone(),
                discovered: d.clone(),
            })
        })
        .collect()
}

/// The fields with the discovered values taken, except where the profile set the field
/// explicitly (`keyManager.endpoints.*`).
pub fn apply_discovered(
    fields: &Fields,
    discovered: &Discovered,
    overrides: &EndpointOverrides,
) -> Fields {
    let d = discovered.respecting(overrides);
    let mut out = fields.clone();
    for e in Endpoint::ALL {
        if let Some(v) = e.of_discovered(&d) {
            *e.of_fields_mut(&mut out) = v.clone();
        }
    }
    out
}

/// Writes every value `discovered` holds into an Admin REST API key-manager body (the
/// top-level property, the `endpoints[]` entry, and `certificates.value` for a JWKS
/// certificate). Call it with [`Discovered::respecting`]'s result.
pub fn apply_to_body(body: &mut Value, discovered: &Discovered) {
    for e in Endpoint::ALL {
        let Some(v) = e.of_discovered(discovered) else {
            continue;
        };
        let (top, entry) = e.body_places();
        if e == Endpoint::Jwks {
            if let Some(c) = body.get_mut("certificates").and_then(Value::as_object_mut)
                && c.get("type").and_then(Value::as_str) == Some("JWKS")
            {
                c.insert("value".into(), Value::String(v.clone()));
            }
            continue;
        }
        if let Some(obj) = body.as_object_mut() {
            obj.insert(top.into(), Value::String(v.clone()));
        }
        if let Some(name) = entry
            && let Some(list) = body.get_mut("endpoints").and_then(Value::as_array_mut)
        {
            match list
                .iter_mut()
                .find(|x| x.get("name").and_then(Value::as_str) == Some(name))
            {
                Some(x) => x["value"] = Value::String(v.clone()),
                None => list.push(serde_json::json!({"name": name, "value": v})),
            }
        }
    }
}

/// Fetches and reads the well-known document at `url`. Retries while the server is starting
/// (refused, 502/503/504) for up to `timeout`; redirects are followed (at most 5).
pub async fn discover(
    url: &str,
    tls: &TlsPolicy,
    base_dir: &Path,
    timeout: Duration,
    progress: &mut (dyn FnMut(String) + Send),
) -> Result<Discovered, KmError> {
    discover_via(url, tls, base_dir, timeout, &Reach::direct(), progress).await
}

/// As [`discover`], routed by `reach` (a port-forward when the host does not resolve here).
pub async fn discover_via(
    url: &str,
    tls: &TlsPolicy,
    base_dir: &Path,
    timeout: Duration,
    reach: &Reach,
    progress: &mut (dyn FnMut(String) + Send),
) -> Result<Discovered, KmError> {
    let deadline = Instant::now() + timeout;
    let client = crate::http::client::build_reaching(
        tls,
        base_dir,
        reqwest::redirect::Policy::limited(5),
        reach,
    )?;
    if url::Url::parse(url).is_err() {
        return Err(
            KmError::new(ErrorKind::Config, STAGE_DISCOVER, "GET", url, "not a URL")
                .with_hint("set keyManager.endpoints.wellKnown to the IS well-known URL"),
        );
    }
    let redactor = Redactor::new();
    let call = Call {
        stage: STAGE_DISCOVER,
        method: "GET",
        url,
    };
    progress(format!(
        "GET {url}{}",
        if tls.insecure {
            "  [TLS NOT VERIFIED]"
        } else {
            ""
        }
    ));
    let build = || {
        reach
            .request(&client, reqwest::Method::GET, url)
            .header(reqwest::header::ACCEPT, "application/json")
    };
    let answer = send(&call, &build, deadline, &redactor, progress).await?;
    if !answer.status.is_success() {
        let host = crate::http::send::host_of(url);
        let hint = match answer.status.as_u16() {
            404 => format!(
                "no document at this path; IS 7 publishes it at \
                 https://{host}/oauth2/token/.well-known/openid-configuration — \
                 set keyManager.endpoints.wellKnown if yours differs"
            ),
            s => crate::http::error::status_hint(
                STAGE_DISCOVER,
                s,
                &host,
                &crate::http::send::path_of(url),
            ),
        };
        return Err(status_error(&call, answer.status, &answer.body, &redactor).with_hint(hint));
    }
    let not_openid = |detail: String| {
        KmError::new(ErrorKind::Response, STAGE_DISCOVER, "GET", url, detail).with_hint(
            "is this the IS well-known URL? set keyManager.endpoints.wellKnown, or turn \
             keyManager.discover off and set the endpoints yourself",
        )
    };
    let doc: Value = serde_json::from_str(&answer.body).map_err(|e| {
        not_openid(format!(
            "the answer is not JSON ({e}): {}",
            redactor.excerpt(&answer.body)
        ))
    })?;
    let d = Discovered::from_document(url, &doc).map_err(|m| not_openid(m.to_string()))?;
    progress(format!(
        "issuer {}{}",
        d.issuer.as_deref().unwrap_or("?"),
        if d.issuer_matches_location() {
            ""
        } else {
            " (differs from the document's location)"
        }
    ));
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profile;
    use crate::steps::key_manager::{body, fields};

    fn doc(base: &str) -> Value {
        serde_json::json!({
            "issuer": format!("{base}/oauth2/token"),
            "token_endpoint": format!("{base}/oauth2/token"),
            "authorization_endpoint": format!("{base}/oauth2/authorize"),
            "introspection_endpoint": format!("{base}/oauth2/introspect"),
            "revocation_endpoint": format!("{base}/oauth2/revoke"),
            "userinfo_endpoint": format!("{base}/oauth2/userinfo"),
            "jwks_uri": format!("{base}/oauth2/jwks"),
            "registration_endpoint": format!("{base}/api/identity/oauth2/dcr/v1.1/register"),
            "end_session_endpoint": 7,
        })
    }

    #[test]
    fn the_document_of_the_derived_host_differs_in_nothing() {
        let mut p = Profile::quickstart("t");
        p.key_manager.server_endpoints =
            crate::profile::sections::key_manager::ServerEndpoints::Public;
        let f = fields(&p);
        let d =
            Discovered::from_document(&f.well_known, &doc(&p.identity_server.base_url())).unwrap();
        assert!(d.issuer_matches_location());
        assert_eq!(diff(&f, &d), vec![]);
        assert_eq!(apply_discovered(&f, &d, &p.key_manager.endpoints), f);
    }

    #[test]
    fn in_cluster_server_calls_stay_in_cluster_after_discovery() {
        let p = Profile::quickstart("t");
        let f = fields(&p);
        // IS publishes its public URLs (built from [server] hostname, proxy port 443)
        let d =
            Discovered::from_document(&f.well_known, &doc(&p.identity_server.base_url())).unwrap();
        let (public, in_cluster) = crate::steps::key_manager::origin_swap(&p).unwrap();
        assert_eq!(in_cluster, "https://is-identity-server.wso2.svc:9443");
        let moved = d.server_calls_at(&public, &in_cluster);
        // nothing to report: the derived fields already are what API-M and people should use
        assert_eq!(diff(&f, &moved), vec![]);
        let a = apply_discovered(&f, &moved, &p.key_manager.endpoints);
        assert_eq!(a, f);
        assert_eq!(a.token, format!("{in_cluster}/oauth2/token"));
        assert_eq!(a.jwks, format!("{in_cluster}/oauth2/jwks"));
        assert_eq!(
            a.client_registration,
            format!("{in_cluster}/api/identity/oauth2/dcr/v1.1/register")
        );
        // what people and outside clients see stays public
        assert_eq!(a.issuer, "https://is.wso2.com/oauth2/token");
        assert_eq!(a.display_token, "https://is.wso2.com/oauth2/token");
        assert_eq!(a.display_revoke, "https://is.wso2.com/oauth2/revoke");
        assert_eq!(a.authorize, "https://is.wso2.com/oauth2/authorize");
        // without the swap the public URLs would replace the in-cluster ones
        let unmoved = apply_discovered(&f, &d, &p.key_manager.endpoints);
        assert_eq!(unmoved.token, "https://is.wso2.com/oauth2/token");
        // a URL on another host is left as published
        let other = Discovered::from_document(&f.well_known, &doc("https://idp.example")).unwrap();
        assert_eq!(
            other.server_calls_at(&public, &in_cluster).token.as_deref(),
            Some("https://idp.example/oauth2/token")
        );
    }

    #[test]
    fn overrides_win_and_display_endpoints_follow_their_endpoint() {
        let mut p = Profile::quickstart("t");
        p.key_manager.endpoints.issuer = Some("https://fixed/issuer".into());
        p.key_manager.endpoints.revoke = Some("https://fixed/revoke".into());
        let f = fields(&p);
        let d = Discovered::from_document(&f.well_known, &doc("https://is.internal:9443")).unwrap();
        let names: Vec<_> = diff(&f, &d).iter().map(|x| x.field).collect();
        assert_eq!(names, Endpoint::ALL.to_vec());
        let a = apply_discovered(&f, &d, &p.key_manager.endpoints);
        assert_eq!(a.issuer, "https://fixed/issuer");
        assert_eq!(a.revoke, "https://fixed/revoke");
        assert_eq!(a.display_revoke, "https://fixed/revoke");
        assert_eq!(a.token, "https://is.internal:9443/oauth2/token");
        assert_eq!(a.display_token, a.token);
        assert_eq!(a.jwks, "https://is.internal:9443/oauth2/jwks");
        // userinfo is never taken (the connector wants /scim2/Me)
        assert_eq!(a.user_info, f.user_info);

        let mut b = body(&p);
        apply_to_body(&mut b, &d.respecting(&p.key_manager.endpoints));
        assert_eq!(b["issuer"], "https://fixed/issuer");
        assert_eq!(b["tokenEndpoint"], "https://is.internal:9443/oauth2/token");
        assert_eq!(
            b["certificates"]["value"],
            "https://is.internal:9443/oauth2/jwks"
        );
        assert_eq!(b["revokeEndpoint"], "https://fixed/revoke");
        let token_entry = b["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == "token_endpoint")
            .unwrap();
        assert_eq!(
            token_entry["value"],
            "https://is.internal:9443/oauth2/token"
        );
    }

    #[test]
    fn a_document_without_issuer_is_refused() {
        let e = Discovered::from_document(
            "https://x/.well-known/openid-configuration",
            &serde_json::json!({"a": 1}),
        )
        .unwrap_err();
        assert!(e.contains("issuer"), "{e}");
    }
}

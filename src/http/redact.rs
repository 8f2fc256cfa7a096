//! Secret scrubbing for everything the HTTP calls show: progress lines, error details and body
//! excerpts. Two layers: JSON values under secret-looking keys are masked, then every known
//! secret of the call (and its Basic-auth encodings) is replaced wherever it appears.

use base64::Engine;
use serde_json::Value;

use crate::profile::secret::MASK;

/// How much of a response body an error shows.
pub(crate) const EXCERPT_CHARS: usize = 400;

#[derive(Default)]
pub(crate) struct Redactor {
    secrets: Vec<String>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

impl Redactor {
    pub(crate) fn new() -> Self {
        Redactor::default()
    }

    /// Remembers a secret; also its percent- and JSON-escaped forms, which is how it appears
    /// when a server echoes a form or JSON body.
    pub(crate) fn add(&mut self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        let mut forms = vec![secret.to_string()];
        let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        forms.push(form);
        if let Ok(j) = serde_json::to_string(secret) {
            forms.push(j[1..j.len() - 1].to_string());
        }
        for f in forms {
            if !f.is_empty() && !self.secrets.contains(&f) {
                self.secrets.push(f);
            }
        }
        // longest first, so a secret containing another is replaced whole
        self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }

    /// Remembers `user:password` as the Basic header carries it.
    pub(crate) fn add_basic(&mut self, user: &str, password: &str) {
        let b64 = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        self.add(&b64);
        self.add(password);
    }

    /// Replaces every known secret in `text`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in &self.secrets {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), MASK);
            }
        }
        out
    }

    /// A short, scrubbed excerpt of a response body: JSON with secret-looking values masked,
    /// an HTML page reduced to its title, whitespace collapsed, at most [`EXCERPT_CHARS`].
    pub(crate) fn excerpt(&self, body: &str) -> String {
        let text = match serde_json::from_str::<Value>(body) {
            Ok(mut v) => {
                mask_json(&mut v);
                v.to_string()
            }
            Err(_) => html_title(body).unwrap_or_else(|| body.to_string()),
        };
        let text = self.scrub(&text);
        let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        truncate(&collapsed, EXCERPT_CHARS)
    }
}

fn is_secret_key(k: &str) -> bool {
    let k = k.to_ascii_lowercase().replace(['_', '-'], "");
    matches!(
        k.as_str(),
        "password"
            | "clientsecret"
            | "accesstoken"
            | "refreshtoken"
            | "idtoken"
            | "token"
            | "secret"
            | "authorization"
            | "apikey"
    )
}

/// Masks string values under secret-looking keys, at any depth.
pub(crate) fn mask_json(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, val) in m.iter_mut() {
                if is_secret_key(k) && matches!(val, Value::String(_)) {
                    *val = Value::String(MASK.into());
                } else {
                    mask_json(val);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(mask_json),
        _ => {}
    }
}

fn html_title(body: &str) -> Option<String> {
    let lower = body.to_ascii_lowercase();
    let start = lower.find("<title>")? + "<title>".len();
    let end = start + lower[start..].find("</title>")?;
    Some(format!("(HTML page) {}", body.get(start..end)?.trim()))
}

pub(crate) fn truncate(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_known_secrets_and_their_encodings() {
        let mut r = Redactor::new();
        r.add_basic("admin", "p@ss word&1");
        let text = "pw=p%40ss+word%261 raw p@ss word&1 basic YWRtaW46cEBzcyB3b3JkJjE=";
        let out = r.scrub(text);
        assert!(!out.contains("p@ss"), "{out}");
        assert!(!out.contains("p%40ss"), "{out}");
        assert!(!out.contains("YWRtaW46"), "{out}");
    }

    #[test]
    fn excerpt_masks_json_keys_truncates_and_reads_html_titles() {
        let r = Redactor::new();
        let e = r.excerpt(r#"{"access_token":"abc","nested":{"Password":"x"},"ok":"fine"}"#);
        assert!(!e.contains("abc") && !e.contains("\"x\""), "{e}");
        assert!(e.contains("fine"));
        let e = r.excerpt("<html><head><title>404 Not Found</title></head><body>…</body></html>");
        assert_eq!(e, "(HTML page) 404 Not Found");
        let long = "x".repeat(EXCERPT_CHARS + 10);
        assert_eq!(r.excerpt(&long).chars().count(), EXCERPT_CHARS + 1);
    }
}

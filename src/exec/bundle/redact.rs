//! Redaction for the support bundle: every file goes through [`Redactor::text`] before it is
//! packed. Two nets, because neither alone is enough:
//! - **known values**: every secret kmpilot can learn without asking — the data of the
//!   namespace's Secrets (decoded and as stored), the profile's `env`/`file`/`literal`
//!   references — is replaced wherever it appears (a password echoed in a log, a values file);
//! - **shapes**: a value after a key that names a secret (`password = "…"`, `token: …`,
//!   `"secret": "…"`) and PEM private-key blocks, for secrets kmpilot never saw (a chart's own
//!   generated password in a ConfigMap).

use base64::Engine as _;

pub const MASK: &str = "«redacted»";

/// Values shorter than this are not searched for: `"a"` or `"true"` would mask half the
/// bundle and protect nothing.
const MIN_LEN: usize = 4;

/// Key names (lower-cased, `_`/`-`/`.` removed) whose value is a secret.
const SECRET_KEYS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "apikey",
    "privatekey",
    "storepassword",
    "keypassword",
    "clientsecret",
    "accesskey",
    "secretkey",
    "credentials",
];

#[derive(Debug, Default, Clone)]
pub struct Redactor {
    values: Vec<String>,
}

impl Redactor {
    /// Adds a secret value (and its base64 form, as Secrets and some logs carry it).
    pub fn add(&mut self, value: &str) {
        let v = value.trim();
        if v.len() < MIN_LEN {
            return;
        }
        for form in [
            v.to_string(),
            base64::engine::general_purpose::STANDARD.encode(v),
        ] {
            if !self.values.contains(&form) {
                self.values.push(form);
            }
        }
        // longest first, so a value containing another is masked whole
        self.values.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The text with every known value and every secret-shaped value masked.
    pub fn text(&self, input: &str) -> String {
        let mut s = input.to_string();
        for v in &self.values {
            if s.contains(v.as_str()) {
                s = s.replace(v.as_str(), MASK);
            }
        }
        let s = mask_pem_keys(&s);
        s.lines()
            .map(mask_keyed_line)
            .collect::<Vec<_>>()
            .join("\n")
            + if input.ends_with('\n') { "\n" } else { "" }
    }
}

pub fn is_secret_key(key: &str) -> bool {
    let k: String = key
        .trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | '.'))
        .collect::<String>()
        .to_ascii_lowercase();
    // `passwordRef`, `secretName`, `tokenTTL` name a place or a setting, not the secret
    let names_a_reference = ["ref", "name", "file", "path", "ttl", "type", "alias", "env"]
        .iter()
        .any(|suffix| k.ends_with(suffix));
    !names_a_reference && SECRET_KEYS.iter().any(|s| k.ends_with(s))
}

/// `key = value` (TOML, properties), `key: value` (YAML), `"key": value` (JSON): the value
/// after a secret-named key is masked, the key and the punctuation around it kept.
fn mask_keyed_line(line: &str) -> String {
    let sep = match (line.find('='), line.find(':')) {
        (Some(e), Some(c)) => e.min(c),
        (Some(e), None) => e,
        (None, Some(c)) => c,
        (None, None) => return line.to_string(),
    };
    let (key, rest) = line.split_at(sep);
    let key = key.trim_start_matches(|c: char| c.is_whitespace() || c == '-' || c == '{');
    if !is_secret_key(key) {
        return line.to_string();
    }
    let value = rest[1..].trim();
    let trailing_comma = value.ends_with(',');
    let bare = value.trim_end_matches(',').trim();
    let unquoted = bare.trim_matches(|c| c == '"' || c == '\'');
    // nothing to hide: empty, a nested block, a reference or an already masked value
    if bare.is_empty()
        || bare == "{"
        || bare == "["
        || bare == "|"
        || bare == ">"
        || bare == "null"
        || bare == "\"\""
        || bare.contains(MASK)
        || unquoted.starts_with("$secret{")
        || bare.starts_with('{')
    {
        return line.to_string();
    }
    let quoted = bare.starts_with('"') || bare.starts_with('\'');
    let masked = if quoted {
        format!("\"{MASK}\"")
    } else {
        MASK.to_string()
    };
    format!(
        "{}{} {}{}",
        &line[..sep],
        &rest[..1],
        masked,
        if trailing_comma { "," } else { "" }
    )
}

fn mask_pem_keys(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("-----BEGIN ") {
        let header_end = rest[start..].find("-----\n").map(|i| start + i);
        let is_key = rest[start..]
            .lines()
            .next()
            .is_some_and(|l| l.contains("PRIVATE KEY"));
        match (is_key, header_end) {
            (true, Some(_)) => {
                out.push_str(&rest[..start]);
                match rest[start..].find("-----END ") {
                    Some(end_rel) => {
                        let end = start + end_rel;
                        let close = rest[end..]
                            .find("-----\n")
                            .map(|i| end + i + 6)
                            .unwrap_or(rest.len());
                        out.push_str(&format!("-----BEGIN PRIVATE KEY ({MASK})-----\n"));
                        rest = &rest[close..];
                    }
                    None => {
                        out.push_str(MASK);
                        rest = "";
                    }
                }
            }
            _ => {
                let next = start + "-----BEGIN ".len();
                out.push_str(&rest[..next]);
                rest = &rest[next..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_are_masked_in_plain_and_base64_form() {
        let mut r = Redactor::default();
        r.add("hunter2-long");
        let b64 = base64::engine::general_purpose::STANDARD.encode("hunter2-long");
        let out = r.text(&format!("login with hunter2-long ok\ndata: {b64}\n"));
        assert!(!out.contains("hunter2-long"), "{out}");
        assert!(!out.contains(&b64), "{out}");
        assert_eq!(out.matches(MASK).count(), 2, "{out}");
    }

    #[test]
    fn secret_named_keys_are_masked_in_toml_yaml_and_json() {
        let r = Redactor::default();
        let input = "[keystore.primary]\npassword = \"wso2carbon\"\nalias = \"wso2carbon\"\n\
                     admin:\n  password: topsecret\n  username: admin\n\
                     {\"clientSecret\": \"abc123\", \n\"passwordRef\": \"vault:x\"\n";
        let out = r.text(input);
        assert!(out.contains("password = \"«redacted»\""), "{out}");
        assert!(out.contains("alias = \"wso2carbon\""), "{out}");
        assert!(out.contains("password: «redacted»"), "{out}");
        assert!(out.contains("username: admin"), "{out}");
        assert!(!out.contains("abc123"), "{out}");
        assert!(out.contains("\"passwordRef\": \"vault:x\""), "{out}");
    }

    #[test]
    fn secure_vault_references_and_empty_values_are_kept() {
        let r = Redactor::default();
        let out = r.text("password = \"$secret{admin_password}\"\ntoken = \"\"\n");
        assert_eq!(
            out,
            "password = \"$secret{admin_password}\"\ntoken = \"\"\n"
        );
    }

    #[test]
    fn private_key_blocks_are_masked_certificates_kept() {
        let r = Redactor::default();
        let input = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n\
                     -----BEGIN PRIVATE KEY-----\nMIIEsecret\n-----END PRIVATE KEY-----\ntail\n";
        let out = r.text(input);
        assert!(out.contains("BEGIN CERTIFICATE"), "{out}");
        assert!(out.contains("MIIB"), "{out}");
        assert!(!out.contains("MIIEsecret"), "{out}");
        assert!(out.ends_with("tail\n"), "{out}");
    }

    #[test]
    fn short_values_are_not_searched() {
        let mut r = Redactor::default();
        r.add("ab");
        assert!(r.is_empty());
        assert_eq!(r.text("ab cd"), "ab cd");
    }
}

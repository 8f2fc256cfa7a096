use std::fmt;
use std::str::FromStr;

use der::asn1::{Any, PrintableStringRef, SetOfVec};
use der::oid::ObjectIdentifier;
use der::{Tag, Tagged};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};

use crate::error::{Error, Result};

const OID_CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const OID_C: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");
const OID_L: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.7");
const OID_ST: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.8");
const OID_O: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
const OID_OU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.11");

/// The subject of a self-signed certificate, in the shape keytool's `-dname` takes.
///
/// Only CN is required; the profile usually fills all six.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dn {
    pub cn: String,
    pub ou: Option<String>,
    pub o: Option<String>,
    pub l: Option<String>,
    pub st: Option<String>,
    pub c: Option<String>,
}

impl Dn {
    /// Parses `CN=*.wso2.com, OU=MS, O=WSO2, L=Colombo, ST=Colombo, C=LK`.
    ///
    /// Accepts keytool's spelling: attribute names in any case, `S` for `ST`,
    /// backslash escapes and double-quoted values. Every error quotes the part
    /// that was wrong so the wizard can point at it.
    pub fn parse(input: &str) -> Result<Self> {
        let mut dn = Dn::default();
        let mut have_cn = false;
        for part in split_unescaped(input)? {
            let raw = part.trim();
            if raw.is_empty() {
                return Err(Error::Dn(format!("empty component in {input:?}")));
            }
            let Some((key, value)) = raw.split_once('=') else {
                return Err(Error::Dn(format!("missing '=' in {raw:?}")));
            };
            let value = unescape_value(value.trim())
                .map_err(|reason| Error::Dn(format!("{reason} in {raw:?}")))?;
            if value.is_empty() {
                return Err(Error::Dn(format!("empty value in {raw:?}")));
            }
            let key_upper = key.trim().to_ascii_uppercase();
            let slot = match key_upper.as_str() {
                "CN" => {
                    if have_cn {
                        return Err(Error::Dn(format!("CN given twice, second in {raw:?}")));
                    }
                    have_cn = true;
                    dn.cn = value;
                    continue;
                }
                "OU" => &mut dn.ou,
                "O" => &mut dn.o,
                "L" => &mut dn.l,
                "ST" | "S" => &mut dn.st,
                "C" => &mut dn.c,
                _ => {
                    return Err(Error::Dn(format!(
                        "unknown attribute {:?} in {raw:?} (expected CN, OU, O, L, ST or C)",
                        key.trim()
                    )));
                }
            };
            if slot.is_some() {
                return Err(Error::Dn(format!(
                    "{key_upper} given twice, second in {raw:?}"
                )));
            }
            *slot = Some(value);
        }
        if !have_cn {
            return Err(Error::Dn(format!("no CN in {input:?}")));
        }
        dn.validate()?;
        Ok(dn)
    }

    /// Checks what DER encoding would otherwise reject later, with a better message.
    pub fn validate(&self) -> Result<()> {
        if self.cn.is_empty() {
            return Err(Error::Dn("CN is empty".into()));
        }
        if let Some(c) = &self.c
            && !(c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()))
        {
            return Err(Error::Dn(format!(
                "C={c:?} must be a two-letter ISO 3166 country code"
            )));
        }
        for (key, value) in self.components() {
            if value.is_empty() {
                return Err(Error::Dn(format!("{key} is empty")));
            }
            if value.contains('\0') {
                return Err(Error::Dn(format!("{key} contains a NUL character")));
            }
        }
        Ok(())
    }

    /// Components in display order (CN first), as keytool prints them.
    pub fn components(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("CN", Some(self.cn.as_str())),
            ("OU", self.ou.as_deref()),
            ("O", self.o.as_deref()),
            ("L", self.l.as_deref()),
            ("ST", self.st.as_deref()),
            ("C", self.c.as_deref()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
    }

    /// The X.501 name. DER order is the reverse of the display order (C first),
    /// matching keytool; PrintableString where the value allows it, else UTF8String,
    /// again as keytool does.
    pub fn to_name(&self) -> Result<Name> {
        self.validate()?;
        let mut rdns = Vec::new();
        for (key, value) in self.components().collect::<Vec<_>>().into_iter().rev() {
            let oid = match key {
                "CN" => OID_CN,
                "OU" => OID_OU,
                "O" => OID_O,
                "L" => OID_L,
                "ST" => OID_ST,
                _ => OID_C,
            };
            let tag = if PrintableStringRef::new(value).is_ok() {
                Tag::PrintableString
            } else {
                Tag::Utf8String
            };
            let value =
                Any::new(tag, value.as_bytes()).map_err(|e| Error::Dn(format!("{key}: {e}")))?;
            let atv = AttributeTypeAndValue { oid, value };
            let set = SetOfVec::try_from(vec![atv]).map_err(|e| Error::Dn(e.to_string()))?;
            rdns.push(RelativeDistinguishedName(set));
        }
        Ok(RdnSequence(rdns))
    }

    /// Reads the six attributes back out of a certificate name; other attributes are ignored.
    pub fn from_name(name: &Name) -> Result<Self> {
        let mut dn = Dn::default();
        for rdn in name.0.iter() {
            for atv in rdn.0.iter() {
                let text = match atv.value.tag() {
                    Tag::PrintableString
                    | Tag::Utf8String
                    | Tag::Ia5String
                    | Tag::TeletexString => String::from_utf8(atv.value.value().to_vec()).ok(),
                    _ => None,
                };
                let Some(text) = text else { continue };
                match atv.oid {
                    OID_CN => dn.cn = text,
                    OID_OU => dn.ou = Some(text),
                    OID_O => dn.o = Some(text),
                    OID_L => dn.l = Some(text),
                    OID_ST => dn.st = Some(text),
                    OID_C => dn.c = Some(text),
                    _ => {}
                }
            }
        }
        Ok(dn)
    }
}

impl FromStr for Dn {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Dn::parse(s)
    }
}

impl fmt::Display for Dn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (key, value)) in self.components().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{key}={}", escape_value(value))?;
        }
        Ok(())
    }
}

/// Splits on commas that are neither backslash-escaped nor inside double quotes.
fn split_unescaped(input: &str) -> Result<Vec<&str>> {
    let mut parts = Vec::new();
    let (mut start, mut in_quotes, mut escaped) = (0, false, false);
    for (i, ch) in input.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match ch {
            '\\' => escaped = true,
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => {
                parts.push(&input[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if in_quotes {
        return Err(Error::Dn(format!("unterminated quote in {input:?}")));
    }
    if escaped {
        return Err(Error::Dn(format!(
            "dangling backslash at the end of {input:?}"
        )));
    }
    parts.push(&input[start..]);
    Ok(parts)
}

fn unescape_value(value: &str) -> std::result::Result<String, String> {
    let inner = if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
        &value[1..value.len() - 1]
    } else {
        value
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => match chars.next() {
                Some(next) => out.push(next),
                None => return Err("dangling backslash".into()),
            },
            '"' => return Err("stray double quote".into()),
            _ => out.push(ch),
        }
    }
    Ok(out)
}

fn escape_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let last = value.chars().count().saturating_sub(1);
    for (i, ch) in value.chars().enumerate() {
        let edge_space = ch == ' ' && (i == 0 || i == last);
        if matches!(ch, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=')
            || edge_space
            || (i == 0 && ch == '#')
        {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_profile_default() {
        let dn = Dn::parse("CN=*.wso2.com, OU=MS, O=WSO2, L=Colombo, ST=Colombo, C=LK").unwrap();
        assert_eq!(dn.cn, "*.wso2.com");
        assert_eq!(dn.ou.as_deref(), Some("MS"));
        assert_eq!(dn.c.as_deref(), Some("LK"));
        assert_eq!(
            dn.to_string(),
            "CN=*.wso2.com, OU=MS, O=WSO2, L=Colombo, ST=Colombo, C=LK"
        );
    }

    #[test]
    fn errors_name_the_bad_part() {
        let err = Dn::parse("CN=a, X=1").unwrap_err().to_string();
        assert!(err.contains("\"X=1\""), "{err}");
        let err = Dn::parse("CN=a, OU").unwrap_err().to_string();
        assert!(err.contains("\"OU\""), "{err}");
        let err = Dn::parse("CN=a, C=Lanka").unwrap_err().to_string();
        assert!(err.contains("Lanka"), "{err}");
        let err = Dn::parse("OU=x").unwrap_err().to_string();
        assert!(err.contains("no CN"), "{err}");
        let err = Dn::parse("CN=a, O=x, O=y").unwrap_err().to_string();
        assert!(err.contains("O given twice"), "{err}");
        let err = Dn::parse("CN=a, O=").unwrap_err().to_string();
        assert!(err.contains("empty value"), "{err}");
    }

    #[test]
    fn escapes_round_trip() {
        let dn = Dn {
            cn: "a,b+c \"q\" #x".into(),
            o: Some(" lead".into()),
            ..Dn::default()
        };
        let text = dn.to_string();
        assert_eq!(Dn::parse(&text).unwrap(), dn);
        let quoted = Dn::parse(r#"CN="Acme, Inc.", ST=Zürich"#).unwrap();
        assert_eq!(quoted.cn, "Acme, Inc.");
        assert_eq!(quoted.st.as_deref(), Some("Zürich"));
    }

    #[test]
    fn name_round_trip_uses_keytool_order() {
        let dn = Dn::parse("CN=*.wso2.com, OU=MS, O=WSO2, L=Colombo, ST=Colombo, C=LK").unwrap();
        let name = dn.to_name().unwrap();
        assert_eq!(name.0.len(), 6);
        assert_eq!(name.0[0].0.iter().next().unwrap().oid, OID_C);
        assert_eq!(Dn::from_name(&name).unwrap(), dn);
    }
}

//! Form checks shared by every step's validation: hostnames, URLs, ports, Kubernetes names,
//! chart versions, distinguished names, CRNs. Each pushes a complete issue (message, expected
//! form, hint) so the steps only say which field is which.

use super::diagnostics::{Issues, YamlPath};
use super::secret::SecretRef;

/// RFC 1123 hostname; a leading `*.` label is allowed only where `wildcard` is true.
pub fn is_hostname(s: &str, wildcard: bool) -> bool {
    let s = if wildcard {
        s.strip_prefix("*.").unwrap_or(s)
    } else {
        s
    };
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

pub fn hostname(issues: &mut Issues, path: &YamlPath, v: &str) {
    if !is_hostname(v, false) {
        issues.error(
            path,
            format!("`{v}` is not a valid hostname"),
            Some(
                "a DNS name such as am.wso2.com: letters, digits and '-', labels separated by '.'",
            ),
            Some("no scheme, port or path here; `https://` and `:9443` are added where needed"),
        );
    }
}

/// DNS-1123 label: what Kubernetes requires of namespaces, service accounts and release names.
pub fn is_k8s_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// DNS-1123 subdomain: what Kubernetes requires of most object names.
pub fn is_k8s_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_k8s_label)
}

pub fn k8s_name(issues: &mut Issues, path: &YamlPath, v: &str) {
    if !is_k8s_name(v) {
        issues.error(
            path,
            format!("`{v}` is not a valid Kubernetes name"),
            Some("lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters"),
            Some("for example `wso2` or `apim-keystores`"),
        );
    }
}

pub fn k8s_label(issues: &mut Issues, path: &YamlPath, v: &str, what: &str) {
    if !is_k8s_label(v) {
        issues.error(
            path,
            format!("`{v}` is not a valid {what}"),
            Some("lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters"),
            None,
        );
    }
}

pub fn url(issues: &mut Issues, path: &YamlPath, v: &str) {
    match url::Url::parse(v) {
        Ok(u) if (u.scheme() == "https" || u.scheme() == "http") && u.host_str().is_some() => {}
        _ => issues.error(
            path,
            format!("`{v}` is not a valid http(s) URL"),
            Some("an absolute URL such as https://is.wso2.com/oauth2/token"),
            None,
        ),
    }
}

pub fn port(issues: &mut Issues, path: &YamlPath, v: u32) {
    if v == 0 || v > 65535 {
        issues.error(
            path,
            format!("{v} is not a TCP port"),
            Some("a number from 1 to 65535"),
            None,
        );
    }
}

/// Helm chart versions are SemVer 2: `4.5.0-10`, `7.1.0-3`.
pub fn is_chart_version(s: &str) -> bool {
    let (core, pre) = match s.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (s, None),
    };
    let core_ok = {
        let parts: Vec<&str> = core.split('.').collect();
        parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    };
    let pre_ok = pre.is_none_or(|p| {
        !p.is_empty()
            && p.split('.')
                .all(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    });
    core_ok && pre_ok
}

pub fn chart_version(issues: &mut Issues, path: &YamlPath, v: &str) {
    if !is_chart_version(v) {
        issues.error(
            path,
            format!("`{v}` is not a chart version"),
            Some("SemVer such as 4.5.0-10 (API-M all-in-one) or 7.1.0-3 (identity-server)"),
            Some("`helm search repo wso2 --versions` lists the published versions"),
        );
    }
}

/// `crn:v1:<cname>:<ctype>:<service>:<location>:<scope>:<instance>:<resource-type>:<resource>`.
pub fn is_crn(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    parts.len() == 10
        && parts[0] == "crn"
        && parts[1] == "v1"
        && !parts[2].is_empty()
        && !parts[4].is_empty()
        && !s.chars().any(char::is_whitespace)
}

pub fn crn(issues: &mut Issues, path: &YamlPath, v: &str) {
    if !is_crn(v) {
        issues.error(
            path,
            format!("`{v}` is not a Cloud Resource Name"),
            Some("crn:v1:<cname>:<ctype>:<service>:<location>:<scope>:<instance>:<resource-type>:<resource> (10 ':'-separated fields, no spaces)"),
            Some("for example crn:v1:icp:private:kms:mycluster:n/kube-system:0d705d95-e216-4ce4-9c81-38eeef4eee3b::"),
        );
    }
}

pub fn is_env_var(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_alphabetic() || c == b'_')
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

pub fn secret(issues: &mut Issues, path: &YamlPath, s: &SecretRef) {
    match s {
        SecretRef::Env(v) if !is_env_var(v) => issues.error(
            &path.key("env"),
            format!("`{v}` is not an environment variable name"),
            Some("letters, digits and '_', not starting with a digit"),
            None,
        ),
        SecretRef::File(p) if p.as_os_str().is_empty() => {
            issues.error(&path.key("file"), "empty file path", Some("a path to a file holding the secret"), None)
        }
        SecretRef::Prompt(false) => issues.error(
            &path.key("prompt"),
            "`prompt: false` gives no value",
            Some("prompt: true, or {env: VAR} / {file: PATH}"),
            None,
        ),
        SecretRef::Literal(_) => issues.warn(
            &path.key("literal"),
            "secret written in the profile in clear text",
            Some("use {env: VAR}, {file: PATH} or {prompt: true}; kmpilot never writes a literal back"),
        ),
        _ => {}
    }
}

pub fn non_empty(issues: &mut Issues, path: &YamlPath, v: &str, example: &str) {
    if v.trim().is_empty() {
        issues.error(path, "must not be empty", Some(example), None);
    }
}

/// An image registry: `host[:port][/path]` without a scheme.
pub fn registry(issues: &mut Issues, path: &YamlPath, v: &str) {
    let host = v.split('/').next().unwrap_or("");
    let (h, p) = match host.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (host, None),
    };
    let port_ok = p.is_none_or(|p| p.parse::<u16>().is_ok_and(|n| n > 0));
    if v.contains("://") || !is_hostname(h, false) || !port_ok {
        issues.error(
            path,
            format!("`{v}` is not an image registry"),
            Some("host[:port][/path] without a scheme, e.g. localhost:5000 or docker.io/myorg"),
            None,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert!(is_hostname("am.wso2.com", false));
        assert!(!is_hostname("https://am.wso2.com", false));
        assert!(!is_hostname("*.wso2.com", false));
        assert!(is_hostname("*.wso2.com", true));
        assert!(!is_hostname("a..b", false));
        assert!(is_chart_version("4.5.0-10"));
        assert!(!is_chart_version("4.5"));
        assert!(!is_chart_version("next"));
        assert!(is_k8s_name("apim-keystores"));
        assert!(!is_k8s_name("Apim"));
        assert!(is_crn(
            "crn:v1:icp:private:kms:mycluster:n/kube-system:0d705d95-e216-4ce4-9c81-38eeef4eee3b::"
        ));
        assert!(is_crn(
            "crn:v1:staging:public:sts:us-south:a/1234:123456789::"
        ));
        assert!(!is_crn("crn:v1:staging:public"));
        assert!(is_env_var("APIM_ADMIN_PASSWORD"));
        assert!(!is_env_var("1X"));
    }
}

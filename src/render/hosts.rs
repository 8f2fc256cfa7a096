//! The hosts-file block. Markers let kmpilot find and replace its own lines on every run and
//! leave everything else in the file as it was.

pub fn begin_marker(profile: &str) -> String {
    format!("# BEGIN kmpilot {profile}")
}

pub fn end_marker(profile: &str) -> String {
    format!("# END kmpilot {profile}")
}

pub fn block(profile: &str, address: &str, hostnames: &[String]) -> String {
    format!(
        "{}\n{} {}\n{}\n",
        begin_marker(profile),
        address,
        hostnames.join(" "),
        end_marker(profile)
    )
}

/// What an ingress status address is, for a hosts file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressKind {
    /// An IP address (IPv4 or IPv6), written as is; `localhost` becomes 127.0.0.1.
    Ip(std::net::IpAddr),
    /// A cloud load balancer's DNS name: its addresses change, so it is never written as an
    /// address; the hostnames need a CNAME (or alias) record to it instead.
    LoadBalancer(String),
    /// Another DNS name (as ingress-nginx publishes `--publish-status-address`): resolved
    /// first, and its address written.
    Name(String),
}

/// DNS suffixes of cloud load balancers (AWS ELB/NLB/ALB, Azure, GCP, DigitalOcean, Oracle).
const LB_SUFFIXES: [&str; 5] = [
    ".elb.amazonaws.com",
    ".amazonaws.com.cn",
    ".cloudapp.azure.com",
    ".cloudapp.net",
    ".oraclecloud.com",
];

pub fn address_kind(address: &str) -> AddressKind {
    let a = address.trim().trim_end_matches('.');
    if let Ok(ip) = a.trim_start_matches('[').trim_end_matches(']').parse() {
        return AddressKind::Ip(ip);
    }
    let lower = a.to_ascii_lowercase();
    if lower == "localhost" || lower.ends_with(".localhost") {
        return AddressKind::Ip(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
    }
    if LB_SUFFIXES.iter().any(|s| lower.ends_with(s)) {
        return AddressKind::LoadBalancer(lower);
    }
    AddressKind::Name(lower)
}

/// The DNS records that map every hostname to a load balancer's name.
pub fn cname_records(lb: &str, hostnames: &[String]) -> Vec<String> {
    hostnames
        .iter()
        .map(|h| format!("{h}. CNAME {lb}.   (or an alias/ALIAS record in Route 53)"))
        .collect()
}

/// `existing` with the profile's block replaced (or appended when absent). Pure, so the
/// executor's atomic write and the tests share it.
pub fn merge(existing: &str, profile: &str, block_text: &str) -> String {
    let begin = begin_marker(profile);
    let end = end_marker(profile);
    let mut out = String::with_capacity(existing.len() + block_text.len());
    let mut lines = existing.lines();
    let mut replaced = false;
    while let Some(line) = lines.next() {
        if line.trim_end() == begin {
            // skip to the end marker; a missing end marker means everything after belongs to us
            for l in lines.by_ref() {
                if l.trim_end() == end {
                    break;
                }
            }
            if !replaced {
                out.push_str(block_text);
                replaced = true;
            }
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    if !replaced {
        if !out.is_empty() && !out.ends_with("\n\n") {
            out.push('\n');
        }
        out.push_str(block_text);
    }
    out
}

/// `existing` without the profile's block: every other byte as it was. `separator` is what
/// the merge put between the file's own text and a block it appended (recorded when kmpilot
/// wrote the block first); it goes too when the block is the last thing in the file.
pub fn remove(existing: &str, profile: &str, separator: Option<&str>) -> String {
    let begin = begin_marker(profile);
    let end = end_marker(profile);
    let mut out = String::with_capacity(existing.len());
    let mut inside = false;
    let mut removed_at_end = false;
    for line in existing.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']).trim_end();
        if !inside && bare == begin {
            inside = true;
            removed_at_end = true;
            continue;
        }
        if inside {
            if bare == end {
                inside = false;
            }
            continue;
        }
        removed_at_end = false;
        out.push_str(line);
    }
    if removed_at_end
        && let Some(sep) = separator
        && !sep.is_empty()
        && out.ends_with(sep)
    {
        out.truncate(out.len() - sep.len());
    }
    out
}

/// What `merge` put between `old` and the block it appended, when `old` had no block.
pub fn separator_added(old: &str, merged: &str, profile: &str) -> Option<String> {
    let begin = begin_marker(profile);
    if old.lines().any(|l| l.trim_end() == begin) || !merged.starts_with(old) {
        return None;
    }
    let at = merged[old.len()..].find(&begin)? + old.len();
    Some(merged[old.len()..at].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_as_controllers_report_them() {
        use std::net::IpAddr;
        assert_eq!(
            address_kind("172.18.0.3"),
            AddressKind::Ip("172.18.0.3".parse::<IpAddr>().unwrap())
        );
        assert_eq!(
            address_kind("localhost"),
            AddressKind::Ip("127.0.0.1".parse::<IpAddr>().unwrap())
        );
        assert!(matches!(address_kind("fd00::1"), AddressKind::Ip(_)));
        assert_eq!(
            address_kind("k8s-wso2-apim-0a1b2c3d4e-1234567890.eu-west-1.elb.amazonaws.com"),
            AddressKind::LoadBalancer(
                "k8s-wso2-apim-0a1b2c3d4e-1234567890.eu-west-1.elb.amazonaws.com".into()
            )
        );
        assert_eq!(
            address_kind("lb.example.org"),
            AddressKind::Name("lb.example.org".into())
        );
        let r = cname_records("x.elb.amazonaws.com", &["am.wso2.com".to_string()]);
        assert!(r[0].starts_with("am.wso2.com. CNAME x.elb.amazonaws.com."));
    }

    #[test]
    fn merge_is_idempotent_and_keeps_other_lines() {
        let hosts = vec!["am.wso2.com".to_string(), "gw.wso2.com".to_string()];
        let b = block("p", "10.0.0.1", &hosts);
        let orig = "127.0.0.1 localhost\n::1 localhost\n";
        let once = merge(orig, "p", &b);
        assert!(once.starts_with(orig));
        assert!(once.contains("10.0.0.1 am.wso2.com gw.wso2.com"));
        assert_eq!(merge(&once, "p", &b), once);
        let changed = merge(&once, "p", &block("p", "10.0.0.2", &hosts));
        assert!(!changed.contains("10.0.0.1 am"));
        assert_eq!(changed.matches("# BEGIN kmpilot p").count(), 1);
    }

    #[test]
    fn removing_the_block_gives_back_the_file_as_it_was() {
        let names = vec!["am.wso2.com".to_string(), "is.wso2.com".to_string()];
        for old in [
            "127.0.0.1 localhost\n",
            "127.0.0.1 localhost\n\n",
            "127.0.0.1 localhost",
            "",
            "# comment\n\n10.0.0.1 x\n",
        ] {
            let merged = merge(old, "p", &block("p", "10.1.1.1", &names));
            let sep = separator_added(old, &merged, "p");
            let again = merge(&merged, "p", &block("p", "10.9.9.9", &names));
            assert_eq!(remove(&again, "p", sep.as_deref()), old, "{old:?}");
        }
        // a block in the middle goes alone; another profile's block stays
        let text = "a\n# BEGIN kmpilot p\n1.1.1.1 x\n# END kmpilot p\nb\n# BEGIN kmpilot q\n2.2.2.2 y\n# END kmpilot q\n";
        assert_eq!(
            remove(text, "p", Some("\n")),
            "a\nb\n# BEGIN kmpilot q\n2.2.2.2 y\n# END kmpilot q\n"
        );
    }
}

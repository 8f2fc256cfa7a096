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

#[cfg(test)]
mod tests {
    use super::*;

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
}

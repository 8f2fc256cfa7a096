//! Shell quoting for the commands the plan spells out (the runbook, `kmpilot plan`, the
//! post-renderer's flags).

/// POSIX shell quoting: bare when safe, single quotes otherwise.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@,+%^".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

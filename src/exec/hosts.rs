//! Writing the hosts block: the pure merge from `render::hosts`, a backup of the file as it
//! was, then an atomic replace. A file already holding the same block is left alone.

use std::path::Path;

use crate::render::hosts;

#[derive(Debug, PartialEq, Eq)]
pub enum HostsOutcome {
    Unchanged,
    Written { backup: String },
}

/// The file as it is and as it would be with the block: `(existing, merged)`.
pub fn contents(
    file: &Path,
    profile: &str,
    address: &str,
    hostnames: &[String],
) -> Result<(String, String), String> {
    // the last guard: a hosts file maps names to addresses; a name in the first field
    // (`localhost am.wso2.com`) is not a valid line
    if address.parse::<std::net::IpAddr>().is_err() {
        return Err(format!(
            "refusing to write `{address}` into {}: the first field of a hosts line must be an IP address",
            file.display()
        ));
    }
    let existing = match std::fs::read_to_string(file) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("cannot read {}: {e}", file.display())),
    };
    let merged = hosts::merge(
        &existing,
        profile,
        &hosts::block(profile, address, hostnames),
    );
    Ok((existing, merged))
}

pub fn update(
    file: &Path,
    profile: &str,
    address: &str,
    hostnames: &[String],
) -> Result<HostsOutcome, String> {
    let (existing, merged) = contents(file, profile, address, hostnames)?;
    if merged == existing {
        return Ok(HostsOutcome::Unchanged);
    }
    let backup = format!("{}.kmpilot.bak", file.display());
    if !existing.is_empty() {
        crate::util::atomic_file::write_atomic(Path::new(&backup), existing.as_bytes())
            .map_err(|e| e.to_string())?;
    }
    crate::util::atomic_file::write_atomic(file, merged.as_bytes()).map_err(|e| {
        format!(
            "{e} (writing {} needs permission: run with sudo, or set dns.mode: print)",
            file.display()
        )
    })?;
    Ok(HostsOutcome::Written { backup })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_writes_a_name_as_the_address() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("hosts");
        std::fs::write(&f, "127.0.0.1 localhost\n").unwrap();
        let names = vec!["am.wso2.com".to_string()];
        for bad in [
            "localhost",
            "lb.eu-west-1.elb.amazonaws.com",
            "${INGRESS_ADDRESS}",
        ] {
            let e = update(&f, "p", bad, &names).unwrap_err();
            assert!(e.contains("must be an IP address"), "{e}");
        }
        assert_eq!(
            std::fs::read_to_string(&f).unwrap(),
            "127.0.0.1 localhost\n"
        );
    }

    #[test]
    fn writes_once_with_backup_then_leaves_it() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("hosts");
        std::fs::write(&f, "127.0.0.1 localhost\n").unwrap();
        let names = vec!["am.wso2.com".to_string()];
        assert!(matches!(
            update(&f, "p", "10.1.1.1", &names).unwrap(),
            HostsOutcome::Written { .. }
        ));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("hosts.kmpilot.bak")).unwrap(),
            "127.0.0.1 localhost\n"
        );
        assert_eq!(
            update(&f, "p", "10.1.1.1", &names).unwrap(),
            HostsOutcome::Unchanged
        );
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(text.starts_with("127.0.0.1 localhost\n") && text.contains("10.1.1.1 am.wso2.com"));
    }
}

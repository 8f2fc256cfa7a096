//! A value that never changes once it is in the cluster (`plan::SecretSource::Kept`: API-M
//! 4.7's symmetric encryption key, with which API-M encrypts what it stores — another key
//! makes that data unreadable). The decision is pure so every case is tested without a
//! cluster; `actions::create_secret` reads the live Secret and applies the result.

use std::io::Read;

use kmpilot_keystore::Secret;

use super::ctx::Failure;

/// `bytes` random bytes from the operating system's CSPRNG (`/dev/urandom`, which Linux and
/// macOS seed and keep as their cryptographic generator), as lower-case hex.
fn random_hex(bytes: usize) -> Result<Secret, Failure> {
    let mut buf = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .map_err(|e| Failure::new(format!("reading the system's random generator: {e}")))?;
    let mut hex = String::with_capacity(bytes * 2);
    for b in &buf {
        hex.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(b & 0xf)]));
    }
    buf.fill(0);
    // into the Secret, which wipes its buffer when dropped
    Ok(Secret::new(hex))
}

fn is_key(v: &[u8], hex_chars: usize) -> bool {
    v.len() == hex_chars && v.iter().all(u8::is_ascii_hexdigit)
}

/// The bytes to store under a kept key. `current`: the live Secret's value; `given`: the
/// profile's reference, resolved. The cluster's value always wins; a profile naming another
/// one is refused rather than silently ignored or applied.
pub fn value(
    what: &str,
    current: Option<&[u8]>,
    given: Option<&str>,
    hex_chars: usize,
) -> Result<Vec<u8>, Failure> {
    let shape = format!("{hex_chars} hexadecimal characters");
    match (current, given) {
        (Some(c), _) if !is_key(c, hex_chars) => Err(Failure::new(format!(
            "{what} is not {shape}; kmpilot never replaces an encryption key API-M may have used"
        ))
        .hint("put the key API-M started with back into the Secret, or remove the Secret and the release together (kmpilot destroy) to start afresh")),
        (Some(c), Some(g)) if c != g.trim().as_bytes() => Err(Failure::new(format!(
            "{what} holds another encryption key than apiManager.encryptionKey: the key API-M started with can never change (what it encrypted would become unreadable)"
        ))
        .hint("remove apiManager.encryptionKey from the profile to keep the cluster's key")),
        (Some(c), _) => Ok(c.to_vec()),
        (None, Some(g)) if !is_key(g.trim().as_bytes(), hex_chars) => Err(Failure::new(format!(
            "apiManager.encryptionKey is not {shape} (for {what})"
        ))
        .hint("`openssl rand -hex 32` makes one; or remove apiManager.encryptionKey and kmpilot generates it")),
        (None, Some(g)) => Ok(g.trim().as_bytes().to_vec()),
        (None, None) => Ok(random_hex(hex_chars / 2)?.expose().as_bytes().to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    const B: &str = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

    #[test]
    fn the_clusters_key_is_kept_whatever_the_run() {
        assert_eq!(
            value("k", Some(A.as_bytes()), None, 64).unwrap(),
            A.as_bytes()
        );
        assert_eq!(
            value("k", Some(A.as_bytes()), Some(A), 64).unwrap(),
            A.as_bytes()
        );
    }

    #[test]
    fn a_profile_key_that_differs_from_the_clusters_is_refused() {
        let e = value("k", Some(A.as_bytes()), Some(B), 64).unwrap_err();
        assert!(e.error.contains("can never change"), "{}", e.error);
        assert!(
            !e.error.contains(A) && !e.error.contains(B),
            "no key in the message"
        );
    }

    #[test]
    fn without_one_the_profiles_is_used_or_a_fresh_one_made() {
        assert_eq!(value("k", None, Some(B), 64).unwrap(), B.as_bytes());
        let e = value("k", None, Some("not-hex"), 64).unwrap_err();
        assert!(e.error.contains("64 hexadecimal"), "{}", e.error);
        let g1 = value("k", None, None, 64).unwrap();
        let g2 = value("k", None, None, 64).unwrap();
        assert!(is_key(&g1, 64) && is_key(&g2, 64));
        assert_ne!(g1, g2, "from a CSPRNG, not a constant");
    }

    #[test]
    fn a_damaged_cluster_key_is_not_replaced() {
        let e = value("k", Some(b"short"), None, 64).unwrap_err();
        assert!(e.error.contains("never replaces"), "{}", e.error);
    }
}

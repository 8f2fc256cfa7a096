//! Sun's proprietary key protector (OID 1.3.6.1.4.1.42.2.17.1.1), the only
//! private-key encryption JKS knows. SHA-1 keystream XOR plus a SHA-1 check
//! over password and plaintext; see OpenJDK `sun.security.provider.KeyProtector`.

use der::asn1::{AnyRef, OctetStringRef};
use der::{Decode, Encode, Reader, SliceReader};
use rsa::rand_core::{OsRng, RngCore};
use sha1::{Digest, Sha1};
use x509_cert::spki::AlgorithmIdentifierRef;
use zeroize::Zeroizing;

const SALT_LEN: usize = 20;
const DIGEST_LEN: usize = 20;
const KEY_PROTECTOR_OID: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.3.6.1.4.1.42.2.17.1.1");

/// Java turns a `char[]` password into bytes as UTF-16BE, for both the key
/// protector and the store digest. Some libraries zero-extend bytes instead,
/// which only agrees for ASCII.
pub(crate) fn password_bytes(password: &str) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(password.encode_utf16().flat_map(u16::to_be_bytes).collect())
}

/// Returns the DER `EncryptedPrivateKeyInfo` that a JKS key entry stores.
pub(crate) fn protect(pkcs8: &[u8], key_password: &str) -> Vec<u8> {
    let pw = password_bytes(key_password);
    let mut salt = [0u8; SALT_LEN];
    OsRng.fill_bytes(&mut salt);

    let mut encrypted = Vec::with_capacity(SALT_LEN + pkcs8.len() + DIGEST_LEN);
    encrypted.extend_from_slice(&salt);
    xor_keystream(&pw, &salt, pkcs8, &mut encrypted);
    encrypted.extend_from_slice(
        &Sha1::new()
            .chain_update(&*pw)
            .chain_update(pkcs8)
            .finalize(),
    );

    // Explicit NULL parameters, as keytool 17 and pyjks write; Java reads both forms.
    let alg = AlgorithmIdentifierRef {
        oid: KEY_PROTECTOR_OID,
        parameters: Some(AnyRef::NULL),
    };
    let octets = OctetStringRef::new(&encrypted).expect("key entry far below DER limits");
    let mut body = alg.to_der().expect("static algorithm identifier encodes");
    octets
        .encode_to_vec(&mut body)
        .expect("octet string encodes");
    der::asn1::Any::new(der::Tag::Sequence, body)
        .and_then(|seq| seq.to_der())
        .expect("key entry far below DER limits")
}

/// Inverse of [`protect`]. `None` means wrong password, foreign algorithm or corrupt data.
pub(crate) fn recover(epki: &[u8], key_password: &str) -> Option<Zeroizing<Vec<u8>>> {
    let (alg_oid, encrypted) = parse_epki(epki)?;
    if alg_oid != KEY_PROTECTOR_OID || encrypted.len() < SALT_LEN + DIGEST_LEN {
        return None;
    }
    let pw = password_bytes(key_password);
    let (salt, rest) = encrypted.split_at(SALT_LEN);
    let (ciphertext, check) = rest.split_at(rest.len() - DIGEST_LEN);
    let mut plain = Zeroizing::new(Vec::with_capacity(ciphertext.len()));
    xor_keystream(&pw, salt, ciphertext, &mut plain);
    let expected = Sha1::new()
        .chain_update(&*pw)
        .chain_update(&*plain)
        .finalize();
    // Not secret-dependent in a way an attacker can observe from a local file check.
    (expected.as_slice() == check).then_some(plain)
}

/// Only the algorithm OID and ciphertext; the outer shape is all JKS defines.
pub(crate) fn parse_epki(epki: &[u8]) -> Option<(der::oid::ObjectIdentifier, &[u8])> {
    let mut reader = SliceReader::new(epki).ok()?;
    let parsed = reader
        .sequence(|r| {
            let alg = AlgorithmIdentifierRef::decode(r)?;
            let data = OctetStringRef::decode(r)?;
            Ok((alg.oid, data.as_bytes()))
        })
        .ok()?;
    reader.finish(parsed).ok()
}

fn xor_keystream(pw: &[u8], salt: &[u8], input: &[u8], out: &mut Vec<u8>) {
    let mut digest: [u8; DIGEST_LEN] = salt.try_into().unwrap_or([0; DIGEST_LEN]);
    for chunk in input.chunks(DIGEST_LEN) {
        digest = Sha1::new()
            .chain_update(pw)
            .chain_update(digest)
            .finalize()
            .into();
        out.extend(chunk.iter().zip(digest.iter()).map(|(a, b)| a ^ b));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_wrong_password() {
        let secret = b"0\x82\x01\x02not really pkcs8 but any bytes will do here".to_vec();
        let epki = protect(&secret, "kéy-pässwörd");
        assert_eq!(epki[0], 0x30);
        assert_eq!(
            recover(&epki, "kéy-pässwörd").as_deref().map(Vec::as_slice),
            Some(secret.as_slice())
        );
        assert!(recover(&epki, "key-passwor").is_none());
        assert!(recover(&epki[..epki.len() - 1], "kéy-pässwörd").is_none());
    }

    #[test]
    fn password_is_utf16_big_endian() {
        assert_eq!(*password_bytes("aé"), vec![0, b'a', 0, 0xe9]);
        assert_eq!(*password_bytes("🔑"), vec![0xd8, 0x3d, 0xdd, 0x11]);
    }
}

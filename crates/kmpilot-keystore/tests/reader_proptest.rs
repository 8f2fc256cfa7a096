//! Malformed or mutated keystore bytes must give errors, never panics.

mod common;

use std::sync::OnceLock;

use kmpilot_keystore::jks::{self, Entry, Keystore};
use kmpilot_keystore::pkcs12::{self, Pkcs12Store};
use kmpilot_keystore::store::load_identity;
use proptest::prelude::*;
use sha1::{Digest, Sha1};

const PASS: &str = "pässword";

fn valid_jks() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let mut ks = Keystore::new();
        ks.add_private_key("wso2carbon", common::apim_identity(), PASS)
            .unwrap();
        ks.add_trusted_cert("wso2is", common::is_identity().certificate_der())
            .unwrap();
        ks.to_bytes(PASS)
    })
}

fn valid_p12() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let mut store = Pkcs12Store::new();
        store
            .add_private_key("wso2carbon", common::is_identity())
            .unwrap();
        store.to_bytes("password").unwrap()
    })
}

/// Re-computes the keyed trailer so mutations reach the entry parser instead
/// of stopping at the integrity check.
fn reseal(body: &[u8]) -> Vec<u8> {
    let pw: Vec<u8> = PASS.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let digest = Sha1::new()
        .chain_update(&pw)
        .chain_update(b"Mighty Aphrodite")
        .chain_update(body)
        .finalize();
    let mut out = body.to_vec();
    out.extend_from_slice(&digest);
    out
}

/// Parses, then pushes every entry through key recovery and certificate parsing.
fn exercise_jks(bytes: &[u8]) {
    if let Ok(ks) = jks::read(bytes, PASS) {
        for entry in ks.entries() {
            if let Entry::PrivateKey(_) = entry {
                let _ = ks.identity(entry.alias(), PASS);
            }
        }
        let _ = ks.to_bytes(PASS);
    }
    let _ = load_identity(bytes, PASS, "wso2carbon", PASS);
}

#[derive(Debug, Clone)]
enum Mutation {
    Set(usize, u8),
    Truncate(usize),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        1 => any::<usize>().prop_map(Mutation::Truncate),
        1 => (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8)).prop_map(|(i, v)| Mutation::Insert(i, v)),
        1 => (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Remove(i, n)),
    ]
}

fn apply(bytes: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for m in mutations {
        if out.is_empty() {
            break;
        }
        match m {
            Mutation::Set(i, b) => {
                let i = i % out.len();
                out[i] = *b;
            }
            Mutation::Truncate(n) => out.truncate(n % out.len()),
            Mutation::Insert(i, v) => {
                let i = i % out.len();
                out.splice(i..i, v.iter().copied());
            }
            Mutation::Remove(i, n) => {
                let i = i % out.len();
                let end = (i + n).min(out.len());
                out.drain(i..end);
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn jks_reader_survives_arbitrary_bytes(tail in proptest::collection::vec(any::<u8>(), 0..512), magic in any::<bool>()) {
        let mut bytes = if magic { vec![0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2] } else { Vec::new() };
        bytes.extend(tail);
        exercise_jks(&bytes);
        exercise_jks(&reseal(&bytes));
    }

    #[test]
    fn jks_reader_survives_mutations(mutations in proptest::collection::vec(mutation(), 1..4)) {
        let valid = valid_jks();
        let body = &valid[..valid.len() - 20];
        let mutated = apply(body, &mutations);
        exercise_jks(&reseal(&mutated));
        exercise_jks(&apply(valid, &mutations));
    }
}

proptest! {
    // Each PKCS#12 attempt that gets past the DER layer runs 10 000 MAC
    // iterations, slow in debug builds; fewer cases keep the suite quick.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn pkcs12_reader_survives_mutations(mutations in proptest::collection::vec(mutation(), 1..4)) {
        let _ = pkcs12::read(&apply(valid_p12(), &mutations), "password");
    }
}

proptest! {
    #[test]
    fn pkcs12_reader_survives_arbitrary_bytes(tail in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut bytes = vec![0x30];
        bytes.extend(tail);
        let _ = pkcs12::read(&bytes, "password");
        let _ = load_identity(&bytes, "password", "a", "password");
    }
}

#[test]
fn the_unmutated_fixtures_are_valid() {
    assert!(jks::read(valid_jks(), PASS).is_ok());
    assert!(pkcs12::read(valid_p12(), "password").is_ok());
    assert_eq!(reseal(&valid_jks()[..valid_jks().len() - 20]), valid_jks());
}

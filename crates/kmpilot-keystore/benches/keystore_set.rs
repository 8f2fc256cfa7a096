//! The full WSO2 keystore set: kmpilot in-process vs the keytool command
//! sequence an operator would run, timed side by side in one run.
//!
//! `cargo bench -p kmpilot-keystore --bench keystore_set`
//! Environment: `KMPILOT_BENCH_RUST_RUNS` (default 10), `KMPILOT_BENCH_KEYTOOL_RUNS` (default 3).
//! Under `cargo test --benches` it builds one set and exits.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::Criterion;
use kmpilot_keystore::jks::Keystore;
use kmpilot_keystore::pkcs12::Pkcs12Store;
use kmpilot_keystore::set::{
    IdentitySource, KeystoreSetSpec, Wso2IsOptions, Wso2Layout, Wso2Passwords, Wso2SetOptions,
    build_set,
};
use kmpilot_keystore::vault::{self, Cipher, VaultKey, VaultSecrets};
use kmpilot_keystore::{Dn, KeyPairSpec, generate};

const APIM_DN: &str = "CN=*.wso2.com, OU=MS, O=WSO2, L=Colombo, ST=Colombo, C=LK";
const IS_DN: &str = "CN=is.wso2.com, OU=IAM, O=WSO2, L=Colombo, ST=Colombo, C=LK";
const APIM_SANS: [&str; 3] = ["am.wso2.com", "gw.wso2.com", "localhost"];
const IS_SANS: [&str; 2] = ["is.wso2.com", "localhost"];
const PW: &str = "wso2carbon";
const DAYS: u32 = 3650;

fn keypair(dn: &str, sans: &[&str]) -> IdentitySource {
    let mut spec = KeyPairSpec::new(
        Dn::parse(dn).unwrap(),
        sans.iter().map(|s| s.to_string()).collect(),
    );
    spec.validity_days = DAYS;
    IdentitySource::Generate(spec)
}

/// Four keys: API-M primary/TLS, API-M internal, IS primary/TLS, IS internal; both
/// truststores also hold the public CAs, as kmpilot's keystores step makes them.
fn full_spec() -> KeystoreSetSpec {
    let mut spec = wso2_spec();
    let roots = kmpilot_keystore::public_cas::mozilla_roots();
    for b in &mut spec.bundles {
        if let Some(ts) = &mut b.truststore {
            ts.trust.extend(roots.iter().cloned());
        }
    }
    spec
}

fn wso2_spec() -> KeystoreSetSpec {
    KeystoreSetSpec::wso2(Wso2SetOptions {
        apim: keypair(APIM_DN, &APIM_SANS),
        apim_internal: Some(keypair(APIM_DN, &APIM_SANS)),
        is: Some(Wso2IsOptions {
            identity: keypair(IS_DN, &IS_SANS),
            internal: Some(keypair(IS_DN, &IS_SANS)),
        }),
        passwords: Wso2Passwords::all(PW),
        layout: Wso2Layout::default(),
    })
}

fn tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|p| p.join(name))
        .find(|p| p.is_file())
}

fn run(cmd: &Path, args: &[&str], dir: &Path) {
    let out = Command::new(cmd)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{} {args:?}: {}",
        cmd.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The same files with keytool (and openssl for the PEM pairs, which keytool cannot export).
/// Returns the number of commands.
fn keytool_sequence(keytool: &Path, openssl: Option<&Path>, dir: &Path) -> usize {
    let days = DAYS.to_string();
    let san = |sans: &[&str]| {
        format!(
            "san={}",
            sans.iter()
                .map(|s| format!("dns:{s}"))
                .collect::<Vec<_>>()
                .join(",")
        )
    };
    let (apim_san, is_san) = (san(&APIM_SANS), san(&IS_SANS));
    let genkey = |file: &str, alias: &str, kind: &str, dn: &str, ext: &str| {
        run(
            keytool,
            &[
                "-genkeypair",
                "-keystore",
                file,
                "-storetype",
                kind,
                "-storepass",
                PW,
                "-keypass",
                PW,
                "-alias",
                alias,
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-sigalg",
                "SHA256withRSA",
                "-validity",
                &days,
                "-dname",
                dn,
                "-ext",
                ext,
            ],
            dir,
        )
    };
    let export = |file: &str, alias: &str, out: &str| {
        run(
            keytool,
            &[
                "-exportcert",
                "-keystore",
                file,
                "-storepass",
                PW,
                "-alias",
                alias,
                "-file",
                out,
            ],
            dir,
        )
    };
    let import = |file: &str, kind: &str, alias: &str, cert: &str| {
        run(
            keytool,
            &[
                "-importcert",
                "-noprompt",
                "-keystore",
                file,
                "-storetype",
                kind,
                "-storepass",
                PW,
                "-alias",
                alias,
                "-file",
                cert,
            ],
            dir,
        )
    };
    genkey("wso2carbon.jks", "wso2carbon", "JKS", APIM_DN, &apim_san);
    genkey(
        "wso2internal.jks",
        "wso2internal",
        "JKS",
        APIM_DN,
        &apim_san,
    );
    genkey("primary.p12", "wso2carbon", "PKCS12", IS_DN, &is_san);
    genkey("internal.p12", "wso2carbon", "PKCS12", IS_DN, &is_san);
    run(
        keytool,
        &[
            "-importkeystore",
            "-noprompt",
            "-srckeystore",
            "primary.p12",
            "-srcstorepass",
            PW,
            "-destkeystore",
            "tls.p12",
            "-deststoretype",
            "PKCS12",
            "-deststorepass",
            PW,
        ],
        dir,
    );
    // the public CAs: the cheapest keytool way is one copy of the JDK's own cacerts into
    // each truststore (kmpilot takes the Mozilla set from webpki-root-certs)
    let mut commands = 12;
    let cacerts = std::fs::canonicalize(keytool)
        .ok()
        .and_then(|k| Some(k.parent()?.parent()?.join("lib/security/cacerts")))
        .filter(|c| c.is_file());
    if let Some(cacerts) = &cacerts {
        let src = cacerts.display().to_string();
        for (file, kind) in [
            ("client-truststore.jks", "JKS"),
            ("client-truststore.p12", "PKCS12"),
        ] {
            run(
                keytool,
                &[
                    "-importkeystore",
                    "-noprompt",
                    "-srckeystore",
                    &src,
                    "-srcstorepass",
                    "changeit",
                    "-destkeystore",
                    file,
                    "-deststoretype",
                    kind,
                    "-deststorepass",
                    PW,
                ],
                dir,
            );
        }
        commands += 2;
    }
    export("wso2carbon.jks", "wso2carbon", "apim.cer");
    export("primary.p12", "wso2carbon", "is.cer");
    import("client-truststore.jks", "JKS", "wso2carbonssl", "apim.cer");
    import("client-truststore.jks", "JKS", "wso2is", "is.cer");
    import("client-truststore.p12", "PKCS12", "wso2carbon", "is.cer");
    import("client-truststore.p12", "PKCS12", "wso2am", "apim.cer");
    if let Some(openssl) = openssl {
        run(
            keytool,
            &[
                "-importkeystore",
                "-noprompt",
                "-srckeystore",
                "wso2carbon.jks",
                "-srcstorepass",
                PW,
                "-destkeystore",
                "apim.p12",
                "-deststoretype",
                "PKCS12",
                "-deststorepass",
                PW,
            ],
            dir,
        );
        let pass = format!("pass:{PW}");
        for (p12, name) in [("apim.p12", "apim"), ("tls.p12", "is")] {
            let key = format!("{name}-tls.key");
            let crt = format!("{name}-tls.crt");
            run(
                openssl,
                &[
                    "pkcs12", "-in", p12, "-passin", &pass, "-nodes", "-nocerts", "-out", &key,
                ],
                dir,
            );
            run(
                openssl,
                &[
                    "pkcs12", "-in", p12, "-passin", &pass, "-nokeys", "-clcerts", "-out", &crt,
                ],
                dir,
            );
        }
        commands += 5;
    }
    commands
}

struct Stats {
    median: Duration,
    min: Duration,
    max: Duration,
}

fn time_runs(runs: usize, mut f: impl FnMut()) -> Stats {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    Stats {
        median: times[times.len() / 2],
        min: times[0],
        max: times[times.len() - 1],
    }
}

fn env_runs(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(default)
}

fn comparison() {
    let spec = full_spec();
    let rust_runs = env_runs("KMPILOT_BENCH_RUST_RUNS", 10);
    let rust = time_runs(rust_runs, || {
        std::hint::black_box(build_set(&spec).unwrap());
    });
    println!(
        "kmpilot build_set (4 RSA-2048 keys, 8 stores, public CAs in both truststores, 2 PEM pairs), {rust_runs} runs: \
         median {:.3} s  min {:.3} s  max {:.3} s",
        rust.median.as_secs_f64(),
        rust.min.as_secs_f64(),
        rust.max.as_secs_f64()
    );
    let Some(keytool) = tool("keytool") else {
        println!("keytool not found: no comparison");
        return;
    };
    let openssl = tool("openssl");
    let keytool_runs = env_runs("KMPILOT_BENCH_KEYTOOL_RUNS", 3);
    let mut commands = 0;
    let kt = time_runs(keytool_runs, || {
        let dir = tempfile::tempdir().unwrap();
        commands = keytool_sequence(&keytool, openssl.as_deref(), dir.path());
    });
    println!(
        "keytool sequence ({commands} commands{}), {keytool_runs} runs: \
         median {:.3} s  min {:.3} s  max {:.3} s",
        if openssl.is_some() {
            ", PEM via openssl"
        } else {
            ", no PEM: openssl missing"
        },
        kt.median.as_secs_f64(),
        kt.min.as_secs_f64(),
        kt.max.as_secs_f64()
    );
    println!(
        "ratio (keytool median / kmpilot median): {:.1}x",
        kt.median.as_secs_f64() / rust.median.as_secs_f64()
    );
}

/// Per-operation numbers for everything but key generation.
fn micro(c: &mut Criterion) {
    let id = generate(&KeyPairSpec::new(
        Dn::parse(APIM_DN).unwrap(),
        APIM_SANS.iter().map(|s| s.to_string()).collect(),
    ))
    .unwrap();
    let mut group = c.benchmark_group("keystore");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(3));
    group.bench_function("jks_write_key_entry", |b| {
        b.iter(|| {
            let mut ks = Keystore::new();
            ks.add_private_key("wso2carbon", &id, PW).unwrap();
            ks.to_bytes(PW)
        })
    });
    group.bench_function("pkcs12_write_key_entry", |b| {
        b.iter(|| {
            let mut ks = Pkcs12Store::new();
            ks.add_private_key("wso2carbon", &id).unwrap();
            ks.to_bytes(PW).unwrap()
        })
    });
    let key = VaultKey::from_identity(&id).unwrap();
    let secrets = VaultSecrets {
        admin_password: "admin".into(),
        ..VaultSecrets::default()
    };
    group.bench_function("vault_encrypt_ten_aliases", |b| {
        b.iter(|| vault::encrypt_all(&key, &secrets, Cipher::Pkcs1v15).unwrap())
    });
    group.finish();
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        // `cargo test --benches`: prove it runs, skip the slow comparison.
        build_set(&full_spec()).unwrap();
        return;
    }
    comparison();
    let mut c = Criterion::default().configure_from_args();
    micro(&mut c);
    c.final_summary();
}

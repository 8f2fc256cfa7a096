//! Shared helpers: real JDK tools, shared keys, temp dirs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use kmpilot_keystore::{Dn, Identity, KeyPairSpec, generate};

/// The DN and hostnames of the default profile.
pub const PROFILE_DN: &str = "CN=*.wso2.com, OU=MS, O=WSO2, L=Colombo, ST=Colombo, C=LK";

pub fn apim_spec() -> KeyPairSpec {
    KeyPairSpec {
        dn: Dn::parse(PROFILE_DN).unwrap(),
        sans: vec![
            "am.wso2.com".into(),
            "gw.wso2.com".into(),
            "localhost".into(),
            "127.0.0.1".into(),
        ],
        validity_days: 825,
        key_bits: 2048,
    }
}

pub fn is_spec() -> KeyPairSpec {
    KeyPairSpec {
        dn: Dn::parse("CN=is.wso2.com, OU=IAM, O=WSO2, L=Zürich, ST=ZH, C=CH").unwrap(),
        sans: vec!["is.wso2.com".into(), "localhost".into()],
        validity_days: 365,
        key_bits: 2048,
    }
}

/// Keys are the slow part of every test; each test binary makes these once.
pub fn apim_identity() -> &'static Identity {
    static ID: OnceLock<Identity> = OnceLock::new();
    ID.get_or_init(|| generate(&apim_spec()).expect("generate apim key"))
}

pub fn is_identity() -> &'static Identity {
    static ID: OnceLock<Identity> = OnceLock::new();
    ID.get_or_init(|| generate(&is_spec()).expect("generate is key"))
}

/// Finds a JDK tool. Missing tools fail the test under `CI=true` and skip it
/// (with a message) elsewhere, so a developer without a JDK can still run the suite.
pub fn jdk_tool(name: &str) -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(home) = std::env::var_os("JAVA_HOME") {
        candidates.push(Path::new(&home).join("bin").join(name));
    }
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path).map(|p| p.join(name)));
    }
    if let Some(found) = candidates.into_iter().find(|p| p.is_file()) {
        return Some(found);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{name} is required when CI=true (install a JDK 17, e.g. openjdk-17-jdk-headless)");
    }
    eprintln!("SKIPPED: {name} not found on PATH or in JAVA_HOME");
    None
}

#[macro_export]
macro_rules! require {
    ($tool:expr) => {
        match common::jdk_tool($tool) {
            Some(path) => path,
            None => return,
        }
    };
}

/// Short-lived JVMs start about twice as fast with C1 only and the serial GC;
/// every test here launches dozens of them.
const FAST_JVM: [&str; 2] = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"];

/// Runs a JDK tool under a UTF-8 locale so non-ASCII passwords survive argv.
pub fn run(tool: &Path, args: &[&str]) -> Output {
    let is_java = tool.file_name().is_some_and(|n| n == "java");
    let jvm_flags = FAST_JVM.iter().map(|f| {
        if is_java {
            f.to_string()
        } else {
            format!("-J{f}")
        }
    });
    Command::new(tool)
        .args(jvm_flags)
        .args(args)
        .env("LC_ALL", "C.UTF-8")
        .env_remove("JAVA_TOOL_OPTIONS")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", tool.display()))
}

/// stdout + stderr; keytool warns on stderr even on success, so only the exit code decides.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub fn ok(tool: &Path, args: &[&str]) -> String {
    let out = run(tool, args);
    let t = text(&out);
    assert!(
        out.status.success(),
        "{} {:?} failed:\n{t}",
        tool.display(),
        args
    );
    t
}

pub fn fails(tool: &Path, args: &[&str]) -> String {
    let out = run(tool, args);
    let t = text(&out);
    assert!(
        !out.status.success(),
        "{} {:?} unexpectedly succeeded:\n{t}",
        tool.display(),
        args
    );
    t
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

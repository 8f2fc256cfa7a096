//! Secure-vault ciphertexts decrypted by real Java, the way WSO2's runtime does.

mod common;

use kmpilot_keystore::Secret;
use kmpilot_keystore::jks::Keystore;
use kmpilot_keystore::vault::{self, Cipher, SECRET_ALIASES, VaultKey, VaultSecrets};

/// Loads the JKS as WSO2 does, checks that the cipher tool's
/// `Cipher.init(ENCRYPT_MODE, certificate)` accepts the certificate's key
/// usage, then decrypts each `alias=base64` line with the given transformation.
const DECRYPT_JAVA: &str = r#"
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.security.*;
import java.security.cert.Certificate;
import java.util.Base64;
import javax.crypto.Cipher;

public class Decrypt {
    public static void main(String[] a) throws Exception {
        KeyStore ks = KeyStore.getInstance("JKS");
        try (var in = Files.newInputStream(Path.of(a[0]))) { ks.load(in, a[1].toCharArray()); }
        PrivateKey key = (PrivateKey) ks.getKey(a[2], a[3].toCharArray());
        Certificate cert = ks.getCertificate(a[2]);
        Cipher.getInstance(a[4]).init(Cipher.ENCRYPT_MODE, cert);
        Cipher c = Cipher.getInstance(a[4]);
        for (String line : Files.readAllLines(Path.of(a[5]), StandardCharsets.UTF_8)) {
            String[] kv = line.split("=", 2);
            c.init(Cipher.DECRYPT_MODE, key);
            byte[] plain = c.doFinal(Base64.getDecoder().decode(kv[1]));
            System.out.println(kv[0] + "=" + Base64.getEncoder().encodeToString(plain));
        }
    }
}
"#;

fn secrets() -> VaultSecrets {
    VaultSecrets {
        admin_password: "admin".into(),
        keystore_password: "wso2carbon".into(),
        keystore_key_password: "wso2carbon".into(),
        ssl_keystore_password: "wso2carbon".into(),
        ssl_key_password: "wso2carbon".into(),
        internal_keystore_password: "ïnternal€".into(),
        internal_keystore_key_password: "ïnternal€".into(),
        truststore_password: "wso2carbon".into(),
        apim_db_password: Secret::new("x".repeat(200)),
        shared_db_password: "".into(),
    }
}

fn decrypt_with_java(cipher: Cipher) {
    let java = require!("java");
    let dir = tempfile::tempdir().unwrap();
    let identity = common::apim_identity();
    let mut ks = Keystore::new();
    ks.add_private_key("wso2internal", identity, "keypass")
        .unwrap();
    let store = common::write(dir.path(), "wso2internal.jks", &ks.to_bytes("storepass"));

    let key = VaultKey::from_certificate_der(identity.certificate_der()).unwrap();
    let encrypted = vault::encrypt_all(&key, &secrets(), cipher).unwrap();
    assert_eq!(
        encrypted.iter().map(|(a, _)| a).collect::<Vec<_>>(),
        SECRET_ALIASES
    );
    let lines: String = encrypted
        .iter()
        .map(|(a, c)| format!("{a}={c}\n"))
        .collect();
    let input = common::write(dir.path(), "secrets.properties", lines.as_bytes());
    let source = common::write(dir.path(), "Decrypt.java", DECRYPT_JAVA.as_bytes());

    let out = common::ok(
        &java,
        &[
            &source,
            &store,
            "storepass",
            "wso2internal",
            "keypass",
            cipher.java_transformation(),
            &input,
        ],
    );
    let b64 = base64_std;
    for (alias, secret) in secrets().iter() {
        let expected = format!("{alias}={}", b64(secret.expose().as_bytes()));
        assert!(
            out.lines().any(|l| l == expected),
            "{alias} not decrypted:\n{out}"
        );
    }
}

fn base64_std(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn java_cipher_rsa_default_decrypts_pkcs1v15() {
    decrypt_with_java(Cipher::Pkcs1v15);
}

#[test]
fn java_oaep_sha1_decrypts_oaep() {
    decrypt_with_java(Cipher::OaepSha1);
}

#[test]
fn java_cipher_rsa_is_pkcs1() {
    // The cipher tool's default transformation string is plain "RSA".
    assert_eq!(Cipher::default(), Cipher::Pkcs1v15);
}

#[test]
fn too_long_secret_is_an_error_not_a_panic() {
    let key = VaultKey::from_identity(common::apim_identity()).unwrap();
    let err = vault::encrypt(&key, &"x".repeat(215), Cipher::OaepSha1).unwrap_err();
    assert!(err.to_string().contains("at most 214"), "{err}");
    assert!(vault::encrypt(&key, &"x".repeat(245), Cipher::Pkcs1v15).is_ok());
    assert!(vault::encrypt(&key, &"x".repeat(246), Cipher::Pkcs1v15).is_err());
}

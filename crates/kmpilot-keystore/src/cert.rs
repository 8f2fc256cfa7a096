//! RSA key pairs and the self-signed certificates WSO2 needs.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use std::time::{Duration, SystemTime};

use der::asn1::{Ia5String, OctetString};
use der::referenced::OwnedToRef;
use der::{Decode, Encode};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::rand_core::{OsRng, RngCore};
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;
use x509_cert::Certificate;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{KeyUsage, KeyUsages, SubjectAltName, SubjectKeyIdentifier};
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::{Time, Validity};
use zeroize::Zeroizing;

use crate::dn::Dn;
use crate::error::{Error, Result};
use crate::secret::Secret;

/// What to generate: the profile's DN and hostnames, validity and key size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPairSpec {
    pub dn: Dn,
    /// DNS names (a leading `*.` wildcard is allowed) or IP addresses.
    pub sans: Vec<String>,
    pub validity_days: u32,
    pub key_bits: usize,
}

impl KeyPairSpec {
    pub const DEFAULT_KEY_BITS: usize = 2048;
    pub const DEFAULT_VALIDITY_DAYS: u32 = 3650;

    pub fn new(dn: Dn, sans: Vec<String>) -> Self {
        Self {
            dn,
            sans,
            validity_days: Self::DEFAULT_VALIDITY_DAYS,
            key_bits: Self::DEFAULT_KEY_BITS,
        }
    }

    /// Rejects bad input before spending a key generation on it.
    pub fn validate(&self) -> Result<()> {
        self.dn.validate()?;
        if !(2048..=8192).contains(&self.key_bits) || !self.key_bits.is_multiple_of(8) {
            return Err(Error::KeySpec(format!(
                "key size {} bits: use a multiple of 8 between 2048 and 8192",
                self.key_bits
            )));
        }
        if self.validity_days == 0 {
            return Err(Error::KeySpec("validity must be at least one day".into()));
        }
        san_names(&self.sans)?;
        Ok(())
    }
}

/// A private key and its certificate chain (leaf first).
///
/// The PKCS#8 bytes are wiped on drop and never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Identity {
    pkcs8: Zeroizing<Vec<u8>>,
    chain: Vec<Vec<u8>>,
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let subject = CertInfo::parse(self.certificate_der())
            .map(|c| c.subject.to_string())
            .unwrap_or_else(|_| "<unparseable>".into());
        f.debug_struct("Identity")
            .field("private_key", &"<redacted>")
            .field("subject", &subject)
            .field("chain_len", &self.chain.len())
            .finish()
    }
}

/// PEM text for a Kubernetes `kubernetes.io/tls` Secret (`tls.crt`, `tls.key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PemPair {
    /// Full chain, leaf first.
    pub cert_pem: String,
    /// PKCS#8 `PRIVATE KEY`; redacted in `Debug`.
    pub key_pem: Secret,
}

impl Identity {
    /// Builds an identity from a PKCS#8 key and its chain, checking that the key
    /// belongs to the leaf certificate (for RSA keys; other key types are taken as given).
    pub fn from_der(pkcs8: Vec<u8>, chain: Vec<Vec<u8>>) -> Result<Self> {
        let pkcs8 = Zeroizing::new(pkcs8);
        let Some(leaf) = chain.first() else {
            return Err(Error::Certificate(
                "an identity needs at least one certificate".into(),
            ));
        };
        for der in &chain {
            Certificate::from_der(der).map_err(|e| Error::Certificate(e.to_string()))?;
        }
        rsa::pkcs8::PrivateKeyInfo::try_from(pkcs8.as_slice())
            .map_err(|e| Error::PrivateKey(format!("not a PKCS#8 key: {e}")))?;
        if let Ok(key) = RsaPrivateKey::from_pkcs8_der(&pkcs8) {
            let cert_key = public_key_of(leaf)?;
            if RsaPublicKey::from(&key) != cert_key {
                return Err(Error::PrivateKey(
                    "the private key does not match the certificate".into(),
                ));
            }
        }
        Ok(Self { pkcs8, chain })
    }

    /// Reads a BYO key and certificate(s) from PEM. The key may be PKCS#8
    /// (`PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`); encrypted keys are refused.
    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<Self> {
        let chain: Vec<Vec<u8>> = pem_blocks(cert_pem)?
            .into_iter()
            .filter(|(label, _)| label == "CERTIFICATE")
            .map(|(_, der)| der)
            .collect();
        if chain.is_empty() {
            return Err(Error::Pem("no CERTIFICATE block found".into()));
        }
        let mut keys = pem_blocks(key_pem)?;
        let Some((label, der)) = keys.pop() else {
            return Err(Error::Pem("no private key block found".into()));
        };
        let der = Zeroizing::new(der);
        let pkcs8 = match label.as_str() {
            "PRIVATE KEY" => der.to_vec(),
            "RSA PRIVATE KEY" => {
                let key = RsaPrivateKey::from_pkcs1_der(&der)
                    .map_err(|e| Error::PrivateKey(format!("PKCS#1: {e}")))?;
                key.to_pkcs8_der()
                    .map_err(|e| Error::PrivateKey(e.to_string()))?
                    .as_bytes()
                    .to_vec()
            }
            "ENCRYPTED PRIVATE KEY" => {
                return Err(Error::PrivateKey(
                    "encrypted PEM keys are not supported; decrypt it first".into(),
                ));
            }
            other => return Err(Error::Pem(format!("unexpected PEM block {other:?}"))),
        };
        Self::from_der(pkcs8, chain)
    }

    pub fn private_key_pkcs8_der(&self) -> &[u8] {
        &self.pkcs8
    }

    pub fn certificate_der(&self) -> &[u8] {
        &self.chain[0]
    }

    pub fn chain_der(&self) -> &[Vec<u8>] {
        &self.chain
    }

    /// The RSA public key the secure vault encrypts to.
    pub fn public_key(&self) -> Result<RsaPublicKey> {
        public_key_of(self.certificate_der())
    }

    pub fn cert_info(&self) -> Result<CertInfo> {
        CertInfo::parse(self.certificate_der())
    }

    pub fn to_pem_pair(&self) -> PemPair {
        let mut cert_pem = String::new();
        for der in &self.chain {
            cert_pem.push_str(&pem_encode("CERTIFICATE", der));
        }
        PemPair {
            cert_pem,
            key_pem: Secret::new(pem_encode("PRIVATE KEY", &self.pkcs8)),
        }
    }
}

/// Makes an RSA key and a self-signed X.509 v3 SHA256withRSA certificate.
///
/// Extensions: SAN and Subject Key Identifier (both non-critical, as keytool
/// writes them) and a critical KeyUsage of digitalSignature, keyEncipherment
/// and dataEncipherment. The cipher tool initialises `Cipher` with the
/// certificate, and Java refuses ENCRYPT_MODE when a critical KeyUsage lacks
/// dataEncipherment; TLS needs the other two.
pub fn generate(spec: &KeyPairSpec) -> Result<Identity> {
    spec.validate()?;
    let key = RsaPrivateKey::new(&mut OsRng, spec.key_bits)
        .map_err(|e| Error::KeyGeneration(e.to_string()))?;
    self_sign(&key, spec)
}

/// Signs a certificate for an existing RSA key; `generate` is this plus keygen.
pub fn self_sign(key: &RsaPrivateKey, spec: &KeyPairSpec) -> Result<Identity> {
    let cert_err = |e: &dyn fmt::Display| Error::Certificate(e.to_string());
    let subject = spec.dn.to_name()?;
    let public = RsaPublicKey::from(key);
    let spki_der = public.to_public_key_der().map_err(|e| cert_err(&e))?;
    let spki =
        SubjectPublicKeyInfoOwned::from_der(spki_der.as_bytes()).map_err(|e| cert_err(&e))?;

    let mut serial = [0u8; 8];
    OsRng.fill_bytes(&mut serial);
    // Positive, and never shortened by a leading zero byte.
    serial[0] = (serial[0] & 0x7f) | 0x01;
    let serial = SerialNumber::new(&serial).map_err(|e| cert_err(&e))?;

    let now = SystemTime::now();
    let until = now + Duration::from_secs(u64::from(spec.validity_days) * 86_400);
    let validity = Validity {
        not_before: Time::try_from(now).map_err(|e| cert_err(&e))?,
        not_after: Time::try_from(until).map_err(|e| cert_err(&e))?,
    };

    let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new(key.clone());
    let mut builder = CertificateBuilder::new(
        Profile::Manual { issuer: None },
        serial,
        validity,
        subject,
        spki.clone(),
        &signer,
    )
    .map_err(|e| cert_err(&e))?;
    let ski = SubjectKeyIdentifier::try_from(spki.owned_to_ref()).map_err(|e| cert_err(&e))?;
    builder.add_extension(&ski).map_err(|e| cert_err(&e))?;
    let names = san_names(&spec.sans)?;
    if !names.is_empty() {
        builder
            .add_extension(&SubjectAltName(names))
            .map_err(|e| cert_err(&e))?;
    }
    let usage = KeyUsage(
        KeyUsages::DigitalSignature | KeyUsages::KeyEncipherment | KeyUsages::DataEncipherment,
    );
    builder.add_extension(&usage).map_err(|e| cert_err(&e))?;
    let cert = builder
        .build::<rsa::pkcs1v15::Signature>()
        .map_err(|e| cert_err(&e))?;
    let cert_der = cert.to_der().map_err(|e| cert_err(&e))?;
    let pkcs8 = key
        .to_pkcs8_der()
        .map_err(|e| Error::PrivateKey(e.to_string()))?;
    Ok(Identity {
        pkcs8: Zeroizing::new(pkcs8.as_bytes().to_vec()),
        chain: vec![cert_der],
    })
}

fn san_names(sans: &[String]) -> Result<Vec<GeneralName>> {
    let mut out = Vec::with_capacity(sans.len());
    for name in sans {
        let bad = |reason: &str| Error::San {
            name: name.clone(),
            reason: reason.into(),
        };
        if let Ok(ip) = IpAddr::from_str(name) {
            let bytes = match ip {
                IpAddr::V4(v4) => v4.octets().to_vec(),
                IpAddr::V6(v6) => v6.octets().to_vec(),
            };
            out.push(GeneralName::IpAddress(
                OctetString::new(bytes).map_err(|e| bad(&e.to_string()))?,
            ));
            continue;
        }
        validate_dns_name(name).map_err(|reason| bad(&reason))?;
        let ia5 = Ia5String::new(name).map_err(|e| bad(&e.to_string()))?;
        out.push(GeneralName::DnsName(ia5));
    }
    Ok(out)
}

fn validate_dns_name(name: &str) -> std::result::Result<(), String> {
    if name.is_empty() {
        return Err("empty host name".into());
    }
    if name.len() > 253 {
        return Err("longer than 253 characters".into());
    }
    if !name.is_ascii() {
        return Err("not ASCII; give internationalised names in punycode (xn--…)".into());
    }
    for (i, label) in name.split('.').enumerate() {
        if label == "*" && i == 0 {
            continue;
        }
        if label.is_empty() || label.len() > 63 {
            return Err(format!("label {label:?} must be 1 to 63 characters"));
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(format!(
                "label {label:?} has characters other than letters, digits, '-'"
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("label {label:?} starts or ends with '-'"));
        }
    }
    Ok(())
}

/// What a certificate says about itself, for summaries and checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    pub subject: Dn,
    pub issuer: Dn,
    /// DNS names and IP addresses, in certificate order.
    pub sans: Vec<String>,
    pub not_before: SystemTime,
    pub not_after: SystemTime,
    /// RSA modulus size; `None` for other key types.
    pub rsa_bits: Option<usize>,
}

impl CertInfo {
    pub fn parse(der: &[u8]) -> Result<Self> {
        let cert = Certificate::from_der(der).map_err(|e| Error::Certificate(e.to_string()))?;
        let tbs = &cert.tbs_certificate;
        let mut sans = Vec::new();
        for ext in tbs.extensions.iter().flatten() {
            if ext.extn_id != const_oid_san() {
                continue;
            }
            let san = SubjectAltName::from_der(ext.extn_value.as_bytes())
                .map_err(|e| Error::Certificate(format!("SAN: {e}")))?;
            for name in san.0 {
                match name {
                    GeneralName::DnsName(d) => sans.push(d.to_string()),
                    GeneralName::IpAddress(ip) => match ip.as_bytes().len() {
                        4 => {
                            let b: [u8; 4] = ip.as_bytes().try_into().unwrap_or_default();
                            sans.push(IpAddr::from(b).to_string());
                        }
                        16 => {
                            let b: [u8; 16] = ip.as_bytes().try_into().unwrap_or_default();
                            sans.push(IpAddr::from(b).to_string());
                        }
                        _ => {}
                    },
                    _ => {}
                }
            }
        }
        let rsa_bits = public_key_of(der)
            .ok()
            .map(|k| rsa::traits::PublicKeyParts::size(&k) * 8);
        Ok(Self {
            subject: Dn::from_name(&tbs.subject)?,
            issuer: Dn::from_name(&tbs.issuer)?,
            sans,
            not_before: tbs.validity.not_before.to_system_time(),
            not_after: tbs.validity.not_after.to_system_time(),
            rsa_bits,
        })
    }
}

fn const_oid_san() -> der::oid::ObjectIdentifier {
    der::oid::ObjectIdentifier::new_unwrap("2.5.29.17")
}

pub(crate) fn public_key_of(cert_der: &[u8]) -> Result<RsaPublicKey> {
    let cert = Certificate::from_der(cert_der).map_err(|e| Error::Certificate(e.to_string()))?;
    let spki = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| Error::Certificate(e.to_string()))?;
    RsaPublicKey::from_public_key_der(&spki)
        .map_err(|e| Error::Certificate(format!("not an RSA public key: {e}")))
}

pub(crate) fn pem_encode(label: &str, der: &[u8]) -> String {
    der::pem::encode_string(label, der::pem::LineEnding::LF, der)
        .expect("PEM encoding of an in-memory buffer cannot fail")
}

/// Every `-----BEGIN …-----` block in `text`, in order.
/// The PEM blocks of `text` as (label, DER), for other modules of the crate.
pub(crate) fn pem_blocks_public(text: &str) -> Result<Vec<(String, Vec<u8>)>> {
    pem_blocks(text)
}

fn pem_blocks(text: &str) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let block = &rest[start..];
        let label_end = block[11..]
            .find("-----")
            .ok_or_else(|| Error::Pem("unterminated BEGIN line".into()))?;
        let label = &block[11..11 + label_end];
        let end_marker = format!("-----END {label}-----");
        let end = block
            .find(&end_marker)
            .ok_or_else(|| Error::Pem(format!("no END line for {label:?}")))?;
        let pem = &block[..end + end_marker.len()];
        let (decoded_label, der) = der::pem::decode_vec(pem.as_bytes())
            .map_err(|e| Error::Pem(format!("{label}: {e}")))?;
        out.push((decoded_label.to_string(), der));
        rest = &block[end + end_marker.len()..];
    }
    Ok(out)
}

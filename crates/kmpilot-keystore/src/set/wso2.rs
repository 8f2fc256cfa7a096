//! The published WSO2 layout: API-M JKS stores, IS 7.1 PKCS#12 stores, and
//! the cross-trust and ingress PEM pairs the procedure leaves to the reader.

use super::{
    BundleSpec, IdentitySource, KeystoreFileSpec, KeystoreSetSpec, TlsPemSpec, TrustEntrySpec,
    TrustedCertSource, TruststoreFileSpec,
};
use crate::secret::Secret;
use crate::store::StoreFormat;

pub const APIM_BUNDLE: &str = "apim";
pub const IS_BUNDLE: &str = "is";

pub const APIM_IDENTITY: &str = "apim";
pub const APIM_INTERNAL_IDENTITY: &str = "apim-internal";
pub const IS_IDENTITY: &str = "is";
pub const IS_INTERNAL_IDENTITY: &str = "is-internal";

/// The API-M certificate in its own truststore.
pub const APIM_SELF_TRUST_ALIAS: &str = "wso2carbonssl";
/// The IS certificate in the API-M truststore.
pub const APIM_TRUSTS_IS_ALIAS: &str = "wso2is";
/// The IS certificate in its own truststore.
pub const IS_SELF_TRUST_ALIAS: &str = "wso2carbon";
/// The API-M certificate in the IS truststore.
pub const IS_TRUSTS_APIM_ALIAS: &str = "wso2am";

pub const APIM_TLS_PEM: &str = "apim-tls";
pub const IS_TLS_PEM: &str = "is-tls";

/// File names and aliases. Every file is its own subPath mount in the charts,
/// so names within a product must differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wso2Layout {
    /// Alias of the key entry in every API-M keystore (the chart's default).
    pub apim_alias: String,
    pub apim_keystore: String,
    /// A separate TLS keystore file with the same key; `None` means the chart's
    /// TLS keystore points at `apim_keystore`.
    pub apim_tls_keystore: Option<String>,
    pub apim_internal_keystore: String,
    pub apim_truststore: String,
    pub is_alias: String,
    pub is_primary: String,
    pub is_tls: String,
    pub is_internal: String,
    pub is_truststore: String,
}

impl Default for Wso2Layout {
    fn default() -> Self {
        Self {
            apim_alias: "wso2carbon".into(),
            apim_keystore: "wso2carbon.jks".into(),
            apim_tls_keystore: Some("wso2tls.jks".into()),
            apim_internal_keystore: "wso2internal.jks".into(),
            apim_truststore: "client-truststore.jks".into(),
            is_alias: "wso2carbon".into(),
            is_primary: "primary.p12".into(),
            is_tls: "tls.p12".into(),
            is_internal: "internal.p12".into(),
            is_truststore: "client-truststore.p12".into(),
        }
    }
}

/// Inputs of the WSO2 layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wso2SetOptions {
    /// Primary + TLS key of API-M.
    pub apim: IdentitySource,
    /// Key of API-M's internal keystore (the secure vault's); `None` reuses `apim`.
    pub apim_internal: Option<IdentitySource>,
    pub is: Option<Wso2IsOptions>,
    pub passwords: Wso2Passwords,
    pub layout: Wso2Layout,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wso2IsOptions {
    /// Primary + TLS key of Identity Server.
    pub identity: IdentitySource,
    /// `None` reuses `identity`.
    pub internal: Option<IdentitySource>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wso2Passwords {
    /// API-M primary and TLS keystores.
    pub apim_keystore: Secret,
    /// Tomcat needs it equal to `apim_keystore` for the TLS keystore.
    pub apim_key: Secret,
    pub apim_internal_keystore: Secret,
    pub apim_internal_key: Secret,
    pub apim_truststore: Secret,
    /// PKCS#12: store and key password, printable ASCII only.
    pub is_keystore: Secret,
    pub is_truststore: Secret,
}

impl Wso2Passwords {
    /// One password everywhere, as the product packs ship (`wso2carbon`).
    pub fn all(password: impl Into<Secret>) -> Self {
        let p = password.into();
        Self {
            apim_keystore: p.clone(),
            apim_key: p.clone(),
            apim_internal_keystore: p.clone(),
            apim_internal_key: p.clone(),
            apim_truststore: p.clone(),
            is_keystore: p.clone(),
            is_truststore: p,
        }
    }

    /// One store password and one key password, the planner's model. IS stores
    /// are PKCS#12 and take the store password for their keys.
    pub fn store_and_key(store: impl Into<Secret>, key: impl Into<Secret>) -> Self {
        let (store, key) = (store.into(), key.into());
        Self {
            apim_key: key.clone(),
            apim_internal_key: key,
            ..Self::all(store)
        }
    }
}

fn trust(alias: &str, identity: &str) -> TrustEntrySpec {
    TrustEntrySpec {
        alias: alias.into(),
        cert: TrustedCertSource::Identity(identity.into()),
    }
}

impl KeystoreSetSpec {
    /// The published layout: API-M JKS keystores (primary, optional TLS,
    /// internal) and `client-truststore.jks` trusting API-M as `wso2carbonssl`
    /// and IS as `wso2is`; IS PKCS#12 keystores and a truststore trusting IS and
    /// API-M; ingress PEM pairs per product. Fields are public: adjust before building.
    pub fn wso2(opts: Wso2SetOptions) -> Self {
        let Wso2SetOptions {
            apim,
            apim_internal,
            is,
            passwords: pw,
            layout: l,
        } = opts;
        let mut identities = vec![(APIM_IDENTITY.to_string(), apim)];
        let apim_internal_name = match apim_internal {
            Some(src) => {
                identities.push((APIM_INTERNAL_IDENTITY.to_string(), src));
                APIM_INTERNAL_IDENTITY
            }
            None => APIM_IDENTITY,
        };
        let apim_ks = |file: &str, identity: &str, password: &Secret, key_password: &Secret| {
            KeystoreFileSpec {
                file: file.into(),
                alias: l.apim_alias.clone(),
                identity: identity.into(),
                password: password.clone(),
                key_password: key_password.clone(),
            }
        };
        let mut apim_keystores = vec![apim_ks(
            &l.apim_keystore,
            APIM_IDENTITY,
            &pw.apim_keystore,
            &pw.apim_key,
        )];
        if let Some(tls) = &l.apim_tls_keystore {
            apim_keystores.push(apim_ks(tls, APIM_IDENTITY, &pw.apim_keystore, &pw.apim_key));
        }
        apim_keystores.push(apim_ks(
            &l.apim_internal_keystore,
            apim_internal_name,
            &pw.apim_internal_keystore,
            &pw.apim_internal_key,
        ));
        let mut apim_trust = vec![trust(APIM_SELF_TRUST_ALIAS, APIM_IDENTITY)];
        let mut tls = vec![TlsPemSpec {
            name: APIM_TLS_PEM.into(),
            identity: APIM_IDENTITY.into(),
        }];
        let mut is_bundle = None;
        if let Some(is) = is {
            identities.push((IS_IDENTITY.to_string(), is.identity));
            let is_internal_name = match is.internal {
                Some(src) => {
                    identities.push((IS_INTERNAL_IDENTITY.to_string(), src));
                    IS_INTERNAL_IDENTITY
                }
                None => IS_IDENTITY,
            };
            apim_trust.push(trust(APIM_TRUSTS_IS_ALIAS, IS_IDENTITY));
            let is_ks = |file: &str, identity: &str| KeystoreFileSpec {
                file: file.into(),
                alias: l.is_alias.clone(),
                identity: identity.into(),
                password: pw.is_keystore.clone(),
                key_password: pw.is_keystore.clone(),
            };
            is_bundle = Some(BundleSpec {
                name: IS_BUNDLE.into(),
                format: StoreFormat::Pkcs12,
                keystores: vec![
                    is_ks(&l.is_primary, IS_IDENTITY),
                    is_ks(&l.is_tls, IS_IDENTITY),
                    is_ks(&l.is_internal, is_internal_name),
                ],
                truststore: Some(TruststoreFileSpec {
                    file: l.is_truststore.clone(),
                    password: pw.is_truststore.clone(),
                    trust: vec![
                        trust(IS_SELF_TRUST_ALIAS, IS_IDENTITY),
                        trust(IS_TRUSTS_APIM_ALIAS, APIM_IDENTITY),
                    ],
                    base: None,
                }),
            });
            tls.push(TlsPemSpec {
                name: IS_TLS_PEM.into(),
                identity: IS_IDENTITY.into(),
            });
        }
        let apim_bundle = BundleSpec {
            name: APIM_BUNDLE.into(),
            format: StoreFormat::Jks,
            keystores: apim_keystores,
            truststore: Some(TruststoreFileSpec {
                file: l.apim_truststore.clone(),
                password: pw.apim_truststore.clone(),
                trust: apim_trust,
                base: None,
            }),
        };
        Self {
            identities,
            bundles: std::iter::once(apim_bundle).chain(is_bundle).collect(),
            tls,
            vault_identity: Some(apim_internal_name.into()),
        }
    }
}

//! What exists where, as data: the API-M chart lines kmpilot installs (`crate::chart_lines`:
//! everything a line brings is declared there), the product facts about API-M versions
//! kmpilot does not install (IS 7 as key manager from 4.3, PrivateJet only in 3.2), and per
//! track, the kinds its target cluster must serve. `validate` turns an impossible combination
//! into an error naming the fact and its source; the plan turns a track's needs into a
//! discovery check that runs before the track changes anything (`plan::Check::ServedKinds`).
//!
//! The API-M version is read from `apiManager.chartVersion`: every WSO2 chart is versioned
//! `<API-M version>-<chart revision>`.

use std::fmt;

use serde::Serialize;

use crate::chart_lines::{self, ApimLine};
use crate::profile::Profile;
use crate::profile::diagnostics::{Issues, YamlPath};

/// `<a>.<b>.<c>-<revision>` → API-M a.b.c, chart revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ChartVersion {
    pub apim: (u32, u32, u32),
    pub revision: u32,
}

impl ChartVersion {
    pub fn parse(s: &str) -> Option<ChartVersion> {
        let (v, rev) = match s.trim().split_once('-') {
            Some((v, r)) => (v, r.parse().ok()?),
            None => (s.trim(), 0),
        };
        let mut it = v.split('.').map(|n| n.parse::<u32>().ok());
        let apim = (it.next()??, it.next()??, it.next()??);
        if it.next().is_some() {
            return None;
        }
        Some(ChartVersion {
            apim,
            revision: rev,
        })
    }
}

impl fmt::Display for ChartVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b, c) = self.apim;
        write!(f, "{a}.{b}.{c}")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    /// IS 7 as a third-party key manager (connector type `WSO2-IS-7`).
    Is7KeyManager,
    /// `[[ContainerMgtClusterConfig]]`: API-M deploys APIs to Kubernetes clusters itself.
    PrivateJet,
}

/// One row of the table: where a feature exists (`from` inclusive, `until` exclusive, both
/// as chart versions so chart revisions can count), what is true, and where that was read.
pub struct Fact {
    pub feature: Feature,
    pub name: &'static str,
    pub from: ChartVersion,
    pub until: Option<ChartVersion>,
    pub fact: &'static str,
    pub source: &'static str,
}

const fn v(a: u32, b: u32, c: u32, revision: u32) -> ChartVersion {
    ChartVersion {
        apim: (a, b, c),
        revision,
    }
}

pub const FACTS: &[Fact] = &[
    Fact {
        feature: Feature::PrivateJet,
        name: "PrivateJet mode ([[ContainerMgtClusterConfig]])",
        from: v(3, 2, 0, 0),
        until: Some(v(3, 3, 0, 0)),
        fact: "PrivateJet exists only in API-M 3.2.0 (3.0.0 and 3.1.0 lack it); it was removed \
               for 4.0, 4.0.0 renders the blocks but nothing reads them, 4.1.0 and later ignore \
               them entirely",
        source: "carbon-apimgt 6.7.206 impl/containermgt (K8sManager); carbon-apimgt PR #10058 \
                 \"Remove PrivateJet mode feature in backend\" (product-apim #10378, #10338); \
                 docs-apim #3620 removed its page from 4.0",
    },
    Fact {
        feature: Feature::Is7KeyManager,
        name: "IS 7 as third-party key manager (connector WSO2-IS-7)",
        from: v(4, 3, 0, 0),
        until: None,
        fact: "the WSO2-IS-7 key manager connector is documented from API-M 4.3.0 on; API-M 3.2 \
               knows IS only as the resident-style WSO2-IS key manager of IS 5.x",
        source: "apim.docs.wso2.com/en/4.3.0/administer/key-managers/configure-wso2is7-connector; \
                 wso2-extensions/apim-km-wso2is 2.x WSO2IS7KeyManagerConstants",
    },
];

pub fn fact(feature: Feature) -> &'static Fact {
    FACTS
        .iter()
        .find(|f| f.feature == feature)
        .expect("every feature has a row")
}

impl Fact {
    pub fn exists_in(&self, v: ChartVersion) -> bool {
        v >= self.from && self.until.is_none_or(|u| v < u)
    }
}

/// The API-M version the profile names, if its chart version reads as one.
pub fn apim_version(p: &Profile) -> Option<ChartVersion> {
    ChartVersion::parse(&p.api_manager.chart_version)
}

/// Whether `feature` exists for this profile's API-M (unknown versions are not judged).
pub fn supports(p: &Profile, feature: Feature) -> Option<bool> {
    apim_version(p).map(|v| fact(feature).exists_in(v))
}

/// A kind a step creates, and what installs it when the cluster does not serve it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindNeed {
    pub api_version: String,
    pub kind: String,
    pub provided_by: String,
}

impl KindNeed {
    fn new(api_version: &str, kind: &str, provided_by: &str) -> Self {
        KindNeed {
            api_version: api_version.into(),
            kind: kind.into(),
            provided_by: provided_by.into(),
        }
    }
}

impl fmt::Display for KindNeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.api_version, self.kind)
    }
}

const OPERATOR_CRDS: &str = "the WSO2 API Operator v1.2.x CRDs (securities.wso2.com; installed by \
     privateJet.clusters[].installOperator or `apictl install api-operator`)";

/// The API the operator's v1beta1 CRDs are created through: served up to Kubernetes 1.21.
pub fn v1beta1_crds() -> KindNeed {
    KindNeed::new(
        "apiextensions.k8s.io/v1beta1",
        "CustomResourceDefinition",
        "Kubernetes 1.21 or older: the API Operator v1.2.x ships apiextensions.k8s.io/v1beta1 \
         CRDs, which Kubernetes removed in 1.22 (operator v2.x serves other kinds and has \
         nothing to do with PrivateJet)",
    )
}

/// What a PrivateJet target must serve before the step touches it. With the operator
/// installed by the step, the cluster must accept its v1beta1 CRDs; otherwise the operator's
/// Security kind must already be served when the cluster gets security resources.
pub fn private_jet_needs(c: &crate::profile::sections::private_jet::PjCluster) -> Vec<KindNeed> {
    let mut v = Vec::new();
    if c.install_operator {
        v.push(v1beta1_crds());
    } else if c.security.is_some() {
        v.push(KindNeed::new(
            "wso2.com/v1alpha1",
            "Security",
            OPERATOR_CRDS,
        ));
    }
    v
}

/// What the KMS track's cluster must serve, at the versions the profile names.
pub fn kms_needs(p: &Profile) -> Vec<KindNeed> {
    let k = &p.kms_sts;
    let cert_by = if k.certificate.api_version.starts_with("certmanager.k8s.io/") {
        "cert-manager before 0.11 (IBM Cloud Private 3.x); today's cert-manager serves \
         cert-manager.io/v1: set kmsSts.certificate.apiVersion to what the cluster serves"
            .to_string()
    } else {
        "cert-manager (its CRDs: `helm install cert-manager jetstack/cert-manager --set \
         crds.enabled=true`)"
            .to_string()
    };
    let istio_by = "Istio's CRDs (istioctl install, or the istio/base chart); Istio 1.22 and \
                    later serve networking.istio.io/v1, older ones v1alpha3/v1beta1: set \
                    kmsSts.istioApiVersion to what the cluster serves";
    let mut v = vec![KindNeed::new(
        &k.certificate.api_version,
        "Certificate",
        &cert_by,
    )];
    for kind in ["Gateway", "VirtualService", "DestinationRule"] {
        v.push(KindNeed::new(&k.istio_api_version, kind, istio_by));
    }
    v.push(KindNeed::new(
        "policy.ibm.com/v1alpha1",
        "IdentityMappingPolicy",
        "IBM's secure token service (IBM Cloud Private); no other product serves it",
    ));
    v
}

fn with_source(f: &Fact) -> String {
    format!("{} (source: {})", f.fact, f.source)
}

/// Every combination the versions make impossible, with the fact and its source.
pub fn validate(p: &Profile, issues: &mut Issues) {
    let Some(ver) = apim_version(p) else { return };
    let am = YamlPath::root().key("apiManager");
    let pj = fact(Feature::PrivateJet);
    if !p.private_jet.clusters.is_empty() && !pj.exists_in(ver) {
        // on the version field, which both the API-M and the PrivateJet step show
        issues.error(
            &am.key("chartVersion"),
            format!(
                "API-M {ver} has no PrivateJet mode: the [[ContainerMgtClusterConfig]] blocks \
                 would be read by nothing. {}",
                with_source(pj)
            ),
            Some("a profile of its own for an API-M 3.2.0 (apiManager: chart wso2/am-pattern-1, chartVersion 3.2.0-5, install: false; identityServer.install: false — see profiles/privatejet.yaml), or no PrivateJet clusters"),
            Some(replacement_hint()),
        );
    }
    let is7 = fact(Feature::Is7KeyManager);
    if p.identity_server.install && !is7.exists_in(ver) {
        issues.error(
            &am.key("chartVersion"),
            format!(
                "IS 7 cannot be the key manager of API-M {ver}: {}",
                with_source(is7)
            ),
            Some(&format!(
                "an API-M line kmpilot knows for pattern 6 ({}), or identityServer.install: false",
                chart_lines::known_apim()
            )),
            Some(
                "pattern 6 (IS 7 key manager, API-M 4.x) and PrivateJet (API-M 3.2) cannot be one deployment: keep them in separate profiles",
            ),
        );
    }
    let line = chart_lines::apim(&p.api_manager.chart_version);
    let pattern6 = p.identity_server.install && is7.exists_in(ver);
    if line.is_none() && (p.api_manager.install || pattern6) {
        let (path, what) = if p.api_manager.install {
            (am.key("install"), "cannot install")
        } else {
            (
                am.key("chartVersion"),
                "cannot make IS 7 the key manager of",
            )
        };
        issues.error(
            &path,
            format!(
                "kmpilot {what} API-M {ver}: it knows the wso2am-all-in-one lines {} \
                 (each line's chart was read: values, tables, key-manager connector)",
                chart_lines::known_apim()
            ),
            Some(&format!(
                "apiManager.chartVersion of a known line, e.g. {} (or apiManager.install: false \
                 and identityServer.install: false: install that API-M with its own chart)",
                chart_lines::current_apim().chart_version
            )),
            None,
        );
    }
    if p.secure_vault.enabled && line.is_none() {
        issues.error(
            &YamlPath::root().key("secureVault").key("enabled"),
            format!(
                "API-M {ver} is not a chart line kmpilot knows, so it knows no secure vault \
                 there (wso2.apim.secureVaultEnabled is a value of the lines {})",
                chart_lines::known_apim()
            ),
            Some("false"),
            None,
        );
    }
    if let Some(l) = line
        && p.api_manager.install
    {
        validate_line(p, l, issues);
    }
}

/// What a known line refuses of this profile: a chart revision older than a value kmpilot
/// writes.
fn validate_line(p: &Profile, l: &ApimLine, issues: &mut Issues) {
    let v = &p.api_manager.chart_version;
    let rev = ApimLine::revision(v);
    if p.gateway_api() && rev < l.gateway_api_values_from {
        issues.error(
            &YamlPath::root().key("cluster").key("exposure").key("kind"),
            format!(
                "chart {v} has no kubernetes.gatewayAPI values (they exist from {}.0-{})",
                l.product.rsplit_once('.').map_or(l.product, |(a, _)| a),
                l.gateway_api_values_from
            ),
            Some(&format!(
                "ingress, or apiManager.chartVersion {}",
                l.chart_version
            )),
            None,
        );
    }
}

/// What took PrivateJet's place, for API-M 4.x users who ask for it.
pub fn replacement_hint() -> &'static str {
    "on API-M 4.x, APIs reach Kubernetes through WSO2 APK (the Kubernetes Gateway) as a gateway \
     type from 4.3, and federated gateways from 4.6; kmpilot does not set those up"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_versions_read_as_apim_versions() {
        let v = ChartVersion::parse("4.5.0-10").unwrap();
        assert_eq!((v.apim, v.revision), ((4, 5, 0), 10));
        assert_eq!(ChartVersion::parse("3.2.0-5").unwrap().to_string(), "3.2.0");
        assert!(ChartVersion::parse("4.5").is_none());
        assert!(ChartVersion::parse("latest").is_none());
    }

    #[test]
    fn the_table_places_each_feature() {
        let at = |s: &str| ChartVersion::parse(s).unwrap();
        let pj = fact(Feature::PrivateJet);
        assert!(pj.exists_in(at("3.2.0-5")));
        for s in ["3.1.0-1", "4.0.0-1", "4.5.0-10"] {
            assert!(!pj.exists_in(at(s)), "{s}");
        }
        let is7 = fact(Feature::Is7KeyManager);
        assert!(is7.exists_in(at("4.5.0-10")) && !is7.exists_in(at("3.2.0-5")));
        assert!(is7.exists_in(at("4.7.0-1")));
    }

    fn errors_at(p: &Profile) -> Vec<(String, String)> {
        let mut issues = Issues::default();
        validate(p, &mut issues);
        issues
            .list
            .iter()
            .map(|i| (i.path.to_string(), i.message.clone()))
            .collect()
    }

    #[test]
    fn every_known_line_is_accepted_for_pattern_6_and_an_unknown_one_is_refused_by_name() {
        for l in chart_lines::APIM_LINES {
            let mut p = Profile::quickstart("q");
            p.api_manager.chart_version = l.chart_version.into();
            assert!(
                errors_at(&p).is_empty(),
                "{}: {:?}",
                l.chart_version,
                errors_at(&p)
            );
        }
        let mut p = Profile::quickstart("q");
        p.api_manager.chart_version = "4.8.0-1".into();
        let e = errors_at(&p);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].0, "apiManager.install");
        for known in ["4.5 (4.5.0-10)", "4.6 (4.6.0-5)", "4.7 (4.7.0-1)"] {
            assert!(e[0].1.contains(known), "{}", e[0].1);
        }
        // API-M installed elsewhere, IS 7 its key manager: the line still decides the body
        p.api_manager.install = false;
        assert_eq!(errors_at(&p)[0].0, "apiManager.chartVersion");
        p.identity_server.install = false;
        assert!(errors_at(&p).is_empty());
    }

    #[test]
    fn gateway_api_exposure_needs_a_revision_with_the_values() {
        let mut p = Profile::quickstart("q");
        p.api_manager.chart_version = "4.5.0-8".into();
        p.api_manager.image.digest = Some(format!("sha256:{}", "a".repeat(64)));
        p.cluster.exposure.kind = crate::profile::sections::exposure::ExposureKind::GatewayApi;
        let e = errors_at(&p);
        assert_eq!(e[0].0, "cluster.exposure.kind", "{e:?}");
        assert!(e[0].1.contains("from 4.5.0-9"), "{}", e[0].1);
        p.api_manager.chart_version = "4.5.0-9".into();
        assert!(errors_at(&p).is_empty());
    }
}

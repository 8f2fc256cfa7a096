//! `kmpilot verify` against the stand-in charts (tests/charts) with the real helm: the shipped
//! examples verify clean, and each check has a profile or a chart that fails it. A failing
//! chart is a copy of a stand-in with one template line changed the way a chart version could
//! differ (a hard-coded hostname, a file name that ignores the values, a Service renamed).
//! Needs helm (on PATH, or the one scripts/build-test-bins built); no cluster.

use std::path::{Path, PathBuf};
use std::sync::Once;

use kmpilot::profile::Profile;
use kmpilot::profile::secret::SecretRef;
use kmpilot::verify::{ChartKind, Finding, Level, Report};

mod support;
use support::{apim_standin, charts, copy_dir};

/// Puts helm on PATH (the test-bins build's when none is there); false with a visible SKIPPED
/// line when there is no helm at all, a failure under CI.
fn helm() -> bool {
    static FIND: Once = Once::new();
    FIND.call_once(|| {
        let on_path = std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).any(|d| d.join("helm").is_file()))
            .unwrap_or(false);
        if on_path {
            return;
        }
        let cache = std::env::var_os("KMPILOT_CACHE")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache/kmpilot")
            });
        let found = std::fs::read_dir(cache.join("k8s-bins"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .find(|d| d.join("helm").is_file());
        if let Some(dir) = found {
            let mut paths = vec![dir];
            paths.extend(std::env::split_paths(
                &std::env::var_os("PATH").unwrap_or_default(),
            ));
            // SAFETY: set once, before any test thread of this binary reads PATH (Once)
            unsafe { std::env::set_var("PATH", std::env::join_paths(paths).unwrap()) };
        }
    });
    let ok = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join("helm").is_file()))
        .unwrap_or(false);
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
            panic!("CI=true but no helm on PATH or in the k8s-bins cache");
        }
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "SKIPPED: no helm");
    }
    ok
}

/// The profile pointed at the stand-in charts (or at `is_chart`/`apim_chart` when given).
fn with_charts(mut p: Profile, is_chart: Option<&Path>, apim_chart: Option<&Path>) -> Profile {
    let is = is_chart
        .map(Path::to_path_buf)
        .unwrap_or_else(|| charts().join("identity-server-standin"));
    // the stand-in of the profile's line
    let line = kmpilot::chart_lines::apim(&p.api_manager.chart_version)
        .map_or("4.5".to_string(), |l| l.name());
    let am = apim_chart
        .map(Path::to_path_buf)
        .unwrap_or_else(|| apim_standin(&line));
    p.identity_server.chart = is.display().to_string();
    p.api_manager.chart = am.display().to_string();
    p
}

fn verify(p: &Profile) -> Vec<Report> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    rt.block_on(kmpilot::exec::verify::verify_plan(
        &kmpilot::steps::plan(p),
        dir.path(),
    ))
    .into_iter()
    .map(|r| r.unwrap_or_else(|e| panic!("chart did not render: {e}")))
    .collect()
}

fn errors(reports: &[Report]) -> Vec<&Finding> {
    reports
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.level == Level::Error)
        .collect()
}

/// A copy of a stand-in chart with `old` replaced by `new` in `file` (which must contain it).
fn patched(chart: &str, file: &str, old: &str, new: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = charts().join(chart);
    copy_dir(&src, dir.path());
    let f = dir.path().join(file);
    let text = std::fs::read_to_string(&f).unwrap();
    assert!(text.contains(old), "{file} of {chart} has no `{old}`");
    std::fs::write(&f, text.replacen(old, new, 1)).unwrap();
    dir
}

#[test]
fn every_shipped_example_verifies_clean() {
    if !helm() {
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles");
    let mut seen = 0;
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        let path = e.path();
        if path.extension().and_then(|x| x.to_str()) != Some("yaml") {
            continue;
        }
        let loaded = kmpilot::profile::load::from_path(&path, kmpilot::steps::validate)
            .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        let p = with_charts(loaded.profile, None, None);
        let reports = verify(&p);
        // every chart the profile installs, and only those (the PrivateJet example targets a
        // 3.2 API-M that runs elsewhere, the KMS example installs no WSO2 server)
        let installs = usize::from(p.identity_server.install) + usize::from(p.api_manager.install);
        assert_eq!(
            reports.len(),
            installs,
            "{}: every installed chart verified",
            path.display()
        );
        let errs = errors(&reports);
        assert!(errs.is_empty(), "{}: {:#?}", path.display(), errs);
        seen += 1;
        // the IS report carries what the cluster-kind checks read
        let Some(is) = reports
            .iter()
            .find(|r| r.chart == ChartKind::IdentityServer)
        else {
            continue;
        };
        assert!(
            is.pods
                .iter()
                .any(|f| f.apparmor.as_deref() == Some("RuntimeDefault")
                    && f.cpu_request.as_deref() == Some("2")),
            "{:?}",
            is.pods
        );
    }
    assert!(seen >= 4, "only {seen} example profiles");
}

#[test]
fn a_table_the_chart_already_declares_is_named_with_the_field_to_fix() {
    if !helm() {
        return;
    }
    let mut p = with_charts(Profile::quickstart("dup"), None, None);
    p.identity_server.extra_toml =
        "[authentication.consent]\ndata_source = \"jdbc/WSO2IdentityDB\"\n".into();
    // validate already knows this table of the chart version offline…
    let issues = kmpilot::steps::validate(&p);
    assert!(
        issues.list.iter().any(|i| i.is_error()
            && i.path.to_string() == "identityServer.extraToml"
            && i.message
                .contains("[authentication.consent] (line 1 of extraToml)")),
        "{:#?}",
        issues.list
    );
    // …and the rendered chart shows it: the deployment.toml does not parse
    let reports = verify(&p);
    let errs = errors(&reports);
    let f = errs
        .iter()
        .find(|f| f.check == "toml")
        .unwrap_or_else(|| panic!("{errs:#?}"));
    assert_eq!(f.chart, ChartKind::IdentityServer);
    assert_eq!(f.object, "ConfigMap/is-identity-server-deployment-toml");
    assert_eq!(f.file.as_deref(), Some("deployment.toml"));
    assert_eq!(f.key.as_deref(), Some("[authentication.consent]"));
    assert_eq!(f.fix, "identityServer.extraToml");
    assert!(f.message.contains("declared twice"), "{}", f.message);
}

#[test]
fn a_chart_that_ignores_the_hostname_fails_the_hostname_check() {
    if !helm() {
        return;
    }
    let chart = patched(
        "identity-server-standin",
        "confs/deployment.toml",
        "hostname = {{ .Values.deployment.ingress.hostName | quote }}",
        "hostname = \"wso2is.com\"",
    );
    let p = with_charts(Profile::quickstart("host"), Some(chart.path()), None);
    let reports = verify(&p);
    let errs = errors(&reports);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    let f = errs[0];
    assert_eq!(
        (f.check, f.key.as_deref()),
        ("hostname", Some("[server] hostname"))
    );
    assert_eq!(f.fix, "identityServer.hostname");
    assert_eq!(f.expected.as_deref(), Some("`is.wso2.com`"));
}

#[test]
fn a_keystore_file_the_secret_lacks_fails_the_keystore_check() {
    if !helm() {
        return;
    }
    let chart = patched(
        "identity-server-standin",
        "confs/deployment.toml",
        "file_name = {{ $ks.fileName | quote }}",
        "file_name = \"wso2carbon.p12\"",
    );
    let p = with_charts(Profile::quickstart("ks"), Some(chart.path()), None);
    let errs_owned = verify(&p);
    let errs = errors(&errs_owned);
    let not_key: Vec<_> = errs
        .iter()
        .filter(|f| {
            f.check == "keystore" && f.message.contains("is not a key of Secret is-keystores")
        })
        .collect();
    assert_eq!(not_key.len(), 3, "one per keystore: {errs:#?}");
    assert!(
        errs.iter().any(|f| f
            .message
            .contains("`wso2carbon.p12` is not mounted (by subPath) from Secret is-keystores")),
        "{errs:#?}"
    );
    assert_eq!(not_key[0].fix, "keystores.is.primary");
}

#[test]
fn an_empty_keystore_password_fails_the_keystore_check() {
    if !helm() {
        return;
    }
    let mut p = with_charts(Profile::quickstart("pw"), None, None);
    p.keystores.store_password = SecretRef::Literal(String::new());
    let reports = verify(&p);
    let errs = errors(&reports);
    assert!(!errs.is_empty());
    assert!(
        errs.iter().all(|f| f.check == "keystore"
            && f.message == "the password is empty"
            && f.fix == "keystores.storePassword"),
        "{errs:#?}"
    );
    for chart in [ChartKind::IdentityServer, ChartKind::ApiManager] {
        assert!(
            errs.iter()
                .any(|f| f.chart == chart && f.key.as_deref() == Some("[truststore] password"))
        );
    }
}

#[test]
fn a_notification_endpoint_naming_no_service_fails_the_revocation_check() {
    if !helm() {
        return;
    }
    // the quickstart's own line (a chart of another line is refused before any check)
    let chart = patched(
        "wso2am-4.7-standin",
        "templates/wso2am-service.yaml",
        "-am-service",
        "-am-svc",
    );
    let p = with_charts(Profile::quickstart("rev"), None, Some(chart.path()));
    let reports = verify(&p);
    let errs = errors(&reports);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    let f = errs[0];
    assert_eq!(f.check, "revocation");
    assert_eq!(f.chart, ChartKind::IdentityServer);
    assert!(
        f.message
            .contains("`apim-wso2am-all-in-one-am-service` is not a Service of the API-M chart")
            && f.message.contains("apim-wso2am-all-in-one-am-svc"),
        "{}",
        f.message
    );
}

#[test]
fn an_image_the_chart_renders_otherwise_fails_the_image_check() {
    if !helm() {
        return;
    }
    // an empty tag: the IS chart falls back to `latest`, which is not the image kmpilot names
    let mut p = with_charts(Profile::quickstart("img"), None, None);
    p.identity_server.image.tag = String::new();
    let reports = verify(&p);
    let errs = errors(&reports);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0].check, "image");
    assert_eq!(errs[0].fix, "identityServer.image");
    assert!(errs[0].message.contains(":latest"), "{}", errs[0].message);
}

#[test]
fn plain_text_secrets_are_disclosed_and_the_vault_removes_the_api_manager_ones() {
    if !helm() {
        return;
    }
    let p = with_charts(Profile::quickstart("plain"), None, None);
    let reports = verify(&p);
    let notice = |rs: &[Report], chart| {
        rs.iter()
            .flat_map(|r| &r.findings)
            .find(|f| f.chart == chart && f.check == "plaintext")
            .cloned()
    };
    let am = notice(&reports, ChartKind::ApiManager).expect("API-M keystore passwords are plain");
    assert_eq!(am.level, Level::Notice);
    assert_eq!(am.fix, "secureVault.enabled");
    assert!(
        am.message.starts_with("7 secret value(s)"),
        "{}",
        am.message
    );
    assert!(notice(&reports, ChartKind::IdentityServer).is_some());
    // with the secure vault, API-M's ConfigMap holds references and ciphertexts only
    let mut p = p;
    p.secure_vault.enabled = true;
    let reports = verify(&p);
    assert!(errors(&reports).is_empty(), "{:#?}", errors(&reports));
    assert!(notice(&reports, ChartKind::ApiManager).is_none());
    assert!(
        notice(&reports, ChartKind::IdentityServer).is_some(),
        "IS has no vault kmpilot sets up"
    );
}

#[test]
fn verify_command_exits_2_on_errors_and_json_carries_every_finding() {
    if !helm() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, extra: &str| {
        let path = dir.path().join(format!("{name}.yaml"));
        std::fs::write(
            &path,
            format!(
                "apiVersion: kmpilot/v1\nkind: Profile\nname: {name}\nidentityServer:\n  chart: {}\n{extra}apiManager:\n  chart: {}\n",
                charts().join("identity-server-standin").display(),
                charts().join("wso2am-4.7-standin").display()
            ),
        )
        .unwrap();
        path
    };
    let clean = write("clean", "");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_kmpilot"))
        .args(["verify", "-f"])
        .arg(&clean)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.contains("✓ identity-server") && out.contains("✓ api-manager"),
        "{out}"
    );

    // a table validate cannot know: API-M's template sets transport.https's `properties.port`
    // as dotted keys, so [transport.https.properties] reopens a table only the render shows
    let path = dir.path().join("bad.yaml");
    std::fs::write(
        &path,
        format!(
            "apiVersion: kmpilot/v1\nkind: Profile\nname: bad\nidentityServer:\n  chart: {}\napiManager:\n  chart: {}\n  extraToml: |\n    [transport.https.properties]\n    proxyPort = 8443\n",
            charts().join("identity-server-standin").display(),
            charts().join("wso2am-4.7-standin").display()
        ),
    )
    .unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_kmpilot"))
        .args(["verify", "-o", "json", "-f"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["ok"], false);
    let am = v["charts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["chart"] == "api-manager")
        .unwrap();
    let f = am["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["level"] == "error")
        .unwrap();
    assert_eq!(f["check"], "toml");
    assert_eq!(f["object"], "ConfigMap/apim-wso2am-all-in-one-am-conf-1");
    assert_eq!(f["file"], "deployment.toml");
    assert_eq!(f["fix"], "apiManager.extraToml");
    let o2 = std::process::Command::new(env!("CARGO_BIN_EXE_kmpilot"))
        .args(["plan", "--verify", "-o", "json", "-f"])
        .arg(&clean)
        .output()
        .unwrap();
    assert_eq!(o2.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o2.stdout).unwrap();
    assert_eq!(v["verification"]["ok"], true);
    let charts = v["verification"]["charts"].as_array().unwrap();
    assert_eq!(charts.len(), 2);
    // every finding is there, notices included
    assert!(
        charts.iter().all(|c| c["findings"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["check"] == "plaintext"))),
        "{v}"
    );
}

/// Gateway API exposure drops IS's Ingress with a post-renderer, whose flags differ by major
/// (Helm 3: an executable; Helm 4: a plugin by name). `kmpilot verify` renders with each helm:
/// the IS chart renders without its Ingress (verify fails on an Ingress under Gateway API
/// exposure), and the person's helm plugins directory is left as it was.
#[test]
fn gateway_api_exposure_drops_the_is_ingress_with_helm_4_and_helm_3() {
    support::for_each_helm(|h| {
        let major = h.major;
        let profile = h.work.path().join("gw.yaml");
        std::fs::write(
            &profile,
            format!(
                "apiVersion: kmpilot/v1\nkind: Profile\nname: gw\ncluster:\n  exposure: {{ kind: gatewayAPI }}\nidentityServer:\n  chart: {}\napiManager:\n  chart: {}\n",
                charts().join("identity-server-standin").display(),
                charts().join("wso2am-4.7-standin").display()
            ),
        )
        .unwrap();
        let o = h
            .env(
                std::process::Command::new(env!("CARGO_BIN_EXE_kmpilot"))
                    .args(["verify", "-o", "json", "-f"])
                    .arg(&profile),
            )
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "Helm {major}: {out}\n{err}");
    });
}

/// `p` on chart line `l`: its chart version and the line's own image.
fn on_line(mut p: Profile, l: &kmpilot::chart_lines::ApimLine) -> Profile {
    p.api_manager.chart_version = l.chart_version.into();
    p.api_manager.image.tag = String::new();
    p.api_manager.image.digest = None;
    with_charts(p, None, None)
}

fn example_profiles() -> Vec<(String, Profile)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles");
    let mut v: Vec<(String, Profile)> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().and_then(|x| x.to_str()) == Some("yaml"))
        .map(|path| {
            let p = kmpilot::profile::load::from_path(&path, kmpilot::steps::validate)
                .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
                .profile;
            (path.display().to_string(), p)
        })
        .filter(|(_, p)| p.api_manager.install)
        .collect();
    v.push(("Profile::quickstart".into(), Profile::quickstart("q")));
    v
}

#[test]
fn every_example_and_the_quickstart_verify_clean_on_every_line() {
    if !helm() {
        return;
    }
    for l in kmpilot::chart_lines::APIM_LINES {
        for (name, p) in example_profiles() {
            let p = on_line(p, l);
            let issues = kmpilot::steps::validate(&p);
            assert!(
                !issues.has_errors(),
                "{name} on {}: {:#?}",
                l.chart_version,
                issues.list
            );
            let reports = verify(&p);
            assert_eq!(reports.len(), 1 + usize::from(p.identity_server.install));
            let errs = errors(&reports);
            assert!(errs.is_empty(), "{name} on {}: {errs:#?}", l.chart_version);
            // and with the secure vault (on 4.7: the keystore-based provider, no key)
            let mut v = p.clone();
            v.secure_vault.enabled = !p.secure_vault.enabled;
            let errs_v = verify(&v);
            let errs_v = errors(&errs_v);
            assert!(
                errs_v.is_empty(),
                "{name} on {} vault flipped: {errs_v:#?}",
                l.chart_version
            );
        }
    }
}

#[test]
fn api_manager_4_7_without_its_encryption_key_is_refused_by_verify_before_any_install() {
    if !helm() {
        return;
    }
    let l47 = kmpilot::chart_lines::apim("4.7.0-1").unwrap();
    let p = on_line(Profile::quickstart("nokey"), l47);
    let mut plan = kmpilot::steps::plan(&p);
    // the values without the key's Secret reference, as a kmpilot that forgot it would write
    let values = plan
        .artifacts
        .iter_mut()
        .find(|a| a.path == "api-manager/values.yaml")
        .unwrap();
    assert!(values.content.contains("encryptionKeyKey: encryption-key"));
    values.content = values
        .content
        .lines()
        .filter(|l| !l.contains("encryptionKeyKey"))
        .collect::<Vec<_>>()
        .join("\n");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let results = rt.block_on(kmpilot::exec::verify::verify_plan(&plan, dir.path()));
    let refused: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(refused.len(), 1, "{results:?}");
    assert!(
        refused[0].contains("Encryption key is required")
            && refused[0].contains("apiManager.encryptionKey"),
        "{}",
        refused[0]
    );
}

#[test]
fn ingress_exposure_on_4_7_turns_its_gateway_api_off_and_the_server_hostname_follows() {
    if !helm() {
        return;
    }
    let l47 = kmpilot::chart_lines::apim("4.7.0-1").unwrap();
    let p = on_line(Profile::quickstart("ing47"), l47);
    let mut plan = kmpilot::steps::plan(&p);
    let values = plan
        .artifacts
        .iter_mut()
        .find(|a| a.path == "api-manager/values.yaml")
        .unwrap();
    // what kmpilot writes: the Gateway API off, so no HTTPRoute and the ingress hostname
    assert!(
        values.content.contains("gatewayAPI:\n    enabled: false"),
        "{}",
        values.content
    );
    // without it, the chart's default (on) renders routes to no Gateway
    values.content = values.content.replace(
        "gatewayAPI:\n    enabled: false",
        "gatewayAPI:\n    enabled: true",
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let reports: Vec<Report> = rt
        .block_on(kmpilot::exec::verify::verify_plan(&plan, dir.path()))
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let errs = errors(&reports);
    assert!(
        !errs.is_empty()
            && errs
                .iter()
                .all(|f| f.check == "ingress" && f.fix == "cluster.exposure.kind"),
        "{errs:#?}"
    );
}

/// A local chart installs at its own version whatever `chartVersion` says: a profile built for
/// 4.7 pointed at the 4.5 chart is refused, naming both versions and the fix, and the same
/// chart on the profile's line passes.
#[test]
fn a_local_chart_of_another_line_is_refused() {
    if !helm() {
        return;
    }
    let mut p = Profile::quickstart("other-line");
    p.identity_server.chart = charts()
        .join("identity-server-standin")
        .display()
        .to_string();
    p.api_manager.chart = charts().join("wso2am-standin").display().to_string();
    let reports = verify(&p);
    let errs = errors(&reports);
    let f = errs
        .iter()
        .find(|f| f.check == "chart-version")
        .unwrap_or_else(|| panic!("{errs:#?}"));
    assert_eq!(f.chart, ChartKind::ApiManager);
    assert!(
        f.message
            .contains("is version 4.5.0-10 but the profile is built for 4.7.0-1"),
        "{}",
        f.message
    );
    assert_eq!(f.fix, "apiManager.chartVersion");
    p.api_manager.chart_version = "4.5.0-10".into();
    let reports = verify(&p);
    assert!(
        errors(&reports).iter().all(|f| f.check != "chart-version"),
        "{:#?}",
        errors(&reports)
    );
}

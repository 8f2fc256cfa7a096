//! `kmpilot apply` with Gateway API exposure against the real test control plane, the real
//! Gateway API v1.6.3 CRDs (BackendTLSPolicy v1), the real helm and the stand-in WSO2 charts
//! (tests/charts, which render the same objects as the real 4.5 API-M chart for
//! `kubernetes.gatewayAPI.*` and the same unconditional Ingress as the real IS 7.1 chart).
//! No Gateway controller runs here: the test writes the Gateway's address into its status as
//! a controller would, and the GatewayClass names Envoy Gateway's controller.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support;
use support::deployment::{Deployment, finish};
use support::{jsonpath, kubectl, ok};

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&ok(&kubectl(args))).unwrap()
}

const GW: &str = "gateways.gateway.networking.k8s.io";
const ROUTES: &str = "httproutes.gateway.networking.k8s.io";
const POLICIES: &str = "backendtlspolicies.gateway.networking.k8s.io";

/// The quickstart deployment and a GatewayClass of its own.
struct Run {
    d: Deployment,
    class: String,
}

impl std::ops::Deref for Run {
    type Target = Deployment;
    fn deref(&self) -> &Deployment {
        &self.d
    }
}

impl Run {
    /// A fresh namespace and a GatewayClass of `controller`, both removed on drop.
    fn new(ns: &str, controller: &str) -> Run {
        let d = Deployment::new(ns);
        let class = format!("{ns}-class");
        support::apply_yaml(&format!(
            "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {{name: {class}}}\nspec: {{controllerName: {controller}}}\n"
        ));
        Run { d, class }
    }

    fn write_profile(&self, gateway_api: bool) -> PathBuf {
        self.write_profile_with(if gateway_api {
            format!(
                "  exposure: {{ kind: gatewayAPI, gateway: {{ className: {} }} }}\n",
                self.class
            )
        } else {
            String::new()
        })
    }

    fn write_profile_with(&self, exposure: String) -> PathBuf {
        let charts = support::charts();
        let text = self.profile_yaml(
            &charts.join("identity-server-standin"),
            &charts.join("wso2am-standin"),
            &exposure,
        );
        self.write("profile.yaml", &text)
    }

    fn apply(&self, profile: &Path) -> std::process::Child {
        self.spawn_apply(profile, &[])
    }

    /// Plays a controller: once `kind/name` exists, writes `patch` into its status.
    fn publish(&self, kind: &str, name: &str, patch: &str, child: &mut std::process::Child) {
        support::publish_status(&self.ns, kind, name, patch, child)
    }

    /// The names (without kind) of the objects of `kind` in the namespace, sorted.
    fn names(&self, kind: &str) -> Vec<String> {
        let mut v: Vec<String> = ok(&kubectl(&["get", kind, "-n", &self.ns, "-o", "name"]))
            .lines()
            .map(|l| l.rsplit('/').next().unwrap_or_default().to_string())
            .collect();
        v.sort();
        v
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = kubectl(&["delete", "gatewayclass", &self.class, "--ignore-not-found"]);
    }
}

const ENVOY: &str = "gateway.envoyproxy.io/gatewayclass-controller";
const GATEWAY: &str = "wso2-apim-gateway";
const GATEWAY_STATUS: &str = r#"{"status":{"addresses":[{"type":"Hostname","value":"lb.gw.test"},{"type":"IPAddress","value":"10.44.55.66"}]}}"#;

/// Everything the Gateway API exposure puts in the namespace, checked against the CRDs'
/// stored objects.
fn assert_gateway_exposure(run: &Run) {
    let ns = run.ns.as_str();
    // the Gateway: one HTTPS listener on 443 per hostname, kmpilot's TLS secret, routes from
    // the WSO2 namespace, the profile's class
    let g = json(&["get", GW, GATEWAY, "-n", ns, "-o", "json"]);
    assert_eq!(g["spec"]["gatewayClassName"], run.class.as_str());
    let listeners = g["spec"]["listeners"].as_array().unwrap();
    let mut hosts: Vec<(&str, &str)> = listeners
        .iter()
        .map(|l| {
            assert_eq!(l["port"], 443);
            assert_eq!(l["protocol"], "HTTPS");
            assert_eq!(l["tls"]["certificateRefs"][0]["name"], "wso2-ingress-tls");
            assert_eq!(l["allowedRoutes"]["namespaces"]["from"], "Same");
            (l["name"].as_str().unwrap(), l["hostname"].as_str().unwrap())
        })
        .collect();
    hosts.sort();
    let (am, gw, ws, websub, is) = (
        format!("am.{ns}.test"),
        format!("gw.{ns}.test"),
        format!("ws.{ns}.test"),
        format!("websub.{ns}.test"),
        format!("is.{ns}.test"),
    );
    assert_eq!(
        hosts,
        [
            ("control-plane-https", am.as_str()),
            ("gateway-https", gw.as_str()),
            ("identity-server-https", is.as_str()),
            ("websocket-https", ws.as_str()),
            ("websub-https", websub.as_str()),
        ]
    );

    // every route attaches to that Gateway's listener for its host and names the Service
    // and port behind it
    let routes = json(&["get", ROUTES, "-n", ns, "-o", "json"]);
    let mut seen: Vec<(String, String, String, String, u64)> = routes["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let parent = &r["spec"]["parentRefs"][0];
            assert_eq!(parent["name"], GATEWAY);
            let backend = &r["spec"]["rules"][0]["backendRefs"][0];
            assert_eq!(backend["kind"], "Service", "CRD default");
            (
                r["metadata"]["name"].as_str().unwrap().to_string(),
                parent["sectionName"].as_str().unwrap().to_string(),
                r["spec"]["hostnames"][0].as_str().unwrap().to_string(),
                backend["name"].as_str().unwrap().to_string(),
                backend["port"].as_u64().unwrap(),
            )
        })
        .collect();
    seen.sort();
    let am_svc = "apim-wso2am-all-in-one-am-service".to_string();
    let s = |a: &str| a.to_string();
    assert_eq!(
        seen,
        [
            (
                s("apim-wso2am-all-in-one-gateway-httproute"),
                s("gateway-https"),
                gw.clone(),
                am_svc.clone(),
                8243
            ),
            (
                s("apim-wso2am-all-in-one-management-httproute"),
                s("control-plane-https"),
                am.clone(),
                am_svc.clone(),
                9443
            ),
            (
                s("apim-wso2am-all-in-one-websocket-httproute"),
                s("websocket-https"),
                ws.clone(),
                am_svc.clone(),
                8099
            ),
            (
                s("apim-wso2am-all-in-one-websub-httproute"),
                s("websub-https"),
                websub.clone(),
                am_svc.clone(),
                8021
            ),
            (
                s("is"),
                s("identity-server-https"),
                is.clone(),
                s("is-identity-server"),
                9443
            ),
        ]
    );
    // the Services the routes name exist with those ports
    let ports = |svc: &str| jsonpath("service", svc, ns, "{.spec.ports[*].port}");
    for p in ["9443", "8243", "8099", "8021"] {
        assert!(
            ports(&am_svc).split_whitespace().any(|x| x == p),
            "{am_svc} lacks {p}"
        );
    }
    assert!(
        ports("is-identity-server")
            .split_whitespace()
            .any(|x| x == "9443")
    );

    // the BackendTLSPolicies verify each pod with kmpilot's certificate, for a name in it
    let policies = json(&["get", POLICIES, "-n", ns, "-o", "json"]);
    let mut pol: Vec<(String, String, String, String)> = policies["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let v = &p["spec"]["validation"];
            assert_eq!(v["caCertificateRefs"][0]["kind"], "ConfigMap");
            (
                p["spec"]["targetRefs"][0]["name"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                v["caCertificateRefs"][0]["name"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                v["hostname"].as_str().unwrap().to_string(),
                p["metadata"]["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    pol.sort();
    assert_eq!(
        pol,
        [
            (
                am_svc.clone(),
                s("kmpilot-apim-backend-ca"),
                am.clone(),
                s("apim-wso2am-all-in-one-backend-tls-policy")
            ),
            (
                s("is-identity-server"),
                s("kmpilot-is-backend-ca"),
                is.clone(),
                s("is")
            ),
        ]
    );
    // the CA ConfigMaps hold the certificates the pods present (the keystores step's)
    for (cm, file) in [
        ("kmpilot-apim-backend-ca", "apim-server.crt"),
        ("kmpilot-is-backend-ca", "is-server.crt"),
    ] {
        let ca = jsonpath("configmap", cm, ns, "{.data.ca\\.crt}");
        assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"), "{cm}: {ca}");
        let on_disk = std::fs::read_to_string(
            run.dir
                .path()
                .join("state/work")
                .join(ns)
                .join("keystores")
                .join(file),
        )
        .unwrap();
        assert_eq!(ca.trim(), on_disk.trim(), "{cm} holds {file}");
    }

    // no Ingress: API-M's are off in the values, IS's is dropped by the post-renderer
    assert_eq!(run.names("ingresses"), Vec::<String>::new());
    // the hosts block has the Gateway's address (the IP before the hostname)
    assert!(
        run.hosts()
            .contains(&format!("10.44.55.66 {am} {gw} {ws} {websub} {is}")),
        "{}",
        run.hosts()
    );
}

#[test]
fn quickstart_with_gateway_api_exposure_applies() {
    let _turn = support::one_file::turn(module_path!());
    if support::test_cluster().is_none() {
        return;
    }
    let run = Run::new("kmp-gwapi", ENVOY);
    let profile = run.write_profile(true);
    let mut child = run.apply(&profile);
    run.publish(GW, GATEWAY, GATEWAY_STATUS, &mut child);
    let (code, out, err) = finish(child);
    assert_eq!(code, 0, "apply failed\nstdout:\n{out}\nstderr:\n{err}");
    assert!(
        out.contains("implements BackendTLSPolicy"),
        "the prerequisites check says what the class can do:\n{out}"
    );
    assert_gateway_exposure(&run);
    // the run summary lists the Gateway and the routes, none reported on by a controller
    let summary = out
        .split("Gateway & routes:")
        .nth(1)
        .unwrap_or_else(|| panic!("{out}"));
    assert!(summary.contains("! Gateway/wso2-apim-gateway"), "{summary}");
    assert_eq!(summary.matches("! HTTPRoute/").count(), 5, "{summary}");
    // the CRD's default status until a controller takes the Gateway
    assert!(
        summary.contains("Programmed=Unknown (Pending)"),
        "{summary}"
    );

    // doctor: the Gateway and the routes are unhealthy until a controller reports on them
    let doctor = |profile: &Path| -> Vec<(String, String, bool, String)> {
        let o = Command::new(env!("CARGO_BIN_EXE_kmpilot"))
            .args(["doctor", "-o", "json", "-f"])
            .arg(profile)
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&o.stdout).unwrap();
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["check"] == "gateway" || c["check"] == "httproute")
            .map(|c| {
                (
                    c["check"].as_str().unwrap().to_string(),
                    c["target"].as_str().unwrap().to_string(),
                    c["ok"].as_bool().unwrap(),
                    c["detail"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let rows = doctor(&profile);
    assert_eq!(rows.len(), 6, "{rows:?}");
    assert!(rows.iter().all(|r| !r.2), "{rows:?}");
    let is_row = rows.iter().find(|r| r.1 == "is").unwrap();
    assert!(
        is_row.3.starts_with(&format!(
            "is.{}.test → is-identity-server:9443: Accepted: not reported",
            run.ns
        )),
        "{is_row:?}"
    );

    // the live rows (the wizard's run screen) watch the same objects
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let _watchers = rt.block_on(async {
        let kube = kmpilot::kube::Kube::connect(None, None).await.unwrap();
        kmpilot::kube::watch_routes::spawn_route_watchers(kube.client(), vec![run.ns.clone()], tx)
    });

    // play the controller: Programmed, and each route Accepted with its refs resolved
    let cond = |t: &str| {
        format!(
            r#"{{"type":"{t}","status":"True","reason":"{t}","message":"","lastTransitionTime":"2026-01-01T00:00:00Z","observedGeneration":1}}"#
        )
    };
    ok(&kubectl(&[
        "patch",
        GW,
        GATEWAY,
        "-n",
        &run.ns,
        "--subresource=status",
        "--type=merge",
        "-p",
        &format!(
            r#"{{"status":{{"conditions":[{},{}]}}}}"#,
            cond("Accepted"),
            cond("Programmed")
        ),
    ]));
    for route in run.names(ROUTES) {
        ok(&kubectl(&[
            "patch",
            ROUTES,
            &route,
            "-n",
            &run.ns,
            "--subresource=status",
            "--type=merge",
            "-p",
            &format!(
                r#"{{"status":{{"parents":[{{"parentRef":{{"name":"{GATEWAY}"}},"controllerName":"{ENVOY}","conditions":[{},{}]}}]}}}}"#,
                cond("Accepted"),
                cond("ResolvedRefs")
            ),
        ]));
    }
    let rows = doctor(&profile);
    assert!(rows.iter().all(|r| r.2), "{rows:?}");
    let gw_row = rows.iter().find(|r| r.0 == "gateway").unwrap();
    assert_eq!(gw_row.3, "Programmed=True, address 10.44.55.66");

    let deadline = Instant::now() + Duration::from_secs(60);
    let (mut gateways, mut routes) = (Vec::new(), Vec::new());
    while Instant::now() < deadline
        && !(gateways.len() == 1
            && routes.len() == 5
            && gateways
                .iter()
                .chain(&routes)
                .all(|r: &kmpilot::kube::snapshot::RouteRow| r.ok))
    {
        match rt.block_on(async { tokio::time::timeout(Duration::from_secs(5), rx.recv()).await }) {
            Ok(Some(kmpilot::kube::snapshot::WatchUpdate::Gateways(s))) => gateways = s.rows,
            Ok(Some(kmpilot::kube::snapshot::WatchUpdate::HttpRoutes(s))) => routes = s.rows,
            _ => {}
        }
    }
    assert_eq!(gateways.len(), 1, "{gateways:?}");
    assert_eq!(gateways[0].name, format!("Gateway/{GATEWAY}"));
    assert_eq!(routes.len(), 5, "{routes:?}");
    assert!(
        gateways.iter().chain(&routes).all(|r| r.ok),
        "{gateways:?} {routes:?}"
    );
    assert!(
        routes.iter().any(|r| r.name == "HTTPRoute/is"
            && r.status == "is-identity-server:9443: Accepted=True ResolvedRefs=True"),
        "{routes:?}"
    );
}

#[test]
fn switching_from_ingress_to_gateway_api_leaves_no_stale_ingress() {
    let _turn = support::one_file::turn(module_path!());
    if support::test_cluster().is_none() {
        return;
    }
    let run = Run::new("kmp-gwswitch", ENVOY);
    // first with the default Ingress exposure
    let profile = run.write_profile(false);
    let mut child = run.apply(&profile);
    run.publish_ingress_address("10.20.30.40", &mut child);
    let (code, out, err) = finish(child);
    assert_eq!(code, 0, "apply (ingress) failed\n{out}\n{err}");
    assert_eq!(
        run.names("ingresses"),
        [
            "apim-wso2am-all-in-one-gateway-ingress",
            "apim-wso2am-all-in-one-management-ingress",
            "apim-wso2am-all-in-one-websocket-ingress",
            "apim-wso2am-all-in-one-websub-ingress",
            "is-identity-server",
        ]
    );
    // an Ingress that is not kmpilot's (nor its releases') stays
    support::apply_yaml(&format!(
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {{name: someone-elses, namespace: {}}}\nspec:\n  ingressClassName: nginx\n  defaultBackend: {{service: {{name: other, port: {{number: 80}}}}}}\n",
        run.ns
    ));

    // then the same profile through the Gateway API
    let profile = run.write_profile(true);
    let mut child = run.apply(&profile);
    run.publish(GW, GATEWAY, GATEWAY_STATUS, &mut child);
    let (code, out, err) = finish(child);
    assert_eq!(code, 0, "apply (gateway API) failed\n{out}\n{err}");
    assert_eq!(run.names("ingresses"), ["someone-elses"]);
    // the rest as on a fresh install, with the other Ingress out of the way
    ok(&kubectl(&[
        "delete",
        "ingress",
        "someone-elses",
        "-n",
        &run.ns,
    ]));
    assert_gateway_exposure(&run);
}

#[test]
fn a_class_without_backend_tls_is_refused_before_anything_is_installed() {
    let _turn = support::one_file::turn(module_path!());
    if support::test_cluster().is_none() {
        return;
    }
    // cloud-provider-kind serves the Gateway API but not BackendTLSPolicy
    let run = Run::new("kmp-gwcpk", "kind.sigs.k8s.io/gateway-controller");
    let profile = run.write_profile(true);
    let (code, out, err) = finish(run.apply(&profile));
    assert_ne!(code, 0, "{out}\n{err}");
    let all = format!("{out}\n{err}");
    assert!(all.contains("does not implement BackendTLSPolicy"), "{all}");
    assert!(
        all.contains("installEnvoyGateway: true"),
        "the refusal offers Envoy Gateway:\n{all}"
    );
    let releases = ok(&Command::new("helm")
        .args(["list", "-n", &run.ns, "-q"])
        .output()
        .unwrap());
    assert_eq!(releases.trim(), "", "nothing installed");
}

/// A Gateway of the user's in the WSO2 namespace, with HTTPS listeners of the given names
/// and hostnames (the CRD wants port, protocol and hostname unique per listener).
fn users_gateway(run: &Run, listeners: &[(&str, Option<String>)]) {
    let ls: Vec<String> = listeners
        .iter()
        .map(|(n, h)| {
            let host = h.as_ref().map(|h| format!("hostname: {h}, ")).unwrap_or_default();
            format!("  - {{name: {n}, {host}port: 443, protocol: HTTPS, tls: {{mode: Terminate, certificateRefs: [{{name: users-tls}}]}}, allowedRoutes: {{namespaces: {{from: Same}}}}}}")
        })
        .collect();
    support::apply_yaml(&format!(
        "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {{name: users-gateway, namespace: {}}}\nspec:\n  gatewayClassName: {}\n  listeners:\n{}\n",
        run.ns,
        run.class,
        ls.join("\n")
    ));
}

#[test]
fn an_existing_gateway_is_used_when_it_has_the_charts_listeners() {
    let _turn = support::one_file::turn(module_path!());
    if support::test_cluster().is_none() {
        return;
    }
    let run = Run::new("kmp-gwexist", ENVOY);
    ok(&kubectl(&["create", "namespace", &run.ns]));
    let profile = run.write_profile_with(
        "  exposure: { kind: gatewayAPI, gateway: { name: users-gateway, create: false } }\n"
            .into(),
    );
    // one catch-all listener: the API-M chart's routes could not attach
    users_gateway(&run, &[("https", None)]);
    let (code, out, err) = finish(run.apply(&profile));
    assert_ne!(code, 0, "{out}\n{err}");
    let all = format!("{out}\n{err}");
    assert!(
        all.contains("has no listener named control-plane-https, gateway-https, websocket-https, websub-https (it has: https)"),
        "{all}"
    );
    assert_eq!(
        ok(&Command::new("helm")
            .args(["list", "-n", &run.ns, "-q"])
            .output()
            .unwrap())
        .trim(),
        "",
        "nothing installed"
    );

    // the listeners the chart's routes name, and one of the user's for IS
    let ns = run.ns.clone();
    let h = |p: &str| Some(format!("{p}.{ns}.test"));
    users_gateway(
        &run,
        &[
            ("control-plane-https", h("am")),
            ("gateway-https", h("gw")),
            ("websocket-https", h("ws")),
            ("websub-https", h("websub")),
            ("https", None),
        ],
    );
    let mut child = run.apply(&profile);
    run.publish(GW, "users-gateway", GATEWAY_STATUS, &mut child);
    let (code, out, err) = finish(child);
    assert_eq!(code, 0, "apply failed\n{out}\n{err}");
    // kmpilot made no Gateway of its own
    assert_eq!(run.names(GW), ["users-gateway"]);
    // IS's route attaches to the Gateway by hostname (no section); API-M's by section
    let parent = |route: &str| {
        jsonpath(
            ROUTES,
            route,
            &run.ns,
            "{.spec.parentRefs[0].name}/{.spec.parentRefs[0].sectionName}",
        )
    };
    assert_eq!(parent("is"), "users-gateway/");
    assert_eq!(
        parent("apim-wso2am-all-in-one-management-httproute"),
        "users-gateway/control-plane-https"
    );
    assert_eq!(run.names("ingresses"), Vec::<String>::new());
    assert!(
        run.hosts().contains("10.44.55.66 am.kmp-gwexist.test"),
        "{}",
        run.hosts()
    );
}

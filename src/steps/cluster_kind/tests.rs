use super::*;
use crate::kube::IngressClassFacts;
use crate::plan::cluster_checks::PodNeed;

fn node(name: &str) -> NodeFacts {
    NodeFacts {
        name: name.into(),
        ready: true,
        cpu_milli: 4000,
        memory_bytes: 8 << 30,
        ..Default::default()
    }
}

#[test]
fn kinds_from_nodes_and_context() {
    let mut kind = node("demo-control-plane");
    kind.provider_id = "kind://docker/demo/demo-control-plane".into();
    let f = ClusterFacts {
        context: "kind-demo".into(),
        nodes: vec![kind, node("kwok-node-0")],
        ..Default::default()
    };
    let d = detect(&f);
    assert_eq!(
        (d.kind, d.name.as_deref()),
        (ClusterKind::Kind, Some("demo"))
    );

    let mut k3d = node("k3d-dev-server-0");
    k3d.provider_id = "k3s://k3d-dev-server-0".into();
    let d = detect(&ClusterFacts {
        context: "k3d-dev".into(),
        nodes: vec![k3d],
        ..Default::default()
    });
    assert_eq!((d.kind, d.name.as_deref()), (ClusterKind::K3d, Some("dev")));

    let mut dd = node("docker-desktop");
    dd.os_image = "Docker Desktop".into();
    dd.kernel_version = "6.10.14-linuxkit".into();
    let f = ClusterFacts {
        context: "docker-desktop".into(),
        nodes: vec![dd],
        ..Default::default()
    };
    assert_eq!(detect(&f).kind, ClusterKind::DockerDesktop);
    assert_eq!(apparmor_hint(&f).0, Some(false));

    let d = detect(&ClusterFacts {
        context: "arn:aws:eks:eu-west-1:1:cluster/x".into(),
        nodes: vec![node("ip-10-0-0-1.eu-west-1.compute.internal")],
        ..Default::default()
    });
    assert_eq!(d.kind, ClusterKind::Eks);
    let d = detect(&ClusterFacts {
        context: "kwok-x".into(),
        nodes: vec![node("n")],
        ..Default::default()
    });
    assert_eq!(d.kind, ClusterKind::Other);
}

#[test]
fn ingress_decisions() {
    let class = |n: &str, c: &str| IngressClassFacts {
        name: n.into(),
        controller: c.into(),
        is_default: false,
    };
    let mut f = ClusterFacts::default();
    let d = ingress_decision(&f, "nginx");
    assert!(!d.https_backend && d.install_suggested, "{d:?}");
    f.ingress_classes = vec![class(
        "cloud-provider-kind",
        "kind.sigs.k8s.io/ingress-controller",
    )];
    let d = ingress_decision(&f, "nginx");
    assert!(
        d.install_suggested && d.summary.contains("cloud-provider-kind"),
        "{d:?}"
    );
    f.ingress_classes.push(class("nginx", NGINX_CONTROLLER));
    let d = ingress_decision(&f, "nginx");
    assert!(d.https_backend && d.summary.contains("retired"), "{d:?}");
    let d = ingress_decision(&f, "traefik");
    assert!(!d.https_backend && !d.install_suggested, "{d:?}");
}

/// Traefik (k3s, k3d, Rancher Desktop): its Ingress provider is named with why it fails the
/// WSO2 pods and the fix Traefik itself has (its ingress-nginx compatibility provider), not a
/// retired ingress-nginx; a class with the ingress-nginx controller name may be Traefik's.
#[test]
fn traefik_decisions_name_traefiks_own_fix() {
    let class = |n: &str, c: &str| IngressClassFacts {
        name: n.into(),
        controller: c.into(),
        is_default: true,
    };
    let mut f = ClusterFacts {
        ingress_classes: vec![class("traefik", TRAEFIK_CONTROLLER)],
        ..Default::default()
    };
    for wanted in ["traefik", "nginx"] {
        let d = ingress_decision(&f, wanted);
        assert!(!d.https_backend && !d.install_suggested, "{d:?}");
        assert!(
            d.summary.contains("--providers.kubernetesIngressNGINX")
                && d.summary.contains("controller k8s.io/ingress-nginx"),
            "{d:?}"
        );
    }
    let d = ingress_decision(&f, "traefik");
    assert!(
        d.summary.contains("serversscheme: https") && d.summary.contains("servlet-https"),
        "{d:?}"
    );
    f.ingress_classes.push(class("nginx", NGINX_CONTROLLER));
    let d = ingress_decision(&f, "nginx");
    assert!(
        d.https_backend && d.summary.contains("kubernetesIngressNGINX"),
        "{d:?}"
    );
    let d = ingress_decision(&f, "traefik");
    assert!(d.summary.contains("use class `nginx` instead"), "{d:?}");
}

#[test]
fn fit_counts_what_is_already_requested() {
    let mut n = node("n1");
    n.requested_cpu_milli = 950;
    n.requested_memory_bytes = 300 << 20;
    let f = ClusterFacts {
        nodes: vec![n],
        ..Default::default()
    };
    let two = |c| {
        vec![
            PodNeed {
                name: "is".into(),
                cpu_milli: c,
                memory_bytes: 2 << 30,
            },
            PodNeed {
                name: "apim".into(),
                cpu_milli: c,
                memory_bytes: 2 << 30,
            },
        ]
    };
    let r = fit(&f, &two(2000), "wso2", &[]);
    assert!(!r.fits, "{r:?}");
    assert!(r.report.contains("n1: 3050m CPU"), "{}", r.report);
    assert!(fit(&f, &two(500), "wso2", &[]).fits);
}

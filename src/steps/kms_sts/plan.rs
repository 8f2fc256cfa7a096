//! The track's part of the plan: patch the API key, replace the sts pod, inject the sidecar, apply
//! the objects.

use super::*;

pub fn plan(p: &Profile, artifacts: &mut Vec<Artifact>) -> Option<Step> {
    let k = &p.kms_sts;
    if !k.enabled {
        return None;
    }
    let ctx = k.context.clone().or_else(|| p.cluster.context.clone());
    let mut kubectl = vec!["kubectl".to_string()];
    if let Some(c) = &ctx {
        kubectl.push(format!("--context={c}"));
    }
    let kc = |args: &[&str]| {
        let mut v: Vec<String> = kubectl[1..].to_vec();
        v.extend(args.iter().map(|s| s.to_string()));
        Command::new("kubectl", v)
    };
    let saved = "kms-sts/kms-api-deployment.yaml".to_string();
    let injected = "kms-sts/kms-api-deployment-injected.yaml".to_string();
    let mut save = kc(&[
        "get",
        "deployment",
        &k.kms.deployment,
        "-n",
        &k.kms.namespace,
        "-o",
        "yaml",
    ]);
    save.stdout_to = Some(saved.clone());
    // The cluster's own injector configuration, as files: without them istioctl injects
    // through istiod's webhook, or, when it finds none, from the istio-sidecar-injector
    // ConfigMap but without its values, which a current istioctl renders into an invalid pod
    // ("cannot unmarshal string into ... failureThreshold"). With the files it needs no istiod.
    let injector_files = [
        (
            "istio-sidecar-injector",
            "config",
            "kms-sts/inject-config.yaml",
        ),
        (
            "istio-sidecar-injector",
            "values",
            "kms-sts/inject-values.json",
        ),
        ("istio", "mesh", "kms-sts/mesh.yaml"),
    ];
    let fetch_injector: Vec<Action> = injector_files
        .iter()
        .map(|(cm, key, file)| {
            let jsonpath = format!("jsonpath={{.data.{key}}}");
            let mut c = kc(&[
                "get",
                "configmap",
                cm,
                "-n",
                ISTIO_NAMESPACE,
                "-o",
                &jsonpath,
            ]);
            c.stdout_to = Some(file.to_string());
            Action::Run(c)
        })
        .collect();
    let mut inject_args = vec![
        "kube-inject",
        "-f",
        &saved,
        "--injectConfigFile",
        injector_files[0].2,
        "--valuesFile",
        injector_files[1].2,
        "--meshConfigFile",
        injector_files[2].2,
    ];
    let context_flag = ctx.as_ref().map(|c| format!("--context={c}"));
    inject_args.extend(context_flag.as_deref());
    let mut inject = Command::new("istioctl", inject_args);
    inject.stdout_to = Some(injected.clone());
    let mut actions = crate::steps::cluster::reachable_checks(p, [k.context.as_deref()]);
    // the cert-manager, Istio and IBM kinds at the profile's versions, before the first change
    actions.push(Action::Check(Check::ServedKinds {
        context: k.context.clone(),
        purpose: "KMS <-> STS".into(),
        kinds: crate::compat::kms_needs(p),
    }));
    actions.extend([
        // a secret's data is base64 by definition: the executor encodes the key, nothing else does
        Action::CreateSecret(SecretSpec {
            context: ctx.clone(),
            namespace: k.sts.namespace.clone(),
            name: k.sts.api_key_secret.clone(),
            secret_type: "Opaque".into(),
            data: vec![(
                "apikey".into(),
                SecretSource::Ref {
                    secret: k.api_key.clone(),
                    shell_var: k.api_key.shell_var("KMS_API_KEY").into(),
                },
            )],
        }),
        Action::RestartPods(RestartPods {
            context: ctx.clone(),
            namespace: k.sts.namespace.clone(),
            name_prefix: k.sts.pod_prefix.clone(),
            timeout_secs: 300,
        }),
        // the original, kept in the cluster before it is replaced, so destroy can put it back
        // (the work-directory copy below is overwritten by a second run)
        Action::SaveOriginal(crate::plan::destroy::Original::deployment(
            ctx.clone(),
            &k.kms.namespace,
            &k.kms.deployment,
        )),
        Action::Run(save),
    ]);
    actions.extend(fetch_injector);
    actions.extend([
        Action::Run(inject),
        // replace, not delete + apply: the KMS API keeps serving while the new pods start
        Action::Run(kc(&["replace", "-f", &injected])),
    ]);
    for o in resources(p) {
        let m = Manifest::new(ctx.as_deref(), "kms-sts", o);
        artifacts.push(Artifact {
            path: m.artifact.clone(),
            kind: ArtifactKind::Yaml,
            content: render::yaml(&m.object),
        });
        actions.push(Action::Apply(m));
    }
    Some(Step::new(StepId::KmsSts, actions))
}

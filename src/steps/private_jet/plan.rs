//! The PrivateJet step's plan: per target cluster the service account, token, RBAC, security resources and operator, then the merge into API-M's files.

use super::*;

pub(super) fn preview(p: &Profile) -> (String, ArtifactKind, String) {
    let es = entries(p);
    let ph: Vec<(String, String)> = es.iter().map(placeholders).collect();
    let resolved: Vec<(ClusterEntry, Resolved)> = es
        .iter()
        .zip(&ph)
        .map(|(e, (m, t))| {
            (
                e.clone(),
                Resolved {
                    master_url: m,
                    sa_token: t,
                },
            )
        })
        .collect();
    match p.private_jet.target {
        Target::DeploymentToml => (
            "private-jet/deployment-toml-snippet.toml".into(),
            ArtifactKind::Toml,
            merge_toml("", &resolved, p.private_jet.custom_class.as_deref()).unwrap_or_default(),
        ),
        Target::TenantConf => (
            "private-jet/tenant-conf-snippet.json".into(),
            ArtifactKind::Json,
            merge_tenant_conf("", &resolved).unwrap_or_default(),
        ),
    }
}

pub fn plan(p: &Profile, artifacts: &mut Vec<Artifact>) -> Option<Step> {
    let pj = &p.private_jet;
    if pj.clusters.is_empty() {
        return None;
    }
    let mut actions = crate::steps::cluster::reachable_checks(
        p,
        pj.clusters.iter().map(|c| c.context.as_deref()),
    );
    // every target is asked before the first one is changed
    for c in &pj.clusters {
        let kinds = crate::compat::private_jet_needs(c);
        if !kinds.is_empty() {
            actions.push(Action::Check(Check::ServedKinds {
                context: c.context.clone(),
                purpose: format!("PrivateJet cluster {}", c.name),
                kinds,
            }));
        }
    }
    for c in &pj.clusters {
        let ctx = c.context.as_deref();
        let dir = format!("private-jet/{}", c.name);
        if c.install_operator {
            actions.extend(operator_install(p, c, &pj.operator_configs));
        }
        let mut objects = rbac(c);
        if let Some(m) = c.effective_operator_mode() {
            objects.push(operator_config(&m));
        }
        let creds: Vec<(&String, &Credentials)> = c
            .security
            .iter()
            .flat_map(|s| {
                s.oauth
                    .iter()
                    .map(|o| (&o.name, &o.credentials))
                    .chain(s.basic.iter().map(|b| (&b.name, &b.credentials)))
            })
            .collect();
        for (cr, cred) in creds {
            actions.push(Action::CreateSecret(SecretSpec {
                context: c.context.clone(),
                namespace: c.namespace.clone(),
                name: credentials_secret_name(cr),
                secret_type: "Opaque".into(),
                data: vec![
                    (
                        "username".into(),
                        SecretSource::Plain(cred.username.clone()),
                    ),
                    (
                        "password".into(),
                        SecretSource::Ref {
                            secret: cred.password.clone(),
                            shell_var: cred
                                .password
                                .shell_var("PRIVATEJET_SECURITY_PASSWORD")
                                .to_string(),
                        },
                    ),
                ],
            }));
        }
        objects.extend(security_resources(c));
        for o in objects {
            let m: Manifest = Manifest::new(ctx, &dir, o);
            artifacts.push(Artifact {
                path: m.artifact.clone(),
                kind: ArtifactKind::Yaml,
                content: render::yaml(&m.object),
            });
            actions.push(Action::Apply(m));
        }
        actions.push(Action::Wait(Wait::SecretKey {
            context: c.context.clone(),
            namespace: c.namespace.clone(),
            name: c.token_secret(),
            key: "token".into(),
            timeout_secs: 120,
        }));
    }
    let (path, kind, content) = preview(p);
    artifacts.push(Artifact {
        path: path.clone(),
        kind,
        content,
    });
    actions.push(Action::MergeContainerMgt(Box::new(ContainerMgtMerge {
        target: pj.target,
        merge_into: pj.merge_into.clone(),
        custom_class: pj.custom_class.clone(),
        clusters: entries(p),
        output: path,
    })));
    Some(Step::new(StepId::PrivateJet, actions))
}

//! The API-M step's plan: the helm install of the chart with its values.

use super::*;
use crate::plan::verify_spec::VerifySpec;

/// `verify`: the chart's verify action (`verify_spec::spec`), handed in by the registry.
pub fn plan(p: &Profile, artifacts: &mut Vec<Artifact>, verify: VerifySpec) -> Step {
    let a = &p.api_manager;
    let path = "api-manager/values.yaml".to_string();
    artifacts.push(Artifact {
        path: path.clone(),
        kind: ArtifactKind::Yaml,
        content: format!(
            "{}{}",
            render::header("#", &p.name),
            render::yaml(&values(p))
        ),
    });
    // verified first: a chart that renders wrong changes nothing, not even the credentials
    let mut actions = vec![Action::Verify(Box::new(verify))];
    if !p.secure_vault.enabled {
        let mut data = vec![
            (
                "admin-password".into(),
                SecretSource::Ref {
                    secret: a.admin.password.clone(),
                    shell_var: a
                        .admin
                        .password
                        .shell_var("APIM_ADMIN_PASSWORD")
                        .to_string(),
                },
            ),
            (
                "apim-db-password".into(),
                db_secret(&a.databases.apim(), "APIM_DB_PASSWORD"),
            ),
            (
                "shared-db-password".into(),
                db_secret(&a.databases.shared(), "SHARED_DB_PASSWORD"),
            ),
        ];
        // in the same Secret as the passwords (the chart has one existingSecret), created
        // once and kept: the plan carries where it comes from, never the key
        if let Some(e) = line_of(a).encryption_key {
            data.push((
                ENCRYPTION_KEY_KEY.into(),
                SecretSource::Kept {
                    secret: a.encryption_key.clone(),
                    shell_var: a
                        .encryption_key
                        .as_ref()
                        .map_or("APIM_ENCRYPTION_KEY", |r| {
                            r.shell_var("APIM_ENCRYPTION_KEY")
                        })
                        .to_string(),
                    hex_chars: e.hex_chars,
                },
            ));
        }
        actions.push(Action::CreateSecret(SecretSpec {
            context: p.cluster.context.clone(),
            namespace: p.cluster.namespace.clone(),
            name: a.credentials_secret(),
            secret_type: "Opaque".into(),
            data,
        }));
    }
    actions.push(Action::WriteFile {
        artifact: path.clone(),
    });
    actions.extend(crate::steps::helm::install_chart(
        p,
        crate::steps::helm::Chart {
            release: &a.release,
            chart: &a.chart,
            version: &a.chart_version,
            values: &path,
            timeout_minutes: a.helm_timeout_minutes,
            drop_kinds: Vec::new(),
        },
        overlay(p),
    ));
    Step::new(StepId::ApiManager, actions)
}

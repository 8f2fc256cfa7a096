//! Which secrets a plan needs, and under which shell variable: the runbook declares them, the
//! executor resolves them all before the first step so a missing one fails fast.

use super::{Action, Command, Plan, SecretSource, SecretValue};
use crate::profile::secret::SecretRef;

#[derive(Debug, Clone, PartialEq)]
pub struct SecretUse {
    pub var: String,
    pub secret: SecretRef,
}

pub fn uses(plan: &Plan) -> Vec<SecretUse> {
    uses_where(plan, |_| true)
}

/// The secrets of the steps `selected` accepts: `--only kms-sts` needs no keystore password.
pub fn uses_where(plan: &Plan, selected: impl Fn(super::StepId) -> bool) -> Vec<SecretUse> {
    let mut out: Vec<SecretUse> = Vec::new();
    let mut add = |var: &str, s: &SecretRef| {
        if !out.iter().any(|u| u.var == var) {
            out.push(SecretUse {
                var: var.to_string(),
                secret: s.clone(),
            });
        }
    };
    for step in plan.steps.iter().filter(|s| selected(s.id)) {
        for a in &step.actions {
            match a {
                Action::Run(Command { stdin: Some(o), .. }) => {
                    for e in &o.entries {
                        let s = match &e.value {
                            SecretValue::Ref(s) | SecretValue::VaultEncrypted { secret: s, .. } => {
                                s
                            }
                        };
                        add(&e.shell_var, s);
                    }
                }
                Action::CreateSecret(spec) => {
                    for (_, src) in &spec.data {
                        match src {
                            SecretSource::Ref { secret, shell_var }
                            | SecretSource::Kept {
                                secret: Some(secret),
                                shell_var,
                                ..
                            } => add(shell_var, secret),
                            _ => {}
                        }
                    }
                }
                Action::GenerateKeystores(k) => {
                    add(k.store_password_var(), &k.store_password);
                    add(k.key_password_var(), &k.key_password);
                }
                Action::RegisterKeyManager(r) => {
                    add(
                        r.admin.password.shell_var("APIM_ADMIN_PASSWORD"),
                        &r.admin.password,
                    );
                    add(
                        r.connector.password.shell_var("IS_ADMIN_PASSWORD"),
                        &r.connector.password,
                    );
                }
                Action::ProveKeyManager(pr) => {
                    add(
                        pr.admin.password.shell_var("APIM_ADMIN_PASSWORD"),
                        &pr.admin.password,
                    );
                }
                Action::Undo(u) => {
                    if let super::destroy::Undo::KeyManager(r) = u.as_ref() {
                        add(
                            r.admin.password.shell_var("APIM_ADMIN_PASSWORD"),
                            &r.admin.password,
                        );
                    }
                }
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod prompt_tests {
    use super::*;
    use crate::profile::Profile;

    fn prompts(p: &Profile) -> Vec<String> {
        uses(&crate::steps::plan(p))
            .into_iter()
            .filter(|u| matches!(u.secret, SecretRef::Prompt(_)))
            .map(|u| u.var)
            .collect()
    }

    /// Without `keyPassword` the key password is the store password: asked once.
    #[test]
    fn an_unset_key_password_is_not_a_second_question() {
        let mut p = Profile::quickstart("q");
        p.keystores.store_password = SecretRef::Prompt(true);
        p.keystores.key_password = None;
        assert_eq!(prompts(&p), ["KEYSTORE_PASSWORD"]);
        p.secure_vault.enabled = true;
        assert_eq!(
            prompts(&p),
            ["KEYSTORE_PASSWORD"],
            "nor through secure vault"
        );
        p.keystores.key_password = Some(SecretRef::Prompt(true));
        assert_eq!(prompts(&p), ["KEYSTORE_PASSWORD", "KEY_PASSWORD"]);
    }
}

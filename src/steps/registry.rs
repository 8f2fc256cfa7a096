//! Every deployment step, declared once and in the one order kmpilot knows: the order the plan
//! lists them, the wizard walks them and validation reports them. `StepId` names them; the
//! wizard's step list (`tui::app::WizardStep::ALL`), `steps::validate`, the planner
//! (`steps::plan`), the wizard's forms and what each step needs before it may run
//! (`steps::needs`) are read from here.
//!
//! Adding a step: its module in `src/steps/` (validate, plan, form), its section's types in
//! `src/profile/sections/` and field in the profile, a `StepId` variant, and one entry here.

use super::form::Field;
use super::verify_spec;
use super::{
    api_manager, cluster, dns, exposure, identity_server, is_image, key_manager, keystores,
    kms_sts, private_jet, prove, secure_vault,
};
use crate::plan::verify_spec::ChartKind;
use crate::plan::{Artifact, Step, StepId};
use crate::profile::Profile;
use crate::profile::diagnostics::Issues;
use crate::profile::yaml_tree::Seg;

pub struct StepDecl {
    pub id: StepId,
    /// The parts of the profile the step owns, as YAML paths. An issue belongs to the step
    /// with the longest path that is a prefix of the issue's (`identityServer.image` is the
    /// IS image step's, the rest of `identityServer` the IS step's); the rest is the first
    /// step's (the cluster and the profile's own name).
    pub owns: &'static [&'static [&'static str]],
    /// Whether a profile has this step at all (a profile may install neither server, only one
    /// of them, or run a track alone).
    pub planned: fn(&Profile) -> bool,
    pub validate: fn(&Profile, &mut Issues),
    /// The step's part of the plan; `None` when the profile leaves nothing for it to do.
    pub plan: fn(&Profile, &mut Vec<Artifact>) -> Option<Step>,
    /// The wizard's fields for the step.
    pub form: fn(&Profile) -> Vec<Field>,
    /// The steps that must be finished before this one starts, as the deployment has them
    /// (`needs::resolve` fills in for the ones a profile leaves out). The one place the
    /// deployment's dependency graph is written.
    pub needs: &'static [StepId],
}

fn is(p: &Profile) -> bool {
    p.identity_server.install
}
fn am(p: &Profile) -> bool {
    p.api_manager.install
}
fn is_or_am(p: &Profile) -> bool {
    is(p) || am(p)
}
fn always(_: &Profile) -> bool {
    true
}

pub const STEPS: &[StepDecl] = &[
    StepDecl {
        id: StepId::Prerequisites,
        owns: &[],
        planned: always,
        // the exposure choice is part of the cluster section (`cluster.exposure`)
        validate: |p, i| {
            cluster::validate(p, i);
            exposure::validate(p, i);
        },
        plan: |p, _| Some(cluster::plan(p)),
        form: cluster::form,
        needs: &[],
    },
    StepDecl {
        id: StepId::IsImage,
        owns: &[&["identityServer", "image"]],
        planned: is,
        validate: is_image::validate,
        plan: is_image::plan,
        form: is_image::form,
        // the build only needs the tools checked and the delivery decided (kind load, push)
        needs: &[StepId::Prerequisites],
    },
    StepDecl {
        id: StepId::Keystores,
        owns: &[&["keystores"]],
        planned: is_or_am,
        validate: keystores::validate,
        plan: |p, _| Some(keystores::plan(p)),
        form: keystores::form,
        // the namespace and the checks come first; the key pairs need nothing else
        needs: &[StepId::Prerequisites],
    },
    StepDecl {
        id: StepId::SecureVault,
        owns: &[&["secureVault"]],
        planned: am,
        validate: secure_vault::validate,
        plan: |p, _| secure_vault::plan(p),
        form: secure_vault::form,
        // a check of the CSI driver: nothing of kmpilot's own
        needs: &[StepId::Prerequisites],
    },
    StepDecl {
        id: StepId::IdentityServer,
        owns: &[&["identityServer"]],
        planned: is,
        validate: identity_server::validate,
        plan: |p, a| {
            Some(identity_server::plan(
                p,
                a,
                verify_spec::spec(p, ChartKind::IdentityServer),
            ))
        },
        form: identity_server::form,
        // the chart mounts the keystores' Secret and runs the image built for it
        needs: &[StepId::Keystores, StepId::IsImage],
    },
    StepDecl {
        id: StepId::ApiManager,
        owns: &[&["apiManager"]],
        planned: am,
        validate: api_manager::validate,
        plan: |p, a| {
            Some(api_manager::plan(
                p,
                a,
                verify_spec::spec(p, ChartKind::ApiManager),
            ))
        },
        form: api_manager::form,
        // the chart mounts the keystores' Secret; secure vault encrypts with the internal key
        // after the CSI driver is known to be there. API-M does not need IS to start
        needs: &[StepId::Keystores, StepId::SecureVault],
    },
    StepDecl {
        id: StepId::Dns,
        owns: &[&["dns"]],
        planned: is_or_am,
        validate: dns::validate,
        plan: dns::plan,
        form: dns::form,
        // the ingresses exist once both charts are installed
        needs: &[StepId::IdentityServer, StepId::ApiManager],
    },
    StepDecl {
        id: StepId::KeyManager,
        owns: &[&["keyManager"]],
        planned: |p| is(p) && am(p),
        validate: key_manager::validate,
        plan: key_manager::plan,
        form: key_manager::form,
        // both servers answer (helm --wait), and their public names resolve
        needs: &[StepId::IdentityServer, StepId::ApiManager, StepId::Dns],
    },
    StepDecl {
        id: StepId::PrivateJet,
        owns: &[&["privateJet"]],
        planned: always,
        validate: private_jet::validate,
        plan: private_jet::plan,
        form: private_jet::form,
        // its targets are other clusters; the merged ContainerMgt block is a file for the
        // person's own API-M 3.2, which kmpilot does not install
        needs: &[StepId::Prerequisites],
    },
    StepDecl {
        id: StepId::KmsSts,
        owns: &[&["kmsSts"]],
        planned: always,
        validate: kms_sts::validate,
        plan: kms_sts::plan,
        form: kms_sts::form,
        // the KMS cluster's own STS pods and mesh; nothing of the IS/API-M deployment
        needs: &[StepId::Prerequisites],
    },
    StepDecl {
        id: StepId::Prove,
        owns: &[&["keyManager", "prove"]],
        planned: prove::planned,
        validate: prove::validate,
        plan: prove::plan,
        form: prove::form,
        // a registered key manager, and with it both servers answering
        needs: &[StepId::KeyManager],
    },
];

/// The declaration of step `id`.
pub fn decl(id: StepId) -> &'static StepDecl {
    STEPS
        .iter()
        .find(|s| s.id == id)
        .expect("every StepId is declared in STEPS (a test checks it)")
}

/// The step a profile path (a validation issue's) belongs to.
pub fn owner_of(path: &[Seg]) -> StepId {
    let matches = |owned: &[&str]| {
        owned.len() <= path.len()
            && owned
                .iter()
                .zip(path)
                .all(|(o, s)| matches!(s, Seg::Key(k) if k == o))
    };
    STEPS
        .iter()
        .flat_map(|s| s.owns.iter().map(move |o| (s.id, *o)))
        .filter(|(_, o)| matches(o))
        .max_by_key(|(_, o)| o.len())
        .map(|(id, _)| id)
        .unwrap_or(STEPS[0].id)
}

/// Every step's fields in wizard order (the registry's), by step name.
pub fn forms(p: &Profile) -> Vec<(&'static str, Vec<Field>)> {
    STEPS.iter().map(|d| (d.id.as_str(), (d.form)(p))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_is_declared_once_in_step_id_order() {
        let ids: Vec<StepId> = STEPS.iter().map(|s| s.id).collect();
        assert_eq!(ids, StepId::all().collect::<Vec<_>>());
    }

    #[test]
    fn issues_go_to_the_step_with_the_longest_owned_path() {
        let p = |s: &[&str]| -> Vec<Seg> { s.iter().map(|k| Seg::Key(k.to_string())).collect() };
        assert_eq!(
            owner_of(&p(&["identityServer", "image", "tag"])),
            StepId::IsImage
        );
        assert_eq!(
            owner_of(&p(&["identityServer", "hostname"])),
            StepId::IdentityServer
        );
        assert_eq!(owner_of(&p(&["keyManager", "name"])), StepId::KeyManager);
        assert_eq!(
            owner_of(&p(&["cluster", "namespace"])),
            StepId::Prerequisites
        );
        assert_eq!(owner_of(&p(&["name"])), StepId::Prerequisites);
    }
}

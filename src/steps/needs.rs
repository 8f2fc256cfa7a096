//! Resolving what each step needs (declared once, in `registry`) against the steps a profile
//! really has: a step left out passes its own needs on, and the executor runs every step
//! whose needs are met, side by side.

use super::registry;
use crate::plan::StepId;

/// The steps `id` needs finished first, as the registry declares them.
fn declared(id: StepId) -> &'static [StepId] {
    registry::decl(id).needs
}

/// `declared`, resolved against the steps `present` in a plan: a need that is not there is
/// replaced by what it needs itself, then needs implied by another need are dropped (IS
/// needs keystores, which needs prerequisites: IS lists keystores only).
pub fn resolve(id: StepId, present: &[StepId]) -> Vec<StepId> {
    let mut direct: Vec<StepId> = Vec::new();
    let mut stack: Vec<StepId> = declared(id).to_vec();
    while let Some(n) = stack.pop() {
        if present.contains(&n) {
            if !direct.contains(&n) {
                direct.push(n);
            }
        } else {
            stack.extend_from_slice(declared(n));
        }
    }
    let implied = |n: StepId| {
        direct
            .iter()
            .any(|&m| m != n && closure(m, present).contains(&n))
    };
    let mut v: Vec<StepId> = direct.iter().copied().filter(|&n| !implied(n)).collect();
    v.sort_by_key(|n| present.iter().position(|p| p == n));
    v
}

/// Every present step `id` needs, directly or through others.
fn closure(id: StepId, present: &[StepId]) -> Vec<StepId> {
    let mut seen = Vec::new();
    let mut stack: Vec<StepId> = declared(id).to_vec();
    while let Some(n) = stack.pop() {
        if !seen.contains(&n) {
            seen.push(n);
            stack.extend_from_slice(declared(n));
        }
    }
    seen.retain(|n| present.contains(n));
    seen
}

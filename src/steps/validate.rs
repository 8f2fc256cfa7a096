//! Validation over the registry: every step's checks, in the steps' order.

use super::registry;
use crate::profile::Profile;
use crate::profile::diagnostics::Issues;

/// Every problem in the profile, not just the first: the document's, then every step's checks
/// in the steps' order.
pub fn validate(p: &Profile) -> Issues {
    let mut issues = Issues::default();
    p.check_document(&mut issues);
    for s in registry::STEPS {
        (s.validate)(p, &mut issues);
    }
    // what the versions make impossible across steps (PrivateJet on 4.x, IS 7 on 3.2, …)
    crate::compat::validate(p, &mut issues);
    issues
}

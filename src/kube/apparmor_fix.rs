//! What a node without AppArmor needs, in one sentence: a rejected pod's row (`rows`) and the
//! executor's stop (`exec::run_command`) both say it.

/// The fix kmpilot applies, and tells a user whose pod was rejected.
pub const APPARMOR_FIX: &str = "the node has no AppArmor: set identityServer.appArmor: disabled (kmpilot then writes deployment.apparmor.enabled: false into the IS values), or leave it on auto, which decides from the nodes";

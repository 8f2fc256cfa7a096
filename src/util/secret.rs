//! The secret string: zeroized when dropped, never printed (`Debug` and `Display` mask it).
//! The keystore crate defines it, because it needs it too and cannot depend on kmpilot;
//! kmpilot's own code names it here.

pub use kmpilot_keystore::Secret;

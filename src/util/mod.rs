//! General utilities that know nothing of kmpilot's types: writing a file atomically, the
//! secret string type.

pub mod atomic_file;
pub mod secret;

//! The key manager's conversations: discovery (IS's OpenID well-known document) and the
//! registration through the API-M Admin REST API (register, read back, remove).

mod conversation;
pub mod discover;
pub mod prove;
pub mod register;
pub mod registered;
pub mod session;

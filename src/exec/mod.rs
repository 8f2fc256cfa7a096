//! The executor: runs a plan's actions in order, with side effects (processes, Kubernetes API,
//! HTTP, files), reporting `Event`s. Nothing outside this module changes the world.

pub mod events;

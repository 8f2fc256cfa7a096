//! The DEBUG log file in the state directory (`kmpilot.log`). Secret values are scrubbed before
//! any line reaches a logger, so the file is safe to attach to a support ticket.

use std::path::Path;

/// Installs the file logger; returns the path, or None when the file cannot be opened (the
/// run goes on without a log rather than failing).
pub fn init(state_dir: &Path) -> Option<std::path::PathBuf> {
    let _ = std::fs::create_dir_all(state_dir);
    let path = state_dir.join("kmpilot.log");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("KMPILOT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("kmpilot=debug"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init()
        .ok()?;
    Some(path)
}

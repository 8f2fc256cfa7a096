//! Writing a file so that a reader sees the old content or the new, never a half-written one:
//! profiles, the journal, the ledger, artifacts, keystores, the hosts file all go through it.

use std::io::Write;
use std::path::Path;

/// The file that could not be written, and why.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct WriteError {
    pub path: String,
    #[source]
    pub source: std::io::Error,
}

/// Temp file in the target's directory (same file system, so rename is atomic), synced, then
/// renamed over the target. The target keeps its old content until the rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_atomic_with(path, |f| f.write_all(bytes))
}

/// The same, with the content produced by `fill`; if it fails, the target is untouched and
/// the temporary file is removed.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    let io = |source| WriteError {
        path: path.display().to_string(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".kmpilot-")
        .tempfile_in(dir)
        .map_err(io)?;
    fill(tmp.as_file_mut()).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    // keep the permissions a user gave an existing file (profiles may be private)
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

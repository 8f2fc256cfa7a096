//! Saving a profile: YAML through serde-saphyr, written to a temporary file in the same
//! directory and renamed over the old one, so a crash or a full disk leaves the previous
//! profile intact. Literal secrets are never written: they become `prompt: true`.

use std::io::Write;
use std::path::Path;

use serde_json::Value;

use super::Profile;
use super::secret::MASK;

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot render the profile: {0}")]
    Render(String),
}

/// The YAML kmpilot writes for `p`, and the paths of literal secrets it replaced by prompts.
pub fn to_yaml(p: &Profile) -> Result<(String, Vec<String>), SaveError> {
    let mut v = serde_json::to_value(p).map_err(|e| SaveError::Render(e.to_string()))?;
    let mut replaced = Vec::new();
    drop_literals(&mut v, &mut String::new(), &mut replaced);
    let body = serde_saphyr::to_string(&v).map_err(|e| SaveError::Render(e.to_string()))?;
    Ok((
        format!("# kmpilot profile. `kmpilot validate -f <this file>` checks it.\n{body}"),
        replaced,
    ))
}

fn drop_literals(v: &mut Value, path: &mut String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if m.len() == 1 && m.get("literal") == Some(&Value::String(MASK.into())) {
                *v = serde_json::json!({"prompt": true});
                out.push(path.clone());
                return;
            }
            for (k, child) in m.iter_mut() {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                drop_literals(child, path, out);
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                drop_literals(child, path, out);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Writes `p` to `path` atomically; returns the paths of literal secrets left out.
pub fn save(p: &Profile, path: &Path) -> Result<Vec<String>, SaveError> {
    let (text, replaced) = to_yaml(p)?;
    write_atomic(path, text.as_bytes())?;
    Ok(replaced)
}

/// Temp file in the target's directory (same file system, so rename is atomic), synced, then
/// renamed over the target. The target keeps its old content until the rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    write_atomic_with(path, |f| f.write_all(bytes))
}

/// The same, with the content produced by `fill`; if it fails, the target is untouched and
/// the temporary file is removed.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), SaveError> {
    let io = |source| SaveError::Io {
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

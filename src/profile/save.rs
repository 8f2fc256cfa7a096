//! Saving a profile: YAML through serde-saphyr, written to a temporary file in the same
//! directory and renamed over the old one, so a crash or a full disk leaves the previous
//! profile intact. Literal secrets are never written: they become `prompt: true`.

use std::path::Path;

use super::Profile;
use super::written::as_written;
use crate::util::atomic_file::{WriteError, write_atomic};

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

impl From<WriteError> for SaveError {
    fn from(e: WriteError) -> Self {
        SaveError::Io {
            path: e.path,
            source: e.source,
        }
    }
}

/// The YAML kmpilot writes for `p`, and the paths of literal secrets it replaced by prompts.
pub fn to_yaml(p: &Profile) -> Result<(String, Vec<String>), SaveError> {
    let (v, replaced) = as_written(p).map_err(|e| SaveError::Render(e.to_string()))?;
    let body = serde_saphyr::to_string(&v).map_err(|e| SaveError::Render(e.to_string()))?;
    Ok((
        format!("# kmpilot profile. `kmpilot validate -f <this file>` checks it.\n{body}"),
        replaced,
    ))
}

/// Writes `p` to `path` atomically; returns the paths of literal secrets left out.
pub fn save(p: &Profile, path: &Path) -> Result<Vec<String>, SaveError> {
    let (text, replaced) = to_yaml(p)?;
    write_atomic(path, text.as_bytes())?;
    Ok(replaced)
}

/// How a save went: the literal secrets left out, and what became of the file's own layout
/// (its comments, order, flow mappings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub replaced: Vec<String>,
    pub layout: Layout,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// The changed values were replaced where they stand.
    Kept,
    /// The change was more than values in place: the profile was written whole.
    Rewritten,
    /// There was no file to keep the layout of.
    New,
}

/// Writes `p` to `path` atomically, as `original` (the text of the file it was loaded from,
/// the same path or not) with the changed values replaced in place when that expresses the
/// change (`edit_in_place`), else rendered whole.
pub fn save_over(p: &Profile, path: &Path, original: Option<&str>) -> Result<Saved, SaveError> {
    let (value, replaced) = as_written(p).map_err(|e| SaveError::Render(e.to_string()))?;
    if let Some(text) = original.and_then(|o| super::edit_in_place::edit(o, &value)) {
        write_atomic(path, text.as_bytes())?;
        return Ok(Saved {
            replaced,
            layout: Layout::Kept,
        });
    }
    let replaced = save(p, path)?;
    Ok(Saved {
        replaced,
        layout: match original {
            Some(_) => Layout::Rewritten,
            None => Layout::New,
        },
    })
}

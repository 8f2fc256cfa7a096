//! The profile store: `<config dir>/kmpilot/profiles/NAME.yaml` (the OS config dir from
//! `directories`, or `KMPILOT_CONFIG_DIR`). Any path works too wherever a profile is asked for.

use std::path::{Path, PathBuf};

pub fn config_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("KMPILOT_CONFIG_DIR") {
        return PathBuf::from(d);
    }
    directories::ProjectDirs::from("", "", "kmpilot")
        .map(|d| d.config_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".kmpilot"))
}

/// The state directory (journals, ledgers, logs, the last profile): `KMPILOT_STATE_DIR`, else the OS state/data dir for kmpilot.
pub fn state_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("KMPILOT_STATE_DIR") {
        return PathBuf::from(d);
    }
    directories::ProjectDirs::from("", "", "kmpilot")
        .map(|d| {
            d.state_dir()
                .unwrap_or_else(|| d.data_local_dir())
                .to_path_buf()
        })
        .unwrap_or_else(|| PathBuf::from(".kmpilot-state"))
}

pub fn profiles_dir() -> PathBuf {
    config_dir().join("profiles")
}

pub fn path_for(name: &str) -> PathBuf {
    profiles_dir().join(format!("{name}.yaml"))
}

/// `-f` takes a path, or a name in the store when no such file exists and the argument looks
/// like a name (no slash, no extension).
pub fn resolve(arg: &str) -> PathBuf {
    let p = Path::new(arg);
    if p.exists() || arg.contains('/') || arg.ends_with(".yaml") || arg.ends_with(".yml") {
        p.to_path_buf()
    } else {
        path_for(arg)
    }
}

/// Names of the stored profiles, sorted.
pub fn list() -> std::io::Result<Vec<String>> {
    let dir = profiles_dir();
    let mut names = Vec::new();
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(names),
        Err(e) => return Err(e),
    };
    for e in entries {
        let path = e?.path();
        if path.extension().is_some_and(|x| x == "yaml")
            && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
            && !stem.starts_with('.')
        {
            names.push(stem.to_string());
        }
    }
    names.sort();
    Ok(names)
}

/// Where the wizard notes the profile it last opened or saved (in the state dir: it is not a
/// setting).
fn last_profile_file() -> PathBuf {
    state_dir().join("last-profile")
}

/// Notes `path` as the profile bare `kmpilot` opens next time.
pub fn remember_last(path: &Path) {
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let _ = crate::util::atomic_file::write_atomic(
        &last_profile_file(),
        abs.display().to_string().as_bytes(),
    );
}

/// The profile last opened or saved in the wizard, if it still exists.
pub fn last() -> Option<PathBuf> {
    std::fs::read_to_string(last_profile_file())
        .ok()
        .map(|s| PathBuf::from(s.trim()))
        .filter(|p| p.exists())
}

/// Why a profile cannot be opened in the wizard.
#[derive(Debug)]
pub enum Unreadable {
    Io(String),
    /// Not a profile (syntax, types): `validate`'s issues.
    Invalid(Vec<crate::profile::diagnostics::Issue>),
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unreadable::Io(e) => f.write_str(e),
            Unreadable::Invalid(issues) => {
                let all: Vec<String> = issues
                    .iter()
                    .map(|i| format!("{}: {}", i.path, i.message))
                    .collect();
                f.write_str(&all.join("; "))
            }
        }
    }
}

/// Reads a profile for the wizard (`kmpilot tui -f`, Ctrl-O): wrong values are fine (the
/// wizard shows and fixes them), a file that cannot be read as a profile is not.
pub fn read_for_wizard(
    path: &Path,
    validate: crate::profile::load::Validate,
) -> Result<crate::profile::Profile, Unreadable> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Unreadable::Io(format!("cannot read profile {}: {e}", path.display())))?;
    match crate::profile::load::check(&text, validate) {
        (Some(p), _) => Ok(p),
        (None, issues) => Err(Unreadable::Invalid(issues)),
    }
}

use std::path::Path;

use super::args::Cli;
use super::support::{EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, load_profile};
use crate::plan::{self, ArtifactKind};
use crate::util::atomic_file::write_atomic;

/// Marks a directory as kmpilot's, so a second export may replace the first but never a
/// directory of the user's own files.
const MARKER: &str = ".kmpilot-export";

pub fn run(cli: &Cli, file: &str, dir: &Path) -> u8 {
    let (_, loaded) = match load_profile(cli, file) {
        Ok(l) => l,
        Err(code) => return code,
    };
    if let Ok(mut entries) = std::fs::read_dir(dir)
        && entries.next().is_some()
        && !dir.join(MARKER).exists()
    {
        eprintln!(
            "error: {} is not empty and holds no earlier kmpilot export",
            dir.display()
        );
        eprintln!(
            "    hint: choose a new or empty directory; kmpilot never overwrites files it did not write"
        );
        return EXIT_BAD_INPUT;
    }
    let plan = crate::steps::plan(&loaded.profile);
    let write = |rel: &str, bytes: &[u8]| write_atomic(&dir.join(rel), bytes);
    if let Err(e) = write(MARKER, format!("profile: {}\n", plan.profile).as_bytes()) {
        eprintln!("error: {e}");
        return EXIT_FAILED;
    }
    for a in &plan.artifacts {
        if let Err(e) = write(&a.path, a.content.as_bytes()) {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
        if a.kind == ArtifactKind::Shell {
            use std::os::unix::fs::PermissionsExt;
            let _ =
                std::fs::set_permissions(dir.join(&a.path), std::fs::Permissions::from_mode(0o755));
        }
    }
    println!("wrote {} files to {}", plan.artifacts.len(), dir.display());
    println!("run them with: {}/{}", dir.display(), plan::runbook::FILE);
    EXIT_OK
}

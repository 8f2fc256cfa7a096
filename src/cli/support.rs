//! What the commands share: the exit codes, loading the profile (with `--context`/`-n`
//! applied and its problems printed), and the runtime the cluster commands run on. Exit codes
//! follow the convention kubectl users expect: 0 ok, 1 a step failed, 2 bad input.

use std::path::PathBuf;

use super::args::Cli;
use crate::profile::diagnostics::Issue;
use crate::profile::load::{self, LoadError, Loaded};
use crate::profile::{Profile, store};

pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_BAD_INPUT: u8 = 2;

/// Loads `-f`, applies `--context`/`-n`, and prints the problems of a bad profile. `Err`
/// carries the exit code.
pub(crate) fn load_profile(cli: &Cli, file: &str) -> Result<(PathBuf, Loaded), u8> {
    let path = store::resolve(file);
    match load::from_path(&path, crate::steps::validate) {
        Ok(mut loaded) => {
            apply_overrides(cli, &mut loaded.profile);
            // overrides are input too
            let issues = crate::steps::validate(&loaded.profile);
            if issues.has_errors() {
                print_issues(&path.display().to_string(), &issues.list);
                return Err(EXIT_BAD_INPUT);
            }
            print_issues(&path.display().to_string(), &loaded.warnings);
            Ok((path, loaded))
        }
        Err(LoadError::Io { path, source }) => {
            eprintln!("error: cannot read profile {path}: {source}");
            if source.kind() == std::io::ErrorKind::NotFound {
                eprintln!("    hint: give a path, or a name from `kmpilot profiles list`");
            }
            Err(EXIT_BAD_INPUT)
        }
        Err(e) => {
            print_issues(&path.display().to_string(), e.issues());
            Err(EXIT_BAD_INPUT)
        }
    }
}

pub(crate) fn apply_overrides(cli: &Cli, p: &mut Profile) {
    if let Some(c) = &cli.context {
        p.cluster.context = Some(c.clone());
    }
    if let Some(n) = &cli.namespace {
        p.cluster.namespace = n.clone();
    }
}

pub(crate) fn print_issues(source: &str, issues: &[Issue]) {
    for i in issues {
        eprintln!("{}", i.render(source));
    }
}

/// The multi-threaded runtime the commands that talk to the cluster run on; `None` once the
/// reason it could not start was said.
pub(crate) fn runtime() -> Option<tokio::runtime::Runtime> {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => Some(r),
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            None
        }
    }
}

//! `kmpilot` and `kmpilot tui -f P`: the wizard. Remembers the last profile it opened.

use std::path::PathBuf;

use super::args::Cli;
use super::support::{EXIT_BAD_INPUT, EXIT_FAILED, apply_overrides, print_issues};
use crate::profile::{Profile, store};

pub fn run(cli: &Cli, file: Option<&str>) -> u8 {
    let path: Option<PathBuf> = match file {
        Some(f) => Some(store::resolve(f)),
        None => store::last(),
    };
    let mut profile = match &path {
        None => Profile::quickstart("quickstart"),
        // wrong values are fixed in the wizard; a file it cannot read is not opened
        Some(p) => match store::read_for_wizard(p, crate::steps::validate) {
            Ok(profile) => profile,
            Err(store::Unreadable::Io(e)) => {
                eprintln!("error: {e}");
                return EXIT_BAD_INPUT;
            }
            Err(store::Unreadable::Invalid(issues)) => {
                print_issues(&p.display().to_string(), &issues);
                return EXIT_BAD_INPUT;
            }
        },
    };
    apply_overrides(cli, &mut profile);
    if let Some(p) = &path {
        store::remember_last(p);
    }
    let _log = super::logging::init(&crate::profile::store::state_dir());
    match crate::tui::run(crate::tui::TuiOptions {
        profile_path: path,
        profile,
        start_on_review: false,
    }) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            EXIT_FAILED
        }
    }
}

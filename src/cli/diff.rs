//! `kmpilot diff -f P`: what `apply` would change in the live cluster, per step, secrets never
//! shown. Exit codes as `kubectl diff`: 0 nothing would change, 1 something would, 2 bad input,
//! 3 a comparison failed (the cluster, helm or API-M did not answer).

use std::io::IsTerminal;

use super::args::{Cli, Format};
use super::support::load_profile;
use crate::exec::diff::{self, render};

pub fn run(cli: &Cli, file: &str, output: Format) -> u8 {
    let (path, loaded) = match load_profile(cli, file) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let base_dir = crate::exec::base_dir(Some(&path));
    let Some(runtime) = super::support::runtime() else {
        return diff::EXIT_DIFF_ERROR;
    };
    let report = runtime.block_on(diff::diff_profile(&loaded.profile, &base_dir));
    match output {
        Format::Text => {
            let color = !cli.no_color && std::io::stdout().is_terminal();
            print!("{}", render::text(&report, color));
        }
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&render::json(&report)).unwrap_or_default()
        ),
        Format::Yaml => print!("{}", crate::render::yaml(&render::json(&report))),
    }
    report.exit_code()
}

use super::args::{Cli, Format};
use super::support::{EXIT_BAD_INPUT, EXIT_OK, apply_overrides};
use crate::profile::diagnostics::Issue;
use crate::profile::load::{self, LoadError};
use crate::profile::store;

pub fn run(cli: &Cli, file: &str, output: Format) -> u8 {
    let path = store::resolve(file);
    let source = path.display().to_string();
    let issues: Vec<Issue> = match load::from_path(&path, crate::steps::validate) {
        Ok(mut loaded) => {
            apply_overrides(cli, &mut loaded.profile);
            let mut v = loaded.warnings;
            if cli.context.is_some() || cli.namespace.is_some() {
                v = crate::steps::validate(&loaded.profile).list;
            }
            v
        }
        Err(LoadError::Io { path, source }) => {
            eprintln!("error: cannot read profile {path}: {source}");
            return EXIT_BAD_INPUT;
        }
        Err(e) => e.issues().to_vec(),
    };
    let errors = issues.iter().filter(|i| i.is_error()).count();
    let warnings = issues.len() - errors;
    match output {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"file": source, "valid": errors == 0, "issues": issues})
            )
            .unwrap_or_default()
        ),
        Format::Yaml => print!(
            "{}",
            crate::render::yaml(
                &serde_json::json!({"file": source, "valid": errors == 0, "issues": issues})
            )
        ),
        Format::Text => {
            for i in &issues {
                eprintln!("{}", i.render(&source));
            }
            if errors == 0 {
                println!("{source}: valid ({warnings} warning(s))");
            } else {
                eprintln!("{source}: {errors} error(s), {warnings} warning(s)");
            }
        }
    }
    if errors == 0 { EXIT_OK } else { EXIT_BAD_INPUT }
}

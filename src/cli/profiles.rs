use super::args::{Format, ProfilesCommand};
use super::support::{EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, print_issues};
use crate::profile::load::{self, LoadError};
use crate::profile::{Profile, checks, save, store};

pub fn run(cmd: &ProfilesCommand) -> u8 {
    match cmd {
        ProfilesCommand::List { output } => match store::list() {
            Ok(names) => {
                match output {
                    Format::Json => println!(
                        "{}",
                        serde_json::json!({"dir": store::profiles_dir(), "profiles": names})
                    ),
                    Format::Yaml => print!(
                        "{}",
                        crate::render::yaml(
                            &serde_json::json!({"dir": store::profiles_dir(), "profiles": names})
                        )
                    ),
                    Format::Text if names.is_empty() => {
                        println!(
                            "no profiles in {} (create one with `kmpilot profiles new NAME`)",
                            store::profiles_dir().display()
                        )
                    }
                    Format::Text => names.iter().for_each(|n| println!("{n}")),
                }
                EXIT_OK
            }
            Err(e) => {
                eprintln!(
                    "error: cannot list {}: {e}",
                    store::profiles_dir().display()
                );
                EXIT_FAILED
            }
        },
        ProfilesCommand::Show { name } => {
            let path = store::resolve(name);
            match load::from_path(&path, crate::steps::validate) {
                Ok(l) => match save::to_yaml(&l.profile) {
                    Ok((text, _)) => {
                        print!("{text}");
                        EXIT_OK
                    }
                    Err(e) => {
                        eprintln!("error: {e}");
                        EXIT_FAILED
                    }
                },
                Err(LoadError::Io { path, source }) => {
                    eprintln!("error: cannot read profile {path}: {source}");
                    EXIT_BAD_INPUT
                }
                Err(e) => {
                    print_issues(&path.display().to_string(), e.issues());
                    EXIT_BAD_INPUT
                }
            }
        }
        // dispatched to import_cmd by cli::run (it needs --context and -n)
        ProfilesCommand::Import { .. } => unreachable!("handled by cli::run"),
        ProfilesCommand::New { name, force } => {
            if !checks::is_k8s_label(name) {
                eprintln!("error: `{name}` is not a profile name");
                eprintln!(
                    "    expected: lower-case letters, digits and '-', at most 63 characters"
                );
                return EXIT_BAD_INPUT;
            }
            let path = store::path_for(name);
            if path.exists() && !force {
                eprintln!("error: {} exists", path.display());
                eprintln!("    hint: pass --force to replace it, or choose another name");
                return EXIT_BAD_INPUT;
            }
            match save::save(&Profile::quickstart(name), &path) {
                Ok(_) => {
                    println!("{}", path.display());
                    EXIT_OK
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    EXIT_FAILED
                }
            }
        }
    }
}

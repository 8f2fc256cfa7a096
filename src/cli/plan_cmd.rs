use super::{Cli, EXIT_FAILED, EXIT_OK, Format, load_profile};
use crate::plan::{self, describe};
use crate::render;

pub fn run(cli: &Cli, file: &str, output: Format, brief: bool, verify: bool) -> u8 {
    let (path, loaded) = match load_profile(cli, file) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let plan = plan::plan(&loaded.profile);
    // `plan` stays offline; `--verify` adds the rendered charts' findings
    let reports = if verify {
        let base_dir = crate::exec::base_dir(Some(&path));
        match super::verify_cmd::reports(&loaded.profile, &base_dir) {
            Some(r) => Some(r),
            None => {
                eprintln!("error: cannot start the runtime");
                return EXIT_FAILED;
            }
        }
    } else {
        None
    };
    match output {
        Format::Text => {
            print!("{}", describe::text(&plan, !brief));
            let plain = crate::verify::plaintext::planned_text(&loaded.profile);
            if !plain.is_empty() {
                print!("\nSecrets in plain text:\n{plain}");
            }
            if let Some(r) = &reports {
                print!("\nVerification:\n{}", super::verify_cmd::text(r));
            }
        }
        Format::Json => {
            let v = match &reports {
                Some(r) => {
                    serde_json::json!({"plan": plan, "verification": super::verify_cmd::json(r)})
                }
                None => serde_json::to_value(&plan).unwrap_or_default(),
            };
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Yaml => match &reports {
            Some(r) => print!(
                "{}",
                render::yaml(
                    &serde_json::json!({"plan": plan, "verification": super::verify_cmd::json(r)})
                )
            ),
            None => print!("{}", render::yaml(&plan)),
        },
    }
    match &reports {
        Some(r) => super::verify_cmd::exit_code(r),
        None => EXIT_OK,
    }
}

use super::{Cli, EXIT_OK, Format, load_profile};
use crate::plan::{self, describe};
use crate::render;

pub fn run(cli: &Cli, file: &str, output: Format, brief: bool) -> u8 {
    let (_, loaded) = match load_profile(cli, file) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let plan = plan::plan(&loaded.profile);
    match output {
        Format::Text => print!("{}", describe::text(&plan, !brief)),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&plan).unwrap_or_default()
        ),
        Format::Yaml => print!("{}", render::yaml(&plan)),
    }
    EXIT_OK
}

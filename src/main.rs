use std::process::ExitCode;

fn main() -> ExitCode {
    kmpilot::cli::main()
}

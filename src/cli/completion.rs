//! Shell completions and the man page.
//!
//! Completions are clap_complete's *dynamic* engine: the shell script `kmpilot completion SHELL`
//! prints only registers a hook that calls `COMPLETE=<shell> kmpilot -- <words>`, so the binary
//! answers with what is true now — subcommands, flags, and for `-f` the names in the profile
//! store next to matching files. A static script could not know the store's names, and would go
//! stale when commands change (the reason a stored script is never generated at build time).

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;
use clap_complete::env::Shells;

use super::args::Cli;
use super::candidates::Shell;
use super::support::{EXIT_FAILED, EXIT_OK};

/// The environment variable the registered hook sets (clap_complete's default).
const VAR: &str = "COMPLETE";
const BIN: &str = "kmpilot";

/// Answers a completion request (`COMPLETE=<shell> kmpilot -- …`) and exits; returns at once
/// on a normal run. Called before anything is parsed or printed.
pub fn answer_if_asked() {
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(VAR)
        .complete();
}

/// `kmpilot completion SHELL`: the hook to source from the shell's start-up file.
pub fn run(shell: Shell) -> u8 {
    let shells = Shells::builtins();
    let Some(completer) = shells.completer(shell.name()) else {
        eprintln!("error: no completion support for {}", shell.name());
        return EXIT_FAILED;
    };
    let mut buf = Vec::new();
    // `kmpilot` is looked up on PATH when the user presses Tab, so the script survives
    // reinstalls and upgrades.
    if let Err(e) = completer.write_registration(VAR, BIN, BIN, BIN, &mut buf) {
        eprintln!("error: cannot write the completion script: {e}");
        return EXIT_FAILED;
    }
    write_stdout(&buf)
}

/// `kmpilot man`: the manual page (roff) on standard output (`kmpilot man > kmpilot.1`), or
/// with `--dir DIR` one page per command, as git ships them (`kmpilot.1`, `kmpilot-apply.1`, …).
pub fn man(dir: Option<&Path>) -> u8 {
    let cmd = Cli::command();
    let Some(dir) = dir else {
        let mut buf = Vec::new();
        if let Err(e) = clap_mangen::Man::new(cmd).render(&mut buf) {
            eprintln!("error: cannot render the man page: {e}");
            return EXIT_FAILED;
        }
        return write_stdout(&buf);
    };
    match std::fs::create_dir_all(dir).and_then(|_| clap_mangen::generate_to(cmd, dir)) {
        Ok(()) => {
            println!("man pages written to {}", dir.display());
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: cannot write man pages to {}: {e}", dir.display());
            EXIT_FAILED
        }
    }
}

fn write_stdout(buf: &[u8]) -> u8 {
    let mut out = std::io::stdout().lock();
    match out.write_all(buf).and_then(|_| out.flush()) {
        Ok(()) => EXIT_OK,
        // a closed pipe (`| head`) is not an error worth a message
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_FAILED
        }
    }
}

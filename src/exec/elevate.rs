//! Writing a file this user may not write (the hosts file of a user who runs kmpilot as
//! themself) through `sudo`, with one elevated command and nothing else elevated.
//!
//! kmpilot stages the new content and a backup of the old in its own work directory (as the
//! user), then — with the person's consent — runs one command as root:
//!
//! ```text
//! sudo sh -c 'install -m MODE -o UID -g GID "$1" "$2.kmpilot-new" && mv -f "$2.kmpilot-new" "$2"' sh STAGED TARGET
//! ```
//!
//! `install` copies the staged file next to the target with the target's own mode and owner,
//! and `mv` renames it over the target: a rename in one directory, so readers see the old file
//! or the new one, never half of one (`sudo install STAGED /etc/hosts` alone unlinks and then
//! rewrites the target in place). The script is fixed; the paths are arguments, never spliced
//! into it.
//!
//! sudo's password: the wizard owns the terminal (its own thread reads every key), so sudo
//! cannot prompt on it. kmpilot first asks `sudo -n true` whether a password is needed at all
//! (cached credentials, NOPASSWD); when it is, the consent dialog has a masked password field
//! and sudo reads it from a pipe (`sudo -S -p ''`): never an argument, a file or a log line.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::ask::{self, AskKind, Question, Reply};
use super::ctx::{Ctx, Failure};

/// The script run as root: `$1` staged file, `$2` target (see the module's comment).
fn script(mode: u32, uid: u32, gid: u32) -> String {
    format!(
        r#"install -m {mode:o} -o {uid} -g {gid} "$1" "$2.kmpilot-new" && mv -f "$2.kmpilot-new" "$2""#
    )
}

/// One elevated replacement of `target` by `staged`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElevatedWrite {
    pub target: PathBuf,
    pub staged: PathBuf,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
}

impl ElevatedWrite {
    /// Keeps the mode and owner of an existing target; a new one is root's, 0644.
    pub fn new(target: &Path, staged: &Path) -> ElevatedWrite {
        use std::os::unix::fs::MetadataExt;
        let (mode, uid, gid) = std::fs::metadata(target)
            .map(|m| (m.mode() & 0o7777, m.uid(), m.gid()))
            .unwrap_or((0o644, 0, 0));
        ElevatedWrite {
            target: target.to_path_buf(),
            staged: staged.to_path_buf(),
            mode,
            uid,
            gid,
        }
    }

    /// The arguments after `sudo` (and its own options).
    pub fn args(&self) -> Vec<String> {
        vec![
            "sh".into(),
            "-c".into(),
            script(self.mode, self.uid, self.gid),
            "sh".into(),
            self.staged.display().to_string(),
            self.target.display().to_string(),
        ]
    }

    /// The one command a person can run themself, quoted for a POSIX shell.
    pub fn command_line(&self) -> String {
        let words: Vec<String> = std::iter::once("sudo".to_string())
            .chain(self.args())
            .map(|w| shlex::try_quote(&w).map(|q| q.into_owned()).unwrap_or(w))
            .collect();
        words.join(" ")
    }
}

/// Whether an error means "not allowed here" (rather than a broken path or disk).
pub fn is_permission(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
    )
}

/// Whether this process can replace `file` the way `write_atomic` does: create a temporary
/// file beside it (then rename). Only the directory matters for that.
pub fn can_replace(file: &Path) -> Result<(), std::io::Error> {
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    tempfile::Builder::new()
        .prefix(".kmpilot-probe-")
        .tempfile_in(dir)
        .map(drop)
}

/// Replaces `target` with `content` through sudo, after asking. `why` says why the plain
/// write was refused. The backup of the old content and the staged new one are kept in the
/// run's work directory (the target's directory is the one we cannot write).
pub(crate) async fn write(
    ctx: &mut Ctx<'_>,
    target: &Path,
    old: &str,
    content: &str,
    why: &std::io::Error,
) -> Result<(), Failure> {
    let stage = ctx.opts.work_dir.join("dns");
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "hosts".into());
    let staged = stage.join(format!("{name}.new"));
    let backup = stage.join(format!("{name}.kmpilot.bak"));
    if !old.is_empty() {
        crate::util::atomic_file::write_atomic(&backup, old.as_bytes()).map_err(Failure::from)?;
    }
    crate::util::atomic_file::write_atomic(&staged, content.as_bytes()).map_err(Failure::from)?;
    let w = ElevatedWrite::new(target, &staged);
    let command = w.command_line();
    let manual = |f: Failure| {
        f.hint(format!(
            "run `{command}`, then `kmpilot apply --resume` (or r in the wizard); or set dns.mode: print to print the lines for someone who can write {}",
            target.display()
        ))
    };
    let needs_password = match sudo_without_password(ctx).await {
        Some(n) => !n,
        None => {
            return Err(manual(Failure::new(format!(
                "{} is not writable by you ({why}) and sudo is not installed; the new content is staged in {}",
                target.display(),
                staged.display()
            ))));
        }
    };
    let mut text = vec![
        format!("{} is not writable by you ({why}).", target.display()),
        "kmpilot can replace it with this one command as root, nothing else:".into(),
        command.clone(),
    ];
    if !old.is_empty() {
        text.push(format!(
            "The file as it was is kept in {}.",
            backup.display()
        ));
    }
    let q = Question {
        kind: AskKind::Sudo,
        title: format!("Write {} with sudo?", target.display()),
        text,
        password: needs_password.then(|| "sudo password".to_string()),
        yes: "write with sudo".into(),
    };
    let password = match ask::ask(ctx.asker.as_ref(), q).await {
        Reply::No => {
            return Err(manual(Failure::new(format!(
                "{} is not writable by you ({why}); the new content is staged in {}",
                target.display(),
                staged.display()
            ))));
        }
        Reply::Yes { password } => password,
    };
    let mut args: Vec<String> = match &password {
        Some(_) => vec!["-S".into(), "-p".into(), String::new()],
        None => vec!["-n".into()],
    };
    args.extend(w.args());
    ctx.info(format!("running {command}"));
    let stdin = password.map(|p| format!("{}\n", p.expose()).into_bytes());
    let cwd = ctx.opts.work_dir.clone();
    let tx = ctx.tx.clone();
    let step = ctx.step;
    let r = super::process::run(
        super::process::Spec {
            program: "sudo",
            args: &args,
            cwd: &cwd,
            stdin,
            stdout_to: None,
            timeout: Duration::from_secs(120),
            env: &[],
        },
        |stream, line| {
            let _ = tx.send(super::events::Event::Output { step, stream, line });
        },
        ctx.cancel.clone(),
    )
    .await;
    if let Err(e) = r {
        let tail = match &e {
            super::process::ProcessError::Failed { tail, .. } => tail.join(" / "),
            _ => String::new(),
        };
        return Err(Failure::new(format!(
            "sudo did not write {}: {e}{}",
            target.display(),
            if tail.is_empty() {
                String::new()
            } else {
                format!(" ({tail})")
            }
        ))
        .hint(format!(
            "a wrong password? press r to be asked again; or run `{command}` yourself, then resume"
        )));
    }
    // trust, but verify: the file must now hold what was staged
    match std::fs::read_to_string(target) {
        Ok(now) if now == content => Ok(()),
        Ok(_) => Err(manual(Failure::new(format!(
            "sudo succeeded but {} does not hold the new content",
            target.display()
        )))),
        Err(e) => Err(Failure::new(format!(
            "cannot read {} after writing it: {e}",
            target.display()
        ))),
    }
}

/// `Some(true)` when sudo runs without a password now (cached credentials, NOPASSWD),
/// `Some(false)` when it needs one, `None` when there is no sudo.
async fn sudo_without_password(ctx: &Ctx<'_>) -> Option<bool> {
    let out = tokio::process::Command::new("sudo")
        .args(["-n", "true"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .current_dir(&ctx.opts.base_dir)
        .kill_on_drop(true)
        .status();
    match tokio::time::timeout(Duration::from_secs(20), out).await {
        Ok(Ok(s)) => Some(s.success()),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => None,
        _ => Some(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_keeps_mode_and_owner_and_quotes_paths() {
        let w = ElevatedWrite {
            target: "/etc/hosts".into(),
            staged: "/home/a b/.local/state/kmpilot/work/p/dns/hosts.new".into(),
            mode: 0o644,
            uid: 0,
            gid: 0,
        };
        assert_eq!(
            w.command_line(),
            r#"sudo sh -c 'install -m 644 -o 0 -g 0 "$1" "$2.kmpilot-new" && mv -f "$2.kmpilot-new" "$2"' sh '/home/a b/.local/state/kmpilot/work/p/dns/hosts.new' /etc/hosts"#
        );
    }

    /// The script the command line shows is the one a shell runs: it renames over the target
    /// and keeps the mode it was given.
    #[test]
    fn the_script_replaces_the_target_by_rename() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("hosts");
        std::fs::write(&target, "old\n").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        let inode = std::fs::metadata(&target).unwrap().ino();
        let staged = d.path().join("staged");
        std::fs::write(&staged, "new\n").unwrap();
        let w = ElevatedWrite::new(&target, &staged);
        assert_eq!(w.mode, 0o640);
        let st = std::process::Command::new(&w.args()[0])
            .args(&w.args()[1..])
            .status()
            .unwrap();
        assert!(st.success());
        let m = std::fs::metadata(&target).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new\n");
        assert_eq!(m.mode() & 0o777, 0o640);
        assert_ne!(m.ino(), inode, "a new file renamed over the old one");
        assert!(!d.path().join("hosts.kmpilot-new").exists());
    }
}

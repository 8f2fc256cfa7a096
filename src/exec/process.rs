//! Child processes (helm, docker, kubectl, istioctl): output streamed line by line as events,
//! secret values fed on stdin and scrubbed from output, exit status checked, a timeout, and the
//! child killed when the run is cancelled.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::watch;

use super::events::Stream;

#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    #[error("{program} is not installed (not found on PATH)")]
    NotFound { program: String },
    #[error("cannot start {program}: {source}")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{program} exited with {code}")]
    Failed {
        program: String,
        code: String,
        tail: Vec<String>,
    },
    #[error("{program} did not finish within {secs}s and was stopped")]
    Timeout { program: String, secs: u64 },
    #[error("{program} was stopped: the run was cancelled")]
    Cancelled { program: String },
    #[error("cannot write {path}: {source}")]
    Output {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

pub struct Spec<'a> {
    pub program: &'a str,
    pub args: &'a [String],
    pub cwd: &'a Path,
    pub stdin: Option<Vec<u8>>,
    /// Standard output goes to this file instead of the log.
    pub stdout_to: Option<&'a Path>,
    pub timeout: Duration,
    /// Variables added to the inherited environment (helm 4's `HELM_PLUGINS`).
    pub env: &'a [(String, String)],
}

/// Runs the process; `line` receives every output line (already scrubbed by the caller's
/// closure if it wants). Returns the last stderr lines on failure, for the error's hint.
pub async fn run(
    spec: Spec<'_>,
    mut line: impl FnMut(Stream, String),
    mut cancel: watch::Receiver<bool>,
) -> Result<(), ProcessError> {
    let program = spec.program.to_string();
    let mut cmd = tokio::process::Command::new(spec.program);
    cmd.args(spec.args)
        .envs(spec.env.iter().map(|(k, v)| (k, v)))
        .current_dir(spec.cwd)
        .stdin(if spec.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd.spawn().map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => ProcessError::NotFound {
            program: program.clone(),
        },
        _ => ProcessError::Spawn {
            program: program.clone(),
            source,
        },
    })?;
    if let (Some(bytes), Some(mut stdin)) = (spec.stdin, child.stdin.take()) {
        // written from a task so a child that does not read stdin cannot block us
        tokio::spawn(async move {
            let _ = stdin.write_all(&bytes).await;
            let _ = stdin.shutdown().await;
        });
    }
    let stdout = child.stdout.take().expect("piped");
    let stderr = child.stderr.take().expect("piped");
    let mut out_file = match spec.stdout_to {
        Some(p) => {
            if let Some(dir) = p.parent() {
                let _ = tokio::fs::create_dir_all(dir).await;
            }
            Some(
                tokio::fs::File::create(p)
                    .await
                    .map_err(|source| ProcessError::Output {
                        path: p.display().to_string(),
                        source,
                    })?,
            )
        }
        None => None,
    };
    let mut out_lines = BufReader::new(stdout).lines();
    let mut err_lines = BufReader::new(stderr).lines();
    let mut tail: Vec<String> = Vec::new();
    let deadline = tokio::time::sleep(spec.timeout);
    tokio::pin!(deadline);
    let (mut out_done, mut err_done) = (false, false);
    let status = loop {
        tokio::select! {
            l = out_lines.next_line(), if !out_done => match l {
                Ok(Some(l)) => match out_file.as_mut() {
                    Some(f) => {
                        f.write_all(l.as_bytes()).await.map_err(|source| ProcessError::Output { path: String::new(), source })?;
                        f.write_all(b"\n").await.map_err(|source| ProcessError::Output { path: String::new(), source })?;
                    }
                    None => line(Stream::Stdout, l),
                },
                _ => out_done = true,
            },
            l = err_lines.next_line(), if !err_done => match l {
                Ok(Some(l)) => {
                    tail.push(l.clone());
                    if tail.len() > 20 {
                        tail.remove(0);
                    }
                    line(Stream::Stderr, l);
                }
                _ => err_done = true,
            },
            s = child.wait(), if out_done && err_done => break s,
            _ = &mut deadline => {
                let _ = child.kill().await;
                return Err(ProcessError::Timeout { program, secs: spec.timeout.as_secs() });
            }
            _ = cancel.changed() => {
                if *cancel.borrow() {
                    let _ = child.kill().await;
                    return Err(ProcessError::Cancelled { program });
                }
            }
        }
    };
    if let Some(mut f) = out_file {
        let _ = f.flush().await;
    }
    let status = status.map_err(|source| ProcessError::Spawn {
        program: program.clone(),
        source,
    })?;
    if status.success() {
        Ok(())
    } else {
        let code = status
            .code()
            .map(|c| c.to_string())
            .unwrap_or_else(|| "a signal".into());
        Err(ProcessError::Failed {
            program,
            code,
            tail,
        })
    }
}

/// Why a read-only `helm` query (`list`, `get values`) gave no output; each caller words it.
pub enum QueryFailure {
    /// helm ran and failed: its standard error.
    Failed(String),
    CannotRun(std::io::Error),
    TimedOut,
}

/// A read-only `helm` query's standard output: no stdin, killed when dropped or after
/// `timeout`. For the reads of `doctor --bundle` and `profiles import`, not for the plan's
/// commands (those are `run`, with events and cancellation).
pub async fn helm_query(
    args: &[&str],
    flags: &[String],
    timeout: Duration,
) -> Result<String, QueryFailure> {
    let run = tokio::process::Command::new("helm")
        .args(args)
        .args(flags)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    match tokio::time::timeout(timeout, run).await {
        Ok(Ok(o)) if o.status.success() => Ok(String::from_utf8_lossy(&o.stdout).into_owned()),
        Ok(Ok(o)) => Err(QueryFailure::Failed(
            String::from_utf8_lossy(&o.stderr).trim().to_string(),
        )),
        Ok(Err(e)) => Err(QueryFailure::CannotRun(e)),
        Err(_) => Err(QueryFailure::TimedOut),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec<'a>(args: &'a [String], cwd: &'a Path) -> Spec<'a> {
        Spec {
            program: "bash",
            args,
            cwd,
            stdin: None,
            stdout_to: None,
            timeout: Duration::from_secs(10),
            env: &[],
        }
    }

    #[tokio::test]
    async fn streams_lines_checks_status_and_feeds_stdin() {
        let dir = tempfile::tempdir().unwrap();
        let (_tx, rx) = watch::channel(false);
        let args = vec![
            "-c".to_string(),
            "read x; echo got:$x; echo warn >&2; exit 3".to_string(),
        ];
        let mut s = spec(&args, dir.path());
        s.stdin = Some(b"hello\n".to_vec());
        let mut seen = Vec::new();
        let err = run(s, |st, l| seen.push((st, l)), rx).await.unwrap_err();
        assert!(
            seen.contains(&(Stream::Stdout, "got:hello".into())),
            "{seen:?}"
        );
        match err {
            ProcessError::Failed { code, tail, .. } => {
                assert_eq!(code, "3");
                assert_eq!(tail, vec!["warn".to_string()]);
            }
            e => panic!("{e}"),
        }
    }

    #[tokio::test]
    async fn timeout_and_cancel_stop_the_child() {
        let dir = tempfile::tempdir().unwrap();
        let args = vec!["-c".to_string(), "sleep 30".to_string()];
        let (_tx, rx) = watch::channel(false);
        let mut s = spec(&args, dir.path());
        s.timeout = Duration::from_millis(200);
        assert!(matches!(
            run(s, |_, _| {}, rx).await,
            Err(ProcessError::Timeout { .. })
        ));
        let (tx, rx) = watch::channel(false);
        let h = tokio::spawn(async move {
            let dir = tempfile::tempdir().unwrap();
            let args = vec!["-c".to_string(), "sleep 30".to_string()];
            run(spec(&args, dir.path()), |_, _| {}, rx).await
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        tx.send(true).unwrap();
        assert!(matches!(
            h.await.unwrap(),
            Err(ProcessError::Cancelled { .. })
        ));
    }

    #[tokio::test]
    async fn a_missing_program_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let (_tx, rx) = watch::channel(false);
        let s = Spec {
            program: "kmpilot-no-such-tool",
            args: &[],
            cwd: dir.path(),
            stdin: None,
            stdout_to: None,
            timeout: Duration::from_secs(1),
            env: &[],
        };
        assert!(matches!(
            run(s, |_, _| {}, rx).await,
            Err(ProcessError::NotFound { .. })
        ));
    }
}

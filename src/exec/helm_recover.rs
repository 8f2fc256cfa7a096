//! A Helm release an interrupted run left `pending-install` / `pending-upgrade` /
//! `pending-rollback` (helm killed, the laptop slept, Ctrl-C twice): the next `helm upgrade`
//! refuses ("another operation is in progress"), so before it the executor asks helm for the
//! release's state and, with the person's consent, rolls back to the last deployed revision —
//! or uninstalls the release when no revision was ever deployed (an interrupted first install).

use std::time::Duration;

use super::ask::{self, AskKind, Question, Reply};
use super::ctx::{Ctx, Failure};
use super::events::Event;
use super::process::{self, ProcessError, Spec};
use crate::plan::ReleaseRecovery;

/// What to do about a pending release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remedy {
    Rollback { to: u64 },
    Uninstall,
}

/// From `helm history -o json`: the revision to roll back to (the newest that was deployed or
/// superseded, i.e. ran), else an uninstall.
pub fn remedy(history_json: &str) -> Result<Remedy, String> {
    let h: Vec<serde_json::Value> = serde_json::from_str(history_json)
        .map_err(|e| format!("unexpected `helm history` output: {e}"))?;
    let to = h
        .iter()
        .filter(|r| matches!(r["status"].as_str(), Some("deployed" | "superseded")))
        .filter_map(|r| r["revision"].as_u64())
        .max();
    Ok(match to {
        Some(to) => Remedy::Rollback { to },
        None => Remedy::Uninstall,
    })
}

/// The release's status from `helm status -o json` (`pending-install`, `deployed`, …).
pub fn status(status_json: &str) -> Result<(String, u64), String> {
    let v: serde_json::Value = serde_json::from_str(status_json)
        .map_err(|e| format!("unexpected `helm status` output: {e}"))?;
    Ok((
        v["info"]["status"].as_str().unwrap_or_default().to_string(),
        v["version"].as_u64().unwrap_or(0),
    ))
}

fn args(words: &[&str], r: &ReleaseRecovery) -> Vec<String> {
    let mut a: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    a.extend(["-n".into(), r.namespace.clone()]);
    a.extend(r.helm_flags.iter().cloned());
    a
}

/// Runs helm quietly; Ok(stdout) or Err(what it said on stderr).
async fn helm_output(ctx: &Ctx<'_>, a: &[String]) -> Result<String, Failure> {
    let out = tokio::process::Command::new("helm")
        .args(a)
        .current_dir(&ctx.opts.work_dir)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    match tokio::time::timeout(Duration::from_secs(60), out).await {
        Ok(Ok(o)) if o.status.success() => Ok(String::from_utf8_lossy(&o.stdout).into_owned()),
        Ok(Ok(o)) => Err(Failure::new(
            String::from_utf8_lossy(&o.stderr).trim().to_string(),
        )),
        Ok(Err(e)) => Err(Failure::new(format!("cannot run helm: {e}"))),
        Err(_) => Err(Failure::new("helm did not answer within 60s")),
    }
}

pub async fn recover(ctx: &mut Ctx<'_>, r: &ReleaseRecovery) -> Result<(), Failure> {
    if ctx.opts.dry_run {
        return Ok(());
    }
    let st = match helm_output(ctx, &args(&["status", &r.release, "-o", "json"], r)).await {
        Ok(s) => s,
        // nothing installed yet: nothing to recover
        Err(f) if f.error.contains("not found") => return Ok(()),
        Err(f) => return Err(f),
    };
    let (state, revision) = status(&st).map_err(Failure::new)?;
    if !state.starts_with("pending-") {
        return Ok(());
    }
    let history = helm_output(ctx, &args(&["history", &r.release, "-o", "json"], r)).await?;
    let remedy = remedy(&history).map_err(Failure::new)?;
    let timeout = format!("{}s", r.timeout_secs.max(60));
    let (words, what): (Vec<String>, String) = match &remedy {
        Remedy::Rollback { to } => (
            args(
                &[
                    "rollback",
                    &r.release,
                    &to.to_string(),
                    "--wait",
                    "--timeout",
                    &timeout,
                ],
                r,
            ),
            format!("roll it back to revision {to}, the last one deployed"),
        ),
        Remedy::Uninstall => (
            args(
                &["uninstall", &r.release, "--wait", "--timeout", &timeout],
                r,
            ),
            "uninstall it (no revision of it was ever deployed), then install it again".into(),
        ),
    };
    let command = format!("helm {}", words.join(" "));
    let q = Question {
        kind: AskKind::RecoverRelease,
        title: format!("Helm release {} is stuck in {state}", r.release),
        text: vec![
            format!(
                "Revision {revision} of {}/{} is {state}: an earlier run was interrupted while helm worked on it, and helm refuses a new upgrade until it is settled.",
                r.namespace, r.release
            ),
            format!("kmpilot can {what}:"),
            command.clone(),
        ],
        password: None,
        yes: "recover the release".into(),
    };
    if let Reply::No = ask::ask(ctx.asker.as_ref(), q).await {
        return Err(Failure::new(format!(
            "helm release {}/{} is {state} (revision {revision}) after an interrupted run",
            r.namespace, r.release
        ))
        .hint(format!(
            "let kmpilot recover it (`kmpilot apply --resume --yes`, or answer yes in the wizard), or run `{command}` yourself and resume"
        )));
    }
    ctx.info(format!("recovering {}: {command}", r.release));
    let tx = ctx.tx.clone();
    let step = ctx.step;
    let cwd = ctx.opts.work_dir.clone();
    process::run(
        Spec {
            program: "helm",
            args: &words,
            cwd: &cwd,
            stdin: None,
            stdout_to: None,
            timeout: Duration::from_secs(r.timeout_secs.max(60) + 60),
            env: &[],
        },
        |stream, line| {
            let _ = tx.send(Event::Output { step, stream, line });
        },
        ctx.cancel.clone(),
    )
    .await
    .map_err(|e| {
        let tail = match &e {
            ProcessError::Failed { tail, .. } => format!(" ({})", tail.join(" / ")),
            _ => String::new(),
        };
        Failure::new(format!("{command} failed: {e}{tail}"))
    })?;
    // settled now: not pending any more (or gone)
    match helm_output(ctx, &args(&["status", &r.release, "-o", "json"], r)).await {
        Err(f) if f.error.contains("not found") => Ok(()),
        Err(f) => Err(f),
        Ok(s) => match status(&s).map_err(Failure::new)? {
            (st, _) if st.starts_with("pending-") => Err(Failure::new(format!(
                "helm release {} is still {st} after `{command}`",
                r.release
            ))),
            _ => Ok(()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interrupted_first_install_is_uninstalled_an_upgrade_rolled_back() {
        let first = r#"[{"revision":1,"status":"pending-install","chart":"x-1","app_version":"1","description":"Initial install underway"}]"#;
        assert_eq!(remedy(first).unwrap(), Remedy::Uninstall);
        let upgrade = r#"[{"revision":1,"status":"superseded"},{"revision":2,"status":"deployed"},{"revision":3,"status":"failed"},{"revision":4,"status":"pending-upgrade"}]"#;
        assert_eq!(remedy(upgrade).unwrap(), Remedy::Rollback { to: 2 });
        assert!(remedy("not json").is_err());
        let st = r#"{"name":"is","info":{"status":"pending-install"},"version":1}"#;
        assert_eq!(status(st).unwrap(), ("pending-install".into(), 1));
    }
}

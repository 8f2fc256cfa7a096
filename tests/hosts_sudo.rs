//! The hosts file of a user who does not run kmpilot as root: the DNS step finds the file's
//! directory not writable, and
//! - headless (`kmpilot apply`, no terminal) fails with the one command to run and a pointer
//!   to `dns.mode: print`, leaving the file as it was; the command, run as shown, writes it
//!   and `--resume` then finds the mapping in place;
//! - with someone to ask (the wizard's dialog), it writes the file through sudo with one
//!   command, the password on sudo's stdin only, a backup of the old file kept.
//!
//! `sudo` is tests/sudo-standin/sudo, a stand-in that checks passwords as sudo does and lifts
//! the test's write barrier (chattr +i as root, chmod 555 as a user) for the command it runs.
//! Alone in its binary: it puts the stand-in first on PATH.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use kmpilot::exec::ask::{AskKind, Asker, Question, Reply};
use kmpilot::exec::events::Event;
use kmpilot::exec::{self, RunOptions};
use kmpilot::plan::StepId;
use kmpilot::profile::Profile;
use kmpilot_keystore::Secret;
use tokio::sync::{mpsc, watch};

const OLD: &str = "127.0.0.1 localhost\n::1 localhost\n";

/// A directory this process cannot write (not even as root), with a hosts file in it.
struct Locked {
    dir: tempfile::TempDir,
    hosts: PathBuf,
    log: PathBuf,
}

fn root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

impl Locked {
    fn new() -> Locked {
        let dir = tempfile::tempdir().unwrap();
        let etc = dir.path().join("etc");
        std::fs::create_dir(&etc).unwrap();
        let hosts = etc.join("hosts");
        std::fs::write(&hosts, OLD).unwrap();
        let log = dir.path().join("sudo.log");
        let st = if root() {
            Command::new("chattr").arg("+i").arg(&etc).status()
        } else {
            Command::new("chmod").arg("555").arg(&etc).status()
        };
        assert!(st.unwrap().success(), "cannot lock {}", etc.display());
        // the barrier holds: a plain write is refused
        assert!(std::fs::write(etc.join("probe"), "x").is_err());
        Locked { dir, hosts, log }
    }
    fn etc(&self) -> PathBuf {
        self.hosts.parent().unwrap().to_path_buf()
    }
    /// The stand-in's calls, each a list of arguments.
    fn calls(&self) -> Vec<Vec<String>> {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        text.split("--- call\n")
            .filter(|c| !c.is_empty())
            .map(|c| c.lines().map(String::from).collect())
            .collect()
    }
}

impl Drop for Locked {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(self.etc()).status();
        let _ = Command::new("chmod").arg("755").arg(self.etc()).status();
    }
}

fn standin_path() -> String {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sudo-standin");
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn setup_env(l: &Locked, password: Option<&str>) {
    // SAFETY: each test in this binary sets the same variables before running; they run
    // one at a time (see `serial`)
    unsafe {
        std::env::set_var("PATH", standin_path());
        std::env::set_var("SUDO_STANDIN_LOG", &l.log);
        std::env::set_var("SUDO_STANDIN_UNLOCK", l.etc());
        match password {
            Some(p) => std::env::set_var("SUDO_STANDIN_PASSWORD", p),
            None => std::env::remove_var("SUDO_STANDIN_PASSWORD"),
        }
    }
}

/// The tests change the process's environment: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn profile(l: &Locked) -> Profile {
    let mut p = Profile::quickstart("sudo-hosts");
    p.dns.address = Some("10.20.30.40".into());
    p.dns.hosts_file = l.hosts.clone();
    p
}

/// Answers every question with `reply`, remembering what was asked.
struct Recorder {
    reply: Reply,
    asked: Mutex<Vec<Question>>,
}

impl Asker for Recorder {
    fn ask(&self, q: &Question) -> Reply {
        self.asked.lock().unwrap().push(q.clone());
        self.reply.clone()
    }
}

/// Runs the DNS step only, as the wizard's executor does; returns (ok, events).
fn run_dns(l: &Locked, p: &Profile, asker: Arc<Recorder>) -> (bool, Vec<Event>) {
    let plan = kmpilot::steps::plan(p);
    let opts = RunOptions {
        dry_run: false,
        resume: false,
        from: None,
        only: Some(StepId::Dns),
        work_dir: l.dir.path().join("work"),
        state_dir: l.dir.path().join("state"),
        base_dir: l.dir.path().to_path_buf(),
        concurrency: 1,
        skip: Vec::new(),
        allow_upgrade: false,
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let (_c, cancel) = watch::channel(false);
        let secrets = exec::secrets::Secrets::none();
        let ok = exec::run_asking(&plan, &opts, &secrets, tx, cancel, Some(asker)).await;
        let mut evs = Vec::new();
        while let Ok(e) = rx.try_recv() {
            evs.push(e);
        }
        (ok, evs)
    })
}

fn failure(evs: &[Event]) -> (String, String) {
    evs.iter()
        .find_map(|e| match e {
            Event::StepFailed { error, hint, .. } => {
                Some((error.clone(), hint.clone().unwrap_or_default()))
            }
            _ => None,
        })
        .expect("a failed step")
}

#[test]
fn with_consent_and_the_password_the_file_is_written_through_sudo_once() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let l = Locked::new();
    let pw = "s3cret-sudo-pw";
    setup_env(&l, Some(pw));
    let p = profile(&l);
    let asker = Arc::new(Recorder {
        reply: Reply::Yes {
            password: Some(Secret::new(pw)),
        },
        asked: Mutex::new(Vec::new()),
    });
    let (ok, evs) = run_dns(&l, &p, asker.clone());
    assert!(ok, "{evs:#?}");

    // the question named the file and showed the exact command, with a password field
    let asked = asker.asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 1);
    let q = &asked[0];
    assert_eq!(q.kind, AskKind::Sudo);
    assert_eq!(q.password.as_deref(), Some("sudo password"));
    let staged = l.dir.path().join("work/dns/hosts.new");
    let expected = format!(
        "sudo sh -c 'install -m 644 -o {uid} -g {gid} \"$1\" \"$2.kmpilot-new\" && mv -f \"$2.kmpilot-new\" \"$2\"' sh {} {}",
        staged.display(),
        l.hosts.display(),
        uid = users().0,
        gid = users().1,
    );
    assert!(
        q.text.contains(&expected),
        "{:#?}\nexpected {expected}",
        q.text
    );

    // sudo ran twice: the password probe, then the one write with the password on stdin
    let calls = l.calls();
    assert_eq!(calls[0], ["-n", "true"]);
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(&calls[1][..3], ["-S", "-p", ""]);
    assert_eq!(
        calls[1][3..].join(" "),
        expected.trim_start_matches("sudo ").replace('\'', "")
    );
    let log = std::fs::read_to_string(&l.log).unwrap();
    assert!(!log.contains(pw), "the password reached sudo's arguments");
    assert!(
        !format!("{evs:?}").contains(pw),
        "the password reached the events"
    );

    // the file holds the mapping, the backup the file as it was, the barrier is back
    let now = std::fs::read_to_string(&l.hosts).unwrap();
    assert!(now.starts_with(OLD), "{now}");
    assert!(now.contains("10.20.30.40 "), "{now}");
    assert!(now.contains(&p.api_manager.hostnames.management), "{now}");
    assert_eq!(
        std::fs::read_to_string(l.dir.path().join("work/dns/hosts.kmpilot.bak")).unwrap(),
        OLD
    );
    assert!(!l.etc().join("hosts.kmpilot-new").exists());
    assert!(std::fs::write(l.etc().join("probe"), "x").is_err());

    // a second run finds the mapping in place and asks nothing
    let again = Arc::new(Recorder {
        reply: Reply::No,
        asked: Mutex::new(Vec::new()),
    });
    let (ok, evs) = run_dns(&l, &p, again.clone());
    assert!(ok, "{evs:#?}");
    assert!(again.asked.lock().unwrap().is_empty());
}

/// Who this process is: the owner of a file it makes (the hosts file keeps its owner).
fn users() -> (u32, u32) {
    use std::os::unix::fs::MetadataExt;
    let probe = tempfile::NamedTempFile::new().unwrap();
    let m = probe.as_file().metadata().unwrap();
    (m.uid(), m.gid())
}

#[test]
fn a_wrong_password_fails_with_a_retry_hint_and_leaves_the_file() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let l = Locked::new();
    setup_env(&l, Some("the-right-one"));
    let p = profile(&l);
    let asker = Arc::new(Recorder {
        reply: Reply::Yes {
            password: Some(Secret::new("a-wrong-one")),
        },
        asked: Mutex::new(Vec::new()),
    });
    let (ok, evs) = run_dns(&l, &p, asker);
    assert!(!ok);
    let (error, hint) = failure(&evs);
    assert!(error.contains("sudo did not write"), "{error}");
    assert!(error.contains("incorrect password"), "{error}");
    assert!(hint.contains("press r"), "{hint}");
    assert_eq!(std::fs::read_to_string(&l.hosts).unwrap(), OLD);
}

#[test]
fn sudo_without_a_password_is_not_asked_for_one() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let l = Locked::new();
    setup_env(&l, None);
    let p = profile(&l);
    let asker = Arc::new(Recorder {
        reply: Reply::Yes { password: None },
        asked: Mutex::new(Vec::new()),
    });
    let (ok, evs) = run_dns(&l, &p, asker.clone());
    assert!(ok, "{evs:#?}");
    assert_eq!(asker.asked.lock().unwrap()[0].password, None);
    let calls = l.calls();
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(calls[1][0], "-n");
    assert!(
        std::fs::read_to_string(&l.hosts)
            .unwrap()
            .contains("10.20.30.40")
    );
}

/// Headless: no terminal, so no sudo; the failure names the command and dns.mode: print;
/// the command run as shown writes the file, and `--resume` completes.
#[test]
fn headless_apply_shows_the_command_and_the_command_works() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let l = Locked::new();
    let pw = "headless-pw";
    setup_env(&l, Some(pw));
    let p = profile(&l);
    let file = l.dir.path().join("p.yaml");
    std::fs::write(&file, kmpilot::profile::save::to_yaml(&p).unwrap().0).unwrap();
    let state = l.dir.path().join("state");
    let apply = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_kmpilot"))
            .args(["apply", "-f"])
            .arg(&file)
            .args(["--only", "dns", "--yes"])
            .args(extra)
            .env("KMPILOT_STATE_DIR", &state)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    let out = apply(&[]);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("is not writable by you"), "{err}");
    assert!(err.contains("dns.mode: print"), "{err}");
    assert_eq!(std::fs::read_to_string(&l.hosts).unwrap(), OLD, "untouched");
    assert!(l.calls().iter().all(|c| c[0] == "-n"), "only probed sudo");
    // the one command, exactly as printed between backticks
    let cmd = err
        .split("run `")
        .nth(1)
        .and_then(|r| r.split('`').next())
        .expect("a command between backticks")
        .to_string();
    assert!(cmd.starts_with("sudo sh -c 'install -m 644 "), "{cmd}");
    let mut sh = Command::new("sh")
        .args(["-c", &cmd])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    writeln!(sh.stdin.take().unwrap(), "{pw}").unwrap();
    assert!(sh.wait().unwrap().success());
    assert!(
        std::fs::read_to_string(&l.hosts)
            .unwrap()
            .contains("10.20.30.40")
    );
    let out = apply(&["--resume"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

//! Resolving secret references — the only place a secret value exists, and only in memory.
//! Every secret a plan needs is resolved before the first step, so a missing variable stops
//! the run before anything changed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use kmpilot_keystore::Secret;

use crate::plan::secrets::SecretUse;
use crate::profile::secret::SecretRef;

/// Asks a person for a value (`prompt: true`); absent in headless runs without a terminal.
pub trait Prompter: Send + Sync {
    fn ask(&self, label: &str) -> Result<String, String>;
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("environment variable {var} is not set (needed as {what})")]
    MissingEnv { var: String, what: String },
    #[error("cannot read secret file {path} (needed as {what}): {source}")]
    File {
        path: String,
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{what} is `prompt: true` but there is no terminal to ask on; use {{env: VAR}} or {{file: PATH}} for headless runs"
    )]
    NoTerminal { what: String },
    #[error("{what}: {message}")]
    Prompt { what: String, message: String },
}

pub struct Secrets {
    values: HashMap<String, Secret>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secrets({} resolved)", self.values.len())
    }
}

fn key(r: &SecretRef) -> String {
    match r {
        SecretRef::Env(v) => format!("env:{v}"),
        SecretRef::File(p) => format!("file:{}", p.display()),
        SecretRef::Prompt(_) => "prompt".into(),
        // two literals are told apart by their (never printed) value
        SecretRef::Literal(v) => format!("literal:{v}"),
    }
}

impl Secrets {
    /// No secrets at all (read-only checks need none).
    pub fn none() -> Secrets {
        Secrets {
            values: HashMap::new(),
        }
    }

    /// Resolves every use; `base` is the profile's directory, for relative `file:` paths.
    pub fn resolve(
        uses: &[SecretUse],
        base: &Path,
        prompter: Option<&dyn Prompter>,
    ) -> Result<Secrets, SecretError> {
        let mut values = HashMap::new();
        let mut prompted: HashMap<String, Secret> = HashMap::new();
        for u in uses {
            let k = key(&u.secret);
            if values.contains_key(&k) && !matches!(u.secret, SecretRef::Prompt(_)) {
                continue;
            }
            let what = what_is(u);
            let v = match &u.secret {
                SecretRef::Env(var) => std::env::var(var).map_err(|_| SecretError::MissingEnv {
                    var: var.clone(),
                    what,
                })?,
                SecretRef::File(p) => {
                    let path: PathBuf = if p.is_absolute() {
                        p.clone()
                    } else {
                        base.join(p)
                    };
                    let text =
                        std::fs::read_to_string(&path).map_err(|source| SecretError::File {
                            path: path.display().to_string(),
                            what,
                            source,
                        })?;
                    text.lines().next().unwrap_or("").to_string()
                }
                SecretRef::Prompt(_) => {
                    // one question per variable, however many places use it
                    if let Some(s) = prompted.get(&u.var) {
                        s.expose().to_string()
                    } else {
                        let p = prompter.ok_or(SecretError::NoTerminal { what: what.clone() })?;
                        let v = p
                            .ask(&what)
                            .map_err(|message| SecretError::Prompt { what, message })?;
                        prompted.insert(u.var.clone(), Secret::new(v.clone()));
                        v
                    }
                }
                SecretRef::Literal(v) => v.clone(),
            };
            let k = if matches!(u.secret, SecretRef::Prompt(_)) {
                format!("prompt:{}", u.var)
            } else {
                k
            };
            values.insert(k, Secret::new(v));
        }
        Ok(Secrets { values })
    }

    /// Resolves what can be resolved without asking anyone (`kmpilot verify`, the wizard's
    /// review): a missing variable or file, or a prompt, is left out; the render that uses
    /// it gets a placeholder.
    pub fn resolve_available(uses: &[SecretUse], base: &Path) -> Secrets {
        let mut values = HashMap::new();
        for u in uses {
            if matches!(u.secret, SecretRef::Prompt(_)) {
                continue;
            }
            if let Ok(mut one) = Secrets::resolve(std::slice::from_ref(u), base, None) {
                values.extend(one.values.drain());
            }
        }
        Secrets { values }
    }

    /// The value of a reference resolved earlier; `var` tells prompts apart.
    pub fn get(&self, r: &SecretRef, var: &str) -> Option<&str> {
        let k = if matches!(r, SecretRef::Prompt(_)) {
            format!("prompt:{var}")
        } else {
            key(r)
        };
        self.values.get(&k).map(Secret::expose)
    }

    /// Every resolved value, for scrubbing output lines before they are shown or logged.
    pub fn all_values(&self) -> impl Iterator<Item = &str> {
        self.values
            .values()
            .map(Secret::expose)
            .filter(|v| v.len() >= 4)
    }

    /// `line` with every known secret value replaced by the mask.
    pub fn scrub(&self, line: &str) -> String {
        let mut out = line.to_string();
        for v in self.all_values() {
            if out.contains(v) {
                out = out.replace(v, crate::profile::secret::MASK);
            }
        }
        out
    }
}

/// How messages and prompts name a secret: by its variable when it comes from the
/// environment; otherwise by what it is and where the profile sets it (a `prompt: true`
/// secret has no variable, and naming the runbook's fallback would send people to export one).
pub fn what_is(u: &SecretUse) -> String {
    match u.var.as_str() {
        "KEYSTORE_PASSWORD" => "the keystore password (keystores.storePassword)".into(),
        "KEY_PASSWORD" => "the key password (keystores.keyPassword)".into(),
        "APIM_ADMIN_PASSWORD" => "the API-M admin password (apiManager.admin.password)".into(),
        "IS_ADMIN_PASSWORD" => "the IS admin password (identityServer.admin.password)".into(),
        "KMS_API_KEY" => "the IBM KMS API key (kmsSts)".into(),
        "PRIVATEJET_SECURITY_PASSWORD" => "the PrivateJet security password (privateJet)".into(),
        // a variable of the user's own naming says what it is
        other if matches!(u.secret, SecretRef::Env(_)) => format!("${other}"),
        other => format!("the secret the runbook calls {other}"),
    }
}

/// Why a reference has no value in a command that asks nobody (`diff`, `verify`): what is
/// missing, and how to give it. A `prompt: true` secret never reads the environment, so
/// naming the runbook's variable would send people to export one that nothing reads.
pub fn unavailable(r: &SecretRef, var: &str) -> String {
    match r {
        SecretRef::Env(v) => format!("${v} is not set"),
        SecretRef::File(p) => format!("the secret file {} cannot be read", p.display()),
        SecretRef::Prompt(_) => format!(
            "{} is `prompt: true` and this command asks nobody (give it as {{env: VAR}} or {{file: PATH}} to compare it)",
            what_is(&SecretUse {
                var: var.to_string(),
                secret: r.clone(),
            })
        ),
        SecretRef::Literal(_) => "a literal secret (always available)".into(),
    }
}

/// Asks on the controlling terminal without echo.
pub struct TerminalPrompter;

impl Prompter for TerminalPrompter {
    fn ask(&self, label: &str) -> Result<String, String> {
        use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, read};
        use std::io::Write;
        eprint!("{label}: ");
        let _ = std::io::stderr().flush();
        crossterm::terminal::enable_raw_mode().map_err(|e| e.to_string())?;
        let mut s = String::new();
        let result = loop {
            match read() {
                Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => match k.code {
                    KeyCode::Enter => break Ok(()),
                    KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                        break Err("cancelled".to_string());
                    }
                    KeyCode::Backspace => {
                        s.pop();
                    }
                    KeyCode::Char(c) => s.push(c),
                    _ => {}
                },
                Ok(_) => {}
                Err(e) => break Err(e.to_string()),
            }
        };
        let _ = crossterm::terminal::disable_raw_mode();
        eprintln!();
        result.map(|_| s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_file_literal_and_missing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pw"), "from-file\nignored\n").unwrap();
        // SAFETY: this test is the only one touching this variable
        unsafe { std::env::set_var("KMPILOT_TEST_SECRET_A", "from-env") };
        let uses = vec![
            SecretUse {
                var: "A".into(),
                secret: SecretRef::env("KMPILOT_TEST_SECRET_A"),
            },
            SecretUse {
                var: "B".into(),
                secret: SecretRef::File("pw".into()),
            },
            SecretUse {
                var: "C".into(),
                secret: SecretRef::Literal("lit".into()),
            },
        ];
        let s = Secrets::resolve(&uses, dir.path(), None).unwrap();
        assert_eq!(
            s.get(&SecretRef::env("KMPILOT_TEST_SECRET_A"), "A"),
            Some("from-env")
        );
        assert_eq!(s.get(&SecretRef::File("pw".into()), "B"), Some("from-file"));
        assert_eq!(s.scrub("pw is from-file."), "pw is ********.");
        assert!(!format!("{s:?}").contains("from-env"));
        let missing = vec![SecretUse {
            var: "X".into(),
            secret: SecretRef::env("KMPILOT_TEST_SECRET_UNSET"),
        }];
        let e = Secrets::resolve(&missing, dir.path(), None).unwrap_err();
        assert!(e.to_string().contains("KMPILOT_TEST_SECRET_UNSET"));
        let prompt = vec![SecretUse {
            var: "P".into(),
            secret: SecretRef::Prompt(true),
        }];
        assert!(matches!(
            Secrets::resolve(&prompt, dir.path(), None),
            Err(SecretError::NoTerminal { .. })
        ));
    }

    /// `diff` on a `prompt: true` secret says why it cannot compare it and how to let it,
    /// never "$KEYSTORE_PASSWORD is not available" (exporting that changes nothing).
    #[test]
    fn why_a_secret_is_unavailable_names_what_would_help() {
        let prompt = unavailable(&SecretRef::Prompt(true), "KEYSTORE_PASSWORD");
        assert!(
            prompt.starts_with("the keystore password (keystores.storePassword) is `prompt: true`")
        );
        assert!(prompt.contains("{env: VAR}"));
        assert!(!prompt.contains('$'));
        assert_eq!(
            unavailable(&SecretRef::env("MY_PW"), "MY_PW"),
            "$MY_PW is not set"
        );
        assert!(
            unavailable(&SecretRef::File("pw.txt".into()), "X").contains("pw.txt cannot be read")
        );
    }

    /// A `prompt: true` secret is asked for, and named in errors, as what it is, not as an
    /// environment variable nobody set.
    #[test]
    fn a_prompted_secret_is_named_by_what_it_is() {
        struct Record(std::sync::Mutex<Vec<String>>);
        impl Prompter for Record {
            fn ask(&self, label: &str) -> Result<String, String> {
                self.0.lock().unwrap().push(label.to_string());
                Ok("typed".into())
            }
        }
        let uses = vec![SecretUse {
            var: "KEYSTORE_PASSWORD".into(),
            secret: SecretRef::Prompt(true),
        }];
        let dir = tempfile::tempdir().unwrap();
        let r = Record(Default::default());
        Secrets::resolve(&uses, dir.path(), Some(&r)).unwrap();
        assert_eq!(
            *r.0.lock().unwrap(),
            ["the keystore password (keystores.storePassword)"]
        );
        let e = Secrets::resolve(&uses, dir.path(), None)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("the keystore password (keystores.storePassword) is `prompt: true`"),
            "{e}"
        );
        assert!(!e.contains('$'), "{e}");
    }
}

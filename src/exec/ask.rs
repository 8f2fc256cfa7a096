//! Questions the executor puts to the person running it in the middle of a run: whether to
//! write a file through sudo (and sudo's password), whether to recover a Helm release an
//! interrupted run left pending. The wizard answers with a dialog, `apply` on its terminal or
//! from `--yes`; a run with nobody to ask gets `Reply::No` and fails saying what to do instead.

use kmpilot_keystore::Secret;

/// What is asked: front ends decide per kind (`apply --yes` consents to a release recovery,
/// never to sudo).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AskKind {
    Sudo,
    RecoverRelease,
}

#[derive(Debug, Clone)]
pub struct Question {
    pub kind: AskKind,
    pub title: String,
    /// What will happen, line by line (the exact command among them).
    pub text: Vec<String>,
    /// The label of a masked field to fill (sudo's password) when one is needed.
    pub password: Option<String>,
    /// What answering yes does ("write with sudo").
    pub yes: String,
}

#[derive(Clone)]
pub enum Reply {
    Yes { password: Option<Secret> },
    No,
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reply::Yes { password } => write!(
                f,
                "Yes {{ password: {} }}",
                if password.is_some() {
                    "(given)"
                } else {
                    "none"
                }
            ),
            Reply::No => write!(f, "No"),
        }
    }
}

/// Someone who can answer. `ask` blocks until they do: call it from a blocking thread.
pub trait Asker: Send + Sync {
    fn ask(&self, q: &Question) -> Reply;
}

/// Asks `q` on a blocking thread (the person may take minutes); nobody to ask is a no.
pub async fn ask(asker: Option<&std::sync::Arc<dyn Asker>>, q: Question) -> Reply {
    let Some(a) = asker.cloned() else {
        return Reply::No;
    };
    tokio::task::spawn_blocking(move || a.ask(&q))
        .await
        .unwrap_or(Reply::No)
}

/// `kmpilot apply`'s answers: `--yes` consents to recovering a pending release; on a terminal
/// the question is asked there (sudo's password masked); without a terminal the answer is no,
/// and the failure says what to run instead.
pub struct TerminalAsker {
    pub yes: bool,
    pub interactive: bool,
}

impl Asker for TerminalAsker {
    fn ask(&self, q: &Question) -> Reply {
        if q.kind == AskKind::RecoverRelease && self.yes {
            return Reply::Yes { password: None };
        }
        if !self.interactive {
            return Reply::No;
        }
        // steps run side by side: one question at a time on the terminal, or two would read
        // each other's answers
        static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _turn = ONE_AT_A_TIME
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        eprintln!("\n{}", q.title);
        for l in &q.text {
            eprintln!("    {l}");
        }
        eprint!("{}? [y/N] ", q.yes);
        let mut answer = String::new();
        if std::io::stdin().read_line(&mut answer).is_err()
            || !matches!(answer.trim(), "y" | "Y" | "yes")
        {
            return Reply::No;
        }
        let password = match &q.password {
            Some(label) => {
                use super::secrets::Prompter;
                match super::secrets::TerminalPrompter.ask(label) {
                    Ok(p) => Some(Secret::new(p)),
                    Err(_) => return Reply::No,
                }
            }
            None => None,
        };
        Reply::Yes { password }
    }
}

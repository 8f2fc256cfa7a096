//! The executor's questions on their way to the wizard's dialogs and back: a `prompt: true`
//! secret (`SecretQuestion`) and a yes/no with an optional password (`Asked`). Each carries the
//! one-shot channel its answer goes back on; answering consumes it. Kept apart from the dialogs
//! that show them, so that the run's queue (`run_state`), the messages and the dialogs' effects
//! can name them without naming a dialog.

use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use crate::exec::ask::{Question, Reply as AskReply};
use crate::util::secret::Secret;

type Reply = oneshot::Sender<Result<Secret, String>>;

/// One question from the executor; answering consumes the reply channel.
#[derive(Clone)]
pub struct SecretQuestion {
    /// The variable the plan knows the secret by (`KEYSTORE_PASSWORD`).
    pub name: String,
    reply: Arc<Mutex<Option<Reply>>>,
}

impl std::fmt::Debug for SecretQuestion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretQuestion")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl SecretQuestion {
    /// A question and the receiver its answer arrives on (tests play the executor with it).
    pub fn new(name: impl Into<String>) -> (Self, oneshot::Receiver<Result<Secret, String>>) {
        let (tx, rx) = oneshot::channel();
        (
            SecretQuestion {
                name: name.into(),
                reply: Arc::new(Mutex::new(Some(tx))),
            },
            rx,
        )
    }

    /// Hands the answer to the waiting executor (`Cmd::Answer`'s side effect).
    pub fn answer(&self, a: Result<Secret, String>) {
        if let Some(tx) = self.reply.lock().ok().and_then(|mut r| r.take()) {
            let _ = tx.send(a);
        }
    }
}

/// One question from the executor; replying consumes the channel.
#[derive(Clone)]
pub struct Asked {
    pub question: Question,
    reply: Arc<Mutex<Option<oneshot::Sender<AskReply>>>>,
}

impl std::fmt::Debug for Asked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Asked")
            .field("question", &self.question)
            .finish_non_exhaustive()
    }
}

impl Asked {
    /// A question and the receiver its reply arrives on (tests play the executor with it).
    pub fn new(question: Question) -> (Self, oneshot::Receiver<AskReply>) {
        let (tx, rx) = oneshot::channel();
        (
            Asked {
                question,
                reply: Arc::new(Mutex::new(Some(tx))),
            },
            rx,
        )
    }

    /// Hands the reply to the waiting executor (`Cmd::Reply`'s side effect).
    pub fn reply(&self, r: AskReply) {
        if let Some(tx) = self.reply.lock().ok().and_then(|mut r| r.take()) {
            let _ = tx.send(r);
        }
    }
}

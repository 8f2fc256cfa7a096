//! The executor's questions in the wizard: its `Prompter` (`prompt: true` secrets) and its
//! `Asker` (sudo for the hosts file, recovering a release) send the question to the screen as a
//! message and wait, on the executor's blocking thread (never on the event loop), for the
//! answer the dialog hands back through `Cmd::Answer` / `Cmd::Reply`. Kept apart from the
//! dialogs so that they, and the messages carrying their questions, need no `Msg`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::util::secret::Secret;
use tokio::sync::mpsc;

use crate::exec::ask::{Asker, Question, Reply};
use crate::tui::msg::Msg;
use crate::tui::state::executor_question::Asked;
use crate::tui::state::executor_question::SecretQuestion;

/// The executor's prompter inside the wizard.
pub struct WizardPrompter {
    pub to_screen: mpsc::UnboundedSender<Msg>,
    /// Answers given earlier in this run (retry and skip re-resolve secrets).
    pub answers: Arc<Mutex<HashMap<String, Secret>>>,
}

impl crate::exec::secrets::Prompter for WizardPrompter {
    fn ask(&self, name: &str) -> Result<String, String> {
        if let Some(s) = self.answers.lock().ok().and_then(|a| a.get(name).cloned()) {
            return Ok(s.expose().to_string());
        }
        let (q, rx) = SecretQuestion::new(name);
        self.to_screen
            .send(Msg::AskSecret(q))
            .map_err(|_| "the wizard is gone".to_string())?;
        // only ever called from a blocking thread (see runner::spawn_executor)
        let answer = rx
            .blocking_recv()
            .map_err(|_| "no answer (the run was stopped)".to_string())??;
        if let Ok(mut a) = self.answers.lock() {
            a.insert(name.to_string(), answer.clone());
        }
        Ok(answer.expose().to_string())
    }
}

/// The executor's asker inside the wizard.
pub struct WizardAsker {
    pub to_screen: mpsc::UnboundedSender<Msg>,
}

impl Asker for WizardAsker {
    fn ask(&self, q: &Question) -> Reply {
        let (asked, rx) = Asked::new(q.clone());
        if self.to_screen.send(Msg::Ask(asked)).is_err() {
            return Reply::No;
        }
        // only ever called from a blocking thread (exec::ask::ask)
        rx.blocking_recv().unwrap_or(Reply::No)
    }
}

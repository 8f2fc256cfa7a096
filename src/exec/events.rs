//! What the executor reports while it runs a plan. Every front end (the headless reporter of
//! `apply`, the wizard's run screen, tests) consumes the same stream over a channel.

use std::time::Duration;

use serde::Serialize;

use crate::plan::StepId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stream {
    Stdout,
    Stderr,
    /// kmpilot's own progress lines (API calls, waits).
    Info,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    RunStarted {
        steps: Vec<StepId>,
    },
    StepStarted {
        step: StepId,
    },
    /// `index` is the action's position within its step.
    ActionStarted {
        step: StepId,
        index: usize,
        summary: String,
    },
    Output {
        step: StepId,
        stream: Stream,
        line: String,
    },
    ActionFinished {
        step: StepId,
        index: usize,
    },
    StepFinished {
        step: StepId,
        #[serde(with = "secs")]
        elapsed: Duration,
    },
    /// Already done according to the journal, outside `--from`/`--only`, or left out by the
    /// person after it failed (`why` tells which: they mean different things for what the
    /// deployment has).
    StepSkipped {
        step: StepId,
        reason: String,
        why: Skip,
    },
    StepFailed {
        step: StepId,
        error: String,
        hint: Option<String>,
    },
    /// Not started: a step it needs failed or was itself blocked (`needs` names which). A
    /// resumed run starts it.
    StepBlocked {
        step: StepId,
        needs: Vec<StepId>,
    },
    /// What a run proved about the deployment, for its summary (the `prove` step: a token
    /// from IS accepted by the gateway and refused once revoked — or what is missing).
    Headline {
        step: StepId,
        working: bool,
        text: String,
    },
    RunFinished {
        ok: bool,
    },
}

/// Why a step did not run in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Skip {
    /// An earlier run did it (the journal), and nothing upstream runs again: it is there.
    DoneBefore,
    /// Outside `--from`/`--only`: not this run's business.
    NotSelected,
    /// It failed and the person chose to go on without it: the deployment lacks it.
    LeftOut,
}

mod secs {
    pub fn serialize<S: serde::Serializer>(
        d: &std::time::Duration,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }
}

//! The run screen fed by an injected stream of executor `Event`s and watcher `WatchUpdate`s,
//! exactly as the runner would send them.

mod support;

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::KeyCode;
use kmpilot::exec::events::{Event, Stream};
use kmpilot::kube::snapshot::{IngressRow, PodRow, Snapshot, SyncState, WatchUpdate};
use kmpilot::plan::StepId;
use kmpilot::tui::app::{App, Modal, Screen, WizardStep};
use kmpilot::tui::dialogs::step_failed::StepFailed;
use kmpilot::tui::state::run_state::StepRun;
use kmpilot::tui::{Cmd, Msg, update};
use support::tui::*;

/// 2026-01-01T00:00:00Z, so ages in snapshots do not move.
const NOW: i64 = 1_767_225_600;

fn running_app() -> App {
    let mut app = quickstart_app(true, false);
    app.size = (100, 30);
    app.wall = NOW;
    assert_eq!(app.wizard_step(), WizardStep::Review);
    key(&mut app, KeyCode::Char('r'));
    let cmd = key(&mut app, KeyCode::Char('y'));
    assert!(matches!(cmd, Some(Cmd::StartRun { .. })));
    assert_eq!(app.screen, Screen::Run);
    app
}

fn pod(i: usize, status: &str) -> PodRow {
    PodRow {
        namespace: "wso2".into(),
        name: format!("apim-wso2am-all-in-one-{i:05}"),
        ready: if status == "Running" { "1/1" } else { "0/1" }.into(),
        status: status.into(),
        restarts: (i % 3) as u32,
        created: Some("2025-12-31T23:50:00Z".into()),
    }
}

fn feed_progress(a: &mut App) {
    let steps: Vec<StepId> = a.run.steps.iter().map(|s| s.id).collect();
    ev(a, Event::RunStarted { steps });
    ev(
        a,
        Event::StepStarted {
            step: StepId::Prerequisites,
        },
    );
    ev(
        a,
        Event::ActionStarted {
            step: StepId::Prerequisites,
            index: 0,
            summary: "kubectl is installed".into(),
        },
    );
    ev(
        a,
        Event::Output {
            step: StepId::Prerequisites,
            stream: Stream::Info,
            line: "kubectl v1.36.3".into(),
        },
    );
    ev(
        a,
        Event::ActionFinished {
            step: StepId::Prerequisites,
            index: 0,
        },
    );
    ev(
        a,
        Event::StepFinished {
            step: StepId::Prerequisites,
            elapsed: Duration::from_secs(3),
        },
    );
    ev(
        a,
        Event::StepStarted {
            step: StepId::IsImage,
        },
    );
    ev(
        a,
        Event::ActionStarted {
            step: StepId::IsImage,
            index: 0,
            summary: "docker build -t localhost:5000/wso2is-km:7.1.0 is-image".into(),
        },
    );
    for i in 0..40 {
        ev(
            a,
            Event::Output {
                step: StepId::IsImage,
                stream: Stream::Stdout,
                line: format!("#{i} [internal] load build context"),
            },
        );
    }
    ev(
        a,
        Event::Output {
            step: StepId::IsImage,
            stream: Stream::Stderr,
            line: "WARNING: image platform mismatch".into(),
        },
    );
}

#[test]
fn events_move_step_states_and_the_log() {
    let mut a = running_app();
    assert!(a.run.steps.iter().all(|s| s.state == StepRun::Pending));
    feed_progress(&mut a);
    assert_eq!(
        a.run.step(StepId::Prerequisites).unwrap().state,
        StepRun::Done {
            elapsed: Duration::from_secs(3)
        }
    );
    assert!(matches!(
        a.run.step(StepId::IsImage).unwrap().state,
        StepRun::Running { .. }
    ));
    assert_eq!(
        a.run.log.back().unwrap().text,
        "WARNING: image platform mismatch"
    );
    let s = text(&a);
    assert!(s.contains("✓ Cluster & prerequisites"), "{s}");
    assert!(s.contains("3s"));
    assert!(s.contains("▶ IS image"));
    assert!(
        s.contains("WARNING: image platform mismatch"),
        "the log follows its tail"
    );
    // the wizard's step list shows the same states
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.screen, Screen::Wizard);
    let s = text(&a);
    assert!(s.contains("done"), "{s}");
    assert!(s.contains("run"));
    // and Review & run goes back to the running screen
    a.focus = kmpilot::tui::app::Focus::Form;
    key(&mut a, KeyCode::Char('r'));
    assert_eq!(a.screen, Screen::Run);
}

#[test]
fn snapshot_run_screen_with_panes() {
    let mut a = running_app();
    feed_progress(&mut a);
    update(
        &mut a,
        Msg::Watch(WatchUpdate::Pods(Snapshot {
            state: SyncState::Live,
            rows: vec![
                pod(1, "Running"),
                pod(2, "ContainerCreating"),
                pod(3, "CrashLoopBackOff"),
            ],
        })),
    );
    update(
        &mut a,
        Msg::Watch(WatchUpdate::Ingresses(Snapshot {
            state: SyncState::Live,
            rows: vec![IngressRow {
                namespace: "wso2".into(),
                name: "apim-management".into(),
                hosts: vec!["am.wso2.com".into()],
                address: "172.18.0.2".into(),
            }],
        })),
    );
    // the running step's elapsed time depends on the clock: pin it
    if let Some(s) = a.run.steps.iter_mut().find(|s| s.id == StepId::IsImage) {
        s.state = StepRun::Running { started: a.now };
    }
    a.run.started = Some(a.now);
    insta::assert_snapshot!("run_screen", draw(&a, a.size.0, a.size.1).backend());
}

#[test]
fn step_failed_offers_retry_skip_abort() {
    let mut a = running_app();
    feed_progress(&mut a);
    ev(
        &mut a,
        Event::StepFailed {
            step: StepId::IsImage,
            error: "docker build exited with 1".into(),
            hint: Some("is the docker daemon running?".into()),
        },
    );
    // steps that do not need the failed one go on: the choice waits for the run's end
    assert!(a.modal.is_none());
    ev(&mut a, Event::RunFinished { ok: false });
    a.run.summary_open = false;
    assert!(matches!(
        a.modal,
        Some(Modal::StepFailed(StepFailed {
            step: StepId::IsImage,
            ..
        }))
    ));
    if let Some(s) = a.run.steps.iter_mut().find(|s| s.id == StepId::IsImage) {
        s.state = StepRun::Failed {
            error: "docker build exited with 1".into(),
            hint: None,
            elapsed: Duration::from_secs(12),
        };
    }
    a.run.started = Some(a.now);
    insta::assert_snapshot!("run_step_failed", draw(&a, a.size.0, a.size.1).backend());
    // other keys keep the choice open
    assert!(key(&mut a, KeyCode::Char('x')).is_none());
    assert!(a.modal.is_some());
    assert!(matches!(
        key(&mut a, KeyCode::Char('r')),
        Some(Cmd::Retry(StepId::IsImage))
    ));
    assert!(a.modal.is_none());
    ev(
        &mut a,
        Event::StepFailed {
            step: StepId::IsImage,
            error: "again".into(),
            hint: None,
        },
    );
    ev(&mut a, Event::RunFinished { ok: false });
    assert!(matches!(
        key(&mut a, KeyCode::Char('s')),
        Some(Cmd::Skip(StepId::IsImage))
    ));
    ev(
        &mut a,
        Event::StepFailed {
            step: StepId::IsImage,
            error: "again".into(),
            hint: None,
        },
    );
    ev(&mut a, Event::RunFinished { ok: false });
    assert!(matches!(key(&mut a, KeyCode::Char('a')), Some(Cmd::Abort)));
}

#[test]
fn run_finished_shows_summary_with_console_urls() {
    let mut a = running_app();
    feed_progress(&mut a);
    let ids: Vec<StepId> = a.run.steps.iter().map(|s| s.id).collect();
    for id in ids.into_iter().skip(1) {
        ev(&mut a, Event::StepStarted { step: id });
        ev(
            &mut a,
            Event::StepFinished {
                step: id,
                elapsed: Duration::from_secs(1),
            },
        );
    }
    ev(&mut a, Event::RunFinished { ok: true });
    a.run.started = Some(a.now);
    let s = text(&a);
    let plan = kmpilot::steps::plan(&a.profile);
    for u in &plan.console_urls {
        assert!(s.contains(&u.url), "{} missing:\n{s}", u.url);
    }
    insta::assert_snapshot!("run_summary", draw(&a, a.size.0, a.size.1).backend());
    key(&mut a, KeyCode::Enter);
    assert!(!a.run.summary_open);
    // a finished run quits without asking
    assert!(matches!(key(&mut a, KeyCode::Char('q')), Some(Cmd::Quit)));
}

#[test]
fn quitting_during_a_run_asks_and_aborts() {
    let mut a = running_app();
    feed_progress(&mut a);
    assert!(key(&mut a, KeyCode::Char('q')).is_none());
    assert!(matches!(a.modal, Some(Modal::QuitGuard(_))));
    let Some(Cmd::Batch(v)) = key(&mut a, KeyCode::Char('y')) else {
        panic!("abort and quit")
    };
    assert!(matches!(v[0], Cmd::Abort) && matches!(v[1], Cmd::Quit));
    // SIGTERM does the same without asking
    let mut a = running_app();
    feed_progress(&mut a);
    assert!(matches!(
        update(&mut a, Msg::Terminate),
        Some(Cmd::Batch(_))
    ));
    assert!(a.should_quit);
}

#[test]
fn ten_thousand_pods_render_only_visible_rows() {
    let mut a = running_app();
    let rows: Vec<PodRow> = (0..10_000).map(|i| pod(i, "Running")).collect();
    update(
        &mut a,
        Msg::Watch(WatchUpdate::Pods(Snapshot {
            state: SyncState::Live,
            rows,
        })),
    );
    let s = text(&a);
    assert!(s.contains("Pods (10000)"));
    assert!(s.contains("apim-wso2am-all-in-one-00000"));
    let shown = s.matches("apim-wso2am-all-in-one-").count();
    let visible = kmpilot::tui::layout::table_rows(
        kmpilot::tui::layout::run(ratatui::layout::Rect::new(0, 0, 100, 30)).pods,
    );
    assert_eq!(shown, visible, "exactly one screen of rows is drawn");
    // scrolling to the end shows the last pod
    a.run.pane = Some(kmpilot::tui::state::run_state::Pane::Pods);
    key(&mut a, KeyCode::End);
    let s = text(&a);
    assert!(s.contains("apim-wso2am-all-in-one-09999"));
    assert!(!s.contains("apim-wso2am-all-in-one-00000"));
    // and the ages come from the creation time against the wall clock
    assert!(s.contains("10m"));
}

#[test]
fn resyncing_state_is_shown() {
    let mut a = running_app();
    assert!(text(&a).contains("syncing…"));
    update(
        &mut a,
        Msg::Watch(WatchUpdate::Pods(Snapshot {
            state: SyncState::Live,
            rows: vec![pod(1, "Running")],
        })),
    );
    assert!(text(&a).contains("● live"));
    update(
        &mut a,
        Msg::Watch(WatchUpdate::Pods(Snapshot {
            state: SyncState::Resyncing {
                reason: "connection refused".into(),
            },
            rows: vec![pod(1, "Running")],
        })),
    );
    let s = text(&a);
    assert!(s.contains("re-syncing: connection refused"), "{s}");
    assert!(
        s.contains("apim-wso2am-all-in-one-00001"),
        "the last rows stay"
    );
}

#[test]
fn log_search_jumps_to_matches() {
    let mut a = running_app();
    feed_progress(&mut a);
    for i in 0..200 {
        ev(
            &mut a,
            Event::Output {
                step: StepId::IsImage,
                stream: Stream::Stdout,
                line: format!("line {i}"),
            },
        );
    }
    ev(
        &mut a,
        Event::Output {
            step: StepId::IsImage,
            stream: Stream::Stdout,
            line: "needle at the end".into(),
        },
    );
    key(&mut a, KeyCode::Char('/'));
    assert!(matches!(a.modal, Some(Modal::Search(_))));
    for c in "build context".chars() {
        key(&mut a, KeyCode::Char(c));
    }
    key(&mut a, KeyCode::Enter);
    // from the tail, the newest match comes first
    let top = a.run.log_scroll.expect("jumped");
    assert_eq!(a.run.log[top].text, "#39 [internal] load build context");
    let s = text(&a);
    assert!(s.contains("/build context"));
    assert!(!s.contains("needle"));
    key(&mut a, KeyCode::Char('N'));
    let prev = a.run.log_scroll.unwrap();
    assert!(prev < top && a.run.log[prev].text.contains("build context"));
    key(&mut a, KeyCode::Char('n'));
    assert_eq!(a.run.log_scroll, Some(top));
    key(&mut a, KeyCode::Char('n'));
    assert!(text(&a).contains("no more matches"));
    // End follows the tail again
    key(&mut a, KeyCode::End);
    assert_eq!(a.run.log_scroll, None);
    assert!(text(&a).contains("needle at the end"));
}

#[test]
fn plan_arc_is_shared_with_the_runner() {
    let a = running_app();
    let plan = a.run.plan.clone().unwrap();
    assert!(Arc::strong_count(&plan) >= 2);
}

fn perform_answer(cmd: Option<Cmd>) {
    match cmd {
        Some(Cmd::Answer { question, answer }) => question.answer(answer),
        other => panic!("expected Cmd::Answer, got {other:?}"),
    }
}

#[test]
fn prompt_secrets_are_asked_masked_and_handed_to_the_executor() {
    use kmpilot::tui::dialogs::secret_prompt::SecretQuestion;
    let mut a = running_app();
    let (q1, mut rx1) = SecretQuestion::new("KEYSTORE_PASSWORD");
    let (q2, mut rx2) = SecretQuestion::new("APIM_ADMIN_PASSWORD");
    update(&mut a, Msg::AskSecret(q1));
    update(&mut a, Msg::AskSecret(q2));
    assert!(matches!(a.modal, Some(Modal::SecretPrompt(_))));
    let s = text(&a);
    assert!(
        s.contains("Secret needed") && s.contains("KEYSTORE_PASSWORD"),
        "{s}"
    );
    assert!(s.contains("prompt: true"), "{s}");
    insta::assert_snapshot!("run_secret_prompt", draw(&a, a.size.0, a.size.1).backend());

    typ(&mut a, "hunter2");
    key(&mut a, KeyCode::Tab); // no invisible tab in a password
    typ(&mut a, "-store");
    let s = text(&a);
    assert!(!s.contains("hunter2"), "typed secret on screen:\n{s}");
    assert!(s.contains("•••••••••••••"), "masked input:\n{s}");
    // Enter with nothing typed does not answer; with a value it does
    perform_answer(key(&mut a, KeyCode::Enter));
    assert_eq!(rx1.try_recv().unwrap().unwrap().expose(), "hunter2-store");

    // the second question follows at once; Esc refuses it (the run then fails and offers r)
    let s = text(&a);
    assert!(s.contains("APIM_ADMIN_PASSWORD"), "{s}");
    assert!(
        key(&mut a, KeyCode::Enter).is_none(),
        "an empty value is not an answer"
    );
    perform_answer(key(&mut a, KeyCode::Esc));
    assert!(rx2.try_recv().unwrap().is_err());
    assert!(a.modal.is_none());
}

/// The executor side: `WizardPrompter::ask` blocks its (blocking) thread until the screen
/// answers, and a second ask for the same name in the run is answered from memory.
#[test]
fn wizard_prompter_waits_for_the_screen_and_remembers_the_answer() {
    use kmpilot::exec::secrets::Prompter;
    use kmpilot::tui::executor_questions::WizardPrompter;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let prompter = Arc::new(WizardPrompter {
        to_screen: tx,
        answers: Arc::default(),
    });
    let p = prompter.clone();
    let asker = std::thread::spawn(move || p.ask("KEY_PASSWORD"));
    let msg = rx.blocking_recv().expect("a question reaches the screen");
    let mut a = running_app();
    update(&mut a, msg);
    typ(&mut a, "k3y");
    perform_answer(key(&mut a, KeyCode::Enter));
    assert_eq!(asker.join().unwrap().unwrap(), "k3y");
    // asked again (retry): no new question, same answer
    assert_eq!(prompter.ask("KEY_PASSWORD").unwrap(), "k3y");
    assert!(rx.try_recv().is_err());
}

#[test]
fn a_failure_does_not_close_the_dialog_the_user_is_in() {
    let mut a = running_app();
    ev(
        &mut a,
        Event::RunStarted {
            steps: vec![StepId::Prerequisites],
        },
    );
    ev(
        &mut a,
        Event::StepStarted {
            step: StepId::Prerequisites,
        },
    );
    key(&mut a, KeyCode::Char('/'));
    assert!(matches!(a.modal, Some(Modal::Search(_))));
    ev(
        &mut a,
        Event::StepFailed {
            step: StepId::Prerequisites,
            error: "helm is not installed".into(),
            hint: None,
        },
    );
    ev(&mut a, Event::RunFinished { ok: false });
    assert!(
        matches!(a.modal, Some(Modal::Search(_))),
        "search stays open"
    );
    key(&mut a, KeyCode::Esc);
    assert!(
        matches!(a.modal, Some(Modal::StepFailed(_))),
        "then the failure"
    );
    // retrying puts the run back in progress at once
    assert!(matches!(
        key(&mut a, KeyCode::Char('r')),
        Some(Cmd::Retry(_))
    ));
    assert_eq!(a.run.finished, None);
}

/// The watchers outlive a run and send only changes: a second run keeps the rows they showed.
#[test]
fn a_second_run_keeps_the_panes_rows() {
    let mut a = running_app();
    update(
        &mut a,
        Msg::Watch(WatchUpdate::Pods(Snapshot {
            state: SyncState::Live,
            rows: vec![pod(1, "Running")],
        })),
    );
    ev(&mut a, Event::RunStarted { steps: vec![] });
    ev(&mut a, Event::RunFinished { ok: true });
    while a.screen == Screen::Run {
        key(&mut a, KeyCode::Esc); // the summary, then back to the wizard
    }
    if a.focus == kmpilot::tui::app::Focus::Steps {
        key(&mut a, KeyCode::Enter);
    }
    key(&mut a, KeyCode::Char('r'));
    assert!(matches!(
        key(&mut a, KeyCode::Char('y')),
        Some(Cmd::StartRun { .. })
    ));
    assert_eq!(a.run.pods.rows.len(), 1);
    assert_eq!(a.run.pods.state, SyncState::Live);
}

fn perform_reply(cmd: Option<Cmd>) {
    match cmd {
        Some(Cmd::Reply { asked, reply }) => asked.reply(reply),
        other => panic!("expected Cmd::Reply, got {other:?}"),
    }
}

/// The executor asks to write the hosts file through sudo: the dialog shows the exact
/// command, the password is typed masked, Enter hands it to the waiting executor (through
/// `WizardAsker`, on its blocking thread); Esc says no.
#[test]
fn the_sudo_question_shows_the_command_and_takes_the_password_masked() {
    use kmpilot::exec::ask::{AskKind, Asker, Question, Reply};
    use kmpilot::tui::executor_questions::WizardAsker;
    let command = "sudo sh -c 'install -m 644 -o 0 -g 0 \"$1\" \"$2.kmpilot-new\" && mv -f \"$2.kmpilot-new\" \"$2\"' sh /st/dns/hosts.new /etc/hosts";
    let q = Question {
        kind: AskKind::Sudo,
        title: "Write /etc/hosts with sudo?".into(),
        text: vec![
            "/etc/hosts is not writable by you (Permission denied).".into(),
            "kmpilot can replace it with this one command as root, nothing else:".into(),
            command.into(),
        ],
        password: Some("sudo password".into()),
        yes: "write with sudo".into(),
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let asker = WizardAsker { to_screen: tx };
    let q1 = q.clone();
    let waiting = std::thread::spawn(move || asker.ask(&q1));
    let msg = rx.blocking_recv().expect("the question reaches the screen");
    let mut a = running_app();
    a.size = (170, 30);
    update(&mut a, msg);
    assert!(matches!(a.modal, Some(Modal::Ask(_))));
    let s = text(&a);
    assert!(s.contains("Write /etc/hosts with sudo?"), "{s}");
    assert!(s.contains(command), "the whole command on one line:\n{s}");
    assert!(
        s.contains("sudo password ›") && s.contains("write with sudo"),
        "{s}"
    );
    assert!(
        key(&mut a, KeyCode::Enter).is_none(),
        "no password typed: not an answer yet"
    );
    typ(&mut a, "my-sudo-pw");
    let s = text(&a);
    assert!(!s.contains("my-sudo-pw"), "the password is on screen:\n{s}");
    assert!(s.contains("••••••••••"), "masked:\n{s}");
    perform_reply(key(&mut a, KeyCode::Enter));
    match waiting.join().unwrap() {
        Reply::Yes { password } => assert_eq!(password.unwrap().expose(), "my-sudo-pw"),
        Reply::No => panic!("answered no"),
    }
    assert!(a.modal.is_none());

    // asked again, Esc is a no
    let (asked, mut reply) = kmpilot::tui::dialogs::ask_dialog::Asked::new(q);
    update(&mut a, Msg::Ask(asked));
    perform_reply(key(&mut a, KeyCode::Esc));
    assert!(matches!(reply.try_recv().unwrap(), Reply::No));
}

/// Recovering a release left pending: a yes/no dialog (no password field) showing the helm
/// command; y answers yes, n no.
#[test]
fn the_release_recovery_question_is_a_plain_yes_or_no() {
    use kmpilot::exec::ask::{AskKind, Question, Reply};
    use kmpilot::tui::dialogs::ask_dialog::Asked;
    let q = Question {
        kind: AskKind::RecoverRelease,
        title: "Helm release is is stuck in pending-install".into(),
        text: vec![
            "Revision 1 of wso2/is is pending-install: an earlier run was interrupted.".into(),
            "kmpilot can uninstall it (no revision of it was ever deployed), then install it again:".into(),
            "helm uninstall is --wait --timeout 1200s -n wso2".into(),
        ],
        password: None,
        yes: "recover the release".into(),
    };
    let mut a = running_app();
    a.size = (140, 30);
    let (asked, mut reply) = Asked::new(q.clone());
    update(&mut a, Msg::Ask(asked));
    let s = text(&a);
    assert!(
        s.contains("helm uninstall is --wait --timeout 1200s -n wso2"),
        "{s}"
    );
    assert!(s.contains("recover the release") && !s.contains("›"), "{s}");
    assert!(
        key(&mut a, KeyCode::Char('x')).is_none(),
        "other keys do nothing"
    );
    perform_reply(key(&mut a, KeyCode::Char('y')));
    assert!(matches!(
        reply.try_recv().unwrap(),
        Reply::Yes { password: None }
    ));
    let (asked, mut reply) = Asked::new(q);
    update(&mut a, Msg::Ask(asked));
    perform_reply(key(&mut a, KeyCode::Char('n')));
    assert!(matches!(reply.try_recv().unwrap(), Reply::No));
}

/// Two steps run side by side; one fails. The other goes on, and the retry / skip / abort
/// choice waits until the run ends (answering it earlier would cancel the step that runs).
#[test]
fn a_failure_beside_a_running_step_waits_for_the_run_to_end() {
    let mut a = running_app();
    ev(
        &mut a,
        Event::RunStarted {
            steps: vec![StepId::IdentityServer, StepId::ApiManager],
        },
    );
    for step in [StepId::IdentityServer, StepId::ApiManager] {
        ev(&mut a, Event::StepStarted { step });
    }
    ev(
        &mut a,
        Event::StepFailed {
            step: StepId::IdentityServer,
            error: "helm exited with 1".into(),
            hint: None,
        },
    );
    assert!(a.modal.is_none(), "API-M still runs");
    let s = text(&a);
    assert!(
        s.contains("failed: the steps that do not need it go on"),
        "{s}"
    );
    ev(
        &mut a,
        Event::StepFinished {
            step: StepId::ApiManager,
            elapsed: Duration::from_secs(90),
        },
    );
    ev(&mut a, Event::RunFinished { ok: false });
    assert!(matches!(
        a.modal,
        Some(Modal::StepFailed(StepFailed {
            step: StepId::IdentityServer,
            ..
        }))
    ));
}

/// Two steps running side by side both ask (after a killed run, IS's and API-M's releases are
/// both pending): the second question waits behind the first, and each answer goes to the
/// step that asked it, while the steps' events keep arriving.
#[test]
fn two_steps_asking_at_once_get_one_dialog_after_the_other() {
    use kmpilot::exec::ask::{AskKind, Question, Reply};
    use kmpilot::tui::dialogs::ask_dialog::Asked;
    let q = |release: &str| Question {
        kind: AskKind::RecoverRelease,
        title: format!("Helm release {release} is stuck in pending-install"),
        text: vec![format!("helm uninstall {release} --wait -n wso2")],
        password: None,
        yes: "recover the release".into(),
    };
    let mut a = running_app();
    a.size = (140, 30);
    for step in [StepId::IdentityServer, StepId::ApiManager] {
        ev(&mut a, Event::StepStarted { step });
    }
    let (is_q, mut is_reply) = Asked::new(q("is"));
    let (am_q, mut am_reply) = Asked::new(q("apim"));
    update(&mut a, Msg::Ask(is_q));
    update(&mut a, Msg::Ask(am_q));
    let s = text(&a);
    assert!(s.contains("helm uninstall is --wait"), "{s}");
    assert!(!s.contains("helm uninstall apim"), "{s}");
    ev(
        &mut a,
        Event::Output {
            step: StepId::ApiManager,
            stream: kmpilot::exec::events::Stream::Info,
            line: "waiting for the answer".into(),
        },
    );
    perform_reply(key(&mut a, KeyCode::Char('y')));
    assert!(matches!(
        is_reply.try_recv().unwrap(),
        Reply::Yes { password: None }
    ));
    assert!(am_reply.try_recv().is_err(), "not answered yet");
    let s = text(&a);
    assert!(s.contains("helm uninstall apim --wait"), "{s}");
    perform_reply(key(&mut a, KeyCode::Char('n')));
    assert!(matches!(am_reply.try_recv().unwrap(), Reply::No));
    assert!(a.modal.is_none());
}

/// The four ingresses of a release share a long prefix: at 100 and 80 columns each still
/// shows what tells it apart (its end), and at 80×24 the pane has a row for each.
#[test]
fn ingress_names_stay_apart_on_narrow_terminals() {
    for (w, h) in [(100, 30), (80, 24)] {
        let mut a = running_app();
        a.size = (w, h);
        let names = ["am", "gateway", "websocket", "websub"];
        update(
            &mut a,
            Msg::Watch(WatchUpdate::Ingresses(Snapshot {
                state: SyncState::Live,
                rows: names
                    .iter()
                    .map(|n| IngressRow {
                        namespace: "wso2".into(),
                        name: format!("apim-wso2am-all-in-one-{n}-ingress"),
                        hosts: vec![format!("{n}.wso2.com")],
                        address: "172.18.0.2".into(),
                    })
                    .collect(),
            })),
        );
        let s = text(&a);
        for n in names {
            assert!(
                s.contains(&format!("{n}-ingress")),
                "{w}×{h}: {n}-ingress not told apart:\n{s}"
            );
        }
        assert!(
            s.contains("172.18.0.2"),
            "{w}×{h}: the address is shown:\n{s}"
        );
    }
}

/// The proof's headline is the summary's: working with the revocation's seconds, or what is
/// missing.
#[test]
fn the_summary_shows_the_proofs_headline() {
    for (working, headline) in [
        (
            true,
            "working: token from IS accepted by the gateway; revocation reached the gateway in 3 s",
        ),
        (false, "not working: revocation reaching the gateway failed"),
    ] {
        let mut a = running_app();
        feed_progress(&mut a);
        ev(
            &mut a,
            Event::Headline {
                step: StepId::Prove,
                working,
                text: headline.into(),
            },
        );
        ev(&mut a, Event::RunFinished { ok: working });
        a.run.summary_open = true;
        let s = text(&a);
        // the dialog wraps the line: its start is on one row
        assert!(
            s.contains(&format!("Key manager: {}", &headline[..36])),
            "{s}"
        );
    }
}

//! The wizard says the truth at every moment and names what it will touch (issue 24), driven
//! through `update` and drawn by `view` into a TestBackend: the target in the header and every
//! confirmation, save-as giving the copy its own name and keeping the file's layout, the quit
//! guard on a profile with errors, the Review following the cluster after a run, a step left
//! out never summarised as success, the failure dialog's Esc, warnings on their fields.

mod support;

use std::time::Duration;

use crossterm::event::KeyCode;
use kmpilot::exec::events::{Event, Skip};
use kmpilot::exec::preflight::{CheckOutcome, CheckStatus};
use kmpilot::kube::target::Target;
use kmpilot::plan::StepId;
use kmpilot::profile::load;
use kmpilot::tui::app::{App, Modal, Screen, WizardStep};
use kmpilot::tui::target::TargetKey;
use kmpilot::tui::{Cmd, Msg, save_blocking, update};
use support::tui::*;

fn app_on(review: bool) -> App {
    let mut app = quickstart_app(review, true);
    app.size = (120, 34);
    app.env_names = Default::default();
    app
}

fn lab_target(app: &mut App) {
    update(
        app,
        Msg::Target {
            key: TargetKey::default(),
            target: Ok(Target {
                context: "kind-lab".into(),
                server: "https://127.0.0.1:41234".into(),
            }),
        },
    );
}

const LAB: &str = "context kind-lab (https://127.0.0.1:41234), namespace wso2";

#[test]
fn the_target_is_in_the_header_and_in_every_confirmation() {
    let mut a = app_on(false);
    // the wizard reads the target as it opens
    assert!(
        cmds(kmpilot::tui::init(&mut a))
            .iter()
            .any(|c| matches!(c, Cmd::ReadTarget(k) if *k == TargetKey::default()))
    );
    assert!(text(&a).contains("context being read…, namespace wso2"));
    lab_target(&mut a);
    let header = text(&a).lines().next().unwrap().to_string();
    assert!(header.contains(LAB), "{header}");

    // the run confirmation reads it again as it opens, and names it
    goto_step(&mut a, WizardStep::Review);
    key(&mut a, KeyCode::Enter);
    let asked = cmds(key(&mut a, KeyCode::Char('r')));
    assert!(matches!(a.modal, Some(Modal::ConfirmRun(_))));
    assert!(asked.iter().any(|c| matches!(c, Cmd::ReadTarget(_))));
    let s = text(&a);
    assert!(s.contains(&format!("on {LAB}?")), "{s}");
    key(&mut a, KeyCode::Esc);

    // so does the destroy confirmation
    let asked = cmds(key(&mut a, KeyCode::Char('X')));
    assert!(matches!(a.modal, Some(Modal::Destroy(_))));
    assert!(asked.iter().any(|c| matches!(c, Cmd::ReadTarget(_))));
    assert!(text(&a).contains(&format!("on {LAB}:")));
    key(&mut a, KeyCode::Esc);

    // another context in the profile: the old answer is not shown for it
    a.profile.cluster.context = Some("prod".into());
    assert!(text(&a).contains("context being read…"));
    // a kubeconfig error is said, not hidden
    update(
        &mut a,
        Msg::Target {
            key: TargetKey {
                kubeconfig: None,
                context: Some("prod".into()),
            },
            target: Err("context \"prod\" is not in ~/.kube/config".into()),
        },
    );
    assert!(text(&a).contains("an unknown cluster (context \"prod\" is not in"));
}

#[test]
fn the_target_is_read_again_every_few_seconds() {
    let mut a = app_on(false);
    let t0 = a.now;
    let wall = a.wall;
    let tick = |a: &mut App, s: i64| {
        cmds(update(
            a,
            Msg::Tick {
                now: t0 + Duration::from_secs(s as u64),
                wall: wall + s,
            },
        ))
    };
    assert!(
        tick(&mut a, 0)
            .iter()
            .any(|c| matches!(c, Cmd::ReadTarget(_)))
    );
    assert!(tick(&mut a, 1).is_empty(), "not at every tick");
    // `kubectl config use-context` in another window shows within seconds
    assert!(
        tick(&mut a, 3)
            .iter()
            .any(|c| matches!(c, Cmd::ReadTarget(_)))
    );
}

#[test]
fn save_as_a_new_name_gives_the_copy_its_name_and_keeps_the_file_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("quickstart.yaml");
    let original = std::fs::read_to_string(quickstart_path()).unwrap();
    std::fs::write(&src, &original).unwrap();
    let mut a = app_on(false);
    a.profile_path = Some(src.clone());
    key(&mut a, KeyCode::Char('S'));
    assert!(matches!(a.modal, Some(Modal::SaveAs(_))));
    for _ in 0.."quickstart".len() {
        key(&mut a, KeyCode::Backspace);
    }
    let copy = dir.path().join("lab-b.yaml");
    typ(&mut a, copy.to_str().unwrap());
    // (the Cluster step's checks may be asked again too: the name is part of the profile)
    let Some(Cmd::Save {
        path,
        profile,
        layout_of,
    }) = cmds(key(&mut a, KeyCode::Enter))
        .into_iter()
        .find(|c| matches!(c, Cmd::Save { .. }))
    else {
        panic!("Enter saves")
    };
    assert_eq!(path, copy);
    assert_eq!(layout_of.as_deref(), Some(src.as_path()));
    // its own name: its own journal, hosts-file block and destroy confirmation
    assert_eq!(profile.name, "lab-b");
    update(&mut a, save_blocking(&path, &profile, layout_of.as_deref()));
    assert!(text(&a).contains("as profile `lab-b`"));
    let written = std::fs::read_to_string(&copy).unwrap();
    // the comments and the layout stay: one line differs
    assert_eq!(
        written,
        original.replacen("\nname: quickstart\n", "\nname: lab-b\n", 1)
    );
    let back = load::from_path(&copy, kmpilot::steps::validate)
        .unwrap()
        .profile;
    assert_eq!(back, a.profile);
    assert_eq!(std::fs::read_to_string(&src).unwrap(), original);

    // Ctrl-S of an edited value keeps the layout too
    a.profile.cluster.namespace = "wso2-lab".into();
    let Some(Cmd::Save {
        path,
        profile,
        layout_of,
    }) = cmds(ctrl(&mut a, 's'))
        .into_iter()
        .find(|c| matches!(c, Cmd::Save { .. }))
    else {
        panic!("Ctrl-S saves")
    };
    update(&mut a, save_blocking(&path, &profile, layout_of.as_deref()));
    let again = std::fs::read_to_string(&copy).unwrap();
    assert_eq!(
        again,
        written.replacen("namespace: wso2\n", "namespace: wso2-lab\n", 1)
    );
}

#[test]
fn save_and_quit_on_a_profile_with_errors_says_so() {
    let mut a = app_on(false);
    goto_step(&mut a, WizardStep::Step(StepId::IdentityServer));
    focus_field(&mut a, "Hostname");
    key(&mut a, KeyCode::Enter);
    typ(&mut a, " bad");
    key(&mut a, KeyCode::Enter);
    assert!(a.has_errors());
    key(&mut a, KeyCode::Char('q'));
    assert!(matches!(a.modal, Some(Modal::QuitGuard(_))));
    let s = text(&a);
    assert!(
        s.contains("error(s): saved as it is, it will not run"),
        "{s}"
    );
    assert!(s.contains("s save with the errors and quit"), "{s}");
}

/// The Review's verification and diff are computed again after a run (the cluster changed),
/// and say how old they are.
#[test]
fn the_review_follows_the_cluster_after_a_run() {
    let mut a = app_on(true);
    let tick = |a: &mut App, s: i64| {
        let (now, wall) = (a.now + Duration::from_secs(s as u64), a.wall + s);
        cmds(update(a, Msg::Tick { now, wall }))
    };
    let first = tick(&mut a, 0);
    let (Some(vg), Some(dg)) = (
        first.iter().find_map(|c| match c {
            Cmd::Verify { generation, .. } => Some(*generation),
            _ => None,
        }),
        first.iter().find_map(|c| match c {
            Cmd::Diff { generation, .. } => Some(*generation),
            _ => None,
        }),
    ) else {
        panic!("the review verifies and diffs: {first:?}")
    };
    update(
        &mut a,
        Msg::Verified {
            generation: vg,
            reports: vec![Err("chart /tmp/gone not found".into())],
        },
    );
    update(
        &mut a,
        Msg::Diffed {
            generation: dg,
            report: Box::new(kmpilot::exec::diff::DiffReport {
                profile: "quickstart".into(),
                error: None,
                steps: Vec::new(),
            }),
        },
    );
    tick(&mut a, 30);
    let s = text(&a);
    assert!(s.contains("chart not rendered · as of 30s ago"), "{s}");

    // a run (its confirmation asks twice: the verification found an error): nothing is asked
    // while it runs, everything again once it finished
    key(&mut a, KeyCode::Char('r'));
    assert!(key(&mut a, KeyCode::Char('y')).is_none());
    assert!(matches!(
        key(&mut a, KeyCode::Char('y')),
        Some(Cmd::StartRun { .. })
    ));
    update(&mut a, Msg::Exec(Event::RunStarted { steps: vec![] }));
    assert!(
        !tick(&mut a, 31)
            .iter()
            .any(|c| matches!(c, Cmd::Verify { .. } | Cmd::Diff { .. }))
    );
    let after = cmds(update(&mut a, Msg::Exec(Event::RunFinished { ok: true })));
    assert!(
        after.iter().any(|c| matches!(c, Cmd::Verify { .. })),
        "{after:?}"
    );
    assert!(
        after.iter().any(|c| matches!(c, Cmd::Diff { .. })),
        "{after:?}"
    );
}

fn run_of(a: &mut App) {
    key(a, KeyCode::Char('r'));
    assert!(matches!(
        key(a, KeyCode::Char('y')),
        Some(Cmd::StartRun { .. })
    ));
    let steps: Vec<StepId> = a.run.steps.iter().map(|s| s.id).collect();
    update(a, Msg::Exec(Event::RunStarted { steps }));
}

/// Skipping a failed step is not a success: the summary says what the deployment lacks and
/// lists no console, and the failure dialog closes with Esc to read the log behind it.
#[test]
fn a_step_left_out_is_summarised_as_what_the_deployment_lacks() {
    let mut a = app_on(true);
    run_of(&mut a);
    let ids: Vec<StepId> = a.run.steps.iter().map(|s| s.id).collect();
    for i in 0..100 {
        update(
            &mut a,
            Msg::Exec(Event::Output {
                step: StepId::Prerequisites,
                stream: kmpilot::exec::events::Stream::Info,
                line: format!("line {i}"),
            }),
        );
    }
    for &id in ids.iter().filter(|&&i| i != StepId::KeyManager) {
        update(&mut a, Msg::Exec(Event::StepStarted { step: id }));
        update(
            &mut a,
            Msg::Exec(Event::StepFinished {
                step: id,
                elapsed: Duration::from_secs(1),
            }),
        );
    }
    update(
        &mut a,
        Msg::Exec(Event::StepFailed {
            step: StepId::KeyManager,
            error: "API-M answered 401".into(),
            hint: None,
        }),
    );
    update(&mut a, Msg::Exec(Event::RunFinished { ok: false }));
    assert!(matches!(a.modal, Some(Modal::StepFailed(_))));
    assert!(!a.run.summary_open, "the decision comes first");
    // the bar offers the dialog's keys, not the run screen's `s summary`
    let bar = text(&a).lines().last().unwrap().to_string();
    assert!(bar.contains("s skip it and go on"), "{bar}");
    assert!(!bar.contains("summary"), "{bar}");

    // Esc: the log behind it, scrollable; `s` there is not a skip, `r` brings the dialog back
    assert!(key(&mut a, KeyCode::Esc).is_none());
    assert!(a.modal.is_none());
    assert_eq!(a.screen, Screen::Run);
    assert!(key(&mut a, KeyCode::Char('s')).is_none());
    assert!(!a.run.summary_open);
    assert!(
        text(&a)
            .lines()
            .last()
            .unwrap()
            .contains("r retry/skip/abort")
    );
    key(&mut a, KeyCode::Up);
    assert!(a.run.log_scroll.is_some(), "the log scrolls");
    key(&mut a, KeyCode::Char('r'));
    assert!(matches!(a.modal, Some(Modal::StepFailed(_))));
    assert!(matches!(
        key(&mut a, KeyCode::Char('s')),
        Some(Cmd::Skip(StepId::KeyManager))
    ));
    // the skip's run: the executor passes the step and finishes "ok"
    update(&mut a, Msg::Exec(Event::RunStarted { steps: ids.clone() }));
    update(
        &mut a,
        Msg::Exec(Event::StepSkipped {
            step: StepId::KeyManager,
            reason: "left out after failing".into(),
            why: Skip::LeftOut,
        }),
    );
    update(&mut a, Msg::Exec(Event::RunFinished { ok: true }));
    assert!(a.run.summary_open);
    let s = text(&a);
    assert!(!s.contains("Every step succeeded"), "{s}");
    assert!(s.contains("The deployment is not complete"), "{s}");
    assert!(
        s.contains("no key manager registered: tokens from IS will not be accepted"),
        "{s}"
    );
    assert!(!s.contains("Consoles"), "{s}");
    assert!(!s.contains("https://am.wso2.com/publisher"), "{s}");
    assert!(
        s.lines()
            .next()
            .unwrap()
            .contains("run finished without 1 step(s)")
    );
}

/// A failed run lists no console URLs either.
#[test]
fn a_failed_run_lists_no_consoles() {
    let mut a = app_on(true);
    run_of(&mut a);
    update(
        &mut a,
        Msg::Exec(Event::StepFailed {
            step: StepId::Prerequisites,
            error: "cluster does not answer".into(),
            hint: None,
        }),
    );
    update(&mut a, Msg::Exec(Event::RunFinished { ok: false }));
    key(&mut a, KeyCode::Char('a'));
    key(&mut a, KeyCode::Char('s'));
    assert!(a.run.summary_open);
    let s = text(&a);
    assert!(s.contains("prerequisites (failed)"), "{s}");
    assert!(!s.contains("https://am.wso2.com/publisher"), "{s}");
}

#[test]
fn failing_cluster_checks_are_on_the_status_bar_beside_a_valid_profile() {
    let mut a = app_on(false);
    kmpilot::tui::init(&mut a);
    update(
        &mut a,
        Msg::Preflight {
            generation: 1,
            results: vec![CheckOutcome {
                summary: "cluster of the current context answers".into(),
                status: CheckStatus::Failed,
                detail: "connection refused".into(),
                fix: None,
            }],
        },
    );
    let s = text(&a);
    let status = s.lines().rev().nth(1).unwrap();
    assert!(status.contains("✓ profile valid"), "{status}");
    assert!(
        status.contains("✗ 1 cluster check(s) failing (Cluster step)"),
        "{status}"
    );
}

/// A warning about a whole section shows under its first field, not only as "1!" on the step.
#[test]
fn a_section_warning_shows_on_its_field() {
    let mut a = app_on(false);
    a.profile.identity_server.admin.username = "isadmin".into();
    a.revalidate();
    goto_step(&mut a, WizardStep::Step(StepId::IdentityServer));
    key(&mut a, KeyCode::Enter);
    a.size = (160, 45);
    let s = text(&a);
    assert!(s.contains("IS and API-M admin credentials differ"), "{s}");
}

#[test]
fn build_off_warns_that_nothing_builds_the_image_it_pulls() {
    let mut a = app_on(false);
    goto_step(&mut a, WizardStep::Step(StepId::IsImage));
    focus_field(&mut a, "Build image");
    key(&mut a, KeyCode::Char(' '));
    assert!(!a.profile.identity_server.image.build);
    a.size = (160, 45);
    let s = text(&a);
    assert!(
        s.contains("with build off the IS pods pull `localhost:5000/wso2is-km:7.1.0`"),
        "{s}"
    );
}

#[test]
fn ctrl_u_clears_the_field_being_typed_into_and_esc_puts_it_back() {
    let mut a = app_on(false);
    goto_step(&mut a, WizardStep::Step(StepId::Prerequisites));
    focus_field(&mut a, "Namespace");
    key(&mut a, KeyCode::Enter);
    ctrl(&mut a, 'u');
    assert_eq!(a.profile.cluster.namespace, "");
    typ(&mut a, "lab");
    assert_eq!(a.profile.cluster.namespace, "lab");
    ctrl(&mut a, 'u');
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.profile.cluster.namespace, "wso2");
}

#[test]
fn the_secret_dialog_says_whether_its_variable_is_set() {
    let mut a = app_on(false);
    a.size = (120, 34);
    goto_step(&mut a, WizardStep::Step(StepId::ApiManager));
    focus_field(&mut a, "Admin password");
    key(&mut a, KeyCode::Enter);
    assert!(matches!(a.modal, Some(Modal::Secret(_))));
    assert!(
        text(&a).contains("✗ $APIM_ADMIN_PASSWORD is not set"),
        "{}",
        text(&a)
    );
    a.env_names = std::sync::Arc::new(["APIM_ADMIN_PASSWORD".to_string()].into());
    assert!(text(&a).contains("✓ $APIM_ADMIN_PASSWORD is set in this shell"));
}

#[test]
fn steps_the_profile_does_not_use_are_marked() {
    let mut a = app_on(false);
    assert!(!a.used(WizardStep::Step(StepId::PrivateJet)));
    goto_step(&mut a, WizardStep::Step(StepId::PrivateJet));
    let s = text(&a);
    assert!(s.contains("not used by this profile"), "{s}");
    assert!(
        s.lines()
            .any(|l| l.contains("PrivateJet") && l.contains("off")),
        "{s}"
    );
}

#[test]
fn enter_opens_the_review_findings_whole() {
    let mut a = app_on(true);
    a.size = (80, 24);
    let long = format!("chart not found at {}", "/very/long/path".repeat(8));
    let (now, wall) = (a.now, a.wall);
    let g = cmds(update(&mut a, Msg::Tick { now, wall }))
        .iter()
        .find_map(|c| match c {
            Cmd::Verify { generation, .. } => Some(*generation),
            _ => None,
        })
        .unwrap();
    update(
        &mut a,
        Msg::Verified {
            generation: g,
            reports: vec![Err(long.clone())],
        },
    );
    assert!(!text(&a).contains("/very/long/path".repeat(8).as_str()));
    key(&mut a, KeyCode::Enter);
    let Some(Modal::Detail(d)) = &a.modal else {
        panic!("Enter opens the details")
    };
    let whole: String = d
        .lines
        .iter()
        .flat_map(|l| l.spans.iter().map(|s| s.content.to_string()))
        .collect();
    assert!(whole.contains(&long), "{whole}");
    // drawn wrapped: the path's pieces are all on screen
    let s = text(&a);
    assert!(s.contains("Review — details"), "{s}");
    // (a piece may be split where a line wraps)
    assert!(
        s.matches("/very/long/path").count() >= 6,
        "the whole path is on screen, wrapped:\n{s}"
    );
    key(&mut a, KeyCode::Esc);
    assert!(a.modal.is_none());
}

/// Reopening the wizard after a run that stopped part way shows its trace on the review (the
/// journal the wizard reads once it opens the profile); a run started here drops it.
#[test]
fn an_interrupted_run_is_traced_on_reopening() {
    let mut a = app_on(true);
    let read = cmds(kmpilot::tui::init(&mut a));
    assert!(
        read.iter()
            .any(|c| matches!(c, Cmd::ReadJournal { profile } if profile == "quickstart")),
        "the wizard reads the profile's journal as it opens"
    );
    assert!(
        !text(&a).contains("stopped part way"),
        "no journal, no trace"
    );
    let plan = kmpilot::steps::plan(&a.profile);
    let mut j = kmpilot::exec::journal::Journal {
        profile: "quickstart".into(),
        ..Default::default()
    };
    j.record(
        plan.steps[0].id,
        &plan.steps[0],
        kmpilot::exec::journal::Status::Done,
        None,
    );
    j.record(
        plan.steps[1].id,
        &plan.steps[1],
        kmpilot::exec::journal::Status::Failed,
        Some("boom: the reason".into()),
    );
    update(&mut a, Msg::Journal(j.clone()));
    let shown = text(&a);
    assert!(
        shown.contains(&format!("1 of {} steps done", plan.steps.len())),
        "{shown}"
    );
    assert!(
        shown.contains(&format!(
            "✗ {} failed: boom: the reason",
            plan.steps[1].id.as_str()
        )),
        "{shown}"
    );
    // another profile's journal (a reply for a profile opened before) is not this one's
    j.profile = "other".into();
    update(&mut a, Msg::Journal(j));
    assert!(!text(&a).contains("stopped part way"));
}

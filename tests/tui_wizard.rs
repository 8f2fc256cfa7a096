//! The wizard driven by keys and mouse through `update`, drawn by `view` into a TestBackend:
//! snapshots of every screen (reviewed), navigation, live derived endpoints, inline validation
//! with the same text as `kmpilot validate`, save/reload, the quit guard and NO_COLOR.

mod support;

use crossterm::event::KeyCode;
use kmpilot::exec::preflight::{CheckOutcome, CheckStatus};
use kmpilot::plan::StepId;
use kmpilot::profile::load;
use kmpilot::tui::app::{App, Focus, Modal, WizardStep};
use kmpilot::tui::dialogs::private_jet_clusters::RemoveCluster;
use kmpilot::tui::{Cmd, Msg, TuiOptions, save_blocking, update};
use ratatui::style::Color;
use support::tui::*;

fn app_with(no_color: bool) -> App {
    let mut app = quickstart_app(false, no_color);
    app.size = (100, 30);
    // as the event loop does: the wizard opens on the Cluster step and checks at once
    let Some(Cmd::Batch(first)) = kmpilot::tui::init(&mut app) else {
        panic!("the checks and the target are read at once")
    };
    assert!(
        first
            .iter()
            .any(|c| matches!(c, Cmd::Preflight { generation: 1, .. }))
    );
    // the snapshots do not depend on the environment the tests run in
    app.env_names = Default::default();
    app
}

fn app() -> App {
    app_with(false)
}

#[test]
fn snapshot_every_wizard_step() {
    let mut a = app();
    for (i, step) in WizardStep::ALL.iter().enumerate() {
        goto_step(&mut a, *step);
        if i > 0 {
            // the form has the focus on the second visit of each step, as a user sees it
            key(&mut a, KeyCode::Enter);
        }
        // the snapshots keep the names they had when each wizard step was its own variant
        let label = match step.step_id() {
            Some(StepId::Prerequisites) => "Cluster".to_string(),
            Some(id) => format!("{id:?}"),
            None => "Review".to_string(),
        };
        let name = format!("wizard_{:02}_{label}", i + 1);
        insta::assert_snapshot!(name, draw(&a, 100, 30).backend());
        if a.focus == Focus::Form {
            key(&mut a, KeyCode::Tab);
        }
    }
}

#[test]
fn snapshot_too_small() {
    let a = app();
    insta::assert_snapshot!("too_small_60x20", draw(&a, 60, 20).backend());
}

#[test]
fn works_at_80x24_and_follows_resizes() {
    let mut a = app();
    update(&mut a, Msg::Resize(80, 24));
    let s = text(&a);
    assert!(s.contains("Cluster & prerequisites"));
    assert!(s.contains("Namespace"));
    assert!(!s.contains("terminal too small"));
    update(&mut a, Msg::Resize(79, 24));
    assert!(
        text(&a).contains("terminal too small (need 80×24")
            || text(&a).contains("terminal too small")
    );
    assert!(text(&a).contains("need 80×24, have 79×24"));
    update(&mut a, Msg::Resize(120, 40));
    assert!(text(&a).contains("Helm repo URL"));
}

#[test]
fn snapshot_overlays() {
    let mut a = app();
    key(&mut a, KeyCode::Char('?'));
    insta::assert_snapshot!("help_overlay", draw(&a, 100, 30).backend());
    key(&mut a, KeyCode::Esc);
    assert!(a.modal.is_none());

    // secret editor on the API-M admin password
    goto_step(&mut a, WizardStep::Step(StepId::ApiManager));
    focus_field(&mut a, "Admin password");
    key(&mut a, KeyCode::Enter);
    assert!(matches!(a.modal, Some(Modal::Secret(_))));
    insta::assert_snapshot!("secret_editor", draw(&a, 100, 30).backend());
    key(&mut a, KeyCode::Esc);

    // multi-line editor on the IS extra TOML
    key(&mut a, KeyCode::Tab);
    goto_step(&mut a, WizardStep::Step(StepId::IdentityServer));
    focus_field(&mut a, "Extra TOML");
    key(&mut a, KeyCode::Enter);
    typ(&mut a, "[role_mgt]");
    key(&mut a, KeyCode::Enter);
    typ(&mut a, "allow_system_prefix_for_role = true");
    insta::assert_snapshot!("multiline_editor", draw(&a, 100, 30).backend());
    key(&mut a, KeyCode::Esc);
    assert_eq!(
        a.profile.identity_server.extra_toml,
        "[role_mgt]\nallow_system_prefix_for_role = true"
    );

    // quit guard (the profile is modified now)
    key(&mut a, KeyCode::Char('q'));
    insta::assert_snapshot!("quit_guard", draw(&a, 100, 30).backend());
}

#[test]
fn navigation_between_steps_and_fields() {
    let mut a = app();
    assert_eq!(a.wizard_step(), WizardStep::Step(StepId::Prerequisites));
    assert_eq!(a.focus, Focus::Steps);
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Down);
    assert_eq!(a.wizard_step(), WizardStep::Step(StepId::Keystores));
    key(&mut a, KeyCode::Up);
    assert_eq!(a.wizard_step(), WizardStep::Step(StepId::IsImage));
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.focus, Focus::Form);
    assert_eq!(a.field, 0);
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Down);
    assert_eq!(a.fields[a.field].label, "Notification handler");
    key(&mut a, KeyCode::Up);
    assert_eq!(a.fields[a.field].label, "Base image");
    key(&mut a, KeyCode::Char(']'));
    assert_eq!(a.wizard_step(), WizardStep::Step(StepId::Keystores));
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.focus, Focus::Steps);
    key(&mut a, KeyCode::End);
    assert_eq!(a.wizard_step(), WizardStep::Review);
    // fields scroll into view on a long form
    goto_step(&mut a, WizardStep::Step(StepId::KeyManager));
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::End);
    assert_eq!(a.fields[a.field].label, "Timeout (s)");
    assert!(text(&a).contains("Timeout (s)"));
    assert!(a.form_scroll > 0);
}

#[test]
fn mouse_selects_steps_and_fields() {
    let mut a = app();
    // the step list starts inside its border at row 2 (title bar, border)
    click(&mut a, 5, 2 + 4);
    assert_eq!(a.wizard_step(), WizardStep::Step(StepId::IdentityServer));
    // first field line of the form is at row 2, column 31+ (Install, Hostname, Release,
    // Chart, Chart version)
    click(&mut a, 40, 2 + 4);
    assert_eq!(a.focus, Focus::Form);
    assert_eq!(a.fields[a.field].label, "Chart version");
}

#[test]
fn editing_is_hostname_updates_derived_key_manager_endpoints() {
    let mut a = app();
    goto_step(&mut a, WizardStep::Step(StepId::KeyManager));
    let s = text(&a);
    assert!(
        s.contains("https://is.wso2.com/oauth2/token  (derived)"),
        "{s}"
    );
    goto_step(&mut a, WizardStep::Step(StepId::IdentityServer));
    focus_field(&mut a, "Hostname");
    key(&mut a, KeyCode::Enter);
    for _ in 0.."is.wso2.com".len() {
        key(&mut a, KeyCode::Backspace);
    }
    typ(&mut a, "idp.example.org");
    // applied as typed: the derived fields follow before Enter
    assert_eq!(
        kmpilot::steps::key_manager::fields(&a.profile).display_token,
        "https://idp.example.org/oauth2/token"
    );
    key(&mut a, KeyCode::Enter);
    assert!(a.editing.is_none());
    key(&mut a, KeyCode::Tab);
    goto_step(&mut a, WizardStep::Step(StepId::KeyManager));
    let s = text(&a);
    assert!(s.contains("https://idp.example.org/oauth2/token"), "{s}");
    assert!(!s.contains("https://is.wso2.com/oauth2"));
    // overriding one endpoint
    focus_field(&mut a, "Token");
    key(&mut a, KeyCode::Enter);
    typ(&mut a, "https://tok.example.org/t");
    key(&mut a, KeyCode::Enter);
    let f = kmpilot::steps::key_manager::fields(&a.profile);
    assert_eq!(f.token, "https://tok.example.org/t");
    assert_eq!(f.display_revoke, "https://idp.example.org/oauth2/revoke");
    assert_eq!(
        f.revoke, "https://is-identity-server.wso2.svc:9443/oauth2/revoke",
        "API-M's own call stays on the IS Service"
    );
    assert!(text(&a).contains("(override)"));
}

#[test]
fn bad_hostname_shows_the_validate_message() {
    let mut a = app();
    goto_step(&mut a, WizardStep::Step(StepId::IdentityServer));
    focus_field(&mut a, "Hostname");
    key(&mut a, KeyCode::Enter);
    typ(&mut a, ":9443");
    key(&mut a, KeyCode::Enter);
    // the message `kmpilot validate` prints for this profile
    let issues = kmpilot::steps::validate(&a.profile).list;
    let issue = issues
        .iter()
        .find(|i| i.path.to_string() == "identityServer.hostname")
        .expect("validate reports the hostname");
    assert_eq!(issue.message, "`is.wso2.com:9443` is not a valid hostname");
    let s = text(&a);
    assert!(s.contains(&format!("✗ error: {}", issue.message)), "{s}");
    // its expectation is shown for the focused field, and the step is marked
    assert!(s.contains("expected a DNS name such as am.wso2.com"));
    assert!(s.contains("1✗"));
    insta::assert_snapshot!("bad_hostname", draw(&a, 100, 30).backend());
    // Esc while editing restores the previous value
    key(&mut a, KeyCode::Enter);
    typ(&mut a, "zzz");
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.profile.identity_server.hostname, "is.wso2.com:9443");
}

#[test]
fn number_fields_reject_text_inline() {
    let mut a = app();
    goto_step(&mut a, WizardStep::Step(StepId::Keystores));
    focus_field(&mut a, "Validity (days)");
    key(&mut a, KeyCode::Enter);
    typ(&mut a, "x");
    assert!(text(&a).contains("`3650x` is not a whole number"));
    assert_eq!(a.profile.keystores.validity_days, 3650);
    key(&mut a, KeyCode::Enter);
    assert!(a.editing.is_some(), "Enter does not accept a bad number");
    key(&mut a, KeyCode::Backspace);
    key(&mut a, KeyCode::Backspace);
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.profile.keystores.validity_days, 365);
    assert!(a.editing.is_none());
}

#[test]
fn secrets_are_masked_and_literal_only_on_request() {
    let mut a = app();
    goto_step(&mut a, WizardStep::Step(StepId::Keystores));
    focus_field(&mut a, "Store password");
    key(&mut a, KeyCode::Enter);
    let Some(Modal::Secret(e)) = &a.modal else {
        panic!("secret editor")
    };
    assert!(
        !e.sources()
            .contains(&kmpilot::tui::app::SecretSource::Literal)
    );
    // env → file
    key(&mut a, KeyCode::Tab);
    typ(&mut a, "/run/secrets/ks");
    key(&mut a, KeyCode::Enter);
    assert_eq!(
        a.profile.keystores.store_password,
        kmpilot::profile::secret::SecretRef::File("/run/secrets/ks".into())
    );
    // a literal needs Ctrl-L, is typed masked and shows as the mask
    key(&mut a, KeyCode::Enter);
    ctrl(&mut a, 'l');
    typ(&mut a, "hunter2");
    assert!(!text(&a).contains("hunter2"));
    key(&mut a, KeyCode::Enter);
    assert_eq!(
        a.profile.keystores.store_password,
        kmpilot::profile::secret::SecretRef::Literal("hunter2".into())
    );
    let s = text(&a);
    assert!(!s.contains("hunter2"));
    assert!(s.contains("literal:********"));
    // validate warns about literals; the warning shows under the field
    assert!(s.contains("! warning:"));
}

#[test]
fn private_jet_clusters_can_be_added_and_removed() {
    let mut a = app();
    goto_step(&mut a, WizardStep::Step(StepId::PrivateJet));
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Char('a'));
    key(&mut a, KeyCode::Char('a'));
    assert_eq!(a.profile.private_jet.clusters.len(), 2);
    assert_eq!(a.profile.private_jet.clusters[1].name, "cluster-2");
    assert_eq!(a.fields[a.field].group.as_deref(), Some("Cluster 2"));
    insta::assert_snapshot!("private_jet_two_clusters", draw(&a, 100, 30).backend());
    // d asks, y removes the focused cluster
    key(&mut a, KeyCode::Char('d'));
    assert!(matches!(
        a.modal,
        Some(Modal::ConfirmRemoveCluster(RemoveCluster(1)))
    ));
    key(&mut a, KeyCode::Char('y'));
    assert_eq!(a.profile.private_jet.clusters.len(), 1);
    assert_eq!(a.profile.private_jet.clusters[0].name, "cluster-1");
}

#[test]
fn choices_and_dynamic_fields() {
    let mut a = app();
    goto_step(&mut a, WizardStep::Step(StepId::ApiManager));
    focus_field(&mut a, "Database type");
    let n = a.fields.len();
    key(&mut a, KeyCode::Right);
    assert_eq!(
        a.profile.api_manager.databases.db_type,
        kmpilot::profile::sections::api_manager::DbType::Mysql
    );
    assert!(a.fields.len() > n, "external database fields appear");
    key(&mut a, KeyCode::Left);
    assert_eq!(a.fields.len(), n);
}

#[test]
fn save_then_reload_is_equal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edited.yaml");
    let mut a = app();
    a.profile_path = Some(path.clone());
    goto_step(&mut a, WizardStep::Step(StepId::Prerequisites));
    focus_field(&mut a, "Namespace");
    key(&mut a, KeyCode::Enter);
    typ(&mut a, "-dev");
    key(&mut a, KeyCode::Enter);
    assert!(a.dirty());
    let Some(Cmd::Save {
        path: p, profile, ..
    }) = ctrl(&mut a, 's')
    else {
        panic!("Ctrl-S asks for a save")
    };
    assert_eq!(p, path);
    let done = save_blocking(&p, &profile, Some(&p));
    update(&mut a, done);
    assert!(!a.dirty());
    assert!(text(&a).contains("saved"));
    let back = load::from_path(&path, kmpilot::steps::validate)
        .unwrap()
        .profile;
    assert_eq!(back, a.profile);
    assert_eq!(back.cluster.namespace, "wso2-dev");
}

#[test]
fn save_as_asks_for_a_name_when_there_is_no_path() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app();
    a.profile_path = None;
    assert!(ctrl(&mut a, 's').is_none());
    assert!(matches!(a.modal, Some(Modal::SaveAs(_))));
    for _ in 0.."quickstart".len() {
        key(&mut a, KeyCode::Backspace);
    }
    let target = dir.path().join("mine.yaml");
    typ(&mut a, target.to_str().unwrap());
    let Some(Cmd::Save { path, profile, .. }) = key(&mut a, KeyCode::Enter) else {
        panic!("Enter saves")
    };
    assert_eq!(path, target);
    update(&mut a, save_blocking(&path, &profile, None));
    assert_eq!(a.profile_path.as_deref(), Some(target.as_path()));
    assert_eq!(
        load::from_path(&target, kmpilot::steps::validate)
            .unwrap()
            .profile,
        a.profile
    );
}

#[test]
fn quit_guard_prompts_only_when_dirty() {
    // clean: q quits at once
    let mut a = app();
    assert!(matches!(key(&mut a, KeyCode::Char('q')), Some(Cmd::Quit)));
    assert!(a.should_quit);

    // dirty: q and Ctrl-C ask; Esc stays; d discards and quits
    let mut a = app();
    goto_step(&mut a, WizardStep::Step(StepId::Dns));
    focus_field(&mut a, "Hosts file");
    key(&mut a, KeyCode::Enter);
    typ(&mut a, ".test");
    key(&mut a, KeyCode::Enter);
    assert!(key(&mut a, KeyCode::Char('q')).is_none());
    assert!(matches!(a.modal, Some(Modal::QuitGuard(_))));
    assert!(text(&a).contains("unsaved changes"));
    key(&mut a, KeyCode::Esc);
    assert!(a.modal.is_none() && !a.should_quit);
    assert!(ctrl(&mut a, 'c').is_none());
    assert!(matches!(a.modal, Some(Modal::QuitGuard(_))));
    assert!(matches!(key(&mut a, KeyCode::Char('d')), Some(Cmd::Quit)));
    assert!(a.should_quit);

    // dirty, s: saves first and quits once the save is reported
    let dir = tempfile::tempdir().unwrap();
    let mut a = app();
    a.profile_path = Some(dir.path().join("q.yaml"));
    a.profile.description = "changed".into();
    key(&mut a, KeyCode::Char('q'));
    let Some(Cmd::Save { path, profile, .. }) = key(&mut a, KeyCode::Char('s')) else {
        panic!("s saves")
    };
    assert!(!a.should_quit);
    let cmd = update(&mut a, save_blocking(&path, &profile, None));
    assert!(matches!(cmd, Some(Cmd::Quit)) && a.should_quit);

    // editing back to the saved value is clean again
    let mut a = app();
    a.profile.description.push('x');
    assert!(a.dirty());
    a.profile.description.pop();
    assert!(!a.dirty());
}

#[test]
fn no_color_yields_no_colour_styles() {
    let mut a = app_with(true);
    // a screen with errors, a selection, a modal and the review
    goto_step(&mut a, WizardStep::Step(StepId::IdentityServer));
    focus_field(&mut a, "Hostname");
    key(&mut a, KeyCode::Enter);
    typ(&mut a, " bad");
    key(&mut a, KeyCode::Enter);
    let mut screens = vec![draw(&a, 100, 30)];
    key(&mut a, KeyCode::Char('?'));
    screens.push(draw(&a, 100, 30));
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Tab);
    goto_step(&mut a, WizardStep::Review);
    screens.push(draw(&a, 100, 30));
    for t in &screens {
        let buf = t.backend().buffer();
        for c in buf.content() {
            assert_eq!(c.fg, Color::Reset, "fg colour at {:?}", c.symbol());
            assert_eq!(c.bg, Color::Reset, "bg colour at {:?}", c.symbol());
        }
    }
    // and with colours there are some
    let a = app();
    let t = draw(&a, 100, 30);
    assert!(
        t.backend()
            .buffer()
            .content()
            .iter()
            .any(|c| c.fg != Color::Reset)
    );
}

#[test]
fn review_shows_the_plan_and_refuses_to_run_with_errors() {
    let mut a = app();
    goto_step(&mut a, WizardStep::Review);
    let plan = kmpilot::steps::plan(&a.profile);
    let s = text(&a);
    let first = &plan.steps[0];
    assert!(s.contains(&format!("1. {} — {}", first.id.as_str(), first.title)));
    assert!(s.contains(&first.actions[0].summary()));
    key(&mut a, KeyCode::Enter);
    // scroll to an action with a detail and see it in the preview
    let ai = plan.steps[0]
        .actions
        .iter()
        .position(|x| x.detail(&plan).is_some())
        .unwrap();
    for _ in 0..ai {
        key(&mut a, KeyCode::Down);
    }
    let detail = plan.steps[0].actions[ai].detail(&plan).unwrap();
    let s = text(&a);
    assert!(s.contains(detail.lines().next().unwrap()), "{s}");
    insta::assert_snapshot!("review_preview", draw(&a, 100, 30).backend());

    // run with an error: refused with a message
    a.profile.cluster.namespace = "Bad_NS".into();
    a.revalidate();
    assert!(key(&mut a, KeyCode::Char('r')).is_none());
    assert!(a.modal.is_none());
    assert!(text(&a).contains("fix them before running"));

    // valid: r asks, y starts
    a.profile.cluster.namespace = "wso2".into();
    a.revalidate();
    key(&mut a, KeyCode::Char('r'));
    assert!(matches!(a.modal, Some(Modal::ConfirmRun(_))));
    insta::assert_snapshot!("confirm_run", draw(&a, 100, 30).backend());
    let mut resumed = kmpilot::tui::new_app(
        TuiOptions {
            profile: a.profile.clone(),
            profile_path: None,
            start_on_review: true,
        },
        false,
    );
    let Some(Cmd::StartRun {
        plan: p,
        resume: false,
        ..
    }) = key(&mut a, KeyCode::Char('y'))
    else {
        panic!("y starts the run from the first step")
    };
    assert_eq!(p.steps.len(), plan.steps.len());
    assert_eq!(a.screen, kmpilot::tui::app::Screen::Run);
    // R resumes: the executor skips what the journal records as done
    key(&mut resumed, KeyCode::Char('r'));
    assert!(matches!(
        key(&mut resumed, KeyCode::Char('R')),
        Some(Cmd::StartRun { resume: true, .. })
    ));
}

/// The Discover action's result (what `Cmd::Discover` sends back; the HTTP side is tested
/// against a real OpenID provider in tests/key_manager_discovery.rs): the differing issuer is
/// reported, and A writes it into the profile's overrides.
#[test]
fn discover_reports_differences_and_adopt_writes_overrides() {
    use kmpilot::http::Discovered;
    let mut app = kmpilot::tui::new_app(
        kmpilot::tui::TuiOptions {
            profile: kmpilot::profile::Profile::quickstart("disc"),
            profile_path: None,
            start_on_review: false,
        },
        true,
    );
    app.size = (100, 30);
    // to the Key manager step's form
    let key = |c: crossterm::event::KeyCode| {
        kmpilot::tui::Msg::Key(crossterm::event::KeyEvent::new(
            c,
            crossterm::event::KeyModifiers::NONE,
        ))
    };
    while app.wizard_step() != kmpilot::tui::app::WizardStep::Step(StepId::KeyManager) {
        kmpilot::tui::update(&mut app, key(crossterm::event::KeyCode::Down));
    }
    kmpilot::tui::update(&mut app, key(crossterm::event::KeyCode::Enter));
    let cmd = kmpilot::tui::update(&mut app, key(crossterm::event::KeyCode::Char('D')));
    match cmd {
        Some(kmpilot::tui::Cmd::Discover { url, .. }) => {
            assert_eq!(
                url,
                "https://is.wso2.com/oauth2/token/.well-known/openid-configuration"
            )
        }
        other => panic!("expected a Discover command, got {other:?}"),
    }
    let doc = serde_json::json!({
        "issuer": "https://is.wso2.com:443/oauth2/token",
        "token_endpoint": "https://is.wso2.com/oauth2/token",
        "jwks_uri": "https://is.wso2.com/oauth2/jwks",
    });
    let d = Discovered::from_document(
        "https://is.wso2.com/oauth2/token/.well-known/openid-configuration",
        &doc,
    )
    .unwrap();
    kmpilot::tui::update(&mut app, kmpilot::tui::Msg::Discovered(Ok(Box::new(d))));
    let (status, _) = app.status.clone().unwrap();
    assert!(
        status.contains("Issuer") && status.contains("https://is.wso2.com:443/oauth2/token"),
        "{status}"
    );
    kmpilot::tui::update(&mut app, key(crossterm::event::KeyCode::Char('A')));
    assert_eq!(
        app.profile.key_manager.endpoints.issuer.as_deref(),
        Some("https://is.wso2.com:443/oauth2/token")
    );
    assert!(
        app.status.clone().unwrap().0.starts_with("adopted 1"),
        "{:?}",
        app.status
    );
    // a failed discovery says why and adopts nothing
    kmpilot::tui::update(
        &mut app,
        kmpilot::tui::Msg::Discovered(Err("HTTP 404".into())),
    );
    assert!(
        app.status
            .clone()
            .unwrap()
            .0
            .contains("discovery failed: HTTP 404")
    );
}

fn outcome(summary: &str, ok: bool, detail: &str, fix: Option<&str>) -> CheckOutcome {
    CheckOutcome {
        summary: summary.into(),
        status: if ok {
            CheckStatus::Ok
        } else {
            CheckStatus::Failed
        },
        detail: detail.into(),
        fix: fix.map(str::to_string),
    }
}

#[test]
fn cluster_step_shows_live_checks_with_fix_its() {
    let mut a = app();
    assert!(text(&a).contains("checking the cluster and tools…"));
    // a late answer of an older check is dropped; the current one is shown
    update(
        &mut a,
        Msg::Preflight {
            generation: 0,
            results: vec![outcome("stale", true, "", None)],
        },
    );
    assert!(a.preflight.results.is_empty() && a.preflight.running);
    update(
        &mut a,
        Msg::Preflight {
            generation: 1,
            results: vec![
                outcome(
                    "kubectl is installed",
                    true,
                    "kubectl: Client Version: v1.36.3",
                    None,
                ),
                outcome("helm is installed", true, "helm: v3.21.4+g0", None),
                outcome(
                    "cluster of the current context answers",
                    true,
                    "cluster kwok-kmpilot (https://127.0.0.1:6443) answers: Kubernetes v1.36.3",
                    None,
                ),
                outcome(
                    "ingress class `nginx` exists (NGINX ingress controller)",
                    false,
                    "no IngressClass `nginx`: the NGINX ingress controller is not installed",
                    Some(
                        "helm upgrade --install ingress-nginx ingress-nginx --repo https://kubernetes.github.io/ingress-nginx -n ingress-nginx --create-namespace",
                    ),
                ),
            ],
        },
    );
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::End);
    let s = text(&a);
    assert!(s.contains("1 failing"), "{s}");
    assert_eq!(
        a.status_of(0),
        kmpilot::tui::app::StepStatus::Warnings(1),
        "the step list marks the failing check"
    );
    assert!(s.contains("✗ ingress class `nginx` exists"), "{s}");
    assert!(
        s.contains("fix: helm upgrade --install ingress-nginx"),
        "{s}"
    );
    assert!(
        s.contains("c check again"),
        "the key hint names the re-check:\n{s}"
    );
    insta::assert_snapshot!("cluster_checks", draw(&a, 100, 30).backend());

    // what the checks do not depend on does not re-run them; what they do, does
    goto_field_and_type(&mut a, "Namespace", "-dev");
    assert!(!a.preflight.running);
    assert!(matches!(
        key(&mut a, KeyCode::Char('c')),
        Some(Cmd::Preflight { generation: 2, .. })
    ));
    a.profile.prerequisites.require_ingress_controller = true;
    focus_field_here(&mut a, "Require ingress controller");
    let cmd = key(&mut a, KeyCode::Char(' '));
    assert!(
        matches!(cmd, Some(Cmd::Preflight { generation: 3, .. })),
        "turning the ingress check off re-checks: {cmd:?}"
    );
}

fn goto_field_and_type(app: &mut App, label: &str, text: &str) {
    focus_field_here(app, label);
    key(app, KeyCode::Enter);
    typ(app, text);
    key(app, KeyCode::Enter);
}

#[test]
fn context_picker_lists_the_kubeconfig_and_sets_the_field() {
    use kmpilot::kube::{ContextInfo, KubeContexts};
    let mut a = app();
    focus_field(&mut a, "Context");
    let Some(Cmd::LoadContexts { kubeconfig }) = key(&mut a, KeyCode::Enter) else {
        panic!("Enter on Context reads the kubeconfig")
    };
    assert_eq!(kubeconfig, a.profile.cluster.kubeconfig);
    assert!(text(&a).contains("reading the kubeconfig…"));
    let list = KubeContexts {
        source: "/home/u/.kube/config".into(),
        current: Some("kind-dev".into()),
        contexts: vec![
            ContextInfo {
                name: "kind-dev".into(),
                cluster: "kind-dev".into(),
                server: "https://127.0.0.1:40123".into(),
                namespace: None,
            },
            ContextInfo {
                name: "customer-prod".into(),
                cluster: "prod".into(),
                server: "https://api.prod.example:6443".into(),
                namespace: Some("wso2".into()),
            },
        ],
    };
    update(&mut a, Msg::Contexts(Ok(list)));
    let s = text(&a);
    assert!(s.contains("kind-dev") && s.contains("(current)"), "{s}");
    assert!(s.contains("https://api.prod.example:6443  ns wso2"), "{s}");
    insta::assert_snapshot!("context_picker", draw(&a, 100, 30).backend());
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Down);
    let cmd = key(&mut a, KeyCode::Enter);
    assert_eq!(a.profile.cluster.context.as_deref(), Some("customer-prod"));
    assert!(a.modal.is_none());
    assert!(
        matches!(cmd, Some(Cmd::Preflight { generation: 2, .. })),
        "a new context is checked at once: {cmd:?}"
    );

    // the first entry leaves the field empty (kubectl's current context)
    key(&mut a, KeyCode::Enter);
    update(
        &mut a,
        Msg::Contexts(Err("cannot read /nope: No such file".into())),
    );
    let s = text(&a);
    assert!(
        s.contains("cannot read /nope") && s.contains("e and type the name"),
        "{s}"
    );
    key(&mut a, KeyCode::Home);
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.profile.cluster.context, None);

    // e types the name by hand
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Char('e'));
    assert!(a.modal.is_none() && a.editing.is_some());
    typ(&mut a, "by-hand");
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.profile.cluster.context.as_deref(), Some("by-hand"));
}

#[test]
fn private_jet_security_crs_switch_on_with_their_fields() {
    let mut a = app();
    goto_step(&mut a, WizardStep::Step(StepId::PrivateJet));
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Char('a'));
    assert_eq!(a.profile.private_jet.clusters.len(), 1);
    assert!(!a.fields.iter().any(|f| f.label == "Basic CR name"));
    focus_field_here(&mut a, "Basic security CR");
    key(&mut a, KeyCode::Char(' '));
    let basic = a.profile.private_jet.clusters[0]
        .security
        .as_ref()
        .and_then(|s| s.basic.as_ref())
        .expect("basic security on");
    assert_eq!(basic.name, "securitybasic");
    assert!(a.fields.iter().any(|f| f.label == "Basic CR name"));
    goto_field_and_type(&mut a, "Basic CR name", "-edge");
    let s = text(&a);
    assert!(s.contains("securitybasic-edge"), "{s}");
    // its password is a secret reference like every other
    focus_field_here(&mut a, "Basic password");
    assert!(text(&a).contains("env:PRIVATEJET_BASIC_PASSWORD"));

    focus_field_here(&mut a, "JWT security CR");
    key(&mut a, KeyCode::Char(' '));
    let jwt = a.profile.private_jet.clusters[0]
        .security
        .as_ref()
        .and_then(|s| s.jwt.as_ref())
        .unwrap();
    assert_eq!(
        jwt.issuer,
        format!(
            "https://{}/oauth2/token",
            a.profile.api_manager.hostnames.management
        )
    );
    // the CR names reach the ContainerMgt block the plan renders
    let plan = kmpilot::steps::plan(&a.profile);
    let toml = plan
        .artifacts
        .iter()
        .find(|x| x.content.contains("ContainerMgtClusterConfig"))
        .expect("the ContainerMgt snippet");
    assert!(
        toml.content.contains("securitybasic-edge"),
        "{}",
        toml.content
    );
    assert!(toml.content.contains("securityjwt"), "{}", toml.content);

    // both off: no security section left behind
    focus_field_here(&mut a, "JWT security CR");
    key(&mut a, KeyCode::Char(' '));
    focus_field_here(&mut a, "Basic security CR");
    key(&mut a, KeyCode::Char(' '));
    assert_eq!(a.profile.private_jet.clusters[0].security, None);
}

#[test]
fn registry_credentials_appear_with_a_user() {
    let mut a = app();
    goto_step(&mut a, WizardStep::Step(StepId::ApiManager));
    focus_field(&mut a, "Registry user");
    assert!(!a.fields.iter().any(|f| f.label == "Registry password"));
    key(&mut a, KeyCode::Enter);
    typ(&mut a, "robot");
    key(&mut a, KeyCode::Enter);
    let c = a
        .profile
        .api_manager
        .image
        .pull_credentials
        .clone()
        .unwrap();
    assert_eq!(c.username, "robot");
    assert!(a.fields.iter().any(|f| f.label == "Registry password"));
    // cleared: no credentials
    focus_field_here(&mut a, "Registry user");
    key(&mut a, KeyCode::Enter);
    for _ in 0.."robot".len() {
        key(&mut a, KeyCode::Backspace);
    }
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.profile.api_manager.image.pull_credentials, None);
}

#[test]
fn ctrl_o_opens_another_profile_and_guards_unsaved_changes() {
    use kmpilot::tui::dialogs::open_profile::Entry;
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("customer.yaml");
    let mut p = load::from_path(&quickstart_path(), kmpilot::steps::validate)
        .unwrap()
        .profile;
    p.name = "customer".into();
    p.description = "reproduce ticket 4711".into();
    p.cluster.namespace = "cust".into();
    kmpilot::profile::save::save(&p, &other).unwrap();

    let mut a = app();
    a.profile.description = "edited, not saved".into();
    assert!(matches!(ctrl(&mut a, 'o'), Some(Cmd::ListProfiles)));
    assert!(text(&a).contains("reading the store…"));
    update(
        &mut a,
        Msg::ProfileList(Ok(vec![
            Entry {
                name: "quickstart".into(),
                path: quickstart_path(),
                description: "API-M 4.5 + IS 7 key manager on a laptop".into(),
            },
            Entry {
                name: "customer".into(),
                path: other.clone(),
                description: "reproduce ticket 4711".into(),
            },
        ])),
    );
    // the current profile is preselected
    assert!(text(&a).contains("▸ quickstart"));
    key(&mut a, KeyCode::Down);
    // the store's directory depends on the machine's HOME: that one row is left out
    let store = kmpilot::profile::store::profiles_dir()
        .display()
        .to_string();
    let shown: Vec<String> = text(&a)
        .lines()
        .map(|l| {
            if l.contains(&store) {
                "(the store's directory)".to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    insta::assert_snapshot!("open_profile", shown.join("\n"));
    // unsaved changes: the first Enter warns, the second opens
    assert!(key(&mut a, KeyCode::Enter).is_none());
    assert!(text(&a).contains("has unsaved changes: Enter again opens"));
    let Some(Cmd::OpenProfile { path }) = key(&mut a, KeyCode::Enter) else {
        panic!("the second Enter opens")
    };
    assert_eq!(path, other);
    // the event loop reads it (open_profile::read) and reports back
    let read = kmpilot::tui::dialogs::open_profile::read(path.clone());
    let cmd = update(&mut a, Msg::Opened(read));
    assert_eq!(a.profile.name, "customer");
    assert_eq!(a.profile_path.as_deref(), Some(other.as_path()));
    assert!(!a.dirty(), "a freshly opened profile has nothing unsaved");
    // the new profile's cluster is checked, and its journal read (an earlier run of it)
    let Some(Cmd::Batch(cmds)) = &cmd else {
        panic!("checks and the journal: {cmd:?}")
    };
    assert!(
        cmds.iter().any(|c| matches!(c, Cmd::Preflight { .. })),
        "the new profile's cluster is checked: {cmd:?}"
    );
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Cmd::ReadJournal { profile } if profile == "customer")),
        "{cmd:?}"
    );
    assert!(text(&a).contains("opened"));

    // answers for the profile that was open before arrive late: dropped
    let stale = outcome("stale", false, "from the old profile", None);
    let (epoch, generation) = (a.epoch, a.preflight.generation);
    assert_eq!(epoch, 1);
    update(
        &mut a,
        Msg::tagged(
            0,
            Msg::Preflight {
                generation,
                results: vec![stale.clone()],
            },
        ),
    );
    assert!(
        a.preflight.results.is_empty(),
        "an old profile's checks were shown"
    );
    update(
        &mut a,
        Msg::tagged(
            epoch,
            Msg::Preflight {
                generation,
                results: vec![stale],
            },
        ),
    );
    assert_eq!(
        a.preflight.results.len(),
        1,
        "this profile's checks are shown"
    );

    // a path typed by hand; a file that is not a profile is refused and nothing changes
    let junk = dir.path().join("junk.yaml");
    std::fs::write(&junk, "just: [text\n").unwrap();
    ctrl(&mut a, 'o');
    update(&mut a, Msg::ProfileList(Ok(vec![])));
    assert!(text(&a).contains("no profiles in the store yet"));
    key(&mut a, KeyCode::Char('p'));
    update(&mut a, Msg::Paste(junk.to_str().unwrap().to_string()));
    key(&mut a, KeyCode::Tab); // not a character of the path
    let Some(Cmd::OpenProfile { path }) = key(&mut a, KeyCode::Enter) else {
        panic!("Enter on a typed path opens it")
    };
    let read = kmpilot::tui::dialogs::open_profile::read(path.clone());
    update(&mut a, Msg::Opened(read));
    assert_eq!(a.profile.name, "customer");
    let s = text(&a);
    assert!(s.contains("not opened"), "{s}");
}

#[test]
fn a_long_kubeconfig_scrolls_and_a_late_shorter_list_is_safe() {
    use kmpilot::kube::{ContextInfo, KubeContexts};
    let list = |n: usize| KubeContexts {
        source: "/k".into(),
        current: None,
        contexts: (0..n)
            .map(|i| ContextInfo {
                name: format!("ctx-{i:02}"),
                cluster: "c".into(),
                server: "https://h:6443".into(),
                namespace: None,
            })
            .collect(),
    };
    let mut a = app();
    a.size = (80, 24);
    focus_field(&mut a, "Context");
    key(&mut a, KeyCode::Enter);
    update(&mut a, Msg::Contexts(Ok(list(50))));
    key(&mut a, KeyCode::End);
    let s = text(&a);
    assert!(
        s.contains("▸ ctx-49"),
        "the selection stays on screen:\n{s}"
    );
    assert!(!s.contains("ctx-00"));
    // a slow answer of an earlier picker with fewer contexts: the selection follows it
    update(&mut a, Msg::Contexts(Ok(list(1))));
    key(&mut a, KeyCode::End);
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.profile.cluster.context.as_deref(), Some("ctx-00"));
}

#[test]
fn end_on_the_last_field_shows_every_check_at_80x24() {
    let mut a = app();
    a.size = (80, 24);
    let failing = |i: usize| {
        outcome(
            &format!("check {i}"),
            false,
            "something long went wrong here and the message wraps over more than one line",
            Some(&format!(
                "fix number {i}: do this, then that, then check again"
            )),
        )
    };
    update(
        &mut a,
        Msg::Preflight {
            generation: 1,
            results: (1..=4).map(failing).collect(),
        },
    );
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::End);
    assert!(!text(&a).contains("fix number 4"), "needs a second End");
    key(&mut a, KeyCode::End);
    let s = text(&a);
    assert!(s.contains("fix number 4"), "{s}");
    // results arriving again (c) do not pull the view back up
    update(
        &mut a,
        Msg::Preflight {
            generation: 1,
            results: (1..=4).map(failing).collect(),
        },
    );
    assert!(text(&a).contains("fix number 4"));
}

#[test]
fn the_run_confirmation_mentions_failing_checks() {
    let mut a = app();
    update(
        &mut a,
        Msg::Preflight {
            generation: 1,
            results: vec![outcome("helm is installed", false, "not on PATH", None)],
        },
    );
    goto_step(&mut a, WizardStep::Review);
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Char('r'));
    let s = text(&a);
    assert!(
        s.contains("1 prerequisite check(s) failed when last checked"),
        "{s}"
    );
}

/// The review verifies the rendered charts in the background (`Cmd::Verify`, run off the UI
/// thread by the event loop; the rendering itself is tested with helm in tests/verify_charts.rs):
/// the findings appear next to the plan, a result asked for an older profile is dropped, and
/// "run" asks again while there are errors.
#[test]
fn review_shows_verification_findings_and_run_asks_again() {
    use kmpilot::verify::{ChartKind, Finding, Level, Report};
    let mut a = app();
    goto_step(&mut a, WizardStep::Review);
    assert!(
        a.review_verify.follow.running,
        "entering the review starts a verification"
    );
    let generation = a.review_verify.follow.generation;
    assert!(text(&a).contains("verifying: rendering the charts with helm"));
    let report = |errors: bool| {
        let mut findings = vec![
            Finding::new(
                Level::Notice,
                ChartKind::IdentityServer,
                "plaintext",
                "ConfigMap/is-identity-server-deployment-toml",
                "8 secret value(s) in plain text in this ConfigMap",
                "identityServer",
            )
            .file("deployment.toml"),
        ];
        if errors {
            findings.insert(
                0,
                Finding::new(
                    Level::Error,
                    ChartKind::IdentityServer,
                    "toml",
                    "ConfigMap/is-identity-server-deployment-toml",
                    "table [authentication.consent] is declared twice (lines 31 and 97)",
                    "identityServer.extraToml",
                )
                .file("deployment.toml")
                .key("[authentication.consent]"),
            );
        }
        vec![
            Ok(Report {
                chart: ChartKind::IdentityServer,
                release: "is".into(),
                chart_ref: "wso2/identity-server".into(),
                version: "7.1.0-3".into(),
                findings,
                pods: vec![],
                millis: 120,
            }),
            Err("helm exited with 1 while rendering wso2/wso2am-all-in-one 4.5.0-10 (helm template): Error: repo wso2 not found".into()),
        ]
    };
    // a stale result (an older generation) is dropped
    update(
        &mut a,
        Msg::Verified {
            generation: generation - 1,
            reports: report(false),
        },
    );
    assert!(a.review_verify.follow.running && a.review_verify.reports.is_empty());
    update(
        &mut a,
        Msg::Verified {
            generation,
            reports: report(true),
        },
    );
    assert!(!a.review_verify.follow.running);
    let s = text(&a);
    assert!(
        s.contains("✗ verified identity-server 7.1.0-3: 1 error(s)"),
        "{s}"
    );
    assert!(s.contains("error [authentication.consent]: table"), "{s}");
    assert!(s.contains("fix identityServer.extraToml"), "{s}");
    assert!(s.contains("✗ chart not rendered"), "{s}");
    insta::assert_snapshot!("review_verification", draw(&a, 100, 30).backend());

    // r asks; the first y only asks again, naming the errors; the second runs
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Char('r'));
    assert!(matches!(a.modal, Some(Modal::ConfirmRun(_))));
    assert!(text(&a).contains("2 verification error(s) in the rendered charts"));
    assert!(key(&mut a, KeyCode::Char('y')).is_none());
    assert!(matches!(a.modal, Some(Modal::ConfirmRun(_))));
    assert!(text(&a).contains("press y again to run anyway"));
    assert!(matches!(
        key(&mut a, KeyCode::Char('y')),
        Some(Cmd::StartRun { .. })
    ));
}

/// The review compares the plan with the live cluster in the background (`Cmd::Diff`, run off
/// the UI thread; the comparison itself is tested against the cluster in tests/helm_cluster/diff.rs):
/// what "run" would change shows next to the plan, a result for an older profile is dropped,
/// and a cluster that did not answer shows nothing.
#[test]
fn review_shows_what_run_changes_on_the_live_cluster() {
    use kmpilot::exec::diff::{Change, DiffLine, DiffReport, Item, Op, StepDiff};
    use kmpilot::plan::StepId;
    let mut a = app();
    goto_step(&mut a, WizardStep::Review);
    assert!(
        a.review_diff.follow.running,
        "entering the review starts a diff"
    );
    let generation = a.review_diff.follow.generation;
    let name = a.profile.name.clone();
    let report = |error: Option<&str>| DiffReport {
        profile: name.clone(),
        error: error.map(str::to_string),
        steps: vec![
            StepDiff {
                step: StepId::IdentityServer,
                title: "Identity Server".into(),
                items: vec![
                    Item::new("helm-release", "helm release wso2/is", Change::Update).lines(vec![
                        DiffLine::new(Op::Remove, "deployment.ingress.hostName: \"is.wso2.com\""),
                        DiffLine::new(Op::Add, "deployment.ingress.hostName: \"id.wso2.com\""),
                        DiffLine::new(
                            Op::Secret,
                            "deploymentToml.truststore.password: (secret) changed",
                        ),
                    ]),
                ],
            },
            StepDiff {
                step: StepId::Keystores,
                title: "Keystores".into(),
                items: vec![
                    Item::new("secret", "Secret wso2/wso2-ingress-tls", Change::Create),
                    Item::new("secret", "Secret wso2/is-keystores", Change::None),
                ],
            },
        ],
    };
    update(
        &mut a,
        Msg::Diffed {
            generation: generation - 1,
            report: Box::new(report(None)),
        },
    );
    assert!(a.review_diff.report.is_none(), "a stale diff is dropped");
    update(
        &mut a,
        Msg::Diffed {
            generation,
            report: Box::new(report(Some("the cluster does not answer"))),
        },
    );
    let s = text(&a);
    assert!(!s.contains("live cluster"), "{s}");
    a.review_diff.follow.generation += 1;
    let generation = a.review_diff.follow.generation;
    update(
        &mut a,
        Msg::Diffed {
            generation,
            report: Box::new(report(None)),
        },
    );
    // room for the whole diff next to the plan (half of the detail pane at most)
    a.size = (110, 60);
    let s = text(&a);
    assert!(s.contains("~ live cluster: run changes 2 thing(s)"), "{s}");
    assert!(
        s.contains("~ identity-server: helm release wso2/is (to be changed)"),
        "{s}"
    );
    assert!(
        s.contains("+ deployment.ingress.hostName: \"id.wso2.com\""),
        "{s}"
    );
    assert!(
        s.contains("~ deploymentToml.truststore.password: (secret) changed"),
        "{s}"
    );
    assert!(
        s.contains("+ keystores: Secret wso2/wso2-ingress-tls (to be created)"),
        "{s}"
    );
    assert!(
        !s.contains("keystores: Secret wso2/is-keystores"),
        "unchanged items are not listed: {s}"
    );
}

#[test]
fn choosing_the_gateway_api_shows_the_gateway_fields() {
    let mut a = app();
    goto_step(&mut a, WizardStep::Step(StepId::Prerequisites));
    focus_field(&mut a, "Exposure");
    let n = a.fields.len();
    key(&mut a, KeyCode::Right);
    assert_eq!(
        a.profile.cluster.exposure.kind,
        kmpilot::profile::sections::exposure::ExposureKind::GatewayApi
    );
    let labels: Vec<&str> = a.fields[n..].iter().map(|f| f.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Gateway name",
            "Create the Gateway",
            "GatewayClass",
            "Install Envoy Gateway"
        ]
    );
    key(&mut a, KeyCode::Down);
    insta::assert_snapshot!("cluster_gateway_api_fields", draw(&a, 100, 30).backend());
    key(&mut a, KeyCode::Up);
    key(&mut a, KeyCode::Left);
    assert_eq!(a.fields.len(), n, "back to Ingress: the Gateway fields go");
}

/// The first field of the first screen is the product line; choosing 4.6 moves the chart
/// version, the API-M image and the IS image's base and handler with it (the same
/// `product_line::choose` the tests of that module call), and the help says what the line
/// brings.
#[test]
fn choosing_the_product_line_re_derives_chart_images_and_handler() {
    let mut a = app();
    assert_eq!(a.wizard_step(), WizardStep::Step(StepId::Prerequisites));
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.fields[0].label, "Product line");
    assert_eq!(a.field, 0);
    // cycle until 4.6 is chosen (newest first: 4.7, 4.6, 4.5)
    for _ in 0..3 {
        if a.fields[0].display(&a.profile) == "4.6" {
            break;
        }
        key(&mut a, KeyCode::Right);
    }
    let line = kmpilot::chart_lines::apim("4.6.0-5").unwrap();
    assert_eq!(a.profile.api_manager.chart_version, line.chart_version);
    assert_eq!(a.profile.api_manager.image.tag, line.image_tag);
    assert_eq!(
        a.profile.identity_server.image.notification_handler,
        line.notification_handler
    );
    assert_eq!(a.profile.identity_server.image.base, line.is_base_image);
    assert!(a.dirty());
    let s = text(&a);
    assert!(s.contains("‹ 4.6 ›"), "{s}");
    assert!(
        s.contains(&line.summary[..40]),
        "the help says what 4.6 brings:\n{s}"
    );
    // and the key-manager step's body follows the line
    let body = kmpilot::steps::key_manager::body(&a.profile);
    assert_eq!(body["additionalProperties"]["Authentication"], "BasicAuth");
}

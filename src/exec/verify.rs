//! Render, then verify: `helm template` of the exact chart and version a step installs, with
//! exactly its values (secrets on standard input, as for the install), then the pure checks of
//! `crate::verify`. Used by the executor before each `helm upgrade --install`, by
//! `kmpilot verify` / `plan --verify`, and by the wizard's review (off the UI thread).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::ctx::{Ctx, Failure};
use super::events::{Event, Stream};
use super::secrets::Secrets;
use super::{overlay, process};
use crate::plan::{Action, Plan, StepId};
use crate::verify::{self, ChartKind, Finding, RenderSpec, Rendered, Report, VerifySpec};

/// Where helm runs and what it reads besides the plan.
pub struct Renderer<'a> {
    pub plan: &'a Plan,
    pub secrets: &'a Secrets,
    /// The profile's directory: a relative local chart path is read from there.
    pub base_dir: &'a Path,
    /// The internal keystore certificate, for secure-vault ciphertexts (absent before the
    /// keystores step: placeholders then).
    pub vault_cert: Option<PathBuf>,
    pub cancel: watch::Receiver<bool>,
    /// Each rendering once, with how long helm took (a cached one still counts its time).
    cache: HashMap<String, (Result<Rendered, String>, Duration)>,
}

impl<'a> Renderer<'a> {
    pub fn new(
        plan: &'a Plan,
        secrets: &'a Secrets,
        base_dir: &'a Path,
        vault_cert: Option<PathBuf>,
        cancel: watch::Receiver<bool>,
    ) -> Self {
        Renderer {
            plan,
            secrets,
            base_dir,
            vault_cert,
            cancel,
            cache: HashMap::new(),
        }
    }

    /// A repository chart (`wso2/identity-server`) as it is; a local path made absolute
    /// against the profile's directory.
    fn chart_ref(&self, chart: &str) -> String {
        let local = chart.starts_with("./") || chart.starts_with("../") || chart.starts_with('/');
        let candidate = self.base_dir.join(chart);
        if local || (!chart.contains("://") && candidate.join("Chart.yaml").is_file()) {
            return candidate.display().to_string();
        }
        chart.to_string()
    }

    /// A local chart directory installs at its own version whatever `chartVersion` says
    /// (helm ignores `--version` for a directory): its `Chart.yaml` must be on the line the
    /// profile's values are built for.
    fn local_chart_version(&self, spec: &RenderSpec) -> Option<Finding> {
        let dir = PathBuf::from(self.chart_ref(&spec.chart));
        let text = std::fs::read_to_string(dir.join("Chart.yaml")).ok()?;
        #[derive(serde::Deserialize)]
        struct ChartYaml {
            version: String,
        }
        let have = serde_saphyr::from_str::<ChartYaml>(&text).ok()?.version;
        verify::chart_version::local_chart(
            spec.chart_kind,
            &dir.display().to_string(),
            &have,
            &spec.version,
        )
    }

    /// `helm template` of `spec`; the same spec is rendered once per renderer.
    pub async fn render(&mut self, spec: &RenderSpec) -> Result<Rendered, String> {
        self.render_timed(spec).await.0
    }

    async fn render_timed(&mut self, spec: &RenderSpec) -> (Result<Rendered, String>, Duration) {
        let key = format!(
            "{}|{}|{}|{}",
            spec.release, spec.chart, spec.version, spec.namespace
        );
        if let Some(r) = self.cache.get(&key) {
            return r.clone();
        }
        let started = Instant::now();
        let r = (self.render_uncached(spec).await, started.elapsed());
        self.cache.insert(key, r.clone());
        r
    }

    async fn render_uncached(&self, spec: &RenderSpec) -> Result<Rendered, String> {
        let values = self
            .plan
            .artifact(&spec.values)
            .ok_or_else(|| format!("the plan has no artifact {}", spec.values))?;
        let dir = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
        let values_file = dir.path().join("values.yaml");
        std::fs::write(&values_file, values.content.as_bytes())
            .map_err(|e| format!("{}: {e}", values_file.display()))?;
        let stdin = spec
            .stdin
            .as_ref()
            .map(|o| overlay::build_for_render(o, self.secrets, self.vault_cert.as_deref()));
        let mut args = spec.args(
            &self.chart_ref(&spec.chart),
            &values_file.display().to_string(),
        );
        let post = super::helm_version::post_render(dir.path(), &spec.drop_kinds).await?;
        args.extend(post.args);
        let mut out = String::new();
        let mut err_tail: Vec<String> = Vec::new();
        let result = process::run(
            process::Spec {
                program: "helm",
                args: &args,
                cwd: dir.path(),
                stdin,
                stdout_to: None,
                timeout: Duration::from_secs(180),
                env: &post.env,
            },
            |stream, line| match stream {
                Stream::Stdout => {
                    out.push_str(&line);
                    out.push('\n');
                }
                _ => err_tail.push(self.secrets.scrub(&line)),
            },
            self.cancel.clone(),
        )
        .await;
        match result {
            Ok(()) => Rendered::parse(&out),
            Err(e) => {
                // helm's `Error:` line (a chart's own `fail` says why there), not the
                // "Use --debug flag …" advice helm prints after it
                let last = err_tail
                    .iter()
                    .rev()
                    .find(|l| l.starts_with("Error:"))
                    .or_else(|| err_tail.iter().rev().find(|l| !l.trim().is_empty()))
                    .cloned()
                    .unwrap_or_default();
                Err(format!(
                    "{e} while rendering {} {} (helm template){}{}",
                    spec.chart,
                    spec.version,
                    if last.is_empty() {
                        String::new()
                    } else {
                        format!(": {last}")
                    },
                    crate::verify::render_failure::explain(&last)
                        .map(|x| format!(" — {x}"))
                        .unwrap_or_default()
                ))
            }
        }
    }

    /// Render (and the peer), then check.
    pub async fn verify(&mut self, v: &VerifySpec) -> Result<Report, String> {
        let (rendered, render_time) = self.render_timed(&v.render).await;
        let rendered = rendered?;
        // time of this chart's render (even if rendered before as a peer) and of the checks;
        // a peer rendered here counts too, as it is part of this verification
        let mut millis = render_time.as_millis();
        let checks_started = Instant::now();
        let mut findings = Vec::new();
        let peer = match &v.peer {
            Some(p) => match self.render_timed(p).await {
                (Ok(r), t) => {
                    millis += t.as_millis();
                    Some(r)
                }
                (Err(e), _) => {
                    findings.push(
                        Finding::new(
                            verify::Level::Warning,
                            v.render.chart_kind,
                            "revocation",
                            "(peer chart)",
                            format!("the {} chart did not render, so checks across the two charts were skipped: {e}", p.chart_kind.as_str()),
                            match p.chart_kind {
                                ChartKind::ApiManager => "apiManager.chart",
                                ChartKind::IdentityServer => "identityServer.chart",
                            },
                        ),
                    );
                    None
                }
            },
            None => None,
        };
        findings.extend(verify::check(&v.expect, &rendered, peer.as_ref()));
        findings.extend(self.local_chart_version(&v.render));
        Ok(Report {
            chart: v.render.chart_kind,
            release: v.render.release.clone(),
            chart_ref: v.render.chart.clone(),
            version: v.render.version.clone(),
            findings,
            pods: verify::render::pod_facts(&rendered),
            millis: millis + checks_started.elapsed().as_millis(),
        })
    }
}

/// The internal keystore certificate the keystores step writes, if the plan makes one.
pub fn vault_cert(plan: &Plan, work_dir: &Path) -> Option<PathBuf> {
    plan.steps
        .iter()
        .flat_map(|s| &s.actions)
        .find_map(|a| match a {
            Action::GenerateKeystores(k) => {
                Some(work_dir.join(super::keystores::internal_cert_path(k)))
            }
            _ => None,
        })
}

/// Every verify action of the plan (both charts), without a cluster: `kmpilot verify`, the
/// wizard's review. Secrets that can be read without asking are used; the others become
/// placeholders.
pub async fn verify_plan(plan: &Plan, base_dir: &Path) -> Vec<Result<Report, String>> {
    let uses = crate::plan::secrets::uses(plan);
    let secrets = Secrets::resolve_available(&uses, base_dir);
    let (_tx, cancel) = watch::channel(false);
    let mut r = Renderer::new(plan, &secrets, base_dir, None, cancel);
    let mut out = Vec::new();
    for a in plan.steps.iter().flat_map(|s| &s.actions) {
        if let Action::Verify(v) = a {
            out.push(r.verify(v).await);
        }
    }
    out
}

fn send_findings(ctx: &Ctx<'_>, step: StepId, report: &Report) {
    for f in &report.findings {
        let line = ctx.secrets.scrub(&f.line());
        match f.level {
            verify::Level::Error => tracing::warn!(step = step.as_str(), "verify: {line}"),
            _ => tracing::info!(step = step.as_str(), "verify: {line}"),
        }
        let _ = ctx.tx.send(super::events::Event::Output {
            step,
            stream: if f.is_error() {
                Stream::Stderr
            } else {
                Stream::Info
            },
            line,
        });
    }
}

fn outcome(report: &Report) -> Result<(), Failure> {
    let errors = report.errors();
    if errors == 0 {
        return Ok(());
    }
    let first = report
        .findings
        .iter()
        .find(|f| f.is_error())
        .map(Finding::line)
        .unwrap_or_default();
    Err(Failure::new(format!(
        "verification found {errors} error(s) in the rendered {} chart; nothing was installed. First: {first}",
        report.chart.as_str()
    ))
    .hint("fix the profile fields each finding names (kmpilot verify -f PROFILE lists them all), then run again"))
}

const UNREACHABLE_CHART_HINT: &str =
    "is helm installed and the chart reachable (helm repo add / a local chart path)?";

/// The run's renderer: its plan, secrets, directories and cancel signal.
fn renderer<'a>(ctx: &Ctx<'a>) -> Renderer<'a> {
    Renderer::new(
        ctx.plan,
        ctx.secrets,
        &ctx.opts.base_dir,
        vault_cert(ctx.plan, &ctx.opts.work_dir),
        ctx.cancel.clone(),
    )
}

/// Before the first step changes anything: verify every chart the selected steps will
/// install, so a chart that renders wrong stops the run with the cluster untouched. Returns
/// the reports by (step, action index) for the steps' own verify actions, or the step whose
/// verification failed.
pub(crate) async fn verify_ahead(
    ctx: &Ctx<'_>,
    steps: &[&crate::plan::Step],
) -> Result<HashMap<(StepId, usize), Report>, (StepId, usize, Failure, Option<Report>)> {
    let mut r = renderer(ctx);
    let mut done = HashMap::new();
    for step in steps {
        for (i, a) in step.actions.iter().enumerate() {
            let Action::Verify(v) = a else { continue };
            match r.verify(v).await {
                Ok(report) => {
                    if let Err(f) = outcome(&report) {
                        return Err((step.id, i, f, Some(report)));
                    }
                    done.insert((step.id, i), report);
                }
                // a first run: the chart's repository is added by the prerequisites step, so
                // the chart cannot be had yet. The step's own verify action renders it after
                // that, still before its helm install; a local chart or a known repo is
                // verified here, before anything changes.
                Err(e) if chart_not_fetched_yet(&e) && plan_adds_a_repo(ctx.plan) => {
                    tracing::info!(
                        chart = %v.render.chart,
                        "verification deferred to the step: {e}"
                    );
                }
                Err(e) => {
                    let f = Failure::new(e).hint(UNREACHABLE_CHART_HINT);
                    return Err((step.id, i, f, None));
                }
            }
        }
    }
    Ok(done)
}

/// helm's words for a repository chart it has no index for (`repo wso2 not found`, `no cached
/// repo found`), as opposed to a chart that rendered wrong.
fn chart_not_fetched_yet(error: &str) -> bool {
    let e = error.to_ascii_lowercase();
    (e.contains("repo ") && e.contains(" not found")) || e.contains("no cached repo")
}

/// Whether the run itself adds a Helm repository (`helm repo add` in the prerequisites).
fn plan_adds_a_repo(plan: &crate::plan::Plan) -> bool {
    plan.steps.iter().flat_map(|s| &s.actions).any(|a| {
        matches!(a, Action::Run(c) if c.program == "helm" && c.args.first().is_some_and(|x| x == "repo"))
    })
}

/// The step's own verify action: the report verified ahead when there is one (the same
/// values, so the same rendering), else render and check now.
pub(crate) async fn action(ctx: &mut Ctx<'_>, v: &VerifySpec, index: usize) -> Result<(), Failure> {
    let report = match ctx.verified.remove(&(ctx.step, index)) {
        Some(r) => r,
        None => renderer(ctx)
            .verify(v)
            .await
            .map_err(|e| Failure::new(e).hint(UNREACHABLE_CHART_HINT))?,
    };
    report_to(ctx, &report);
    outcome(&report)
}

pub(crate) fn report_to(ctx: &Ctx<'_>, report: &Report) {
    send_findings(ctx, ctx.step, report);
    let (e, w, n) = counts(&report.findings);
    ctx.info(format!(
        "verified the rendered {} chart ({} {}): {e} error(s), {w} warning(s), {n} notice(s) in {} ms",
        report.chart.as_str(),
        report.chart_ref,
        report.version,
        report.millis
    ));
}

/// (errors, warnings, notices).
pub fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    let c = |l| findings.iter().filter(|f| f.level == l).count();
    (
        c(verify::Level::Error),
        c(verify::Level::Warning),
        c(verify::Level::Notice),
    )
}

/// `verify_ahead` for the steps `run` will run (selected, not done before when resuming): on
/// success the reports wait in `ctx.verified` for the steps' own verify actions; on failure
/// the failing step is reported (and journalled) as failed and `run` stops before step one.
pub(crate) async fn before_run(ctx: &mut Ctx<'_>, journal: &mut super::journal::Journal) -> bool {
    let (plan, opts, secrets, tx) = (ctx.plan, ctx.opts, ctx.secrets, ctx.tx);
    let to_run: Vec<&crate::plan::Step> = plan
        .steps
        .iter()
        .filter(|s| opts.selects(plan, s.id) && !(opts.resume && journal.is_done(s)))
        .collect();
    let (id, index, f, report) = match verify_ahead(ctx, &to_run).await {
        Ok(reports) => {
            ctx.verified = reports;
            return true;
        }
        Err(e) => e,
    };
    ctx.step = id;
    ctx.index = index;
    let _ = tx.send(Event::StepStarted { step: id });
    if let Some(action) = plan.step(id).and_then(|s| s.actions.get(index)) {
        let _ = tx.send(Event::ActionStarted {
            step: id,
            index,
            summary: secrets.scrub(&action.summary()),
        });
    }
    if let Some(r) = &report {
        report_to(ctx, r);
    }
    let error = secrets.scrub(&f.error);
    tracing::warn!(step = id.as_str(), error = %error, "verification failed before the run");
    if !opts.dry_run
        && let Some(step) = plan.step(id)
    {
        journal.record(
            id,
            step,
            super::journal::Status::Failed,
            Some(error.clone()),
        );
        let _ = journal.save(&opts.state_dir);
    }
    let _ = tx.send(Event::StepFailed {
        step: id,
        error,
        hint: f.hint.map(|h| secrets.scrub(&h)),
    });
    let _ = tx.send(Event::RunFinished { ok: false });
    false
}

#[cfg(test)]
mod deferral_tests {
    use super::chart_not_fetched_yet;

    #[test]
    fn a_missing_repository_defers_a_chart_that_rendered_wrong_does_not() {
        assert!(chart_not_fetched_yet("Error: repo wso2 not found"));
        assert!(chart_not_fetched_yet(
            "Error: no cached repo found. (try 'helm repo update')"
        ));
        assert!(!chart_not_fetched_yet(
            "Error: template: identity-server/templates/x.yaml:3: nil pointer"
        ));
        assert!(!chart_not_fetched_yet(
            "Error: chart \"x\" version \"9\" not found"
        ));
    }
}

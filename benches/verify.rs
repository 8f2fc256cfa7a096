//! One verification per chart (render with `helm template` + every check), release build, as
//! the review runs it on every visit: the identity-server verification includes rendering the
//! API-M chart as its peer (the revocation listener check). Uses the stand-in charts and the
//! helm on PATH; prints SKIPPED without helm.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use kmpilot::exec::secrets::Secrets;
use kmpilot::exec::verify::Renderer;
use kmpilot::plan::Action;
use kmpilot::profile::Profile;

fn bench(c: &mut Criterion) {
    let has_helm = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join("helm").is_file()))
        .unwrap_or(false);
    if !has_helm {
        eprintln!("SKIPPED: no helm on PATH");
        return;
    }
    let charts = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/charts");
    let mut p = Profile::quickstart("bench");
    p.identity_server.chart = charts.join("identity-server-standin").display().to_string();
    p.api_manager.chart = charts.join("wso2am-standin").display().to_string();
    let plan = kmpilot::steps::plan(&p);
    let secrets = Secrets::none();
    let base = std::env::temp_dir();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut g = c.benchmark_group("verify");
    g.sample_size(10);
    for a in plan.steps.iter().flat_map(|s| &s.actions) {
        let Action::Verify(v) = a else { continue };
        g.bench_function(v.render.chart_kind.as_str(), |b| {
            b.iter(|| {
                let (_tx, cancel) = tokio::sync::watch::channel(false);
                // a fresh renderer: nothing cached between iterations
                let mut r = Renderer::new(&plan, &secrets, &base, None, cancel);
                let report = rt.block_on(r.verify(v)).unwrap();
                assert_eq!(report.errors(), 0);
                report
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

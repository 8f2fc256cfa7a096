//! DESIGN target: full profile → plan + all artifacts ≤ 5 ms (release). Measures loading
//! (parse, shape and form checks) and planning (every artifact rendered, runbook included) of
//! the largest example profile, separately and together.

use criterion::{Criterion, criterion_group, criterion_main};
use kmpilot::profile::load;

const LARGEST: &str = include_str!("../profiles/production-like.yaml");
const PRIVATEJET: &str = include_str!("../profiles/privatejet.yaml");

fn bench(c: &mut Criterion) {
    c.bench_function("load+validate production-like", |b| {
        b.iter(|| load::from_str(std::hint::black_box(LARGEST), kmpilot::steps::validate).unwrap())
    });
    let p = load::from_str(LARGEST, kmpilot::steps::validate)
        .unwrap()
        .profile;
    c.bench_function("plan+render production-like", |b| {
        b.iter(|| kmpilot::steps::plan(std::hint::black_box(&p)))
    });
    c.bench_function("load+validate+plan+render production-like", |b| {
        b.iter(|| {
            kmpilot::steps::plan(
                &load::from_str(std::hint::black_box(LARGEST), kmpilot::steps::validate)
                    .unwrap()
                    .profile,
            )
        })
    });
    c.bench_function("load+validate+plan+render privatejet", |b| {
        b.iter(|| {
            kmpilot::steps::plan(
                &load::from_str(std::hint::black_box(PRIVATEJET), kmpilot::steps::validate)
                    .unwrap()
                    .profile,
            )
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);

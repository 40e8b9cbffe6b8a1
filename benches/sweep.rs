//! Throughput of a Monte Carlo sweep: 1,000 runs of a small market (three vendors in an
//! undercutting war, 100 buyer agents, 20 rounds; `benches/sweep-small.yaml`) on 1 and 2 jobs,
//! streamed to Parquet as `pricewar sweep` does. Reported in runs per second.
//!
//! Run with `cargo bench --bench sweep`. Peak memory for 1,000 and 10,000 runs is measured by
//! `benches/sweep-memory.sh`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pricewar::scenario::ScenarioSource;
use pricewar::sweep::{self, Plan, SweepOptions, SweepOverrides};
use std::path::Path;
use std::time::{Duration, Instant};

const RUNS: u32 = 1_000;

fn bench(c: &mut Criterion) {
    let text = include_str!("sweep-small.yaml");
    let source = ScenarioSource::from_text(text, Path::new("benches/sweep-small.yaml"), &[])
        .expect("the benchmark market is valid");
    let plan = Plan::new(
        source,
        &SweepOverrides {
            replicates: Some(RUNS),
            ..Default::default()
        },
    )
    .expect("the benchmark sweep is valid");
    let scratch = tempfile::tempdir().expect("a temporary directory");

    let mut group = c.benchmark_group("sweep of 1,000 small runs");
    group.throughput(Throughput::Elements(RUNS as u64));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .warm_up_time(Duration::from_secs(2));
    for jobs in [1usize, 2] {
        let mut n = 0u64;
        group.bench_function(format!("{jobs} job(s)"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    n += 1;
                    let out = scratch.path().join(format!("j{jobs}-{n}"));
                    let opts = SweepOptions {
                        jobs,
                        ..Default::default()
                    };
                    let started = Instant::now();
                    let prepared = sweep::prepare(&plan, &out, &opts).expect("a fresh directory");
                    let report = sweep::execute(prepared, &|_| {}).expect("the sweep runs");
                    total += started.elapsed();
                    assert_eq!(report.new_runs, RUNS as u64);
                    std::fs::remove_dir_all(&out).expect("remove the sweep");
                }
                total
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Throughput of Q-learning: periods per second of the Calvano et al. (2020) baseline on one core
//! (the session runs a fixed 10^6 periods, without stopping at convergence).
//!
//! Run with `cargo bench --bench learning`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pricewar::learning::Session;
use pricewar::sim::Simulation;
use pricewar::sim::learners_game;
use std::time::Duration;

const PERIODS: u64 = 1_000_000;

fn bench(c: &mut Criterion) {
    let s =
        pricewar::scenario::load("scenarios/calvano-2020.yaml".as_ref(), &[]).expect("scenario");
    let mut sim = Simulation::new(&s, 0);
    let lg = learners_game(sim.world_mut()).expect("learners");
    let (game, mut params) = (lg.game, lg.params);
    for p in params.iter_mut() {
        p.convergence_window = u64::MAX;
        p.max_periods = PERIODS;
    }
    let mut group = c.benchmark_group("q-learning baseline");
    group.throughput(Throughput::Elements(PERIODS));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("1e6 periods", |b| {
        b.iter(|| {
            let mut session = Session::new(&game, &params, 1, 0);
            session.run(&game, &params)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

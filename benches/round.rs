//! Throughput of the buyers' choice and of a whole round: 1,000,000 buyer agents and 8 vendors.
//!
//! The market is the one of the reference logit loop in the product's performance targets:
//! vendor j has cost c_j = 0.5 + j/8, quality a_j = 2 − 0.1·j and price 2·c_j; buyers have
//! α ~ LogNormal(0, 0.3), θ = 1, volume ~ LogNormal(0, 1), and choose by logit with one
//! uniform draw each (outside option utility 0). Throughput is reported in buyer-vendor
//! evaluations per second (elements = agents × vendors), on 1 and 2 threads.
//!
//! Run with `cargo bench --bench round`.

use bevy_ecs::prelude::*;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pricewar::scenario;
use pricewar::sim::Simulation;
use pricewar::systems::choose_offers;
use std::path::Path;
use std::time::Duration;

const AGENTS: u64 = 1_000_000;
const VENDORS: u64 = 8;

fn market() -> scenario::Scenario {
    let mut yaml = String::from("name: bench\nseed: 42\nrounds: 1000000\nvendors:\n");
    for j in 0..VENDORS {
        let c = 0.5 + j as f64 / VENDORS as f64;
        let a = 2.0 - 0.1 * j as f64;
        yaml += &format!(
            "  - {{ name: v{j}, model: {{ quality: {a} }}, cost: {{ kind: linear, marginal: {c} }}, strategy: {{ kind: fixed, price: {} }} }}\n",
            2.0 * c
        );
    }
    yaml += &format!(
        "segments:\n  - name: buyers\n    agents: {AGENTS}\n    price_sensitivity: {{ dist: lognormal, mu: 0, sigma: 0.3 }}\n    quality_weight: 1\n    base_volume_mtok: {{ dist: lognormal, mu: 0, sigma: 1 }}\n"
    );
    scenario::from_text(&yaml, Path::new("bench.yaml"), &[]).expect("bench market is valid")
}

fn bench(c: &mut Criterion) {
    let s = market();
    let mut group = c.benchmark_group("1M agents x 8 vendors");
    group.throughput(Throughput::Elements(AGENTS * VENDORS));
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10))
        .warm_up_time(Duration::from_secs(2));
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        // The choice stage alone: the `choose_offers` system on a world whose offers are posted.
        let mut sim = Simulation::new(&s, 0);
        pool.install(|| sim.step());
        let mut choose = Schedule::default();
        choose.add_systems(choose_offers);
        group.bench_function(format!("choose, {threads} thread(s)"), |b| {
            b.iter(|| pool.install(|| choose.run(sim.world_mut())))
        });
        // A whole round: events, costs, prices, choice, settlement, learning, recording.
        group.bench_function(format!("round, {threads} thread(s)"), |b| {
            b.iter(|| pool.install(|| sim.step()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

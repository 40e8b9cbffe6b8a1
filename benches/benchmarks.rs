//! Cost of a market's benchmarks (Bertrand-Nash, joint-profit and every vendor's monopoly price)
//! on the 8-vendor logit market of `benches/logit-small.yaml` (100 buyer agents): Newton's
//! method on the first-order conditions, as the engine solves them, against the safeguarded
//! best-response search alone, which it falls back to. Reported in solves per second.
//!
//! Run with `cargo bench --bench benchmarks`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pricewar::equilibrium::{
    DemandOracle, Owners, joint_prices_by_search, monopoly_price_by_search, nash_prices_by_search,
    solve_benchmarks,
};
use std::hint::black_box;
use std::path::Path;

fn oracle() -> (DemandOracle, Vec<f64>) {
    let text = include_str!("logit-small.yaml");
    let scenario = pricewar::scenario::from_text(text, Path::new("benches/logit-small.yaml"), &[])
        .expect("the benchmark market is valid");
    let oracle = pricewar::sim::Simulation::new(&scenario, 0).demand_oracle();
    let costs = (0..8).map(|j| 0.5 + j as f64 / 8.0).collect();
    (oracle, costs)
}

fn bench(c: &mut Criterion) {
    let (oracle, costs) = oracle();
    let v = costs.len();
    let all = vec![true; v];
    let caps = vec![None; v];
    let start: Vec<f64> = costs.iter().map(|c| c * 1.5 + 1e-3).collect();
    let mut group = c.benchmark_group("benchmarks of an 8-vendor market, 100 agents");
    group.throughput(Throughput::Elements(1));
    let names: Vec<String> = (0..v).map(|j| format!("v{j}")).collect();
    group.bench_function("newton (the engine)", |b| {
        b.iter(|| {
            black_box(solve_benchmarks(
                &oracle,
                0,
                names.clone(),
                oracle.agents(),
                &costs,
                &all,
                &vec![false; v],
                &caps,
                &[],
                &Owners::separate(v),
                None,
            ))
        })
    });
    group.bench_function("safeguarded search alone", |b| {
        b.iter(|| {
            let owners = Owners::separate(v);
            let nash =
                nash_prices_by_search(&oracle, &costs, &all, &all, &caps, &[], &owners, &start)
                    .unwrap();
            let joint = joint_prices_by_search(&oracle, &costs, &all, &all, &[], &nash.prices);
            let mono: Vec<_> = (0..v)
                .map(|j| monopoly_price_by_search(&oracle, j, costs[j]))
                .collect();
            black_box((nash, joint, mono))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! The full baseline of Calvano, Calzolari, Denicolò and Pastorello (AER 2020): many independent
//! Q-learning sessions of `scenarios/calvano-2020.yaml`, in parallel, and the distribution of the
//! profit gain Δ (the paper reports an average of about 0.85 over 1,000 sessions).
//!
//! cargo run --release --example calvano -- [SESSIONS] [THREADS]

use pricewar::sim::Simulation;
use rayon::prelude::*;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sessions: u64 = args.first().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let threads: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let scenario = pricewar::scenario::load("scenarios/calvano-2020.yaml".as_ref(), &[])
        .unwrap_or_else(|e| {
            eprintln!("error: {e}");
            std::process::exit(1)
        });
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    let started = Instant::now();
    let reports: Vec<_> = pool.install(|| {
        (0..sessions)
            .into_par_iter()
            .map(|run| {
                Simulation::new(&scenario, run)
                    .learning()
                    .cloned()
                    .expect("learners")
            })
            .collect()
    });
    let secs = started.elapsed().as_secs_f64();
    let mut gains: Vec<f64> = reports.iter().filter_map(|r| r.profit_gain).collect();
    gains.sort_by(f64::total_cmp);
    let n = gains.len() as f64;
    let mean = gains.iter().sum::<f64>() / n;
    let sd = (gains.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt();
    let q = |p: f64| gains[((p * (n - 1.0)).round() as usize).min(gains.len() - 1)];
    let periods: u64 = reports.iter().map(|r| r.periods).sum();
    let converged = reports.iter().filter(|r| r.converged).count();
    println!(
        "sessions            {sessions} on {} threads",
        pool.current_num_threads()
    );
    println!(
        "converged           {converged} ({:.1}%)",
        100.0 * converged as f64 / sessions as f64
    );
    println!(
        "mean periods        {:.0}",
        periods as f64 / sessions as f64
    );
    println!(
        "profit gain Δ       mean {mean:.3}, sd {sd:.3}, 5% {:.3}, median {:.3}, 95% {:.3}",
        q(0.05),
        q(0.5),
        q(0.95)
    );
    println!(
        "wall time           {secs:.1} s ({:.1} M periods/s, {:.1} ns per period per thread)",
        periods as f64 / secs / 1e6,
        secs * pool.current_num_threads() as f64 / periods as f64 * 1e9
    );
}

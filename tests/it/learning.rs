//! Q-learning reproduces Calvano et al. (AER 2020): learners converge and earn supra-competitive
//! profits; the engine's profit table equals what its rounds settle; a period is cheap.

use crate::common::*;
use pricewar::learning::Session;
use pricewar::sim::Simulation;
use pricewar::sim::learners_game;
use rayon::prelude::*;

fn calvano() -> pricewar::scenario::Scenario {
    pricewar::scenario::load(&root().join("scenarios/calvano-2020.yaml"), &[]).unwrap()
}

/// The paper's baseline (α = 0.15, β = 4e-6, δ = 0.95, m = 15, ξ = 0.1), full length: the mean
/// profit gain over 24 sessions lies in the range the paper reports for this baseline (its
/// average over 1,000 sessions is about 0.85; sessions spread between about 0.7 and 1).
#[test]
fn baseline_sessions_reach_the_papers_profit_gain() {
    let s = calvano();
    let reports: Vec<_> = (0..24u64)
        .into_par_iter()
        .map(|run| {
            Simulation::new(&s, run)
                .learning()
                .cloned()
                .expect("learners trained")
        })
        .collect();
    let converged = reports.iter().filter(|r| r.converged).count();
    assert!(converged >= 22, "only {converged} of 24 sessions converged");
    let gains: Vec<f64> = reports.iter().map(|r| r.profit_gain.unwrap()).collect();
    let mean = gains.iter().sum::<f64>() / gains.len() as f64;
    assert!(
        (0.75..=0.95).contains(&mean),
        "mean profit gain {mean}: {gains:?}"
    );
    // Sessions differ (the seed matters) and the periods are the paper's order of magnitude.
    assert!(gains.iter().any(|g| (g - gains[0]).abs() > 1e-9));
    let periods: f64 = reports.iter().map(|r| r.periods as f64).sum::<f64>() / reports.len() as f64;
    assert!((2e5..1e8).contains(&periods), "mean periods {periods}");
    // Nash and joint-profit prices of the baseline, as the paper reports them.
    assert!((reports[0].nash_prices[0] - 1.473).abs() < 1e-3);
    assert!((reports[0].joint_prices[0] - 1.925).abs() < 1e-3);
}

/// The profits the learners learn from are the profits the engine's rounds settle.
#[test]
fn profit_table_equals_what_a_round_settles() {
    let s = calvano();
    let mut sim = Simulation::new(&s, 0);
    let lg = learners_game(sim.world_mut()).unwrap();
    let (game, idx) = (lg.game, lg.learners);
    let grid = &game.grids[0];
    for (a0, a1) in [(0usize, 0usize), (3, 11), (14, 7)] {
        let yaml = std::fs::read_to_string(root().join("scenarios/calvano-2020.yaml")).unwrap();
        let fixed = pricewar::scenario::from_text(
            &yaml,
            std::path::Path::new("c.yaml"),
            &[
                "rounds=1".into(),
                format!("vendors[0].strategy={{kind: fixed, price: {}}}", grid[a0]),
                format!(
                    "vendors[1].strategy={{kind: fixed, price: {}}}",
                    game.grids[1][a1]
                ),
            ],
        )
        .unwrap();
        let p = run(&fixed);
        let state = game.encode(&[a0, a1]);
        for (k, &j) in idx.iter().enumerate() {
            let table = game.profits[state * 2 + k];
            assert!(
                (p.vendors.profit[j] - table).abs() < 1e-12,
                "{table} vs {}",
                p.vendors.profit[j]
            );
        }
    }
}

/// A learning period is a few tens of nanoseconds: 10 million periods of the baseline take well
/// under a minute on one core. (Measured, not asserted, in `benches/learning.rs`; here the
/// session only has to finish its 10^7 periods.)
#[test]
fn ten_million_periods_run() {
    let s = calvano();
    let mut sim = Simulation::new(&s, 0);
    let lg = learners_game(sim.world_mut()).unwrap();
    let (game, mut params) = (lg.game, lg.params);
    for p in params.iter_mut() {
        p.convergence_window = u64::MAX;
        p.max_periods = 10_000_000;
    }
    let mut session = Session::new(&game, &params, 7, 0);
    let out = session.run(&game, &params);
    assert_eq!(out.periods, 10_000_000);
    assert!(!out.converged);
}

#[test]
fn learned_strategies_keep_playing_in_the_rounds() {
    let s = calvano();
    let result = Simulation::new(&s, 3).run(|_| {});
    let learning = result.learning.unwrap();
    let v = &result.panels.vendors;
    // After convergence, greedy play repeats the limit cycle (exploration is exp(-β t) ≈ 0).
    let cycle = &learning.limit_prices[0];
    let prices: Vec<f64> = (0..v.len())
        .filter(|&i| v.vendor[i] == "Firm 1")
        .map(|i| v.price[i].unwrap())
        .collect();
    assert!(
        prices
            .iter()
            .all(|p| cycle.iter().any(|c| (c - p).abs() < 1e-12)),
        "{prices:?} vs {cycle:?}"
    );
    assert_all_finite(&result.panels);
}

//! Training Q-learning vendors before round 0: builds the learners' game from the engine's own
//! demand model and benchmarks, plays a session, and installs what was learned.

use crate::equilibrium::{DemandOracle, joint_prices, nash_prices};
use crate::learning::{Game, LearnersGame, LearningReport, QParams, Session, price_grid};
use crate::model::*;
use crate::strategy::Strategy;
use crate::systems::demand_oracle;
use bevy_ecs::prelude::*;

/// The learners' game for a world at round 0: grids anchored at the engine's Nash and joint-profit
/// prices, profits of every joint action from the demand oracle. None without learners.
pub fn learners_game(world: &mut World) -> Option<LearnersGame> {
    let mut learners: Vec<(usize, QParams, u32, f64)> = Vec::new();
    let mut q = world.query::<(&Vendor, &Pricing)>();
    for (v, p) in q.iter(world) {
        if let Strategy::QLearning(s) = &p.0 {
            learners.push((v.index, s.params(), s.spec().grid_points, s.spec().xi));
        }
    }
    if learners.is_empty() {
        return None;
    }
    learners.sort_by_key(|l| l.0);
    let oracle = demand_oracle(world, DemandOracle::DEFAULT_MAX_AGENTS);
    let board = world.resource::<MarketBoard>().clone();
    let costs = board.marginal_cost.clone();
    let offered = board.active.clone();
    let v = costs.len();
    let start: Vec<f64> = costs.iter().map(|c| c * 1.5 + 1e-3).collect();
    let nash = nash_prices(&oracle, &costs, &offered, &offered, &vec![None; v], &start)?.prices;
    let joint = joint_prices(&oracle, &costs, &offered, &offered, &start)?.prices;
    let idx: Vec<usize> = learners.iter().map(|l| l.0).collect();
    let m = learners[0].2 as usize;
    let grids: Vec<Vec<f64>> = learners
        .iter()
        .map(|&(j, _, _, xi)| price_grid(nash[j], joint[j], xi, m))
        .collect();
    let n = learners.len();
    let mut game = Game {
        n,
        m,
        grids,
        profits: Vec::new(),
    };
    let mut actions = vec![0; n];
    let mut prices = board.posted.clone();
    game.profits = Vec::with_capacity(game.states() * n);
    for s in 0..game.states() {
        game.decode(s, &mut actions);
        for (k, &j) in idx.iter().enumerate() {
            prices[j] = game.grids[k][actions[k]];
        }
        let profits = oracle.profits(&prices, &costs, &offered);
        game.profits.extend(idx.iter().map(|&j| profits[j]));
    }
    let nash_profits = oracle.profits(&nash, &costs, &offered);
    let joint_profits = oracle.profits(&joint, &costs, &offered);
    let pick = |x: &[f64]| idx.iter().map(|&j| x[j]).collect::<Vec<f64>>();
    Some(LearnersGame {
        nash_prices: pick(&nash),
        joint_prices: pick(&joint),
        nash_profits: pick(&nash_profits),
        joint_profits: pick(&joint_profits),
        params: learners.iter().map(|l| l.1).collect(),
        learners: idx,
        game,
    })
}

/// Trains the world's Q-learning vendors (if any) in one session keyed by (seed, run_id),
/// installs their Q-tables, and starts round 0 from the session's last prices.
pub fn train(world: &mut World, seed: u64, run_id: u64) -> Option<LearningReport> {
    let LearnersGame {
        game,
        learners: idx,
        nash_prices: nash,
        joint_prices: joint,
        nash_profits,
        joint_profits,
        params,
    } = match learners_game(world) {
        Some(g) => g,
        None => {
            let learners = world
                .query::<&Pricing>()
                .iter(world)
                .any(|p| matches!(p.0, Strategy::QLearning(_)));
            if learners {
                tracing::warn!(
                    "Q-learning vendors did not train: the market has no Bertrand-Nash or \
                     joint-profit prices to span their price grid; they keep their initial prices"
                );
            }
            return None;
        }
    };
    let mut session = Session::new(&game, &params, seed, run_id);
    let outcome = session.run(&game, &params);
    let mut actions = vec![0; game.n];
    game.decode(session.state, &mut actions);
    {
        let mut board = world.resource_mut::<MarketBoard>();
        for (k, &j) in idx.iter().enumerate() {
            board.last_posted[j] = game.grids[k][actions[k]];
            board.posted[j] = board.last_posted[j];
        }
    }
    let mut q = world.query::<(&Vendor, &mut Pricing)>();
    for (v, mut p) in q.iter_mut(world) {
        if let (Strategy::QLearning(s), Some(k)) =
            (&mut p.0, idx.iter().position(|&j| j == v.index))
        {
            s.install(
                k,
                idx.clone(),
                game.grids.clone(),
                session.tables[k].clone(),
                session.t,
            );
        }
    }
    let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
    let profit_gain = crate::metrics::collusion_index(
        mean(&outcome.limit_profits),
        mean(&nash_profits),
        mean(&joint_profits),
    );
    let names = world.resource::<MarketBoard>().names.clone();
    Some(LearningReport {
        learners: idx.iter().map(|&j| names[j].clone()).collect(),
        periods: outcome.periods,
        converged: outcome.converged,
        nash_prices: nash,
        joint_prices: joint,
        nash_profits,
        joint_profits,
        grids: game.grids.clone(),
        limit_prices: outcome.cycle_prices,
        limit_profits: outcome.limit_profits,
        profit_gain,
    })
}

//! The benchmarks of a simulated market: what theory predicts for it right now.

use super::{DemandModel, joint_prices, monopoly_price, nash_prices};
use serde::Serialize;

/// Prices and profits at one benchmark, by vendor (vendors out of the market: null price).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Benchmark {
    /// USD per Mtok.
    pub prices: Vec<Option<f64>>,
    /// Mtok per round.
    pub quantities: Vec<f64>,
    /// USD per round.
    pub profits: Vec<f64>,
    /// Sum of profits, USD per round.
    pub industry_profit: f64,
    /// Whether the solver met its tolerance.
    pub converged: bool,
}

/// Monopoly, Bertrand-Nash and joint-profit benchmarks of a market at a round. Open-weight hosts
/// are held at marginal cost (they have no profit motive); every other vendor optimises.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Benchmarks {
    /// Round whose costs, qualities and buyers they use.
    pub round: u32,
    /// Vendor names, in the order of every per-vendor list.
    pub vendors: Vec<String>,
    /// Marginal costs used, USD per Mtok.
    pub marginal_costs: Vec<f64>,
    /// Buyer agents in the demand oracle (a sample when the population is larger).
    pub oracle_agents: usize,
    /// Each vendor's monopoly price: alone in the market with the outside option (null when out
    /// of the market or unbounded).
    pub monopoly_prices: Vec<Option<f64>>,
    /// Bertrand-Nash (with capacity constraints where vendors have them).
    pub nash: Option<Benchmark>,
    /// Joint-profit maximisation.
    pub joint: Option<Benchmark>,
}

fn evaluate<M: DemandModel>(
    model: &M,
    prices: &[f64],
    costs: &[f64],
    offered: &[bool],
    caps: &[Option<f64>],
    converged: bool,
) -> Benchmark {
    let q = model.quantities(prices, offered);
    let served: Vec<f64> = q
        .iter()
        .zip(caps)
        .map(|(q, c)| c.map_or(*q, |c| q.min(c)))
        .collect();
    let profits: Vec<f64> = (0..prices.len())
        .map(|j| {
            if offered[j] {
                (prices[j] - costs[j]) * served[j]
            } else {
                0.0
            }
        })
        .collect();
    Benchmark {
        prices: (0..prices.len())
            .map(|j| offered[j].then_some(prices[j]))
            .collect(),
        quantities: served,
        industry_profit: profits.iter().sum(),
        profits,
        converged,
    }
}

/// Solves the benchmarks of any demand model. Vendors marked `at_cost` (open-weight hosts, with no
/// profit motive) are held at marginal cost; the others optimise.
#[allow(clippy::too_many_arguments)]
pub fn solve_benchmarks<M: DemandModel>(
    model: &M,
    round: u32,
    vendors: Vec<String>,
    oracle_agents: usize,
    costs: &[f64],
    offered: &[bool],
    at_cost: &[bool],
    capacities: &[Option<f64>],
) -> Benchmarks {
    let optimise: Vec<bool> = at_cost.iter().map(|a| !a).collect();
    let start: Vec<f64> = costs
        .iter()
        .zip(at_cost)
        .map(|(c, a)| if *a { *c } else { c * 1.5 + 1e-3 })
        .collect();
    let nash_solution = nash_prices(model, costs, offered, &optimise, capacities, &start);
    let nash = nash_solution
        .as_ref()
        .map(|s| evaluate(model, &s.prices, costs, offered, capacities, s.converged));
    // Joint-profit prices lie above the Nash prices: start there.
    let start = nash_solution.map_or(start, |s| s.prices);
    let none: Vec<Option<f64>> = vec![None; costs.len()];
    let joint = joint_prices(model, costs, offered, &optimise, &start)
        .map(|s| evaluate(model, &s.prices, costs, offered, &none, s.converged));
    let monopoly_prices = (0..costs.len())
        .map(|j| {
            if offered[j] && !at_cost[j] {
                monopoly_price(model, j, costs[j])
            } else {
                None
            }
        })
        .collect();
    Benchmarks {
        round,
        vendors,
        marginal_costs: costs.to_vec(),
        oracle_agents,
        monopoly_prices,
        nash,
        joint,
    }
}

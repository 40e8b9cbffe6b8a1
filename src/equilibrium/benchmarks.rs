//! The benchmarks of a simulated market: what theory predicts for it right now.

use super::{
    DemandModel, Owners, joint_prices_above, monopoly_newton, monopoly_price, nash_prices_above,
};
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
    /// Marginal costs used, as vendors see them (net of per-token subsidies), USD per Mtok.
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
    /// Where switching costs or inertia hold buyers: the Bertrand-Nash prices of the round's
    /// actual demand, given buyers' current options (the frictionless benchmarks above treat
    /// every buyer as choosing afresh).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub round_nash: Option<Benchmark>,
}

pub(super) fn evaluate<M: DemandModel>(
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
/// profit motive) are held at marginal cost; the others optimise (at the Bertrand-Nash prices,
/// each for its owner's profit over all the owner's products: `owners`), not below their `floors`
/// (USD per Mtok by vendor; empty: none). `warm`, the benchmarks of an earlier market of the same
/// vendors, gives the solvers their start (its Nash prices where it has them).
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
    floors: &[f64],
    owners: &Owners,
    warm: Option<&Benchmarks>,
) -> Benchmarks {
    let optimise: Vec<bool> = at_cost.iter().map(|a| !a).collect();
    let last = |j: usize| {
        warm.and_then(|b| b.nash.as_ref())
            .filter(|n| n.prices.len() == costs.len())
            .and_then(|n| n.prices[j])
            .filter(|&p| p > costs[j])
    };
    let start: Vec<f64> = (0..costs.len())
        .map(|j| match (at_cost[j], last(j)) {
            (true, _) => costs[j],
            (false, Some(p)) => p,
            (false, None) => costs[j] * 1.5 + 1e-3,
        })
        .collect();
    let nash_solution = nash_prices_above(
        model, costs, offered, &optimise, capacities, floors, owners, &start,
    );
    let nash = nash_solution
        .as_ref()
        .map(|s| evaluate(model, &s.prices, costs, offered, capacities, s.converged));
    // Joint-profit prices lie above the Nash prices: start there.
    let start = nash_solution.map_or(start, |s| s.prices);
    let none: Vec<Option<f64>> = vec![None; costs.len()];
    let joint = joint_prices_above(model, costs, offered, &optimise, floors, &start)
        .map(|s| evaluate(model, &s.prices, costs, offered, &none, s.converged));
    // Every monopoly at once where the model allows; each alone otherwise.
    let monopolists: Vec<bool> = (0..costs.len())
        .map(|j| offered[j] && !at_cost[j])
        .collect();
    let together = monopoly_newton(model, costs, &monopolists);
    let monopoly_prices = (0..costs.len())
        .map(|j| {
            if monopolists[j] {
                let floor = floors.get(j).copied().unwrap_or(f64::NEG_INFINITY);
                together
                    .as_ref()
                    .map(|p| p[j])
                    .or_else(|| monopoly_price(model, j, costs[j]))
                    .map(|p| p.max(floor))
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
        round_nash: None,
    }
}

/// The Bertrand-Nash benchmark of another demand model of the same market (the round's demand
/// with lock-in), with the same costs, capacities, floors and open-weight hosts at cost.
pub fn nash_benchmark<M: DemandModel>(
    model: &M,
    costs: &[f64],
    offered: &[bool],
    at_cost: &[bool],
    capacities: &[Option<f64>],
    floors: &[f64],
    owners: &Owners,
) -> Option<Benchmark> {
    let optimise: Vec<bool> = at_cost.iter().map(|a| !a).collect();
    let start: Vec<f64> = costs
        .iter()
        .zip(at_cost)
        .map(|(c, a)| if *a { *c } else { c * 1.5 + 1e-3 })
        .collect();
    nash_prices_above(
        model, costs, offered, &optimise, capacities, floors, owners, &start,
    )
    .map(|s| evaluate(model, &s.prices, costs, offered, capacities, s.converged))
}

/// The benchmarks' industry profits over the collusion window: each round of the window against
/// its own market's benchmarks.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CollusionWindow {
    /// First round of the window.
    pub first_round: u32,
    /// Last round of the window.
    pub last_round: u32,
    /// Mean over the window of the industry profit per round at each round's Bertrand-Nash
    /// prices, USD (None when a round has no Nash prices).
    pub nash_profit: Option<f64>,
    /// The same at each round's joint-profit prices, USD.
    pub joint_profit: Option<f64>,
}

impl CollusionWindow {
    /// The window of these benchmarks, one per round.
    pub fn of(rounds: &[Benchmarks]) -> Self {
        let mut sums = WindowSums::default();
        for b in rounds {
            sums.add(b);
        }
        sums.window().unwrap_or(Self {
            first_round: 0,
            last_round: 0,
            nash_profit: None,
            joint_profit: None,
        })
    }
}

/// A [`CollusionWindow`] summed round by round, so that a long run keeps no round's benchmarks.
#[derive(Clone, Debug, Default)]
pub struct WindowSums {
    rounds: Option<(u32, u32)>,
    count: usize,
    nash: Option<f64>,
    joint: Option<f64>,
}

impl WindowSums {
    /// Adds the next round's benchmarks.
    pub fn add(&mut self, b: &Benchmarks) {
        let first = self.rounds.map_or(b.round, |(f, _)| f);
        let start = self.count == 0;
        let sum = |acc: Option<f64>, x: Option<&Benchmark>| match (start, acc, x) {
            (true, _, Some(x)) => Some(-0.0 + x.industry_profit),
            (false, Some(acc), Some(x)) => Some(acc + x.industry_profit),
            _ => None,
        };
        self.nash = sum(self.nash, b.nash.as_ref());
        self.joint = sum(self.joint, b.joint.as_ref());
        self.rounds = Some((first, b.round));
        self.count += 1;
    }

    /// The window so far (None before its first round).
    pub fn window(&self) -> Option<CollusionWindow> {
        let (first_round, last_round) = self.rounds?;
        let n = self.count as f64;
        Some(CollusionWindow {
            first_round,
            last_round,
            nash_profit: self.nash.map(|s| s / n),
            joint_profit: self.joint.map(|s| s / n),
        })
    }
}

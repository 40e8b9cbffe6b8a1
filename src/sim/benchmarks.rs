//! The benchmarks of a world's market in its current round, and over the collusion window.

use crate::equilibrium::{
    Benchmark, Benchmarks, DemandOracle, MergerMarket, MergerSimulation, Owners, nash_benchmark,
    simulate_merger, solve_benchmarks,
};
use crate::model::*;
use crate::systems::{demand_oracle, has_frictions, round_demand};
use bevy_ecs::prelude::*;

/// The last market solved and its benchmarks: a round whose market is the same (costs, floors,
/// qualities, capacities, outside options, buyers) reuses them.
#[derive(Default)]
pub struct BenchmarkCache {
    last: Option<(MarketKey, Benchmarks)>,
}

/// What a market's benchmarks depend on.
#[derive(Clone, Debug, PartialEq)]
struct MarketKey {
    costs: Vec<f64>,
    floors: Vec<f64>,
    active: Vec<bool>,
    quality: Vec<f64>,
    capacities: Vec<Option<f64>>,
    self_host: Vec<(f64, f64)>,
    scales: Vec<f64>,
    agents: u32,
    owners: Vec<usize>,
}

impl MarketKey {
    fn of(world: &mut World) -> Self {
        let board = world.resource::<MarketBoard>();
        let policy = world.resource::<Policy>();
        let v = board.names.len();
        let costs = (0..v)
            .map(|j| policy.net_marginal_cost(j, board.marginal_cost[j]))
            .collect();
        let floors = (0..v).map(|j| policy.floor(j)).collect();
        let self_host = world.resource::<OutsideOption>().with_hosts(board);
        let key = MarketKey {
            costs,
            floors,
            active: board.active.clone(),
            quality: board.quality.clone(),
            capacities: Vec::new(),
            self_host,
            scales: world
                .resource::<SegmentBook>()
                .segments
                .iter()
                .map(|s| s.volume_scale)
                .collect(),
            agents: world.resource::<Buyers>().next_id(),
            owners: board.owner.clone(),
        };
        MarketKey {
            capacities: capacities(world),
            ..key
        }
    }
}

impl BenchmarkCache {
    /// The benchmarks of the world's market now, labelled `round`.
    pub fn of(&mut self, world: &mut World, round: u32) -> Benchmarks {
        let key = MarketKey::of(world);
        let mut b = match &self.last {
            Some((k, b)) if *k == key => b.clone(),
            _ => {
                let warm = self.last.as_ref().map(|(_, b)| b);
                let b = market_benchmarks(world, DemandOracle::DEFAULT_MAX_AGENTS, warm);
                self.last = Some((key, b.clone()));
                b
            }
        };
        b.round = round;
        b
    }
}

fn capacities(world: &mut World) -> Vec<Option<f64>> {
    let n = world.resource::<MarketBoard>().names.len();
    let mut caps = vec![None; n];
    let mut q = world.query::<(&Vendor, &Capacity)>();
    for (v, c) in q.iter(world) {
        caps[v.index] = c.mtok_per_round;
    }
    caps
}

/// The benchmarks of a world's market in its current round: its vendors in the market, their
/// current marginal costs and capacities, its buyers (up to `max_agents` of them); the solvers
/// start from `warm`, an earlier round's benchmarks, where given.
pub fn market_benchmarks(
    world: &mut World,
    max_agents: usize,
    warm: Option<&Benchmarks>,
) -> Benchmarks {
    let oracle = demand_oracle(world, max_agents);
    let board = world.resource::<MarketBoard>().clone();
    let round = world.resource::<RoundClock>().round;
    let caps = capacities(world);
    let agents = oracle.agents();
    let policy = world.resource::<Policy>();
    // Costs and floors as the vendors see them: net of per-token subsidies, above price floors.
    let costs: Vec<f64> = (0..board.names.len())
        .map(|j| policy.net_marginal_cost(j, board.marginal_cost[j]))
        .collect();
    let floors: Vec<f64> = (0..board.names.len()).map(|j| policy.floor(j)).collect();
    let at_cost: Vec<bool> = board
        .self_host_multiple
        .iter()
        .map(Option::is_some)
        .collect();
    solve_benchmarks(
        &oracle,
        round,
        board.names.clone(),
        agents,
        &costs,
        &board.active,
        &at_cost,
        &caps,
        &floors,
        &Owners::new(board.owner.clone()),
        warm,
    )
}

/// Where switching costs or inertia hold buyers, the Bertrand-Nash benchmark of the round's
/// actual demand given buyers' current options (None without such frictions).
pub fn round_nash(world: &mut World, max_agents: usize) -> Option<Benchmark> {
    if !has_frictions(world.resource::<SegmentBook>()) {
        return None;
    }
    let demand = round_demand(world, max_agents);
    let board = world.resource::<MarketBoard>().clone();
    let caps = capacities(world);
    let policy = world.resource::<Policy>();
    let costs: Vec<f64> = (0..board.names.len())
        .map(|j| policy.net_marginal_cost(j, board.marginal_cost[j]))
        .collect();
    let floors: Vec<f64> = (0..board.names.len()).map(|j| policy.floor(j)).collect();
    let at_cost: Vec<bool> = board
        .self_host_multiple
        .iter()
        .map(Option::is_some)
        .collect();
    let owners = Owners::new(board.owner.clone());
    nash_benchmark(
        &demand,
        &costs,
        &board.active,
        &at_cost,
        &caps,
        &floors,
        &owners,
    )
}

/// The static simulation of every merger applied in the round just played, on its market (the
/// frictionless demand of its buyers at its costs, capacities and floors).
pub fn merger_simulations(world: &mut World, max_agents: usize) -> Vec<MergerSimulation> {
    let pending = std::mem::take(&mut world.resource_mut::<Mergers>().pending);
    if pending.is_empty() {
        return Vec::new();
    }
    let oracle = demand_oracle(world, max_agents);
    let board = world.resource::<MarketBoard>().clone();
    let firms = world.resource::<Firms>().names.clone();
    let caps = capacities(world);
    let policy = world.resource::<Policy>();
    let v = board.names.len();
    let costs: Vec<f64> = (0..v)
        .map(|j| policy.net_marginal_cost(j, board.marginal_cost[j]))
        .collect();
    let floors: Vec<f64> = (0..v).map(|j| policy.floor(j)).collect();
    let at_cost: Vec<bool> = board
        .self_host_multiple
        .iter()
        .map(Option::is_some)
        .collect();
    let start: Vec<f64> = (0..v)
        .map(|j| {
            if at_cost[j] {
                costs[j]
            } else {
                costs[j] * 1.5 + 1e-3
            }
        })
        .collect();
    let names =
        |owners: &[usize]| -> Vec<String> { owners.iter().map(|&f| firms[f].clone()).collect() };
    pending
        .into_iter()
        .map(|change| {
            let market = MergerMarket {
                round: change.round,
                vendors: &board.names,
                costs: &costs,
                offered: &board.active,
                at_cost: &at_cost,
                capacities: &caps,
                floors: &floors,
                start: &start,
            };
            let (before, after) = (
                Owners::new(change.before.clone()),
                Owners::new(change.after.clone()),
            );
            let (nb, na) = (names(&change.before), names(&change.after));
            simulate_merger(
                &oracle,
                market,
                [(&before, &nb), (&after, &na)],
                &firms[change.owner],
                |p| oracle.consumer_surplus(p, &board.active),
            )
        })
        .collect()
}

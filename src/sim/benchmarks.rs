//! The benchmarks of a world's market in its current round.

use crate::equilibrium::{Benchmarks, solve_benchmarks};
use crate::model::*;
use crate::systems::demand_oracle;
use bevy_ecs::prelude::*;

/// The benchmarks of a world's market in its current round: its vendors in the market, their
/// current marginal costs and capacities, its buyers (up to `max_agents` of them).
pub fn market_benchmarks(world: &mut World, max_agents: usize) -> Benchmarks {
    let oracle = demand_oracle(world, max_agents);
    let board = world.resource::<MarketBoard>().clone();
    let round = world.resource::<RoundClock>().round;
    let mut caps = vec![None; board.names.len()];
    let mut q = world.query::<(&Vendor, &Capacity)>();
    for (v, c) in q.iter(world) {
        caps[v.index] = c.mtok_per_round;
    }
    let agents = oracle.agents();
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
        &board.marginal_cost,
        &board.active,
        &at_cost,
        &caps,
    )
}

//! Update costs: hardware and efficiency trends, learning, shocks, subsidies; capacity.

use crate::model::*;
use bevy_ecs::prelude::*;

/// Seconds in a year (365.25 days).
const SECONDS_PER_YEAR: f64 = 365.25 * 86_400.0;

/// Moves every vendor's marginal cost and capacity to this round.
pub fn update_costs(
    clock: Res<RoundClock>,
    info: Res<RunInfo>,
    mut vendors: Query<(&Vendor, &mut Costs, &Outcome, &mut Capacity)>,
    mix: Res<Mix>,
    mut board: ResMut<MarketBoard>,
) {
    let seconds_per_round = SECONDS_PER_YEAR / info.rounds_per_year;
    for (v, mut costs, outcome, mut cap) in &mut vendors {
        let costs = &mut *costs;
        costs.curve.update_drivers(&mut costs.drivers, clock.round);
        // On an owned fleet serving costs only what it adds; the fleet is a fixed cost.
        costs.drivers.serving_share = match (cap.owned_share, cap.rule) {
            (Some(share), CapacityRule::Gpus(_)) => share,
            _ => 1.0,
        };
        // Per unit of the price level (the curve's cost where the product posts one price and
        // its tokens cost alike; see `demand::mix`).
        costs.marginal_cost_per_mtok = costs
            .curve
            .marginal_cost(&costs.drivers, outcome.quantity_mtok)
            * mix.0.level_cost(v.index, costs.curve.token_costs());
        board.marginal_cost[v.index] = costs.marginal_cost_per_mtok;
        cap.mtok_per_round = match cap.rule {
            CapacityRule::Unlimited => None,
            CapacityRule::Mtok(m) => Some(m),
            CapacityRule::Gpus(g) => costs
                .curve
                .tokens_per_second(&costs.drivers)
                .map(|tps| g * tps * seconds_per_round / 1e6),
        };
    }
}

//! Update costs: hardware and efficiency trends, learning, shocks.

use crate::model::*;
use bevy_ecs::prelude::*;

/// Moves every vendor's marginal cost to this round.
pub fn update_costs(
    clock: Res<RoundClock>,
    mut vendors: Query<(&Vendor, &mut Costs, &Outcome)>,
    mut board: ResMut<MarketBoard>,
) {
    for (v, mut costs, outcome) in &mut vendors {
        let costs = &mut *costs;
        costs.curve.update_drivers(&mut costs.drivers, clock.round);
        costs.marginal_cost_per_mtok = costs
            .curve
            .marginal_cost(&costs.drivers, outcome.quantity_mtok);
        board.marginal_cost[v.index] = costs.marginal_cost_per_mtok;
    }
}

//! Strategies learn: each vendor observes its settled round; this round's prices become the
//! public "last prices" of the next.

use crate::model::*;
use crate::strategy::Observation;
use bevy_ecs::prelude::*;

/// Feeds every vendor its outcome and rolls the public price board over.
pub fn learn_from_outcomes(
    clock: Res<RoundClock>,
    policy: Res<Policy>,
    mut vendors: Query<(&Vendor, &Presence, &Costs, &Outcome, &mut Pricing)>,
    mut board: ResMut<MarketBoard>,
) {
    let board = &mut *board;
    let mut sold = vec![0.0; board.names.len()];
    for (v, _, _, out, _) in &vendors {
        if board.active[v.index] {
            sold[v.index] = out.quantity_mtok;
        }
    }
    for (v, presence, costs, out, mut pricing) in &mut vendors {
        if board.active[v.index] {
            pricing.0.observe(&Observation {
                round: clock.round,
                price: board.posted[v.index],
                quantity_mtok: out.quantity_mtok,
                marginal_cost: policy.net_marginal_cost(v.index, costs.marginal_cost_per_mtok),
                profit_usd: out.profit_usd,
                prices: &board.posted,
                quantities: &sold,
            });
        }
        board.last_active[v.index] = presence.active;
    }
    board.last_posted.clone_from(&board.posted);
}

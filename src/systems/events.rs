//! Apply events: entry of new vendors, market growth (new agents, volume growth).

use crate::model::*;
use crate::sim::spawn_buyer;
use bevy_ecs::prelude::*;

/// Grows every segment: its volume multiplier, and new agents drawn from its trait
/// distributions (ids continue the sequence, so their draws do not depend on anything else).
pub fn grow_segments(
    mut commands: Commands,
    clock: Res<RoundClock>,
    info: Res<RunInfo>,
    mut book: ResMut<SegmentBook>,
    mut next: ResMut<NextBuyerId>,
    mut shares: ResMut<ExpectedShares>,
    board: Res<MarketBoard>,
) {
    if clock.round == 0 {
        return;
    }
    let stride = board.names.len() + 1;
    for (index, seg) in book.segments.iter_mut().enumerate() {
        seg.volume_scale *= seg.volume_growth_per_round;
        seg.pending_agents += seg.agents_per_round;
        let whole = seg.pending_agents.floor();
        seg.pending_agents -= whole;
        for _ in 0..whole as u64 {
            let id = next.0;
            next.0 += 1;
            commands.spawn(spawn_buyer(&seg.spec, index as u32, id, info.seed));
            if !shares.0.is_empty() {
                shares.0.extend(std::iter::repeat_n(0.0, stride));
            }
        }
    }
}

/// Vendors whose entry round has come join the market (and pay for training their model if the
/// scenario says so).
pub fn admit_entrants(
    clock: Res<RoundClock>,
    mut vendors: Query<(&Vendor, &mut Presence, &mut Costs)>,
) {
    for (_, mut presence, mut costs) in &mut vendors {
        if !presence.active
            && presence.exited_round.is_none()
            && presence.enters_at == clock.round
            && clock.round > 0
        {
            presence.active = true;
            if presence.charge_training_on_entry {
                let costs = &mut *costs;
                costs.curve.update_drivers(&mut costs.drivers, clock.round);
                costs.training_due_usd += costs.curve.training_cost(&costs.drivers);
            }
        }
    }
}

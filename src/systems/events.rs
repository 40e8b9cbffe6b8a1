//! Apply events: the round's events, entrants, the policy in force; market growth.

use crate::events::EventBook;
use crate::model::*;
use bevy_ecs::prelude::*;
use tracing::info;

/// Applies the events of this round (in round order, file order within the round), admits the
/// round's entrants and recomputes the policies in force.
pub fn apply_events(world: &mut World) {
    let round = world.resource::<RoundClock>().round;
    world.resource_scope(|world, book: Mut<EventBook>| {
        for ev in book.events.iter().filter(|e| e.round() == round) {
            info!(round, event = ev.kind(), "event");
            ev.apply(world);
        }
        admit_entrants(world, round);
        let v = world.resource::<VendorEntities>().0.len();
        let mut policy = Policy {
            price_floor: vec![None; v],
            subsidy_per_mtok: vec![0.0; v],
            compute_subsidy: vec![0.0; v],
        };
        for ev in &book.events {
            ev.in_force(round, &mut policy);
        }
        let mut q = world.query::<(&Vendor, &mut Costs)>();
        for (vendor, mut costs) in q.iter_mut(world) {
            costs.drivers.compute_subsidy = policy.compute_subsidy[vendor.index];
        }
        *world.resource_mut::<Policy>() = policy;
    });
}

/// Vendors whose entry round this is enter (charged their model's training cost if they are to
/// be).
fn admit_entrants(world: &mut World, round: u32) {
    let mut q = world.query::<(&mut Presence, &mut Costs)>();
    for (mut presence, mut costs) in q.iter_mut(world) {
        if !presence.active
            && presence.exited_round.is_none()
            && presence.enters_at == round
            && round > 0
        {
            presence.active = true;
            if presence.charge_training_on_entry {
                costs.charge_training(round);
            }
        }
    }
}

/// Grows every segment: its volume multiplier, and new agents drawn from its trait
/// distributions (ids continue the sequence, so their draws do not depend on anything else).
pub fn grow_segments(
    clock: Res<RoundClock>,
    info: Res<RunInfo>,
    mut book: ResMut<SegmentBook>,
    mut buyers: ResMut<Buyers>,
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
        if whole >= 1.0 {
            buyers.add(&seg.traits, index as u32, whole as usize, info.seed, false);
            if !shares.0.is_empty() {
                shares.0.resize(buyers.len() * stride, 0.0);
            }
        }
    }
}

/// Products that post new list prices this round (a `scripted` path giving both prices) take
/// their new output-to-input ratio before costs and prices are set.
pub fn post_list_prices(
    clock: Res<RoundClock>,
    mut lists: ResMut<ListPrices>,
    mut mix: ResMut<Mix>,
) {
    let due = lists.0.partition_point(|&(r, _, _)| r <= clock.round);
    for (_, j, w) in lists.0.drain(..due) {
        mix.0.set_weights(j, w);
    }
}

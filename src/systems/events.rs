//! Apply events: entries and exits, model releases, shocks, funding, policies; market growth.

use crate::cost::CostCurve;
use crate::model::*;
use crate::scenario::EventSpec;
use crate::sim::spawn_buyer;
use bevy_ecs::prelude::*;
use tracing::info;

/// The vendor components an event may change.
type VendorState = (
    &'static Vendor,
    &'static mut Presence,
    &'static mut Costs,
    &'static mut ModelCard,
    &'static mut Finances,
    &'static mut Capacity,
);

/// Applies the events of this round, admits entrants and recomputes the policies in force.
#[allow(clippy::too_many_arguments)]
pub fn apply_events(
    clock: Res<RoundClock>,
    info: Res<RunInfo>,
    book: Res<EventBook>,
    board: Res<MarketBoard>,
    mut vendors: Query<VendorState>,
    mut outside: ResMut<OutsideOption>,
    mut segments: ResMut<SegmentBook>,
    mut policy: ResMut<Policy>,
) {
    let round = clock.round;
    let index_of = |name: &str| board.names.iter().position(|n| n == name);
    let targets = |names: &[String]| -> Vec<usize> {
        if names.is_empty() {
            (0..board.names.len()).collect()
        } else {
            names.iter().filter_map(|n| index_of(n)).collect()
        }
    };
    for ev in book.events.iter().filter(|e| e.round() == round) {
        info!(round, event = ev.kind(), "event");
        match ev {
            EventSpec::Entry { .. }
            | EventSpec::Subsidy { .. }
            | EventSpec::PriceFloor { .. }
            | EventSpec::ComputeSubsidy { .. } => {}
            EventSpec::Exit { vendor, .. } => {
                for (v, mut presence, ..) in &mut vendors {
                    if Some(v.index) == index_of(vendor) && presence.active {
                        presence.active = false;
                        presence.exited_round = Some(round);
                    }
                }
            }
            EventSpec::ModelRelease {
                vendor,
                model,
                cost,
                charge_training,
                ..
            } => {
                for (v, _, mut costs, mut card, ..) in &mut vendors {
                    if Some(v.index) != index_of(vendor) {
                        continue;
                    }
                    let costs = &mut *costs;
                    if let Some(c) = cost {
                        costs.spec = c.clone();
                    }
                    costs.curve = CostCurve::from_spec(&costs.spec, model, info.rounds_per_year);
                    costs.curve.update_drivers(&mut costs.drivers, round);
                    if *charge_training {
                        costs.training_due_usd += costs.curve.training_cost(&costs.drivers);
                    }
                    card.quality = model.quality;
                }
            }
            EventSpec::GpuPriceShock {
                multiplier,
                vendors: names,
                ..
            } => {
                let hit = targets(names);
                for (v, _, mut costs, ..) in &mut vendors {
                    if hit.contains(&v.index) {
                        costs.drivers.gpu_price *= multiplier;
                    }
                }
            }
            EventSpec::OpenWeightRelease { quality, price, .. } => {
                outside.self_host.push((*quality, *price))
            }
            EventSpec::Funding {
                vendor, amount_usd, ..
            } => {
                for (v, _, _, _, mut fin, _) in &mut vendors {
                    if Some(v.index) == index_of(vendor) && fin.cash_usd.is_finite() {
                        fin.cash_usd += amount_usd;
                    }
                }
            }
            EventSpec::DemandShock {
                multiplier,
                segments: names,
                ..
            } => {
                for seg in segments.segments.iter_mut() {
                    if names.is_empty() || names.contains(&seg.name) {
                        seg.volume_scale *= multiplier;
                    }
                }
            }
            EventSpec::Capacity {
                vendor,
                gpus,
                mtok_per_round,
                ..
            } => {
                for (v, _, _, _, _, mut cap) in &mut vendors {
                    if Some(v.index) == index_of(vendor) {
                        cap.rule = CapacityRule::from_keys(*gpus, *mtok_per_round);
                    }
                }
            }
        }
    }
    // Entrants.
    for (_, mut presence, mut costs, ..) in &mut vendors {
        if !presence.active
            && presence.exited_round.is_none()
            && presence.enters_at == round
            && round > 0
        {
            presence.active = true;
            if presence.charge_training_on_entry {
                let costs = &mut *costs;
                costs.curve.update_drivers(&mut costs.drivers, round);
                costs.training_due_usd += costs.curve.training_cost(&costs.drivers);
            }
        }
    }
    // Policies in force this round.
    let v = board.names.len();
    policy.price_floor = vec![None; v];
    policy.subsidy_per_mtok = vec![0.0; v];
    policy.compute_subsidy = vec![0.0; v];
    let live = |start: u32, until: Option<u32>| start <= round && until.is_none_or(|u| round < u);
    for ev in &book.events {
        match ev {
            EventSpec::PriceFloor {
                round: r,
                price,
                until,
                vendors: names,
            } if live(*r, *until) => {
                for j in targets(names) {
                    policy.price_floor[j] =
                        Some(policy.price_floor[j].map_or(*price, |f: f64| f.max(*price)));
                }
            }
            EventSpec::Subsidy {
                round: r,
                per_mtok_usd,
                until,
                vendors: names,
            } if live(*r, *until) => {
                for j in targets(names) {
                    policy.subsidy_per_mtok[j] += per_mtok_usd;
                }
            }
            EventSpec::ComputeSubsidy {
                round: r,
                fraction,
                until,
                vendors: names,
            } if live(*r, *until) => {
                for j in targets(names) {
                    policy.compute_subsidy[j] =
                        1.0 - (1.0 - policy.compute_subsidy[j]) * (1.0 - fraction);
                }
            }
            _ => {}
        }
    }
    for (v, _, mut costs, ..) in &mut vendors {
        costs.drivers.compute_subsidy = policy.compute_subsidy[v.index];
    }
}

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

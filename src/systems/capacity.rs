//! Clear capacity: demand above a vendor's capacity is rationed and spills to buyers' next
//! choices.

use crate::demand::SegmentTally;
use crate::demand::ration::{RationStep, ration_all};
use crate::model::*;
use crate::rng::{Purpose, round_key};
use bevy_ecs::prelude::*;

/// Rations vendors whose buyers want more than their capacity, until none is over capacity; the
/// tally's quantities and masses are replaced by the rationed ones, and its consumer surplus
/// values the rationed volume at the options it falls back to. Switches keep their
/// pre-rationing values.
#[allow(clippy::too_many_arguments)]
pub fn clear_capacity(
    buyers: Res<Buyers>,
    vendors: Query<(&Vendor, &Capacity)>,
    offers: Res<Offers>,
    book: Res<SegmentBook>,
    shares: Res<ExpectedShares>,
    info: Res<RunInfo>,
    clock: Res<RoundClock>,
    execution: Res<Execution>,
    mut tally: ResMut<ChoiceTally>,
    mut rationing: ResMut<Rationing>,
) {
    let o = &offers.0;
    let v = o.n_vendors;
    let layout = o.layout();
    let options = 2 * layout.options();
    rationing.capacity = vec![None; v];
    for (vendor, cap) in &vendors {
        rationing.capacity[vendor.index] = cap.mtok_per_round;
    }
    let demand = |values: &[f64]| -> Vec<f64> {
        let mut d = vec![0.0; v];
        for (s, seg) in book.segments.iter().enumerate() {
            let t = SegmentTally::of(values, layout, s);
            for (j, dj) in d.iter_mut().enumerate() {
                *dj += t.quantity(j) * seg.represents;
            }
        }
        d
    };
    rationing.demand = demand(&tally.values);
    if rationing.capacity.iter().all(Option::is_none) {
        return;
    }
    let key = round_key(info.seed, Purpose::BuyerRationing, clock.round as u64);
    let mut steps: Vec<RationStep> = Vec::new();
    let mut closed = vec![false; v];
    let mut current = rationing.demand.clone();
    let mut partials = Vec::new();
    let per_seg = options + 1;
    let mut out = vec![0.0; per_seg * book.segments.len()];
    let surplus_before: Vec<f64> = (0..book.segments.len())
        .map(|s| SegmentTally::of(&tally.values, layout, s).consumer_surplus())
        .collect();
    loop {
        let mut step = RationStep::default();
        for j in 0..v {
            if let Some(cap) = rationing.capacity[j]
                && !closed[j]
                && current[j] > cap * (1.0 + 1e-12)
            {
                step.full
                    .push((j as u32, (cap / current[j]).clamp(0.0, 1.0)));
                closed[j] = true;
            }
        }
        if step.full.is_empty() {
            break;
        }
        steps.push(step);
        ration_all(
            buyers.rows(),
            &buyers.choice,
            &shares.0,
            o,
            &steps,
            key,
            &mut partials,
            &mut out,
            execution.parallel_buyers,
        );
        // Replace quantities and masses, value the rationed volume at its fallback; keep
        // switches and agent counts.
        let (t, n) = (&mut tally.values, layout.len());
        for s in 0..book.segments.len() {
            let part = &out[s * per_seg..(s + 1) * per_seg];
            t[s * n..s * n + options].copy_from_slice(&part[..options]);
            t[s * n + layout.consumer_surplus()] = surplus_before[s] + part[options];
        }
        current = demand(&tally.values);
    }
}

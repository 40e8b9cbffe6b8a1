//! Set prices: each strategy prices from last round's public prices; policy floors bind; offers
//! are published.

use crate::demand::SegmentOffer;
use crate::model::*;
use crate::rng::{Purpose, stream_key};
use crate::strategy::PricingContext;
use bevy_ecs::prelude::*;

/// Every vendor in the market sets this round's price; a policy floor, where one is in force,
/// binds it from below.
#[allow(clippy::too_many_arguments)]
pub fn set_prices(
    clock: Res<RoundClock>,
    info: Res<RunInfo>,
    policy: Res<Policy>,
    view: Res<DemandView>,
    mut vendors: Query<(
        &Vendor,
        &Costs,
        &Presence,
        &Capacity,
        &Outcome,
        &mut Pricing,
        &mut Price,
    )>,
    mut board: ResMut<MarketBoard>,
) {
    let board = &mut *board;
    let net_costs: Vec<f64> = (0..board.names.len())
        .map(|j| policy.net_marginal_cost(j, board.marginal_cost[j]))
        .collect();
    for (v, costs, presence, cap, outcome, mut pricing, mut price) in &mut vendors {
        if !presence.active {
            continue;
        }
        let ctx = PricingContext {
            round: clock.round,
            me: v.index,
            marginal_cost: policy.net_marginal_cost(v.index, costs.marginal_cost_per_mtok),
            last_prices: &board.last_posted,
            last_active: &board.last_active,
            owners: &board.owner,
            costs: &net_costs,
            capacity: cap.mtok_per_round,
            last_demand: outcome.demand_mtok,
            rounds_in_market: presence.rounds_active,
            rng_key: stream_key(
                info.seed,
                Purpose::Strategy,
                clock.round as u64,
                v.index as u64,
            ),
            demand: view.oracle.as_ref(),
            round_demand: view.round.as_ref(),
        };
        let mut p = pricing.0.price(&ctx);
        if let Some(floor) = policy.price_floor.get(v.index).copied().flatten() {
            p = p.max(floor);
        }
        price.usd_per_mtok = p;
        board.posted[v.index] = p;
    }
}

/// Publishes what buyers can choose from: vendors in the market, their prices and qualities,
/// the self-hosting alternatives, and each segment's prices and volume per offer.
pub fn post_offers(
    vendors: Query<(&Vendor, &Presence, &ModelCard)>,
    mut board: ResMut<MarketBoard>,
    book: Res<SegmentBook>,
    outside: Res<OutsideOption>,
    mix: Res<Mix>,
    mut offers: ResMut<Offers>,
) {
    for (v, presence, card) in &vendors {
        board.active[v.index] = presence.active;
        board.quality[v.index] = card.quality;
    }
    let o = &mut offers.0;
    o.n_vendors = board.names.len();
    o.vendor.clear();
    o.quality.clear();
    o.price.clear();
    for j in 0..board.names.len() {
        if board.active[j] {
            o.vendor.push(j as u32);
            o.quality.push(board.quality[j]);
            o.price.push(board.posted[j]);
        }
    }
    o.index_positions();
    o.self_host = outside.with_hosts(&board);
    o.segments
        .resize_with(book.segments.len(), SegmentOffer::default);
    for (s, (seg, so)) in book.segments.iter().zip(o.segments.iter_mut()).enumerate() {
        so.mode = seg.mode;
        so.outside = seg.outside;
        so.review = seg.review;
        so.penalty = seg.penalty;
        so.reservation = seg.reservation;
        // What the segment pays per Mtok of its tokens: the level times its price scale (the
        // level itself, to the bit, where the scale is 1).
        let paid = o
            .price
            .iter()
            .zip(&o.vendor)
            .map(|(&p, &j)| p * mix.0.price_scale(s, j as usize));
        so.price_terms(&seg.volume, seg.volume_scale, paid, &o.self_host);
    }
}

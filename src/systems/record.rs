//! Record: one row per vendor, per segment and for the market; then the clock advances.

use crate::demand::SegmentTally;
use crate::model::*;
use crate::output::Panels;
use bevy_ecs::prelude::*;

/// Appends this round's rows to the panels.
#[allow(clippy::too_many_arguments)]
pub fn record_panels(
    info: Res<RunInfo>,
    clock: Res<RoundClock>,
    tally: Res<ChoiceTally>,
    offers: Res<Offers>,
    book: Res<SegmentBook>,
    board: Res<MarketBoard>,
    firms: Res<Firms>,
    mix: Res<Mix>,
    vendors: Query<(&Vendor, &Costs, &Finances, &Presence, &Outcome, &Capacity)>,
    mut panels: ResMut<Panels>,
) {
    let (run, round) = (info.run_id, clock.round);
    let mut rows: Vec<_> = vendors.iter().collect();
    rows.sort_by_key(|r| r.0.index);
    let (mut volume, mut spend, mut hhi, mut ps, mut active) = (0.0, 0.0, 0.0, 0.0, 0u32);
    let (mut public, mut fixed) = (0.0, 0.0);
    let mut min_price: Option<f64> = None;
    for &(v, costs, fin, presence, out, cap) in &rows {
        // A vendor that left this round still shows its last round in the market.
        let shown = board.active[v.index];
        let price = shown.then_some(board.posted[v.index]);
        panels.vendors.push(crate::output::VendorRow {
            run_id: run,
            round,
            vendor: &board.names[v.index],
            owner: &firms.names[board.owner[v.index]],
            price,
            price_input: price.map(|p| mix.0.token_prices(v.index, p).0),
            price_output: price.map(|p| mix.0.token_prices(v.index, p).1),
            marginal_cost: costs.marginal_cost_per_mtok,
            quality: board.quality[v.index],
            quantity_mtok: out.quantity_mtok,
            demand_mtok: out.demand_mtok,
            share: out.share,
            revenue: out.revenue_usd,
            variable_cost: out.variable_cost_usd,
            fixed_cost: out.fixed_cost_usd,
            training_cost: out.training_cost_usd,
            subsidy: out.subsidy_usd,
            compute_subsidy: out.compute_subsidy_usd,
            profit: out.profit_usd,
            cash: fin.cash_usd.is_finite().then_some(fin.cash_usd),
            active: shown,
            capacity_mtok: cap.mtok_per_round,
        });
        if shown {
            volume += out.quantity_mtok;
            spend += out.revenue_usd;
            hhi += (100.0 * out.share).powi(2);
            // Subsidies are transfers: received by producers, paid by the state.
            ps += out.revenue_usd + out.subsidy_usd - out.variable_cost_usd;
            public += out.subsidy_usd + out.compute_subsidy_usd;
            fixed += out.fixed_cost_usd + out.training_cost_usd;
            min_price = Some(
                min_price.map_or(board.posted[v.index], |m: f64| m.min(board.posted[v.index])),
            );
        }
        active += shown as u32;
        let _ = presence;
    }
    let firm_shares = record_firms(run, round, &board, &firms, &rows, &mut panels);
    let firm_hhi: f64 = firm_shares.iter().map(|s| (100.0 * s).powi(2)).sum();
    let v = offers.0.n_vendors;
    let mut cs_total = 0.0;
    for (s, seg) in book.segments.iter().enumerate() {
        let t = SegmentTally::of(&tally.values, offers.0.layout(), s);
        let rep = seg.represents;
        let (qty, paid) = (0..v).fold((0.0, 0.0), |(q, pd), j| {
            let paid = board.posted[j] * mix.0.price_scale(s, j);
            (q + t.quantity(j), pd + t.quantity(j) * paid)
        });
        let agents = t.agents();
        let cs = t.consumer_surplus() * rep;
        cs_total += cs;
        panels.segments.push(crate::output::SegmentRow {
            run_id: run,
            round,
            segment: &seg.name,
            agents: agents as u64,
            customers: agents * rep,
            volume_mtok: qty * rep,
            avg_price_paid: (qty > 0.0).then(|| paid / qty),
            outside_share: if agents > 0.0 {
                t.outside_mass() / agents
            } else {
                0.0
            },
            consumer_surplus: cs,
            switches: t.switches() * rep,
        });
    }
    panels.market.push(crate::output::MarketRow {
        run_id: run,
        round,
        price_index: (volume > 0.0).then(|| spend / volume),
        min_price,
        hhi: (volume > 0.0).then_some(firm_hhi),
        hhi_products: (volume > 0.0).then_some(hhi),
        active_vendors: active,
        volume_mtok: volume,
        consumer_surplus: cs_total,
        producer_surplus: ps,
        public_spending: public,
        welfare: cs_total + ps - public,
        fixed_costs: fixed,
        welfare_net_of_fixed_costs: cs_total + ps - public - fixed,
    });
}

/// Appends one row per firm: its products' outcomes summed, its own operating cost and cash.
/// Returns each firm's share of volume.
fn record_firms(
    run: u64,
    round: u32,
    board: &MarketBoard,
    firms: &Firms,
    rows: &[(&Vendor, &Costs, &Finances, &Presence, &Outcome, &Capacity)],
    panels: &mut Panels,
) -> Vec<f64> {
    let n = firms.names.len();
    let mut shares = vec![0.0; n];
    for (f, firm_share) in shares.iter_mut().enumerate() {
        let mut row = crate::output::FirmRow {
            run_id: run,
            round,
            firm: &firms.names[f],
            products_active: 0,
            share: 0.0,
            quantity_mtok: 0.0,
            revenue: 0.0,
            costs: 0.0,
            profit: 0.0,
            cash: None,
        };
        let mut cash = Some(0.0);
        let mut owned = 0;
        for &(v, _, fin, _, out, _) in rows.iter().filter(|r| board.owner[r.0.index] == f) {
            owned += 1;
            cash = cash
                .zip(fin.cash_usd.is_finite().then_some(fin.cash_usd))
                .map(|(a, b)| a + b);
            if !board.active[v.index] {
                continue;
            }
            row.products_active += 1;
            row.share += out.share;
            row.quantity_mtok += out.quantity_mtok;
            row.revenue += out.revenue_usd;
            row.costs += out.variable_cost_usd + out.fixed_cost_usd + out.training_cost_usd;
            row.profit += out.profit_usd;
        }
        if row.products_active > 0 {
            row.costs += firms.operating_cost_usd[f];
            row.profit -= firms.operating_cost_usd[f];
        }
        if firms.holds_cash(f) {
            row.cash = Some(firms.cash_usd[f]);
        } else if owned > 0 {
            row.cash = cash;
        }
        *firm_share = row.share;
        panels.firms.push(row);
    }
    shares
}

/// Moves to the next round.
pub fn advance_clock(mut clock: ResMut<RoundClock>) {
    clock.round += 1;
}

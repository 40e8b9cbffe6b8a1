//! Settle accounts: quantities, revenue, subsidies, costs, profit, cash; vendors out of cash,
//! or losing money on every token for too long, exit.

use crate::demand::SegmentTally;
use crate::model::*;
use bevy_ecs::prelude::*;
use tracing::info;

/// Settles every vendor's round from the (rationed) choice tally.
#[allow(clippy::too_many_arguments)]
pub fn settle_accounts(
    clock: Res<RoundClock>,
    info: Res<RunInfo>,
    tally: Res<ChoiceTally>,
    offers: Res<Offers>,
    book: Res<SegmentBook>,
    board: Res<MarketBoard>,
    policy: Res<Policy>,
    rationing: Res<Rationing>,
    mix: Res<Mix>,
    mut vendors: Query<(
        &Vendor,
        &mut Costs,
        &mut Finances,
        &mut Presence,
        &mut Outcome,
        &Capacity,
    )>,
) {
    let quantities = vendor_quantities(&tally, &offers, &book);
    let total: f64 = quantities.iter().sum();
    let hours_per_round = HOURS_PER_YEAR / info.rounds_per_year;
    for (v, mut costs, mut fin, mut presence, mut out, cap) in &mut vendors {
        if !board.active[v.index] {
            *out = Outcome::default();
            continue;
        }
        let q = quantities[v.index];
        let p = board.posted[v.index];
        let costs = &mut *costs;
        // Each segment pays its mix of the input and output prices, and its tokens cost their
        // mix of prefill and decode: revenue and the serving-equivalent tokens the curve costs.
        let (revenue, served) = token_revenue(&mix.0, &tally, &offers, &book, v.index, p, q, {
            costs.curve.token_costs()
        });
        let subsidy = policy.subsidy_per_mtok.get(v.index).copied().unwrap_or(0.0) * q;
        let variable = costs.curve.variable_cost(&costs.drivers, served);
        let unsubsidised = costs.drivers.unsubsidised();
        let serving_subsidy = costs.curve.variable_cost(&unsubsidised, served) - variable;
        // An owned fleet's hours are paid whether its GPUs serve or idle.
        let (fleet, fleet_subsidy) = match (cap.owned_share, cap.rule) {
            (Some(_), CapacityRule::Gpus(gpus)) => {
                let hour = |d| costs.curve.gpu_hour_cost(d).unwrap_or(0.0);
                let paid = gpus * hour(&costs.drivers) * hours_per_round;
                (paid, gpus * hour(&unsubsidised) * hours_per_round - paid)
            }
            _ => (0.0, 0.0),
        };
        let fixed = costs.curve.fixed_cost() + fin.operating_cost_usd + fleet;
        let training = std::mem::take(&mut costs.training_due_usd);
        let training_subsidy = std::mem::take(&mut costs.training_subsidy_due_usd);
        let profit = revenue + subsidy - variable - fixed - training;
        *out = Outcome {
            quantity_mtok: q,
            demand_mtok: rationing.demand.get(v.index).copied().unwrap_or(q).max(q),
            share: if total > 0.0 { q / total } else { 0.0 },
            revenue_usd: revenue,
            variable_cost_usd: variable,
            fixed_cost_usd: fixed,
            training_cost_usd: training,
            subsidy_usd: subsidy,
            compute_subsidy_usd: serving_subsidy + training_subsidy + fleet_subsidy,
            profit_usd: profit,
        };
        costs.drivers.cumulative_mtok += q;
        presence.rounds_active += 1;
        if fin.cash_usd.is_finite() {
            fin.cash_usd += profit;
            if fin.cash_usd < 0.0 && presence.active {
                presence.active = false;
                presence.exited_round = Some(clock.round);
                info!(round = clock.round, vendor = %board.names[v.index], cash = fin.cash_usd, "vendor ran out of cash and exits");
            }
        }
        if let Some(limit) = fin.exit_after_losses {
            presence.losing_rounds = if revenue + subsidy < variable {
                presence.losing_rounds + 1
            } else {
                0
            };
            if presence.losing_rounds >= limit && presence.active {
                presence.active = false;
                presence.exited_round = Some(clock.round);
                info!(round = clock.round, vendor = %board.names[v.index], rounds = limit, "vendor sold below its variable cost for too long and exits");
            }
        }
    }
}

/// Revenue of product `j` at price level `p` selling `q` Mtok, and the Mtok its curve costs:
/// p·q and q where every segment pays the level and its tokens cost alike; otherwise
/// Σ_s p·k_s·q_s and Σ_s g_s·q_s over segments s (see `demand::mix`).
#[allow(clippy::too_many_arguments)]
fn token_revenue(
    mix: &crate::demand::TokenMix,
    tally: &ChoiceTally,
    offers: &Offers,
    book: &SegmentBook,
    j: usize,
    p: f64,
    q: f64,
    token_costs: (f64, f64),
) -> (f64, f64) {
    let segments = book.segments.len();
    let plain = (0..segments).all(|s| mix.price_scale(s, j) == 1.0)
        && (0..segments).all(|s| mix.cost_scale(s, token_costs) == 1.0);
    if plain {
        return (p * q, q);
    }
    let (mut paid, mut served) = (0.0, 0.0);
    for (s, seg) in book.segments.iter().enumerate() {
        let qs = SegmentTally::of(&tally.values, offers.0.layout(), s).quantity(j) * seg.represents;
        paid += mix.price_scale(s, j) * qs;
        served += mix.cost_scale(s, token_costs) * qs;
    }
    (p * paid, served)
}

/// Hours in a year (365.25 days).
const HOURS_PER_YEAR: f64 = 365.25 * 24.0;

/// Mtok sold by each vendor (index) this round: the tally summed over segments, scaled by the
/// customers each agent represents.
pub fn vendor_quantities(tally: &ChoiceTally, offers: &Offers, book: &SegmentBook) -> Vec<f64> {
    let v = offers.0.n_vendors;
    let mut q = vec![0.0; v];
    for (s, seg) in book.segments.iter().enumerate() {
        let t = SegmentTally::of(&tally.values, offers.0.layout(), s);
        for (j, qj) in q.iter_mut().enumerate() {
            *qj += t.quantity(j) * seg.represents;
        }
    }
    q
}

/// Settles every firm that holds its products' cash: their profits flow into it, its own
/// operating cost is charged, and when it runs out of cash all its products in the market exit
/// together.
pub fn settle_firms(
    clock: Res<RoundClock>,
    board: Res<MarketBoard>,
    mut firms: ResMut<Firms>,
    mut vendors: Query<(&Vendor, &Outcome, &mut Presence)>,
) {
    let n = firms.names.len();
    let mut profit = vec![0.0; n];
    let mut products = vec![0u32; n];
    for (v, out, _) in &vendors {
        if board.active[v.index] {
            let f = board.owner[v.index];
            profit[f] += out.profit_usd;
            products[f] += 1;
        }
    }
    for f in 0..n {
        if !firms.holds_cash(f) || products[f] == 0 {
            continue;
        }
        firms.cash_usd[f] += profit[f] - firms.operating_cost_usd[f];
        if firms.cash_usd[f] < 0.0 {
            if firms.exited_round[f].is_none() {
                firms.exited_round[f] = Some(clock.round);
                info!(round = clock.round, firm = %firms.names[f], cash = firms.cash_usd[f], "firm ran out of cash; its products exit");
            }
            for (v, _, mut presence) in &mut vendors {
                if board.owner[v.index] == f && presence.active {
                    presence.active = false;
                    presence.exited_round = Some(clock.round);
                }
            }
        }
    }
}

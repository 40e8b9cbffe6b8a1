//! Compiling a checked scenario into the engine's run specification: every default settled,
//! every cost curve and strategy built, every name resolved to an index, events in round order.

use super::spec::{
    DEFAULT_SERVING_COST_SHARE, OUTSIDE_MEMBER, ScenarioSpec, SegmentSpec, VendorSpec,
};
use crate::cost::CostDrivers;
use crate::events::{CompileContext, EventSpec};
use crate::model::{CapacityRule, SegmentRules, TraitDists};
use crate::numerics::{exp_fast, pow_fast};
use crate::sim::{FirmPlan, RunSpec, SegmentPlan, VendorPlan};
use crate::strategy::StrategySpec;

/// The run specification of a checked scenario.
pub fn compile(s: &ScenarioSpec) -> RunSpec {
    let mut events: Vec<&EventSpec> = s.events.iter().collect();
    events.sort_by_key(|e| e.round());
    let mut market = CompileContext {
        vendors: s.vendors.iter().map(|v| v.name.clone()).collect(),
        segments: s.segments.iter().map(|g| g.name.clone()).collect(),
        costs: s
            .vendors
            .iter()
            .map(|v| (v.cost.clone(), v.enters_at))
            .collect(),
        enters_at: s.vendors.iter().map(|v| v.enters_at).collect(),
        rounds_per_year: s.rounds_per_year,
        firms: s.firms.iter().map(|f| f.name.clone()).collect(),
    };
    let owners: Vec<usize> = s
        .vendors
        .iter()
        .map(|v| market.firm(v.owner_name()))
        .collect();
    let events = events.into_iter().map(|e| e.compile(&mut market)).collect();
    let firms = market
        .firms
        .iter()
        .map(|name| {
            let declared = s.firms.iter().find(|f| &f.name == name);
            FirmPlan {
                name: name.clone(),
                cash_usd: declared
                    .and_then(|f| f.finances.cash)
                    .unwrap_or(f64::INFINITY),
                operating_cost_usd: declared.map_or(0.0, |f| f.finances.operating_cost),
            }
        })
        .collect();
    RunSpec {
        name: s.name.clone(),
        seed: s.seed,
        rounds: s.rounds,
        rounds_per_year: s.rounds_per_year,
        benchmarks: s.benchmarks,
        self_host: s
            .outside_option
            .self_host
            .iter()
            .map(|h| (h.quality, h.price))
            .collect(),
        vendors: s
            .vendors
            .iter()
            .zip(&market.enters_at)
            .zip(owners)
            .map(|((v, &enters_at), owner)| vendor(v, owner, enters_at, s.rounds_per_year))
            .collect(),
        firms,
        segments: s
            .segments
            .iter()
            .map(|g| segment(g, s.rounds_per_year))
            .collect(),
        events,
        nests: s
            .nests
            .iter()
            .map(|n| {
                let members = n.members.iter().filter_map(|m| {
                    if m == OUTSIDE_MEMBER {
                        Some(s.vendors.len())
                    } else {
                        s.vendors.iter().position(|v| &v.name == m)
                    }
                });
                (n.lambda, members.collect())
            })
            .collect(),
    }
}

/// A vendor with its defaults settled: the price before round 0 is twice the round-0 marginal
/// cost; the strategy is `at_cost` for open-weight hosts and `cost_plus` with markup 1 for the
/// others; cash is unlimited.
fn vendor(v: &VendorSpec, owner: usize, enters_at: u32, rounds_per_year: f64) -> VendorPlan {
    // A vendor's figures are as of the round it enters: trends run from there.
    let curve = v.cost.build(&v.model, rounds_per_year, enters_at);
    let listed = v
        .prices
        .and_then(|p| crate::demand::mix::price_weights(p.input, p.output));
    let mut price_weights = listed.map_or(crate::demand::mix::ONE_PRICE, |(w, _)| w);
    let initial_price = listed.map(|(_, level)| level).or(v.initial_price);
    let initial_price = initial_price.unwrap_or_else(|| {
        let mut drivers = CostDrivers::default();
        curve.update_drivers(&mut drivers, 0);
        2.0 * curve.marginal_cost(&drivers, 0.0)
    });
    let strategy = match &v.strategy {
        Some(s) => s.clone(),
        None if v.open_weight.is_some() => StrategySpec::at_cost(),
        None => StrategySpec::cost_plus(1.0),
    };
    // A scripted path that gives both list prices changes the ratio from its steps' rounds;
    // a round-0 step sets it from the start.
    let mut list_prices = match &strategy {
        StrategySpec::Scripted(s) => s.list_prices(),
        _ => Vec::new(),
    };
    if let Some(&(0, w)) = list_prices.first() {
        price_weights = w;
        list_prices.remove(0);
    }
    VendorPlan {
        name: v.name.clone(),
        owner,
        quality: v.model.quality,
        curve,
        initial_price,
        price_weights,
        list_prices,
        strategy: strategy.build(),
        cash_usd: v.finances.cash.unwrap_or(f64::INFINITY),
        operating_cost_usd: v.finances.operating_cost,
        exit_after_losses: v.finances.exit_after_losses,
        charge_initial_training: v.finances.charge_initial_training,
        self_host_multiple: v.open_weight.as_ref().map(|o| o.self_host_cost_multiple),
        enters_at,
        capacity: v.capacity.as_ref().map_or(CapacityRule::Unlimited, |c| {
            CapacityRule::from_keys(c.gpus, c.mtok_per_round)
        }),
        owned_share: v
            .capacity
            .as_ref()
            .filter(|c| c.owned)
            .map(|c| c.serving_cost_share.unwrap_or(DEFAULT_SERVING_COST_SHARE)),
    }
}

/// A segment's rules: the switching cost as the weight penalty exp(−cost), annual volume growth
/// as a factor per round.
fn segment(g: &SegmentSpec, rounds_per_year: f64) -> SegmentPlan {
    SegmentPlan {
        agents: g.agents,
        rules: SegmentRules {
            name: g.name.clone(),
            traits: TraitDists {
                price_sensitivity: g.price_sensitivity.clone(),
                quality_weight: g.quality_weight.clone(),
                reservation_price: g.reservation_price.clone(),
                base_volume_mtok: g.base_volume_mtok.clone(),
            },
            mode: g.choice.mode,
            outside: g.outside_option,
            review: g.choice.review_probability,
            penalty: exp_fast(-g.choice.switching_cost),
            reservation: g.reservation_price.is_some(),
            volume: g.volume.build(),
            input_share: g.input_share,
            represents: g.represents,
            volume_growth_per_round: pow_fast(
                1.0 + g.growth.volume_per_year,
                1.0 / rounds_per_year,
            ),
            agents_per_round: g.growth.agents_per_round,
            volume_scale: 1.0,
            pending_agents: 0.0,
        },
    }
}

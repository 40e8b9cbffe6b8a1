//! Building the world of a run from its specification: vendors, buyer agents, resources.

use super::spec::{RunSpec, VendorPlan};
use crate::cost::CostDrivers;
use crate::demand::TokenMix;
use crate::equilibrium::DemandOracle;
use crate::events::EventBook;
use crate::model::*;
use crate::output::Panels;
use crate::systems::demand_oracle;
use bevy_ecs::prelude::*;

/// The world of run `run_id` of `spec`, before round 0 (learners not yet trained).
pub fn build_world(spec: &RunSpec, run_id: u64) -> World {
    let mut world = World::new();
    world.insert_resource(RunInfo {
        run_id,
        seed: spec.seed,
        rounds: spec.rounds,
        rounds_per_year: spec.rounds_per_year,
    });
    world.insert_resource(RoundClock::default());
    world.insert_resource(OutsideOption {
        self_host: spec.self_host.clone(),
    });
    let mix = token_mix(spec);
    let (needs_demand, needs_round) = spawn_vendors(&mut world, spec, &mix);
    world.insert_resource(Mix(mix));
    world.insert_resource(list_prices(spec));
    let agents = spawn_buyers(&mut world, spec);
    // Nested logit where some nest has λ < 1 (λ = 1 everywhere is plain logit, on its own path).
    let nesting = crate::demand::Nesting::new(spec.vendors.len() + 1, &spec.nests);
    world.insert_resource(Offers(crate::demand::OfferBook {
        nesting: (!nesting.is_plain()).then(|| std::sync::Arc::new(nesting)),
        ..Default::default()
    }));
    world.insert_resource(ChoiceTally::default());
    world.insert_resource(Panels::default());
    world.insert_resource(Execution::default());
    world.insert_resource(EventBook {
        events: spec.events.clone(),
    });
    world.insert_resource(Policy::default());
    world.insert_resource(Rationing::default());
    let oracle = needs_demand.then(|| demand_oracle(&mut world, DemandOracle::DEFAULT_MAX_AGENTS));
    world.insert_resource(DemandView {
        oracle,
        agents_seen: agents,
        round_needed: needs_round,
        round: None,
    });
    world
}

/// The market's token mix: every product's price weights and every segment's input share, the
/// segments weighted by their tokens at the start (agents × customers × mean base volume).
fn token_mix(spec: &RunSpec) -> TokenMix {
    let weights: Vec<(f64, f64)> = spec.vendors.iter().map(|v| v.price_weights).collect();
    let shares: Vec<Option<f64>> = spec.segments.iter().map(|s| s.rules.input_share).collect();
    let volume: Vec<f64> = spec
        .segments
        .iter()
        .map(|s| s.agents as f64 * s.rules.represents * s.rules.traits.base_volume_mtok.mean())
        .collect();
    TokenMix::new(&weights, &shares, &volume)
}

/// Every product's later list-price changes, in round order (ties in product order).
fn list_prices(spec: &RunSpec) -> ListPrices {
    let mut changes: Vec<(u32, usize, (f64, f64))> = spec
        .vendors
        .iter()
        .enumerate()
        .flat_map(|(j, v)| v.list_prices.iter().map(move |&(r, w)| (r, j, w)))
        .collect();
    changes.sort_by_key(|&(r, j, _)| (r, j));
    ListPrices(changes)
}

/// Spawns the vendors and the public price board; returns whether a strategy needs the demand
/// oracle, and whether one needs the round's demand.
fn spawn_vendors(world: &mut World, spec: &RunSpec, mix: &TokenMix) -> (bool, bool) {
    let v = spec.vendors.len();
    let mut board = MarketBoard {
        names: spec.vendors.iter().map(|x| x.name.clone()).collect(),
        posted: vec![0.0; v],
        last_posted: vec![0.0; v],
        active: spec.vendors.iter().map(|x| x.enters_at == 0).collect(),
        last_active: spec.vendors.iter().map(|x| x.enters_at == 0).collect(),
        quality: vec![0.0; v],
        marginal_cost: vec![0.0; v],
        self_host_multiple: spec.vendors.iter().map(|x| x.self_host_multiple).collect(),
        owner: spec.vendors.iter().map(|x| x.owner).collect(),
    };
    world.insert_resource(Firms {
        names: spec.firms.iter().map(|f| f.name.clone()).collect(),
        cash_usd: spec.firms.iter().map(|f| f.cash_usd).collect(),
        operating_cost_usd: spec.firms.iter().map(|f| f.operating_cost_usd).collect(),
        exited_round: vec![None; spec.firms.len()],
    });
    world.insert_resource(Mergers::default());
    let (mut needs_demand, mut needs_round) = (false, false);
    let mut entities = Vec::with_capacity(v);
    for (index, plan) in spec.vendors.iter().enumerate() {
        let bundle = vendor_bundle(plan, index, mix);
        board.last_posted[index] = plan.initial_price;
        board.posted[index] = plan.initial_price;
        board.quality[index] = plan.quality;
        board.marginal_cost[index] = bundle.costs.marginal_cost_per_mtok;
        needs_demand |= bundle.pricing.0.needs_demand();
        needs_round |= bundle.pricing.0.needs_round_demand();
        let mut e = world.spawn(bundle);
        if let Some(m) = plan.self_host_multiple {
            e.insert(OpenWeight {
                self_host_cost_multiple: m,
            });
        }
        entities.push(e.id());
    }
    world.insert_resource(board);
    world.insert_resource(VendorEntities(entities));
    (needs_demand, needs_round)
}

/// The components of a vendor at the start of a run.
fn vendor_bundle(plan: &VendorPlan, index: usize, mix: &TokenMix) -> VendorBundle {
    let curve = plan.curve.clone();
    let mut drivers = CostDrivers::default();
    curve.update_drivers(&mut drivers, 0);
    let mc = curve.marginal_cost(&drivers, 0.0) * mix.level_cost(index, curve.token_costs());
    let training_due = if plan.charge_initial_training && plan.enters_at == 0 {
        curve.training_cost(&drivers)
    } else {
        0.0
    };
    VendorBundle {
        vendor: Vendor { index },
        costs: Costs {
            curve,
            drivers,
            marginal_cost_per_mtok: mc,
            training_due_usd: training_due,
            training_subsidy_due_usd: 0.0,
        },
        card: ModelCard {
            quality: plan.quality,
        },
        price: Price {
            usd_per_mtok: plan.initial_price,
        },
        finances: Finances {
            cash_usd: plan.cash_usd,
            operating_cost_usd: plan.operating_cost_usd,
            exit_after_losses: plan.exit_after_losses,
        },
        presence: Presence {
            active: plan.enters_at == 0,
            enters_at: plan.enters_at,
            exited_round: None,
            charge_training_on_entry: plan.charge_initial_training,
            rounds_active: 0,
            losing_rounds: 0,
        },
        pricing: Pricing(plan.strategy.clone()),
        outcome: Outcome::default(),
        capacity: Capacity {
            rule: plan.capacity,
            mtok_per_round: None,
            owned_share: plan.owned_share,
        },
    }
}

/// Adds every segment's agents (traits drawn in parallel from their own streams) and the
/// segment book; returns the number of agents.
fn spawn_buyers(world: &mut World, spec: &RunSpec) -> u32 {
    let mut buyers = Buyers::default();
    for (index, s) in spec.segments.iter().enumerate() {
        buyers.add(
            &s.rules.traits,
            index as u32,
            s.agents as usize,
            spec.seed,
            true,
        );
    }
    let any_expected = spec
        .segments
        .iter()
        .any(|s| s.rules.mode == crate::demand::ChoiceMode::Expected);
    let stride = spec.vendors.len() + 1;
    let shares = if any_expected {
        vec![0.0; buyers.len() * stride]
    } else {
        Vec::new()
    };
    let agents = buyers.next_id();
    world.insert_resource(buyers);
    world.insert_resource(SegmentBook {
        segments: spec.segments.iter().map(|s| s.rules.clone()).collect(),
    });
    world.insert_resource(ExpectedShares(shares));
    agents
}

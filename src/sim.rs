//! A run: builds a World from a checked scenario, steps it round by round, returns the panels.
//! No IO happens here.

use crate::cost::{CostCurve, CostDrivers};
use crate::demand::VolumeDemand;
use crate::equilibrium::{Benchmarks, DemandOracle, market_benchmarks};
use crate::learning::{LearningReport, train};
use crate::model::*;
use crate::numerics::{exp_fast, pow_fast};
use crate::output::Panels;
use crate::rng::{Purpose, Stream};
use crate::scenario::{ChoiceMode, EventSpec, Scenario, SegmentSpec, StrategySpec, VendorSpec};
use crate::strategy::Strategy;
use crate::systems::round_schedule;
use bevy_ecs::prelude::*;
use rayon::prelude::*;

/// A price war in progress: the world and the round schedule.
pub struct Simulation {
    world: World,
    schedule: Schedule,
    rounds: u32,
    benchmarks: bool,
    first_benchmarks: bool,
    learning: Option<LearningReport>,
}

/// What a finished run returns.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// The recorded panels.
    pub panels: Panels,
    /// Buyer agents at the end of the run.
    pub agents: u64,
    /// Benchmarks of the market in the first and in the last round (when the scenario asks).
    pub benchmarks: Vec<Benchmarks>,
    /// What Q-learning vendors learned before round 0 (when there are any).
    pub learning: Option<LearningReport>,
}

impl Simulation {
    /// Builds the world of `scenario` for run `run_id` (0 for a single run). Q-learning vendors
    /// are trained here, before round 0.
    pub fn new(scenario: &Scenario, run_id: u64) -> Self {
        let spec = scenario.spec();
        let mut world = World::new();
        let seed = spec.seed;
        world.insert_resource(RunInfo {
            run_id,
            seed,
            rounds: spec.rounds,
            rounds_per_year: spec.rounds_per_year,
        });
        world.insert_resource(RoundClock::default());
        world.insert_resource(OutsideOption {
            self_host: spec
                .outside_option
                .self_host
                .iter()
                .map(|s| (s.quality, s.price))
                .collect(),
        });
        let mut events = spec.events.clone();
        events.sort_by_key(EventSpec::round);
        let enters_at = |i: usize| {
            events
                .iter()
                .find_map(|e| match e {
                    EventSpec::Entry { round, vendor } if *vendor == spec.vendors[i].name => {
                        Some(*round)
                    }
                    _ => None,
                })
                .unwrap_or(spec.vendors[i].enters_at)
        };

        // Vendors.
        let v = spec.vendors.len();
        let mut board = MarketBoard {
            names: spec.vendors.iter().map(|x| x.name.clone()).collect(),
            posted: vec![0.0; v],
            last_posted: vec![0.0; v],
            active: (0..v).map(|i| enters_at(i) == 0).collect(),
            last_active: (0..v).map(|i| enters_at(i) == 0).collect(),
            quality: vec![0.0; v],
            marginal_cost: vec![0.0; v],
            self_host_multiple: vec![None; v],
        };
        let mut needs_demand = false;
        for (index, vs) in spec.vendors.iter().enumerate() {
            let (bundle, initial_price) =
                vendor_entity(vs, index, enters_at(index), spec.rounds_per_year);
            board.last_posted[index] = initial_price;
            board.posted[index] = initial_price;
            board.quality[index] = vs.model.quality;
            board.marginal_cost[index] = bundle.1.marginal_cost_per_mtok;
            needs_demand |= bundle.6.0.needs_demand();
            let capacity = Capacity {
                rule: vs.capacity.as_ref().map_or(CapacityRule::Unlimited, |c| {
                    CapacityRule::from_keys(c.gpus, c.mtok_per_round)
                }),
                mtok_per_round: None,
            };
            let mut e = world.spawn(bundle);
            e.insert(capacity);
            if let Some(ow) = &vs.open_weight {
                e.insert(OpenWeight {
                    self_host_cost_multiple: ow.self_host_cost_multiple,
                });
                board.self_host_multiple[index] = Some(ow.self_host_cost_multiple);
            }
        }
        world.insert_resource(board);

        // Segments and their agents.
        let rpy = spec.rounds_per_year;
        let segments: Vec<SegmentRules> = spec
            .segments
            .iter()
            .map(|s| SegmentRules {
                name: s.name.clone(),
                spec: s.clone(),
                mode: s.choice.mode,
                outside: s.outside_option,
                review: s.choice.review_probability,
                penalty: exp_fast(-s.choice.switching_cost),
                reservation: s.reservation_price.is_some(),
                volume: VolumeDemand::from(&s.volume),
                represents: s.represents,
                volume_growth_per_round: pow_fast(1.0 + s.growth.volume_per_year, 1.0 / rpy),
                agents_per_round: s.growth.agents_per_round,
                volume_scale: 1.0,
                pending_agents: 0.0,
            })
            .collect();
        let mut next_id = 0u32;
        let mut bundles = Vec::with_capacity(scenario.agents() as usize);
        for (index, s) in spec.segments.iter().enumerate() {
            let first = next_id;
            next_id += s.agents;
            let mut part: Vec<BuyerBundle> = Vec::new();
            (first..next_id)
                .into_par_iter()
                .map(|id| spawn_buyer(s, index as u32, id, seed))
                .collect_into_vec(&mut part);
            bundles.append(&mut part);
        }
        let any_expected = spec
            .segments
            .iter()
            .any(|s| s.choice.mode == ChoiceMode::Expected);
        let shares = if any_expected {
            vec![0.0; bundles.len() * (v + 1)]
        } else {
            Vec::new()
        };
        world.spawn_batch(bundles);
        world.insert_resource(SegmentBook { segments });
        world.insert_resource(NextBuyerId(next_id));
        world.insert_resource(ExpectedShares(shares));
        world.insert_resource(Offers::default());
        world.insert_resource(ChoiceTally::default());
        world.insert_resource(Panels::default());
        world.insert_resource(Execution::default());
        world.insert_resource(EventBook { events });
        world.insert_resource(Policy::default());
        world.insert_resource(Rationing::default());
        let oracle = needs_demand
            .then(|| DemandOracle::from_world(&mut world, DemandOracle::DEFAULT_MAX_AGENTS));
        world.insert_resource(DemandView {
            oracle,
            agents_seen: next_id,
        });

        let learning = train(&mut world, seed, run_id);
        Simulation {
            world,
            schedule: round_schedule(),
            rounds: spec.rounds,
            benchmarks: spec.benchmarks,
            first_benchmarks: true,
            learning,
        }
    }

    /// Whether buyers choose in parallel (default true). Sweeps that run many simulations in
    /// parallel turn it off; results do not change.
    pub fn set_parallel_buyers(&mut self, parallel: bool) {
        self.world.resource_mut::<Execution>().parallel_buyers = parallel;
    }

    /// Whether a run computes the benchmarks of its first round as well as of its last (default
    /// true; sweeps, whose runs table uses the last round's, turn it off).
    pub fn set_first_round_benchmarks(&mut self, on: bool) {
        self.first_benchmarks = on;
    }

    /// Plays one round.
    pub fn step(&mut self) {
        self.schedule.run(&mut self.world);
    }

    /// The next round to be played.
    pub fn round(&self) -> u32 {
        self.world.resource::<RoundClock>().round
    }

    /// The world (for inspection in tests and tools).
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The world, mutably (for tools that set up special states).
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// What Q-learning vendors learned before round 0, if there are any.
    pub fn learning(&self) -> Option<&LearningReport> {
        self.learning.as_ref()
    }

    /// Plays every remaining round, calling `on_round` after each, and returns the panels.
    pub fn run(mut self, mut on_round: impl FnMut(u32)) -> RunResult {
        // The benchmarks of a round are those of its market as played: after its events,
        // entries, exits, costs and capacities (so computed once the round is over).
        let mut benchmarks = Vec::new();
        let mut bench = |world: &mut World, round: u32| {
            let mut b = market_benchmarks(world, DemandOracle::DEFAULT_MAX_AGENTS);
            b.round = round;
            benchmarks.push(b);
        };
        let first = self.round() == 0;
        while self.round() < self.rounds {
            let r = self.round();
            self.step();
            on_round(r);
            if self.benchmarks && self.first_benchmarks && first && r == 0 && self.rounds > 1 {
                bench(&mut self.world, 0);
            }
        }
        if self.benchmarks {
            bench(&mut self.world, self.rounds.saturating_sub(1));
        }
        let agents = self.world.resource::<NextBuyerId>().0 as u64;
        let panels = self.world.remove_resource::<Panels>().unwrap_or_default();
        RunResult {
            panels,
            agents,
            benchmarks,
            learning: self.learning,
        }
    }
}

/// The components of a vendor at the start of a run, and its initial price.
#[allow(clippy::type_complexity)]
fn vendor_entity(
    vs: &VendorSpec,
    index: usize,
    enters_at: u32,
    rounds_per_year: f64,
) -> (
    (
        Vendor,
        Costs,
        ModelCard,
        Price,
        Finances,
        Presence,
        Pricing,
        Outcome,
    ),
    f64,
) {
    let curve = CostCurve::from_spec(&vs.cost, &vs.model, rounds_per_year);
    let mut drivers = CostDrivers::default();
    curve.update_drivers(&mut drivers, 0);
    let mc = curve.marginal_cost(&drivers, 0.0);
    let training_due = if vs.finances.charge_initial_training && enters_at == 0 {
        curve.training_cost(&drivers)
    } else {
        0.0
    };
    let initial_price = vs.initial_price.unwrap_or(2.0 * mc);
    let strategy = match &vs.strategy {
        Some(s) => Strategy::from_spec(s),
        None if vs.open_weight.is_some() => Strategy::from_spec(&StrategySpec::AtCost),
        None => Strategy::from_spec(&StrategySpec::CostPlus { markup: 1.0 }),
    };
    (
        (
            Vendor { index },
            Costs {
                spec: vs.cost.clone(),
                curve,
                drivers,
                marginal_cost_per_mtok: mc,
                training_due_usd: training_due,
            },
            ModelCard {
                quality: vs.model.quality,
            },
            Price {
                usd_per_mtok: initial_price,
            },
            Finances {
                cash_usd: vs.finances.cash.unwrap_or(f64::INFINITY),
                operating_cost_usd: vs.finances.operating_cost,
            },
            Presence {
                active: enters_at == 0,
                enters_at,
                exited_round: None,
                charge_training_on_entry: vs.finances.charge_initial_training,
                rounds_active: 0,
            },
            Pricing(strategy),
            Outcome::default(),
        ),
        initial_price,
    )
}

/// A buyer agent of segment `segment` with id `id`: its traits come from the stream
/// (seed, buyer traits, id), so they do not depend on when or on which thread it is spawned.
pub fn spawn_buyer(s: &SegmentSpec, segment: u32, id: u32, seed: u64) -> BuyerBundle {
    let mut rng = Stream::new(seed, Purpose::BuyerTraits, 0, id as u64);
    let alpha = s.price_sensitivity.sample(&mut rng);
    let theta = s.quality_weight.sample(&mut rng);
    let reservation = s
        .reservation_price
        .as_ref()
        .map_or(f64::INFINITY, |d| d.sample(&mut rng));
    let base = s.base_volume_mtok.sample(&mut rng);
    BuyerBundle {
        id: BuyerId(id),
        segment: SegmentIndex(segment),
        alpha: PriceSensitivity(alpha),
        theta: QualityWeight(theta),
        reservation: ReservationPrice(reservation),
        base: BaseVolume(base),
        choice: CurrentChoice(CurrentChoice::NONE),
    }
}

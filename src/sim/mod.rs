//! A run: builds a World from the engine's run specification, steps it round by round, returns
//! the panels. No IO happens here.

mod benchmarks;
mod learners;
mod spec;
mod world;

pub use benchmarks::{BenchmarkCache, market_benchmarks, merger_simulations, round_nash};
pub use learners::{learners_game, train};
pub use spec::{FirmPlan, RunSpec, SegmentPlan, VendorPlan};

use crate::equilibrium::{Benchmarks, CollusionWindow, DemandOracle, MergerSimulation, WindowSums};
use crate::learning::LearningReport;
use crate::metrics::collusion_window_rounds;
use crate::model::*;
use crate::output::Panels;
use crate::systems::round_schedule;
use bevy_ecs::prelude::*;

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
    /// The benchmarks' industry profits over the collusion window (when the scenario asks).
    pub collusion_window: Option<CollusionWindow>,
    /// What Q-learning vendors learned before round 0 (when there are any).
    pub learning: Option<LearningReport>,
    /// The static simulation of every merger, on the market of its round.
    pub mergers: Vec<MergerSimulation>,
}

impl Simulation {
    /// Builds the world of run `run_id` (0 for a single run) of a run specification (or of
    /// anything that holds one, such as a checked scenario). Q-learning vendors are trained
    /// here, before round 0.
    pub fn new(spec: &impl AsRef<RunSpec>, run_id: u64) -> Self {
        let spec = spec.as_ref();
        let mut world = world::build_world(spec, run_id);
        let learning = train(&mut world, spec.seed, run_id);
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
        // Resource scopes (events, the demand view) take their resource out and put it back,
        // which queues a lifecycle message every round; nothing reads them, and without this
        // they would grow with the rounds played.
        self.world.clear_trackers();
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

    /// The expected demand of the world's buyers now (a sample of them for large populations):
    /// the demand model of the strategies and benchmarks.
    pub fn demand_oracle(&mut self) -> DemandOracle {
        crate::systems::demand_oracle(&mut self.world, DemandOracle::DEFAULT_MAX_AGENTS)
    }

    /// What Q-learning vendors learned before round 0, if there are any.
    pub fn learning(&self) -> Option<&LearningReport> {
        self.learning.as_ref()
    }

    /// Plays every remaining round, calling `on_round` after each, and returns the panels.
    pub fn run(self, on_round: impl FnMut(u32)) -> RunResult {
        let never = |_: &mut Panels| -> Result<(), std::convert::Infallible> { Ok(()) };
        match self.run_streaming(on_round, usize::MAX, never) {
            Ok(result) => result,
            Err(never) => match never {},
        }
    }

    /// [`Simulation::run`] handing the panels to `flush` whenever they hold `rows` rows or more
    /// at the start of a round (`flush` drains them: a long run's memory then stays bounded).
    /// The rows of the last round are always in the result; the result holds the rows not
    /// flushed. The first error of `flush` stops the run.
    pub fn run_streaming<E>(
        mut self,
        mut on_round: impl FnMut(u32),
        rows: usize,
        mut flush: impl FnMut(&mut Panels) -> Result<(), E>,
    ) -> Result<RunResult, E> {
        // The benchmarks of a round are those of its market as played: after its events,
        // entries, exits, costs and capacities (so computed once the round is over). Every
        // round of the collusion window gets its own (the same market is solved once).
        let mut benchmarks = Vec::new();
        let mut cache = BenchmarkCache::default();
        let window_first = self
            .rounds
            .saturating_sub(collusion_window_rounds(self.rounds));
        let mut window = WindowSums::default();
        let mut last = None;
        let mut mergers = Vec::new();
        let first = self.round() == 0;
        while self.round() < self.rounds {
            let r = self.round();
            {
                let mut panels = self.world.resource_mut::<Panels>();
                if panels.rows() >= rows {
                    flush(&mut panels)?;
                }
            }
            self.step();
            on_round(r);
            // Merger simulations are reported whether or not the benchmarks are.
            mergers.extend(merger_simulations(
                &mut self.world,
                DemandOracle::DEFAULT_MAX_AGENTS,
            ));
            if !self.benchmarks {
                continue;
            }
            if self.first_benchmarks && first && r == 0 && self.rounds > 1 {
                let mut b = cache.of(&mut self.world, 0);
                b.round_nash = round_nash(&mut self.world, DemandOracle::DEFAULT_MAX_AGENTS);
                benchmarks.push(b);
            }
            if r >= window_first {
                let b = cache.of(&mut self.world, r);
                window.add(&b);
                last = Some(b);
            }
        }
        let collusion_window: Option<CollusionWindow> = window.window();
        if let Some(mut last) = last {
            if self.first_benchmarks {
                last.round_nash = round_nash(&mut self.world, DemandOracle::DEFAULT_MAX_AGENTS);
            }
            benchmarks.push(last);
        }
        let agents = self.world.resource::<Buyers>().len() as u64;
        let panels = self.world.remove_resource::<Panels>().unwrap_or_default();
        Ok(RunResult {
            panels,
            agents,
            benchmarks,
            collusion_window,
            learning: self.learning,
            mergers,
        })
    }
}

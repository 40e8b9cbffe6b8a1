//! Benchmarks computed by the engine from the market it simulates: the demand each vendor faces
//! at any price vector (the static expected demand of the actual buyer population), and the
//! prices theory predicts against it (monopoly; Bertrand-Nash and joint profit are built on the
//! same oracle).

mod monopoly;

pub use monopoly::{maximise_unimodal, monopoly_price};

use crate::demand::VolumeDemand;
use crate::model::*;
use crate::scenario::Scenario;
use crate::sim::Simulation;
use bevy_ecs::prelude::*;

/// One buyer agent as the oracle sees it.
#[derive(Clone, Copy, Debug)]
struct Agent {
    segment: usize,
    alpha: f64,
    theta: f64,
    reservation: f64,
    base: f64,
}

/// A segment as the oracle sees it.
#[derive(Clone, Debug)]
struct Segment {
    outside: bool,
    volume: VolumeDemand,
    scale: f64,
}

/// Expected (noise-free) demand of the market's buyers at any prices: the logit choice of every
/// agent without inertia or switching costs, times its volume demand.
#[derive(Clone, Debug)]
pub struct DemandOracle {
    agents: Vec<Agent>,
    segments: Vec<Segment>,
    /// Quality of each vendor.
    pub quality: Vec<f64>,
    /// Self-hosting alternatives in the outside option (quality, USD per Mtok).
    pub self_host: Vec<(f64, f64)>,
}

impl DemandOracle {
    /// The oracle of a world's current buyers, qualities and outside option.
    pub fn from_world(world: &mut World) -> Self {
        let book = world.resource::<SegmentBook>().clone();
        let board = world.resource::<MarketBoard>().clone();
        let outside = *world.resource::<OutsideOption>();
        let mut q = world.query::<(
            &SegmentIndex,
            &PriceSensitivity,
            &QualityWeight,
            &ReservationPrice,
            &BaseVolume,
        )>();
        let agents = q
            .iter(world)
            .map(|(s, a, t, r, b)| Agent {
                segment: s.0 as usize,
                alpha: a.0,
                theta: t.0,
                reservation: r.0,
                base: b.0,
            })
            .collect();
        let segments = book
            .segments
            .iter()
            .map(|s| Segment {
                outside: s.outside,
                volume: s.volume,
                scale: s.represents * s.volume_scale,
            })
            .collect();
        let mut self_host: Vec<(f64, f64)> = outside.self_host.into_iter().collect();
        for j in 0..board.names.len() {
            if let (true, Some(m)) = (board.active[j], board.self_host_multiple[j]) {
                self_host.push((board.quality[j], board.marginal_cost[j] * m));
            }
        }
        Self {
            agents,
            segments,
            quality: board.quality.clone(),
            self_host,
        }
    }

    /// The oracle of a scenario's market at round 0.
    pub fn from_scenario(scenario: &Scenario) -> Self {
        let mut sim = Simulation::new(scenario, 0);
        Self::from_world(sim.world_mut())
    }

    /// Vendors in the market.
    pub fn vendors(&self) -> usize {
        self.quality.len()
    }

    /// Mtok each vendor sells at `prices` when only vendors with `offered[j]` are in the market.
    pub fn quantities(&self, prices: &[f64], offered: &[bool]) -> Vec<f64> {
        let v = self.quality.len();
        let mut q = vec![0.0; v];
        let mut e = vec![0.0; v];
        for a in &self.agents {
            let seg = &self.segments[a.segment];
            let mut mx = if seg.outside {
                self.outside_utility(a)
            } else {
                f64::NEG_INFINITY
            };
            let u0 = mx;
            for j in 0..v {
                e[j] = if offered[j] && prices[j] <= a.reservation {
                    a.theta * self.quality[j] - a.alpha * prices[j]
                } else {
                    f64::NEG_INFINITY
                };
                mx = mx.max(e[j]);
            }
            if mx == f64::NEG_INFINITY {
                continue;
            }
            let mut total = if seg.outside { (u0 - mx).exp() } else { 0.0 };
            for x in e.iter_mut() {
                *x = if *x == f64::NEG_INFINITY {
                    0.0
                } else {
                    (*x - mx).exp()
                };
                total += *x;
            }
            for j in 0..v {
                if e[j] > 0.0 {
                    q[j] += e[j] / total * a.base * seg.scale * seg.volume.factor(prices[j]);
                }
            }
        }
        q
    }

    /// Profit margins times quantities, USD per round.
    pub fn profits(&self, prices: &[f64], costs: &[f64], offered: &[bool]) -> Vec<f64> {
        self.quantities(prices, offered)
            .iter()
            .enumerate()
            .map(|(j, q)| (prices[j] - costs[j]) * q)
            .collect()
    }

    fn outside_utility(&self, a: &Agent) -> f64 {
        self.self_host
            .iter()
            .fold(0.0f64, |u, &(q, p)| u.max(a.theta * q - a.alpha * p))
    }
}

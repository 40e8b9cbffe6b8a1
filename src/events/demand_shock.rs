//! `demand_shock`: every customer's volume changes by a factor from this round on.

use super::{CheckContext, CompileContext, EventKind};
use crate::check::Checker;
use crate::model::{Policy, SegmentBook};
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

/// The `demand_shock` block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemandShockSpec {
    /// Round.
    pub round: u32,
    /// Factor on every customer's volume, > 0.
    pub multiplier: f64,
    /// Segments affected (default all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<String>,
}

/// A demand shock.
#[derive(Clone, Debug)]
pub struct DemandShock {
    round: u32,
    multiplier: f64,
    segments: Vec<usize>,
}

impl EventKind for DemandShock {
    type Spec = DemandShockSpec;

    fn round_of(spec: &DemandShockSpec) -> u32 {
        spec.round
    }

    fn check(spec: &DemandShockSpec, at: &str, market: &mut CheckContext, c: &mut Checker) {
        c.positive(&format!("{at}.multiplier"), spec.multiplier);
        market.segment_list(at, "segments", &spec.segments, c);
    }

    fn compile(spec: &DemandShockSpec, market: &mut CompileContext) -> Self {
        DemandShock {
            round: spec.round,
            multiplier: spec.multiplier,
            segments: market.segment_targets(&spec.segments),
        }
    }

    fn round(&self) -> u32 {
        self.round
    }

    /// Scales each target segment's volume once (a name listed twice counts once).
    fn apply(&self, world: &mut World) {
        let mut book = world.resource_mut::<SegmentBook>();
        for (s, seg) in book.segments.iter_mut().enumerate() {
            if self.segments.contains(&s) {
                seg.volume_scale *= self.multiplier;
            }
        }
    }

    fn in_force(&self, _round: u32, _policy: &mut Policy) {}
}

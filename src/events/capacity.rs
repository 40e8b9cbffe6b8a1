//! `capacity`: a vendor's serving capacity changes (neither key: unlimited).

use super::{CheckContext, CompileContext, EventKind, vendor_mut};
use crate::check::Checker;
use crate::model::{Capacity, CapacityRule, Policy};
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

/// The `capacity` block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacitySpec {
    /// Round.
    pub round: u32,
    /// Vendor name.
    pub vendor: String,
    /// GPUs serving the model (compute costs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpus: Option<f64>,
    /// Mtok per round. Both keys absent: unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtok_per_round: Option<f64>,
}

/// A capacity change.
#[derive(Clone, Debug)]
pub struct CapacityChange {
    round: u32,
    vendor: usize,
    rule: CapacityRule,
}

impl EventKind for CapacityChange {
    type Spec = CapacitySpec;

    fn round_of(spec: &CapacitySpec) -> u32 {
        spec.round
    }

    fn check(spec: &CapacitySpec, at: &str, market: &mut CheckContext, c: &mut Checker) {
        if let Some(j) = market.vendor(at, "vendor", &spec.vendor, c) {
            let compute = market.vendors[j].cost.is_compute();
            CapacityRule::check(spec.gpus, spec.mtok_per_round, compute, at, c);
        }
    }

    fn compile(spec: &CapacitySpec, market: &mut CompileContext) -> Self {
        CapacityChange {
            round: spec.round,
            vendor: market.vendor(&spec.vendor),
            rule: CapacityRule::from_keys(spec.gpus, spec.mtok_per_round),
        }
    }

    fn round(&self) -> u32 {
        self.round
    }

    fn apply(&self, world: &mut World) {
        vendor_mut::<Capacity>(world, self.vendor).rule = self.rule;
    }

    fn in_force(&self, _round: u32, _policy: &mut Policy) {}
}

//! `gpu_price_shock`: GPU-hour prices of compute vendors change by a factor from this round on.

use super::{CheckContext, CompileContext, EventKind, vendor_mut};
use crate::check::Checker;
use crate::model::{Costs, Policy};
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

/// The `gpu_price_shock` block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GpuPriceShockSpec {
    /// Round.
    pub round: u32,
    /// Factor on GPU-hour prices, > 0 (1.5: +50%).
    pub multiplier: f64,
    /// Vendors affected (default all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vendors: Vec<String>,
}

/// A GPU price shock.
#[derive(Clone, Debug)]
pub struct GpuPriceShock {
    round: u32,
    multiplier: f64,
    vendors: Vec<usize>,
}

impl EventKind for GpuPriceShock {
    type Spec = GpuPriceShockSpec;

    fn round_of(spec: &GpuPriceShockSpec) -> u32 {
        spec.round
    }

    fn check(spec: &GpuPriceShockSpec, at: &str, market: &mut CheckContext, c: &mut Checker) {
        c.positive(&format!("{at}.multiplier"), spec.multiplier);
        market.vendor_list(at, "vendors", &spec.vendors, c);
    }

    fn compile(spec: &GpuPriceShockSpec, market: &mut CompileContext) -> Self {
        GpuPriceShock {
            round: spec.round,
            multiplier: spec.multiplier,
            vendors: market.vendor_targets(&spec.vendors),
        }
    }

    fn round(&self) -> u32 {
        self.round
    }

    /// Multiplies each target's GPU price factor once (a name listed twice counts once).
    fn apply(&self, world: &mut World) {
        let n = world.resource::<crate::model::VendorEntities>().0.len();
        for j in (0..n).filter(|j| self.vendors.contains(j)) {
            vendor_mut::<Costs>(world, j).drivers.gpu_price *= self.multiplier;
        }
    }

    fn in_force(&self, _round: u32, _policy: &mut Policy) {}
}

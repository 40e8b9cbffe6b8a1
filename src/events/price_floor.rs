//! `price_floor` (anti-dumping): posted prices may not fall below it while in force.

use super::context::check_until;
use super::{CheckContext, CompileContext, EventKind, live};
use crate::check::Checker;
use crate::model::Policy;
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

/// The `price_floor` block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceFloorSpec {
    /// Round it starts.
    pub round: u32,
    /// USD per Mtok.
    pub price: f64,
    /// Round it ends (exclusive; default: never).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<u32>,
    /// Vendors bound (default all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vendors: Vec<String>,
}

/// A price floor.
#[derive(Clone, Debug)]
pub struct PriceFloor {
    round: u32,
    price: f64,
    until: Option<u32>,
    vendors: Vec<usize>,
}

impl EventKind for PriceFloor {
    type Spec = PriceFloorSpec;

    fn round_of(spec: &PriceFloorSpec) -> u32 {
        spec.round
    }

    fn check(spec: &PriceFloorSpec, at: &str, market: &mut CheckContext, c: &mut Checker) {
        c.non_negative(&format!("{at}.price"), spec.price);
        check_until(at, spec.round, spec.until, c);
        market.vendor_list(at, "vendors", &spec.vendors, c);
    }

    fn compile(spec: &PriceFloorSpec, market: &mut CompileContext) -> Self {
        PriceFloor {
            round: spec.round,
            price: spec.price,
            until: spec.until,
            vendors: market.vendor_targets(&spec.vendors),
        }
    }

    fn round(&self) -> u32 {
        self.round
    }

    fn apply(&self, _world: &mut World) {}

    /// The highest floor in force binds.
    fn in_force(&self, round: u32, policy: &mut Policy) {
        if live(self.round, self.until, round) {
            for &j in &self.vendors {
                policy.price_floor[j] =
                    Some(policy.price_floor[j].map_or(self.price, |f: f64| f.max(self.price)));
            }
        }
    }
}

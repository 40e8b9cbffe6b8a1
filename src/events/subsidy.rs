//! `subsidy`: a per-token subsidy paid to vendors on what they sell, while in force.

use super::context::check_until;
use super::{CheckContext, CompileContext, EventKind, live};
use crate::check::Checker;
use crate::model::Policy;
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

/// The `subsidy` block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubsidySpec {
    /// Round it starts.
    pub round: u32,
    /// USD per Mtok sold.
    pub per_mtok_usd: f64,
    /// Round it ends (exclusive; default: never).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<u32>,
    /// Vendors paid (default all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vendors: Vec<String>,
}

/// A per-token subsidy.
#[derive(Clone, Debug)]
pub struct Subsidy {
    round: u32,
    per_mtok_usd: f64,
    until: Option<u32>,
    vendors: Vec<usize>,
}

impl EventKind for Subsidy {
    type Spec = SubsidySpec;

    fn round_of(spec: &SubsidySpec) -> u32 {
        spec.round
    }

    fn check(spec: &SubsidySpec, at: &str, market: &mut CheckContext, c: &mut Checker) {
        c.non_negative(&format!("{at}.per_mtok_usd"), spec.per_mtok_usd);
        check_until(at, spec.round, spec.until, c);
        market.vendor_list(at, "vendors", &spec.vendors, c);
    }

    fn compile(spec: &SubsidySpec, market: &mut CompileContext) -> Self {
        Subsidy {
            round: spec.round,
            per_mtok_usd: spec.per_mtok_usd,
            until: spec.until,
            vendors: market.vendor_targets(&spec.vendors),
        }
    }

    fn round(&self) -> u32 {
        self.round
    }

    fn apply(&self, _world: &mut World) {}

    /// Subsidies add up, per listing.
    fn in_force(&self, round: u32, policy: &mut Policy) {
        if live(self.round, self.until, round) {
            for &j in &self.vendors {
                policy.subsidy_per_mtok[j] += self.per_mtok_usd;
            }
        }
    }
}

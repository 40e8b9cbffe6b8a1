//! `compute_subsidy`: a fraction of GPU costs is paid by the state while in force (compute
//! costs).

use super::context::check_until;
use super::{CheckContext, CompileContext, EventKind, live};
use crate::check::Checker;
use crate::model::Policy;
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

/// The `compute_subsidy` block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComputeSubsidySpec {
    /// Round it starts.
    pub round: u32,
    /// Fraction of GPU cost paid, in [0, 1).
    pub fraction: f64,
    /// Round it ends (exclusive; default: never).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<u32>,
    /// Vendors subsidised (default all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vendors: Vec<String>,
}

/// A compute subsidy.
#[derive(Clone, Debug)]
pub struct ComputeSubsidy {
    round: u32,
    fraction: f64,
    until: Option<u32>,
    vendors: Vec<usize>,
}

impl EventKind for ComputeSubsidy {
    type Spec = ComputeSubsidySpec;

    fn round_of(spec: &ComputeSubsidySpec) -> u32 {
        spec.round
    }

    fn check(spec: &ComputeSubsidySpec, at: &str, market: &mut CheckContext, c: &mut Checker) {
        c.range(
            &format!("{at}.fraction"),
            spec.fraction,
            0.0,
            1.0,
            false,
            true,
        );
        check_until(at, spec.round, spec.until, c);
        market.vendor_list(at, "vendors", &spec.vendors, c);
    }

    fn compile(spec: &ComputeSubsidySpec, market: &mut CompileContext) -> Self {
        ComputeSubsidy {
            round: spec.round,
            fraction: spec.fraction,
            until: spec.until,
            vendors: market.vendor_targets(&spec.vendors),
        }
    }

    fn round(&self) -> u32 {
        self.round
    }

    fn apply(&self, _world: &mut World) {}

    /// Subsidies compound: two of 50% leave a quarter of the cost.
    fn in_force(&self, round: u32, policy: &mut Policy) {
        if live(self.round, self.until, round) {
            for &j in &self.vendors {
                policy.compute_subsidy[j] =
                    1.0 - (1.0 - policy.compute_subsidy[j]) * (1.0 - self.fraction);
            }
        }
    }
}

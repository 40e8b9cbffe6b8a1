//! `funding`: a vendor raises cash.

use super::{CheckContext, CompileContext, EventKind, vendor_mut};
use crate::check::Checker;
use crate::model::{Finances, Policy};
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

/// The `funding` block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundingSpec {
    /// Round.
    pub round: u32,
    /// Vendor name.
    pub vendor: String,
    /// USD.
    pub amount_usd: f64,
}

/// A funding round.
#[derive(Clone, Debug)]
pub struct Funding {
    round: u32,
    vendor: usize,
    amount_usd: f64,
}

impl EventKind for Funding {
    type Spec = FundingSpec;

    fn round_of(spec: &FundingSpec) -> u32 {
        spec.round
    }

    fn check(spec: &FundingSpec, at: &str, market: &mut CheckContext, c: &mut Checker) {
        market.vendor(at, "vendor", &spec.vendor, c);
        c.non_negative(&format!("{at}.amount_usd"), spec.amount_usd);
    }

    fn compile(spec: &FundingSpec, market: &mut CompileContext) -> Self {
        Funding {
            round: spec.round,
            vendor: market.vendor(&spec.vendor),
            amount_usd: spec.amount_usd,
        }
    }

    fn round(&self) -> u32 {
        self.round
    }

    /// Adds the amount to the vendor's cash (a vendor with unlimited cash stays unlimited).
    fn apply(&self, world: &mut World) {
        let mut fin = vendor_mut::<Finances>(world, self.vendor);
        if fin.cash_usd.is_finite() {
            fin.cash_usd += self.amount_usd;
        }
    }

    fn in_force(&self, _round: u32, _policy: &mut Policy) {}
}

//! `fixed`: a constant price.

use super::{Observation, PricingContext, PricingRule};
use crate::check::Checker;
use serde::{Deserialize, Serialize};

/// The `fixed` block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedSpec {
    /// USD per Mtok.
    pub price: f64,
}

/// A constant price.
#[derive(Clone, Debug)]
pub struct Fixed {
    price: f64,
}

impl PricingRule for Fixed {
    type Spec = FixedSpec;

    fn check(spec: &FixedSpec, at: &str, c: &mut Checker) {
        c.non_negative(&format!("{at}.price"), spec.price);
    }

    fn build(spec: &FixedSpec) -> Self {
        Self { price: spec.price }
    }

    fn price(&mut self, _ctx: &PricingContext) -> f64 {
        self.price
    }

    fn observe(&mut self, _obs: &Observation) {}

    fn needs_demand(&self) -> bool {
        false
    }

    fn needs_round_demand(&self) -> bool {
        false
    }
}

//! `at_cost`: price at marginal cost (open-weight hosts, which have no profit motive).

use super::{Observation, PricingContext, PricingRule};
use crate::check::Checker;
use serde::{Deserialize, Serialize};

/// The `at_cost` block (no keys).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AtCostSpec {}

/// Price = marginal cost.
#[derive(Clone, Copy, Debug)]
pub struct AtCost;

impl PricingRule for AtCost {
    type Spec = AtCostSpec;

    fn check(_spec: &AtCostSpec, _at: &str, _c: &mut Checker) {}

    fn build(_spec: &AtCostSpec) -> Self {
        AtCost
    }

    /// The marginal cost.
    fn price(&mut self, ctx: &PricingContext) -> f64 {
        ctx.marginal_cost
    }

    fn observe(&mut self, _obs: &Observation) {}

    fn needs_demand(&self) -> bool {
        false
    }

    fn needs_round_demand(&self) -> bool {
        false
    }
}

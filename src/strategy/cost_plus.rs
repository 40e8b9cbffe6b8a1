//! `cost_plus` (成本加成定价): a markup over marginal cost.

use super::{Observation, PricingContext, PricingRule};
use crate::check::Checker;
use serde::{Deserialize, Serialize};

/// The `cost_plus` block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostPlusSpec {
    /// Markup over marginal cost (0.3 = 30%), > -1.
    pub markup: f64,
}

/// Markup over marginal cost.
#[derive(Clone, Debug)]
pub struct CostPlus {
    markup: f64,
}

impl CostPlus {
    /// Markup over marginal cost (0.3 = 30%).
    pub fn new(markup: f64) -> Self {
        Self { markup }
    }
}

impl PricingRule for CostPlus {
    type Spec = CostPlusSpec;

    fn check(spec: &CostPlusSpec, at: &str, c: &mut Checker) {
        c.markup(&format!("{at}.markup"), spec.markup);
    }

    fn build(spec: &CostPlusSpec) -> Self {
        Self::new(spec.markup)
    }

    /// Marginal cost × (1 + markup).
    fn price(&mut self, ctx: &PricingContext) -> f64 {
        ctx.marginal_cost * (1.0 + self.markup)
    }

    fn observe(&mut self, _obs: &Observation) {}

    fn needs_demand(&self) -> bool {
        false
    }

    fn needs_round_demand(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::testing::ctx;

    #[test]
    fn marks_up_marginal_cost() {
        let p = CostPlus::new(0.3).price(&ctx(0, 2.0, &[9.0], &[true]));
        assert!((p - 2.6).abs() < 1e-15);
    }
}

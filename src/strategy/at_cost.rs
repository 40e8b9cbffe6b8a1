//! `at_cost`: price equals marginal cost (open-weight hosts, no profit motive).

use super::PricingContext;

/// Price = marginal cost.
#[derive(Clone, Copy, Debug)]
pub struct AtCost;

impl AtCost {
    /// The marginal cost.
    pub fn price(&self, ctx: &PricingContext) -> f64 {
        ctx.marginal_cost
    }
}

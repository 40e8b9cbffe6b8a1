//! `cost_plus` (成本加成定价): marginal cost × (1 + markup).

use super::PricingContext;

/// Markup pricing.
#[derive(Clone, Debug)]
pub struct CostPlus {
    markup: f64,
}

impl CostPlus {
    /// Markup over marginal cost (0.3 = 30%).
    pub fn new(markup: f64) -> Self {
        Self { markup }
    }

    /// Marginal cost × (1 + markup).
    pub fn price(&self, ctx: &PricingContext) -> f64 {
        ctx.marginal_cost * (1.0 + self.markup)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::testing::ctx;

    #[test]
    fn marks_up_marginal_cost() {
        assert!((CostPlus::new(0.3).price(&ctx(0, 2.0, &[9.0], &[true])) - 2.6).abs() < 1e-15);
    }
}

//! `penetration`: price at marginal cost × (1 + markup), usually below cost, for the first rounds
//! in the market, funded by cash or subsidy; then hand over to another strategy.

use super::{Observation, PricingContext, Strategy};

/// Penetration pricing followed by another strategy.
#[derive(Clone, Debug)]
pub struct Penetration {
    rounds: u32,
    markup: f64,
    then: Box<Strategy>,
}

impl Penetration {
    /// `rounds` rounds at cost × (1 + markup), then `then`.
    pub fn new(rounds: u32, markup: f64, then: Strategy) -> Self {
        Self {
            rounds,
            markup,
            then: Box::new(then),
        }
    }

    /// The strategy after penetration.
    pub fn then(&self) -> &Strategy {
        &self.then
    }

    /// Below-cost price while penetrating, then the follow-up strategy's price.
    pub fn price(&mut self, ctx: &PricingContext) -> f64 {
        if ctx.rounds_in_market < self.rounds {
            ctx.marginal_cost * (1.0 + self.markup)
        } else {
            self.then.price(ctx)
        }
    }

    /// The follow-up strategy learns throughout.
    pub fn observe(&mut self, obs: &Observation) {
        self.then.observe(obs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::cost_plus::CostPlus;
    use crate::strategy::testing::ctx;

    #[test]
    fn prices_below_cost_then_hands_over() {
        let mut p = Penetration::new(3, -0.3, Strategy::CostPlus(CostPlus::new(0.5)));
        assert!((p.price(&ctx(2, 1.0, &[1.0], &[true])) - 0.7).abs() < 1e-12);
        assert!((p.price(&ctx(3, 1.0, &[1.0], &[true])) - 1.5).abs() < 1e-12);
    }
}

//! `penetration`: price at marginal cost × (1 + markup), usually below cost, for the first rounds
//! in the market, funded by cash or subsidy; then hand over to another strategy.

use super::{Observation, PricingContext, PricingRule, Strategy, StrategySpec};
use crate::check::Checker;
use serde::{Deserialize, Serialize};

/// The `penetration` block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PenetrationSpec {
    /// Rounds of penetration pricing.
    pub rounds: u32,
    /// Markup over marginal cost while penetrating, > -1 (−0.3: 30% below cost).
    pub markup: f64,
    /// The strategy afterwards.
    pub then: Box<StrategySpec>,
}

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
}

impl PricingRule for Penetration {
    type Spec = PenetrationSpec;

    fn check(spec: &PenetrationSpec, at: &str, c: &mut Checker) {
        if spec.rounds == 0 {
            c.fail(&format!("{at}.rounds"), "must be at least 1");
        }
        c.markup(&format!("{at}.markup"), spec.markup);
        if matches!(
            *spec.then,
            StrategySpec::Penetration(_) | StrategySpec::QLearning(_)
        ) {
            c.fail(
                &format!("{at}.then.kind"),
                "follow penetration with a pricing rule other than penetration or q_learning",
            );
        }
        spec.then.check(&format!("{at}.then"), c);
    }

    fn build(spec: &PenetrationSpec) -> Self {
        Self::new(spec.rounds, spec.markup, spec.then.build())
    }

    /// Below-cost price while penetrating, then the follow-up strategy's price.
    fn price(&mut self, ctx: &PricingContext) -> f64 {
        if ctx.rounds_in_market < self.rounds {
            ctx.marginal_cost * (1.0 + self.markup)
        } else {
            self.then.price(ctx)
        }
    }

    /// The follow-up strategy learns throughout.
    fn observe(&mut self, obs: &Observation) {
        self.then.observe(obs);
    }

    fn needs_demand(&self) -> bool {
        self.then.needs_demand()
    }

    fn needs_round_demand(&self) -> bool {
        self.then.needs_round_demand()
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

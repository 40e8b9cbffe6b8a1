//! `undercut` (dynamic pricing): cut below the cheapest rival's last price by a step, never below
//! the floor.

use super::{Floor, FloorSpec, Observation, PricingContext, PricingRule};
use crate::check::Checker;
use serde::{Deserialize, Serialize};

/// The `undercut` block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UndercutSpec {
    /// Cut as a fraction of the cheapest rival's price, in (0, 1).
    pub step: f64,
    /// Floor.
    #[serde(default)]
    pub floor: FloorSpec,
}

/// Undercutting.
#[derive(Clone, Debug)]
pub struct Undercut {
    step: f64,
    floor: Floor,
}

impl Undercut {
    /// Cut by `step` (a fraction) below the cheapest rival, not below `floor`.
    pub fn new(step: f64, floor: Floor) -> Self {
        Self { step, floor }
    }
}

impl PricingRule for Undercut {
    type Spec = UndercutSpec;

    fn check(spec: &UndercutSpec, at: &str, c: &mut Checker) {
        c.range(&format!("{at}.step"), spec.step, 0.0, 1.0, true, true);
        spec.floor.check(&format!("{at}.floor"), c);
    }

    fn build(spec: &UndercutSpec) -> Self {
        Self::new(spec.step, Floor::from_spec(&spec.floor))
    }

    /// max(floor, cheapest rival × (1 − step)); with no rival in the market, the last price.
    /// A vendor that sold out its capacity last round has no reason to cut: it raises its price
    /// by the step instead.
    fn price(&mut self, ctx: &PricingContext) -> f64 {
        let floor = self.floor.at(ctx.marginal_cost);
        if ctx.sold_out() {
            return (ctx.own_last_price() * (1.0 + self.step)).max(floor);
        }
        match ctx.lowest_rival_price() {
            Some(low) => (low * (1.0 - self.step)).max(floor),
            None => ctx.own_last_price().max(floor),
        }
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
    fn cuts_below_the_cheapest_active_rival_down_to_the_floor() {
        let mut u = Undercut::new(0.1, Floor::at_cost());
        // Rivals at 5 and 3 (the one at 1 has left): 3 × 0.9.
        let p = u.price(&ctx(
            1,
            1.0,
            &[4.0, 5.0, 3.0, 1.0],
            &[true, true, true, false],
        ));
        assert!((p - 2.7).abs() < 1e-12);
        // Near cost: the floor holds.
        assert_eq!(u.price(&ctx(1, 1.0, &[4.0, 1.05], &[true, true])), 1.0);
        // Alone: holds its price.
        assert_eq!(u.price(&ctx(1, 1.0, &[4.0, 0.5], &[true, false])), 4.0);
    }
}

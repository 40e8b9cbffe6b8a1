//! `undercut` (dynamic pricing): cut below the cheapest rival's last price by a step, never below
//! the floor.

use super::{Floor, PricingContext};

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

    /// max(floor, cheapest rival × (1 − step)); with no rival in the market, the last price.
    /// A vendor that sold out its capacity last round has no reason to cut: it raises its price
    /// by the step instead.
    pub fn price(&self, ctx: &PricingContext) -> f64 {
        let floor = self.floor.at(ctx.marginal_cost);
        if ctx.sold_out() {
            return (ctx.own_last_price() * (1.0 + self.step)).max(floor);
        }
        match ctx.lowest_rival_price() {
            Some(low) => (low * (1.0 - self.step)).max(floor),
            None => ctx.own_last_price().max(floor),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::testing::ctx;

    #[test]
    fn cuts_below_the_cheapest_active_rival_down_to_the_floor() {
        let u = Undercut::new(0.1, Floor::at_cost());
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

//! `tit_for_tat`: copy the cheapest rival's last price, up or down (cooperate while rivals do,
//! punish a cut by cutting), never below the floor.

use super::{Floor, PricingContext};

/// Tit for tat.
#[derive(Clone, Debug)]
pub struct TitForTat {
    floor: Floor,
}

impl TitForTat {
    /// Copy the cheapest rival, not below `floor`.
    pub fn new(floor: Floor) -> Self {
        Self { floor }
    }

    /// max(floor, cheapest rival's last price); alone, the last price.
    pub fn price(&self, ctx: &PricingContext) -> f64 {
        let floor = self.floor.at(ctx.marginal_cost);
        ctx.lowest_rival_price()
            .unwrap_or(ctx.own_last_price())
            .max(floor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::testing::ctx;

    #[test]
    fn follows_the_rival_up_and_down() {
        let t = TitForTat::new(Floor::at_cost());
        assert_eq!(t.price(&ctx(1, 1.0, &[2.0, 3.0], &[true, true])), 3.0);
        assert_eq!(t.price(&ctx(1, 1.0, &[2.0, 1.5], &[true, true])), 1.5);
        assert_eq!(t.price(&ctx(1, 1.0, &[2.0, 0.5], &[true, true])), 1.0);
    }
}

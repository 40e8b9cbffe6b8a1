//! `tit_for_tat`: copy the cheapest rival's last price, up or down, never below the floor.

use super::{Floor, FloorSpec, Observation, PricingContext, PricingRule};
use crate::check::Checker;
use serde::{Deserialize, Serialize};

/// The `tit_for_tat` block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TitForTatSpec {
    /// Floor.
    #[serde(default)]
    pub floor: FloorSpec,
}

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
}

impl PricingRule for TitForTat {
    type Spec = TitForTatSpec;

    fn check(spec: &TitForTatSpec, at: &str, c: &mut Checker) {
        spec.floor.check(&format!("{at}.floor"), c);
    }

    fn build(spec: &TitForTatSpec) -> Self {
        Self::new(Floor::from_spec(&spec.floor))
    }

    /// max(floor, cheapest rival's last price); alone, the last price.
    fn price(&mut self, ctx: &PricingContext) -> f64 {
        let floor = self.floor.at(ctx.marginal_cost);
        ctx.lowest_rival_price()
            .unwrap_or(ctx.own_last_price())
            .max(floor)
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
    fn follows_the_rival_up_and_down() {
        let mut t = TitForTat::new(Floor::at_cost());
        assert_eq!(t.price(&ctx(1, 1.0, &[2.0, 3.0], &[true, true])), 3.0);
        assert_eq!(t.price(&ctx(1, 1.0, &[2.0, 1.5], &[true, true])), 1.5);
        assert_eq!(t.price(&ctx(1, 1.0, &[2.0, 0.5], &[true, true])), 1.0);
    }
}

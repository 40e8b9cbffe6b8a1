//! `match_lowest`: match the cheapest rival's last price, never below the floor.

use super::{Floor, FloorSpec, Observation, PricingContext, PricingRule};
use crate::check::Checker;
use serde::{Deserialize, Serialize};

/// The `match_lowest` block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchLowestSpec {
    /// Floor.
    #[serde(default)]
    pub floor: FloorSpec,
}

/// Price matching.
#[derive(Clone, Debug)]
pub struct MatchLowest {
    floor: Floor,
}

impl MatchLowest {
    /// Match, not below `floor`.
    pub fn new(floor: Floor) -> Self {
        Self { floor }
    }
}

impl PricingRule for MatchLowest {
    type Spec = MatchLowestSpec;

    fn check(spec: &MatchLowestSpec, at: &str, c: &mut Checker) {
        spec.floor.check(&format!("{at}.floor"), c);
    }

    fn build(spec: &MatchLowestSpec) -> Self {
        Self::new(Floor::from_spec(&spec.floor))
    }

    /// max(floor, min(own last, cheapest rival)); alone, the last price.
    fn price(&mut self, ctx: &PricingContext) -> f64 {
        let floor = self.floor.at(ctx.marginal_cost);
        let own = ctx.own_last_price();
        match ctx.lowest_rival_price() {
            Some(low) => low.min(own).max(floor),
            None => own.max(floor),
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
    fn matches_the_cheapest_rival_but_not_below_the_floor() {
        let mut s = MatchLowest::new(Floor::at_cost());
        assert_eq!(
            s.price(&ctx(1, 1.0, &[4.0, 2.5, 3.0], &[true, true, true])),
            2.5
        );
        assert_eq!(s.price(&ctx(1, 1.0, &[4.0, 0.5], &[true, true])), 1.0);
        assert_eq!(s.price(&ctx(1, 1.0, &[2.0, 3.0], &[true, true])), 2.0);
    }
}

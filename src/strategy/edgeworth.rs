//! `edgeworth` (Maskin–Tirole Edgeworth cycles): undercut the cheapest rival by a step down to
//! the floor; when rivals sit at the floor, relent with some probability to a high price, which
//! the others then undercut step by step. As in Maskin and Tirole (1988), vendors move in
//! alternate rounds (even-indexed vendors in even rounds, odd ones in odd rounds) and hold their
//! price in between; with simultaneous moves two undercutters leapfrog instead of cycling.

use super::{Floor, FloorSpec, Observation, PricingContext, PricingRule};
use crate::check::Checker;
use serde::{Deserialize, Serialize};

/// The `edgeworth` block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EdgeworthSpec {
    /// Cut as a fraction of the cheapest rival's price, in (0, 1).
    pub step: f64,
    /// Floor.
    #[serde(default)]
    pub floor: FloorSpec,
    /// Markup over marginal cost of the price it relents to, > 0.
    pub relent_markup: f64,
    /// Probability of relenting in a round when rivals are at the floor, in (0, 1].
    #[serde(default = "half")]
    pub relent_probability: f64,
}

fn half() -> f64 {
    0.5
}

/// Edgeworth cycles.
#[derive(Clone, Debug)]
pub struct Edgeworth {
    step: f64,
    floor: Floor,
    relent_markup: f64,
    relent_probability: f64,
}

impl Edgeworth {
    /// Undercut by `step` to `floor`; relent to cost × (1 + `relent_markup`) with probability
    /// `relent_probability` per round once the rivals are at the floor.
    pub fn new(step: f64, floor: Floor, relent_markup: f64, relent_probability: f64) -> Self {
        Self {
            step,
            floor,
            relent_markup,
            relent_probability,
        }
    }
}

impl PricingRule for Edgeworth {
    type Spec = EdgeworthSpec;

    fn check(spec: &EdgeworthSpec, at: &str, c: &mut Checker) {
        c.range(&format!("{at}.step"), spec.step, 0.0, 1.0, true, true);
        spec.floor.check(&format!("{at}.floor"), c);
        c.positive(&format!("{at}.relent_markup"), spec.relent_markup);
        c.range(
            &format!("{at}.relent_probability"),
            spec.relent_probability,
            0.0,
            1.0,
            true,
            false,
        );
    }

    fn build(spec: &EdgeworthSpec) -> Self {
        Self::new(
            spec.step,
            Floor::from_spec(&spec.floor),
            spec.relent_markup,
            spec.relent_probability,
        )
    }

    /// In its off rounds the vendor holds its price; in its on rounds it undercuts, or at the
    /// floor relents (or waits).
    fn price(&mut self, ctx: &PricingContext) -> f64 {
        if (ctx.round as usize + ctx.me) % 2 == 1 {
            return ctx.own_last_price();
        }
        let floor = self.floor.at(ctx.marginal_cost);
        let high = (ctx.marginal_cost * (1.0 + self.relent_markup)).max(floor);
        let Some(low) = ctx.lowest_rival_price() else {
            return high;
        };
        let cut = low * (1.0 - self.step);
        if cut > floor {
            cut
        } else if ctx.uniform(0) < self.relent_probability {
            high
        } else {
            floor
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
    fn undercuts_until_the_floor_then_relents_or_waits() {
        let mut e = Edgeworth::new(0.1, Floor::at_cost(), 1.0, 1.0);
        assert!((e.price(&ctx(2, 1.0, &[1.5, 1.5], &[true, true])) - 1.35).abs() < 1e-12);
        assert_eq!(e.price(&ctx(2, 1.0, &[1.0, 1.05], &[true, true])), 2.0);
        let mut wait = Edgeworth::new(0.1, Floor::at_cost(), 1.0, 0.0);
        assert_eq!(wait.price(&ctx(2, 1.0, &[1.0, 1.05], &[true, true])), 1.0);
        assert_eq!(e.price(&ctx(1, 1.0, &[1.7, 1.5], &[true, true])), 1.7);
    }
}

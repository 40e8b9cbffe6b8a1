//! `edgeworth` (Maskin–Tirole Edgeworth cycles): undercut the cheapest rival by a step down to
//! the floor; when rivals sit at the floor, relent with some probability to a high price, which
//! the others then undercut step by step. As in Maskin and Tirole (1988), vendors move in
//! alternate rounds (even-indexed vendors in even rounds, odd ones in odd rounds) and hold their
//! price in between; with simultaneous moves two undercutters leapfrog instead of cycling.

use super::{Floor, PricingContext};

/// Edgeworth-cycle pricing.
#[derive(Clone, Debug)]
pub struct Edgeworth {
    step: f64,
    floor: Floor,
    relent_markup: f64,
    relent_probability: f64,
}

impl Edgeworth {
    /// Cut by `step`; relent to marginal cost × (1 + relent_markup) with `relent_probability`.
    pub fn new(step: f64, floor: Floor, relent_markup: f64, relent_probability: f64) -> Self {
        Self {
            step,
            floor,
            relent_markup,
            relent_probability,
        }
    }

    /// This round's price.
    pub fn price(&self, ctx: &PricingContext) -> f64 {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::testing::ctx;

    #[test]
    fn undercuts_until_the_floor_then_relents_or_waits() {
        let e = Edgeworth::new(0.1, Floor::at_cost(), 1.0, 1.0);
        assert!((e.price(&ctx(2, 1.0, &[1.5, 1.5], &[true, true])) - 1.35).abs() < 1e-12);
        // Rival at the floor: relent to 2 × cost.
        assert_eq!(e.price(&ctx(2, 1.0, &[1.0, 1.05], &[true, true])), 2.0);
        let wait = Edgeworth::new(0.1, Floor::at_cost(), 1.0, 0.0);
        assert_eq!(wait.price(&ctx(2, 1.0, &[1.0, 1.05], &[true, true])), 1.0);
        // Not its turn: it holds.
        assert_eq!(e.price(&ctx(1, 1.0, &[1.7, 1.5], &[true, true])), 1.7);
    }
}

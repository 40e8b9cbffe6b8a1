//! `best_response`: the Bertrand best response to rivals' last prices under the scenario's
//! demand, respecting the vendor's capacity.

use super::PricingContext;
use crate::equilibrium::{DemandModel, best_response};

/// Best response with optional smoothing.
#[derive(Clone, Debug)]
pub struct BestResponse {
    smoothing: f64,
}

impl BestResponse {
    /// Moves a fraction `smoothing` of the way from the last price to the best response.
    pub fn new(smoothing: f64) -> Self {
        Self { smoothing }
    }

    /// The profit-maximising price against the demand at rivals' last prices (rivals not in the
    /// market last round are absent); the last price if the best response is unbounded.
    pub fn price(&self, ctx: &PricingContext) -> f64 {
        let last = ctx.own_last_price();
        let Some(demand) = ctx.demand else {
            return last;
        };
        let mut offered = ctx.last_active.to_vec();
        offered[ctx.me] = true;
        let zeros = vec![0.0; ctx.last_prices.len()];
        let curve = demand.curve(ctx.me, ctx.last_prices, &zeros, &offered);
        match best_response(&curve, ctx.marginal_cost, ctx.capacity) {
            Some(br) if last > 0.0 && self.smoothing < 1.0 => last + self.smoothing * (br - last),
            Some(br) => br,
            None => last,
        }
    }
}

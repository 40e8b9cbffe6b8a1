//! `best_response`: the Bertrand best response to rivals' last prices under the scenario's
//! demand, respecting the vendor's capacity.

use super::{Observation, PricingContext, PricingRule};
use crate::check::Checker;
use crate::equilibrium::{DemandModel, best_response};
use serde::{Deserialize, Serialize};

/// The `best_response` block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BestResponseSpec {
    /// Weight on the best response against the last price, in (0, 1] (1: jump to it).
    #[serde(default = "one")]
    pub smoothing: f64,
}

fn one() -> f64 {
    1.0
}

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
}

impl PricingRule for BestResponse {
    type Spec = BestResponseSpec;

    fn check(spec: &BestResponseSpec, at: &str, c: &mut Checker) {
        c.range(
            &format!("{at}.smoothing"),
            spec.smoothing,
            0.0,
            1.0,
            true,
            false,
        );
    }

    fn build(spec: &BestResponseSpec) -> Self {
        Self::new(spec.smoothing)
    }

    /// The profit-maximising price against the demand at rivals' last prices (rivals not in the
    /// market last round are absent); the last price if the best response is unbounded.
    fn price(&mut self, ctx: &PricingContext) -> f64 {
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

    fn observe(&mut self, _obs: &Observation) {}

    fn needs_demand(&self) -> bool {
        true
    }
}

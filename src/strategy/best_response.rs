//! `best_response`: the Bertrand best response to rivals' last prices under the scenario's
//! demand, respecting the vendor's capacity.

use super::{Observation, PricingContext, PricingRule};
use crate::check::Checker;
use crate::equilibrium::{DemandModel, Owners, owner_best_response};
use serde::{Deserialize, Serialize};

/// Which demand a best response is to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DemandBasis {
    /// Buyers' expected demand as if each chose afresh (no switching costs or inertia).
    #[default]
    Frictionless,
    /// The round's demand: buyers where they are, held by switching costs and inertia.
    Round,
}

/// The `best_response` block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BestResponseSpec {
    /// Weight on the best response against the last price, in (0, 1] (1: jump to it).
    #[serde(default = "one")]
    pub smoothing: f64,
    /// The demand it responds to (default `frictionless`).
    #[serde(default, skip_serializing_if = "is_frictionless")]
    pub demand: DemandBasis,
}

fn is_frictionless(d: &DemandBasis) -> bool {
    *d == DemandBasis::Frictionless
}

fn one() -> f64 {
    1.0
}

/// Best response with optional smoothing.
#[derive(Clone, Debug)]
pub struct BestResponse {
    smoothing: f64,
    demand: DemandBasis,
}

impl BestResponse {
    /// Moves a fraction `smoothing` of the way from the last price to the best response to the
    /// `demand`.
    pub fn new(smoothing: f64, demand: DemandBasis) -> Self {
        Self { smoothing, demand }
    }

    /// The best response to `model` at the last prices, for the vendor's owner: the price that
    /// maximises the summed profit of this product and its siblings (the owner's other products
    /// in the market, at their last prices and this round's costs).
    fn respond<M: DemandModel>(model: &M, ctx: &PricingContext) -> Option<f64> {
        let mut offered = ctx.last_active.to_vec();
        offered[ctx.me] = true;
        let mut costs = ctx.costs.to_vec();
        costs[ctx.me] = ctx.marginal_cost;
        let owners = Owners::new(ctx.owners.to_vec());
        owner_best_response(
            model,
            ctx.me,
            ctx.last_prices,
            &costs,
            &offered,
            &owners,
            ctx.capacity,
        )
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
        Self::new(spec.smoothing, spec.demand)
    }

    /// The profit-maximising price against the demand at rivals' last prices (rivals not in the
    /// market last round are absent); the last price if the best response is unbounded.
    fn price(&mut self, ctx: &PricingContext) -> f64 {
        let last = ctx.own_last_price();
        let br = match (self.demand, ctx.demand, ctx.round_demand) {
            (DemandBasis::Frictionless, Some(d), _) => Self::respond(d, ctx),
            (DemandBasis::Round, _, Some(d)) => Self::respond(d, ctx),
            _ => return last,
        };
        match br {
            Some(br) if last > 0.0 && self.smoothing < 1.0 => last + self.smoothing * (br - last),
            Some(br) => br,
            None => last,
        }
    }

    fn observe(&mut self, _obs: &Observation) {}

    fn needs_demand(&self) -> bool {
        self.demand == DemandBasis::Frictionless
    }

    fn needs_round_demand(&self) -> bool {
        self.demand == DemandBasis::Round
    }
}

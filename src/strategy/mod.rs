//! Pricing strategies, one file per kind, one enum.
//!
//! A strategy sees only what a real vendor would: last round's public prices (of vendors then in
//! the market), its own marginal cost, capacity and past outcomes, and (for `best_response`)
//! the scenario's demand. It never sees this round's rival prices.

mod at_cost;
mod best_response;
mod cost_plus;
mod edgeworth;
mod fixed;
mod floor;
mod match_lowest;
mod penetration;
pub mod q_learning;
mod scripted;
mod tit_for_tat;
mod undercut;
mod value_based;

pub use floor::Floor;
pub use q_learning::QLearning;
pub use value_based::ValueBased;

use crate::equilibrium::DemandOracle;
use crate::rng::uniform_at;
use crate::scenario::StrategySpec;

/// What a vendor knows when it sets this round's price.
#[derive(Clone, Copy)]
pub struct PricingContext<'a> {
    /// Current round (0-based).
    pub round: u32,
    /// The vendor's index.
    pub me: usize,
    /// Its marginal cost this round, USD per Mtok.
    pub marginal_cost: f64,
    /// Last round's posted prices, by vendor index, USD per Mtok.
    pub last_prices: &'a [f64],
    /// Which vendors were in the market last round.
    pub last_active: &'a [bool],
    /// Its capacity this round, Mtok (None: unlimited).
    pub capacity: Option<f64>,
    /// What buyers wanted from it last round (before rationing), Mtok.
    pub last_demand: f64,
    /// Rounds it has been in the market before this one.
    pub rounds_in_market: u32,
    /// The key of its random stream for this round (see [`PricingContext::uniform`]).
    pub rng_key: u64,
    /// The scenario's demand (present when a strategy needs it).
    pub demand: Option<&'a DemandOracle>,
}

impl PricingContext<'_> {
    /// The vendor's own last price.
    pub fn own_last_price(&self) -> f64 {
        self.last_prices[self.me]
    }

    /// The cheapest last price among rivals in the market, if any.
    pub fn lowest_rival_price(&self) -> Option<f64> {
        self.last_prices
            .iter()
            .zip(self.last_active)
            .enumerate()
            .filter(|&(j, (_, &active))| j != self.me && active)
            .map(|(_, (&p, _))| p)
            .reduce(f64::min)
    }

    /// Whether buyers wanted more than its capacity last round.
    pub fn sold_out(&self) -> bool {
        self.capacity
            .is_some_and(|c| self.last_demand > c * (1.0 + 1e-12))
    }

    /// The `k`-th uniform number in [0, 1) of the vendor's stream for this round.
    pub fn uniform(&self, k: u64) -> f64 {
        uniform_at(self.rng_key, k)
    }
}

/// What a vendor learns after a round settles.
#[derive(Clone, Copy, Debug)]
pub struct Observation<'a> {
    /// Round just settled.
    pub round: u32,
    /// The price it posted, USD per Mtok.
    pub price: f64,
    /// Mtok it sold.
    pub quantity_mtok: f64,
    /// Its marginal cost, USD per Mtok.
    pub marginal_cost: f64,
    /// Its profit, USD.
    pub profit_usd: f64,
    /// Every vendor's posted price this round (public once the round is over).
    pub prices: &'a [f64],
}

/// A vendor's pricing strategy and its state.
#[derive(Clone, Debug)]
pub enum Strategy {
    /// A constant price.
    Fixed(fixed::Fixed),
    /// A replayed price path.
    Scripted(scripted::Scripted),
    /// Markup over marginal cost.
    CostPlus(cost_plus::CostPlus),
    /// Price = marginal cost.
    AtCost(at_cost::AtCost),
    /// Profit-maximising against an estimated demand.
    ValueBased(ValueBased),
    /// Undercut the cheapest rival.
    Undercut(undercut::Undercut),
    /// Match the cheapest rival.
    MatchLowest(match_lowest::MatchLowest),
    /// Best response to rivals' last prices.
    BestResponse(best_response::BestResponse),
    /// Edgeworth cycles.
    Edgeworth(edgeworth::Edgeworth),
    /// Copy the cheapest rival.
    TitForTat(tit_for_tat::TitForTat),
    /// Below cost for a while, then another strategy.
    Penetration(penetration::Penetration),
    /// Tabular Q-learning.
    QLearning(QLearning),
}

impl Strategy {
    /// The strategy a spec describes. Q-learning starts untrained; the simulation trains it.
    pub fn from_spec(spec: &StrategySpec) -> Self {
        match spec {
            StrategySpec::Fixed { price } => Strategy::Fixed(fixed::Fixed::new(*price)),
            StrategySpec::Scripted { steps } => Strategy::Scripted(scripted::Scripted::new(
                steps.iter().map(|s| (s.round, s.price)).collect(),
            )),
            StrategySpec::CostPlus { markup } => {
                Strategy::CostPlus(cost_plus::CostPlus::new(*markup))
            }
            StrategySpec::AtCost => Strategy::AtCost(at_cost::AtCost),
            StrategySpec::ValueBased(v) => Strategy::ValueBased(ValueBased::from_spec(v)),
            StrategySpec::Undercut { step, floor } => {
                Strategy::Undercut(undercut::Undercut::new(*step, Floor::from_spec(floor)))
            }
            StrategySpec::MatchLowest { floor } => {
                Strategy::MatchLowest(match_lowest::MatchLowest::new(Floor::from_spec(floor)))
            }
            StrategySpec::BestResponse { smoothing } => {
                Strategy::BestResponse(best_response::BestResponse::new(*smoothing))
            }
            StrategySpec::Edgeworth {
                step,
                floor,
                relent_markup,
                relent_probability,
            } => Strategy::Edgeworth(edgeworth::Edgeworth::new(
                *step,
                Floor::from_spec(floor),
                *relent_markup,
                *relent_probability,
            )),
            StrategySpec::TitForTat { floor } => {
                Strategy::TitForTat(tit_for_tat::TitForTat::new(Floor::from_spec(floor)))
            }
            StrategySpec::Penetration {
                rounds,
                markup,
                then,
            } => Strategy::Penetration(penetration::Penetration::new(
                *rounds,
                *markup,
                Strategy::from_spec(then),
            )),
            StrategySpec::QLearning(q) => Strategy::QLearning(QLearning::untrained(q)),
        }
    }

    /// This round's price, USD per Mtok (finite and >= 0).
    pub fn price(&mut self, ctx: &PricingContext) -> f64 {
        let p = match self {
            Strategy::Fixed(s) => s.price(ctx),
            Strategy::Scripted(s) => s.price(ctx),
            Strategy::CostPlus(s) => s.price(ctx),
            Strategy::AtCost(s) => s.price(ctx),
            Strategy::ValueBased(s) => s.price(ctx),
            Strategy::Undercut(s) => s.price(ctx),
            Strategy::MatchLowest(s) => s.price(ctx),
            Strategy::BestResponse(s) => s.price(ctx),
            Strategy::Edgeworth(s) => s.price(ctx),
            Strategy::TitForTat(s) => s.price(ctx),
            Strategy::Penetration(s) => s.price(ctx),
            Strategy::QLearning(s) => s.price(ctx),
        };
        if p.is_finite() {
            p.max(0.0)
        } else {
            ctx.own_last_price()
        }
    }

    /// Learns from the settled round.
    pub fn observe(&mut self, obs: &Observation) {
        match self {
            Strategy::ValueBased(s) => s.observe(obs),
            Strategy::Penetration(s) => s.observe(obs),
            Strategy::QLearning(s) => s.observe(obs),
            _ => {}
        }
    }

    /// Whether it needs the scenario's demand in its context.
    pub fn needs_demand(&self) -> bool {
        match self {
            Strategy::BestResponse(_) => true,
            Strategy::Penetration(p) => p.then().needs_demand(),
            _ => false,
        }
    }

    /// The kind, as written in scenarios.
    pub fn kind(&self) -> &'static str {
        match self {
            Strategy::Fixed(_) => "fixed",
            Strategy::Scripted(_) => "scripted",
            Strategy::CostPlus(_) => "cost_plus",
            Strategy::AtCost(_) => "at_cost",
            Strategy::ValueBased(_) => "value_based",
            Strategy::Undercut(_) => "undercut",
            Strategy::MatchLowest(_) => "match_lowest",
            Strategy::BestResponse(_) => "best_response",
            Strategy::Edgeworth(_) => "edgeworth",
            Strategy::TitForTat(_) => "tit_for_tat",
            Strategy::Penetration(_) => "penetration",
            Strategy::QLearning(_) => "q_learning",
        }
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use super::PricingContext;

    /// A context for vendor 0 with the given last prices (all active), unlimited capacity.
    pub fn ctx<'a>(round: u32, mc: f64, last: &'a [f64], active: &'a [bool]) -> PricingContext<'a> {
        PricingContext {
            round,
            me: 0,
            marginal_cost: mc,
            last_prices: last,
            last_active: active,
            capacity: None,
            last_demand: 0.0,
            rounds_in_market: round,
            rng_key: 12345 + round as u64,
            demand: None,
        }
    }
}

//! Pricing strategies, one file per kind, one enum.
//!
//! A strategy sees only what a real vendor would: last round's public prices (of vendors then in
//! the market), its own marginal cost and its own past outcomes. It never sees this round's
//! rival prices.

mod at_cost;
mod cost_plus;
mod fixed;
mod floor;
mod match_lowest;
mod scripted;
mod undercut;
mod value_based;

pub use floor::Floor;
pub use value_based::ValueBased;

use crate::scenario::StrategySpec;

/// What a vendor knows when it sets this round's price.
#[derive(Clone, Copy, Debug)]
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
}

/// What a vendor learns after a round settles.
#[derive(Clone, Copy, Debug)]
pub struct Observation {
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
}

impl Strategy {
    /// The strategy a spec describes.
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
        };
        if p.is_finite() {
            p.max(0.0)
        } else {
            ctx.own_last_price()
        }
    }

    /// Learns from the settled round.
    pub fn observe(&mut self, obs: &Observation) {
        if let Strategy::ValueBased(s) = self {
            s.observe(obs);
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
        }
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use super::PricingContext;

    /// A context for vendor 0 with the given last prices (all active).
    pub fn ctx<'a>(round: u32, mc: f64, last: &'a [f64], active: &'a [bool]) -> PricingContext<'a> {
        PricingContext {
            round,
            me: 0,
            marginal_cost: mc,
            last_prices: last,
            last_active: active,
        }
    }
}

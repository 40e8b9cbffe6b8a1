//! Pricing strategies, one file per kind.
//!
//! A strategy sees only what a real vendor would: last round's public prices (of vendors then in
//! the market), its own marginal cost, capacity and past outcomes, and (for `best_response`)
//! the scenario's demand. It never sees this round's rival prices.
//!
//! Each file holds a strategy's scenario block (`Spec`), its checks and its behaviour, as an
//! implementation of [`PricingRule`]. [`StrategySpec`] and [`Strategy`] are generated from the
//! list at the bottom of this file: a new strategy is its file and one line there.

mod at_cost;
pub mod best_response;
mod context;
pub mod cost_plus;
mod edgeworth;
mod fixed;
mod floor;
mod match_lowest;
mod penetration;
pub mod q_learning;
pub mod scripted;
mod tit_for_tat;
mod undercut;
pub mod value_based;

#[cfg(test)]
pub(crate) use context::testing;
pub use context::{Observation, PricingContext};
pub use floor::{Floor, FloorSpec};
pub use q_learning::{QLearning, QLearningSpec};
pub use scripted::PriceStep;
pub use value_based::{LinearDemandSpec, ValueBased, ValueBasedSpec};

use crate::check::Checker;
use serde::{Deserialize, Serialize};

/// What every pricing strategy implements. No method has a default: a new strategy states
/// whether it learns from outcomes and whether it needs the scenario's demand.
pub trait PricingRule: Sized {
    /// The scenario block (`strategy: {kind: ..., ...}`) the strategy is built from.
    type Spec;
    /// Checks the block at key path `at`.
    fn check(spec: &Self::Spec, at: &str, c: &mut Checker);
    /// The strategy of a checked block, in its starting state.
    fn build(spec: &Self::Spec) -> Self;
    /// This round's price, USD per Mtok.
    fn price(&mut self, ctx: &PricingContext) -> f64;
    /// Learns from the settled round.
    fn observe(&mut self, obs: &Observation);
    /// Whether it needs the scenario's frictionless demand in its context.
    fn needs_demand(&self) -> bool;
    /// Whether it needs the round's demand (buyers as they are, locked in by switching costs
    /// and inertia) in its context.
    fn needs_round_demand(&self) -> bool;
}

macro_rules! strategies {
    ($($(#[$doc:meta])* $kind:literal => $variant:ident($rule:ty)),* $(,)?) => {
        /// A pricing strategy as written in a scenario (`kind:` names it). Every strategy sees
        /// only last round's public prices and its own outcomes.
        #[derive(Clone, Debug, Serialize, Deserialize)]
        #[serde(tag = "kind")]
        pub enum StrategySpec {
            $($(#[$doc])* #[serde(rename = $kind)] $variant(<$rule as PricingRule>::Spec),)*
        }

        /// A vendor's pricing strategy and its state.
        #[derive(Clone, Debug)]
        pub enum Strategy {
            $($(#[$doc])* $variant($rule),)*
        }

        impl StrategySpec {
            /// Checks the block at key path `at`.
            pub fn check(&self, at: &str, c: &mut Checker) {
                match self {
                    $(StrategySpec::$variant(s) => <$rule>::check(s, at, c),)*
                }
            }

            /// The strategy in its starting state (Q-learning untrained: the simulation trains
            /// it).
            pub fn build(&self) -> Strategy {
                match self {
                    $(StrategySpec::$variant(s) => Strategy::$variant(<$rule>::build(s)),)*
                }
            }

            /// The kind, as written in scenarios.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(StrategySpec::$variant(_) => $kind,)*
                }
            }
        }

        impl Strategy {
            /// This round's price, USD per Mtok (finite and >= 0: a strategy whose arithmetic
            /// fails holds its last price).
            pub fn price(&mut self, ctx: &PricingContext) -> f64 {
                let p = match self {
                    $(Strategy::$variant(s) => s.price(ctx),)*
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
                    $(Strategy::$variant(s) => s.observe(obs),)*
                }
            }

            /// Whether it needs the scenario's frictionless demand in its context.
            pub fn needs_demand(&self) -> bool {
                match self {
                    $(Strategy::$variant(s) => s.needs_demand(),)*
                }
            }

            /// Whether it needs the round's demand in its context.
            pub fn needs_round_demand(&self) -> bool {
                match self {
                    $(Strategy::$variant(s) => s.needs_round_demand(),)*
                }
            }

            /// The kind, as written in scenarios.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(Strategy::$variant(_) => $kind,)*
                }
            }
        }
    };
}

strategies! {
    /// A constant price.
    "fixed" => Fixed(fixed::Fixed),
    /// A replayed price path.
    "scripted" => Scripted(scripted::Scripted),
    /// Markup over marginal cost.
    "cost_plus" => CostPlus(cost_plus::CostPlus),
    /// Price = marginal cost (open-weight hosts).
    "at_cost" => AtCost(at_cost::AtCost),
    /// Profit-maximising against an estimated demand.
    "value_based" => ValueBased(value_based::ValueBased),
    /// Undercut the cheapest rival.
    "undercut" => Undercut(undercut::Undercut),
    /// Match the cheapest rival.
    "match_lowest" => MatchLowest(match_lowest::MatchLowest),
    /// Best response to rivals' last prices.
    "best_response" => BestResponse(best_response::BestResponse),
    /// Edgeworth cycles.
    "edgeworth" => Edgeworth(edgeworth::Edgeworth),
    /// Copy the cheapest rival.
    "tit_for_tat" => TitForTat(tit_for_tat::TitForTat),
    /// Below cost for a while, then another strategy.
    "penetration" => Penetration(penetration::Penetration),
    /// Tabular Q-learning.
    "q_learning" => QLearning(q_learning::QLearning),
}

impl StrategySpec {
    /// `cost_plus` with markup `markup`.
    pub fn cost_plus(markup: f64) -> Self {
        StrategySpec::CostPlus(cost_plus::CostPlusSpec { markup })
    }

    /// `at_cost`.
    pub fn at_cost() -> Self {
        StrategySpec::AtCost(at_cost::AtCostSpec {})
    }
}

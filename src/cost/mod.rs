//! Cost curves: from compute (training and serving FLOPs, GPU prices, trends, learning), linear
//! and quadratic. One file per curve holds its scenario block, its checks and its behaviour;
//! [`CostSpec`] and [`CostCurve`] are generated from the list at the bottom of this file, so a
//! new curve is one line there and a file that implements [`CostCurveKind`].

pub mod compute;
mod drivers;
pub mod linear;
mod model;
pub mod quadratic;

pub use drivers::CostDrivers;
pub use model::ModelSpec;

use crate::check::Checker;
use serde::{Deserialize, Serialize};

/// What every cost curve implements. No method has a default, so a new curve states its
/// training cost and its serving throughput rather than silently having none.
pub trait CostCurveKind: Sized {
    /// The scenario block (`cost: {kind: ..., ...}`) the curve is built from.
    type Spec;
    /// Checks the block at key path `at`; `model` is the model it costs (at `model_at`).
    fn check(spec: &Self::Spec, model: &ModelSpec, at: &str, model_at: &str, c: &mut Checker);
    /// The curve of a checked block whose figures are as of round `dated`;
    /// `rounds_per_year` converts annual trends to rounds.
    fn build(spec: &Self::Spec, model: &ModelSpec, rounds_per_year: f64, dated: u32) -> Self;
    /// Updates the trend and learning factors for `round` (rounds since the run started).
    fn update_drivers(&self, drivers: &mut CostDrivers, round: u32);
    /// Marginal cost at output `q` Mtok, USD per Mtok.
    fn marginal_cost(&self, drivers: &CostDrivers, q: f64) -> f64;
    /// Variable cost of serving `q` Mtok in a round, USD.
    fn variable_cost(&self, drivers: &CostDrivers, q: f64) -> f64;
    /// Fixed cost of the curve, USD per round.
    fn fixed_cost(&self) -> f64;
    /// Training cost of the curve's model at current prices, USD.
    fn training_cost(&self, drivers: &CostDrivers) -> f64;
    /// Serving throughput per GPU now, tokens per second (None when the curve has no GPUs).
    fn tokens_per_second(&self, drivers: &CostDrivers) -> Option<f64>;
    /// What a GPU-hour costs the vendor now, USD (None when the curve has no GPUs).
    fn gpu_hour_cost(&self, drivers: &CostDrivers) -> Option<f64>;
    /// Cost of an input (prefill) and an output (decode) token per unit of the marginal cost:
    /// (1, 1) exactly where the curve does not split them.
    fn token_costs(&self) -> (f64, f64);
}

macro_rules! cost_curves {
    ($($(#[$doc:meta])* $variant:ident($curve:ty)),* $(,)?) => {
        /// A cost curve as written in a scenario (`kind:` names the curve).
        #[derive(Clone, Debug, Serialize, Deserialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum CostSpec {
            $($(#[$doc])* $variant(<$curve as CostCurveKind>::Spec),)*
        }

        /// A vendor's cost curve, fixed at the start of a run (or by a model release).
        #[derive(Clone, Debug, PartialEq)]
        pub enum CostCurve {
            $($(#[$doc])* $variant($curve),)*
        }

        impl CostSpec {
            /// Checks the block at key path `at`; `model` is the model it costs (at `model_at`).
            pub fn check(&self, model: &ModelSpec, at: &str, model_at: &str, c: &mut Checker) {
                match self {
                    $(CostSpec::$variant(s) => <$curve>::check(s, model, at, model_at, c),)*
                }
            }

            /// The curve of a checked block for `model`, its figures (GPU prices, utilisation)
            /// as of round `dated`: trends run from there. `rounds_per_year` converts trends.
            pub fn build(&self, model: &ModelSpec, rounds_per_year: f64, dated: u32) -> CostCurve {
                match self {
                    $(CostSpec::$variant(s) => CostCurve::$variant(<$curve>::build(s, model, rounds_per_year, dated)),)*
                }
            }

            /// Whether the curve is derived from compute (GPUs, FLOPs).
            pub fn is_compute(&self) -> bool {
                matches!(self, CostSpec::Compute(_))
            }
        }

        impl CostCurve {
            /// Updates the trend and learning factors for `round` (rounds since the run started).
            pub fn update_drivers(&self, drivers: &mut CostDrivers, round: u32) {
                match self {
                    $(CostCurve::$variant(k) => k.update_drivers(drivers, round),)*
                }
            }

            /// Marginal cost at output `q` Mtok (q matters only for quadratic curves), USD per
            /// Mtok.
            pub fn marginal_cost(&self, drivers: &CostDrivers, q: f64) -> f64 {
                match self {
                    $(CostCurve::$variant(k) => k.marginal_cost(drivers, q),)*
                }
            }

            /// Variable cost of serving `q` Mtok in a round, USD.
            pub fn variable_cost(&self, drivers: &CostDrivers, q: f64) -> f64 {
                match self {
                    $(CostCurve::$variant(k) => k.variable_cost(drivers, q),)*
                }
            }

            /// Fixed cost of the curve, USD per round.
            pub fn fixed_cost(&self) -> f64 {
                match self {
                    $(CostCurve::$variant(k) => k.fixed_cost(),)*
                }
            }

            /// Training cost of the curve's model at current GPU prices, USD (0 for curves
            /// without compute).
            pub fn training_cost(&self, drivers: &CostDrivers) -> f64 {
                match self {
                    $(CostCurve::$variant(k) => k.training_cost(drivers),)*
                }
            }

            /// Serving throughput per GPU now, tokens per second (None for curves without
            /// compute).
            pub fn tokens_per_second(&self, drivers: &CostDrivers) -> Option<f64> {
                match self {
                    $(CostCurve::$variant(k) => k.tokens_per_second(drivers),)*
                }
            }

            /// Cost of an input and an output token per unit of the marginal cost ((1, 1)
            /// where the curve does not split them).
            pub fn token_costs(&self) -> (f64, f64) {
                match self {
                    $(CostCurve::$variant(k) => k.token_costs(),)*
                }
            }

            /// What a GPU-hour costs the vendor now, USD (None for curves without compute).
            pub fn gpu_hour_cost(&self, drivers: &CostDrivers) -> Option<f64> {
                match self {
                    $(CostCurve::$variant(k) => k.gpu_hour_cost(drivers),)*
                }
            }
        }
    };
}

cost_curves! {
    /// Costs derived from the compute the model needs to train and to serve.
    Compute(compute::ComputeCurve),
    /// C(q) = fixed + marginal·q per round (q in Mtok, costs in USD).
    Linear(linear::LinearCurve),
    /// C(q) = a·q² + b·q + c per round (q in Mtok, costs in USD).
    Quadratic(quadratic::QuadraticCurve),
}

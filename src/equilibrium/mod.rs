//! Benchmarks computed by the engine from the market it simulates.
//!
//! A [`DemandModel`] says how much each vendor sells at any price vector: [`DemandOracle`] is the
//! static expected demand of the actual buyer population (logit choice without inertia or
//! switching costs, times volume demand); [`LinearSystem`] is the textbook differentiated linear
//! demand. On either, the solvers find the monopoly price, the Bertrand-Nash prices (fixed point
//! of best responses) and the joint-profit prices, by solving first-order conditions to machine
//! precision.

mod benchmarks;
mod linear;
mod merger;
mod nested;
mod newton;
mod oracle;
mod roots;
mod round;
mod solve;
#[cfg(test)]
mod tests_scale;

pub use benchmarks::{
    Benchmark, Benchmarks, CollusionWindow, WindowSums, nash_benchmark, solve_benchmarks,
};
pub use linear::LinearSystem;
pub use merger::{
    Diversion, Guppi, MergerMarket, MergerSimulation, diversion_ratios, guppi, simulate_merger,
};
pub use newton::{Foc, Owners, monopoly_newton, newton};
pub use oracle::{AgentTraits, DemandOracle, SegmentDemand, sample};
pub use roots::maximise_unimodal;
pub use round::{AgentState, RoundDemand, SegmentFrictions};
pub use solve::{
    Solution, best_response, joint_prices, joint_prices_above, joint_prices_by_search,
    monopoly_price, monopoly_price_by_search, nash_prices, nash_prices_above,
    nash_prices_by_search, owner_best_response,
};

/// The demand facing one vendor as its own price varies, the others held fixed.
pub trait OwnPriceCurve {
    /// Quantities and slopes at own price `p`.
    fn at(&self, p: f64) -> OwnPoint;

    /// Prices at which demand drops by a mass (buyers' reservation prices: demand includes them
    /// at the price itself and drops just above it), ascending; empty where demand is smooth.
    fn kinks(&self) -> &[f64] {
        &[]
    }
}

/// A point on an [`OwnPriceCurve`].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct OwnPoint {
    /// Own quantity, Mtok per round.
    pub q: f64,
    /// d(own quantity)/d(own price).
    pub dq: f64,
    /// Σ_{j≠i} (p_j − c_j)·∂q_j/∂p_i: how the vendor's price moves its rivals' margins (for the
    /// joint-profit optimum).
    pub rivals_margin_slope: f64,
}

/// A demand system the equilibrium solvers work on.
pub trait DemandModel {
    /// The curve of one vendor's own price.
    type Curve<'a>: OwnPriceCurve
    where
        Self: 'a;
    /// Number of vendors.
    fn vendors(&self) -> usize;
    /// Quantities of every vendor at `prices` when only vendors with `offered[j]` sell.
    fn quantities(&self, prices: &[f64], offered: &[bool]) -> Vec<f64>;
    /// Vendor `i`'s own-price curve at the other prices in `prices` (`costs` weigh the rivals'
    /// margins).
    fn curve<'a>(
        &'a self,
        i: usize,
        prices: &[f64],
        costs: &[f64],
        offered: &[bool],
    ) -> Self::Curve<'a>;
    /// The first-order conditions of every vendor's price at `prices` under `owners`, with their
    /// analytic Jacobian (for [`newton`]); None where the model has none in closed form, or
    /// where demand has mass points the derivatives miss (the solvers then use their
    /// safeguarded search).
    fn foc(&self, prices: &[f64], costs: &[f64], offered: &[bool], owners: &Owners) -> Option<Foc>;
    /// The first-order conditions of each vendor `which[j]` as a monopolist (alone with the
    /// outside option, at its own price in `prices`), all from one pass: a diagonal system
    /// (for [`monopoly_newton`]). None as for [`DemandModel::foc`].
    fn monopoly_foc(&self, prices: &[f64], costs: &[f64], which: &[bool]) -> Option<Foc>;
}

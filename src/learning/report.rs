//! What a learning session produced, as plain data (the simulation builds it from its world).

use super::{Game, QParams};
use serde::Serialize;

/// What the learners learned before round 0.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LearningReport {
    /// Learning vendors, in learner order.
    pub learners: Vec<String>,
    /// Periods played.
    pub periods: u64,
    /// Whether the session met the convergence criterion.
    pub converged: bool,
    /// Bertrand-Nash prices (grid anchors), USD per Mtok.
    pub nash_prices: Vec<f64>,
    /// Joint-profit prices (grid anchors), USD per Mtok.
    pub joint_prices: Vec<f64>,
    /// Profits at the Nash prices, USD per period.
    pub nash_profits: Vec<f64>,
    /// Profits at the joint-profit prices, USD per period.
    pub joint_profits: Vec<f64>,
    /// Each learner's price grid, USD per Mtok.
    pub grids: Vec<Vec<f64>>,
    /// Prices along the cycle greedy play settles into.
    pub limit_prices: Vec<Vec<f64>>,
    /// Average profit of each learner along that cycle, USD per period.
    pub limit_profits: Vec<f64>,
    /// Average profit gain Δ = (π − π_Nash)/(π_joint − π_Nash), profits averaged over learners.
    pub profit_gain: Option<f64>,
}

/// The learners' problem in a world at round 0.
#[derive(Clone, Debug)]
pub struct LearnersGame {
    /// Grids and the profit of every joint action.
    pub game: Game,
    /// Vendor index of each learner.
    pub learners: Vec<usize>,
    /// Bertrand-Nash price of each learner, USD per Mtok.
    pub nash_prices: Vec<f64>,
    /// Joint-profit price of each learner, USD per Mtok.
    pub joint_prices: Vec<f64>,
    /// Profit of each learner at the Nash prices, USD per period.
    pub nash_profits: Vec<f64>,
    /// Profit of each learner at the joint-profit prices, USD per period.
    pub joint_profits: Vec<f64>,
    /// Each learner's parameters.
    pub params: Vec<QParams>,
}

//! `q_learning`: tabular Q-learning over a price grid (Calvano, Calzolari, Denicolò and
//! Pastorello, AER 2020). The simulation trains the learners before round 0 in a fast session
//! (see [`crate::learning`]); in the rounds that follow each learner keeps playing ε-greedy and
//! learning from the profits the engine settles.

use super::{Observation, PricingContext, PricingRule};
use crate::check::Checker;
use crate::learning::{QParams, QTable};
use serde::{Deserialize, Serialize};

/// The `q_learning` block; defaults are the baseline of Calvano et al. (2020).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QLearningSpec {
    /// Prices in the grid (m).
    #[serde(default = "default_grid_points")]
    pub grid_points: u32,
    /// Extension of the grid beyond the Nash and joint-profit prices, as a fraction of their
    /// distance (ξ).
    #[serde(default = "default_xi")]
    pub xi: f64,
    /// Learning rate α, in (0, 1].
    #[serde(default = "default_q_alpha")]
    pub alpha: f64,
    /// Exploration decay β: ε_t = exp(−β·t), > 0.
    #[serde(default = "default_q_beta")]
    pub beta: f64,
    /// Discount factor δ, in [0, 1).
    #[serde(default = "default_q_delta")]
    pub delta: f64,
    /// Periods without a change of any greedy action that count as convergence.
    #[serde(default = "default_window")]
    pub convergence_window: u64,
    /// Periods after which learning stops even without convergence.
    #[serde(default = "default_max_periods")]
    pub max_periods: u64,
}

fn default_grid_points() -> u32 {
    15
}
fn default_xi() -> f64 {
    0.1
}
fn default_q_alpha() -> f64 {
    0.15
}
fn default_q_beta() -> f64 {
    4e-6
}
fn default_q_delta() -> f64 {
    0.95
}
fn default_window() -> u64 {
    100_000
}
fn default_max_periods() -> u64 {
    1_000_000_000
}

/// A Q-learning vendor.
#[derive(Clone, Debug)]
pub struct QLearning {
    spec: QLearningSpec,
    trained: Option<Trained>,
}

/// A learner's state after training.
#[derive(Clone, Debug)]
pub struct Trained {
    /// Position of this vendor among the learners.
    pub learner: usize,
    /// Vendor index of every learner, in learner order.
    pub learners: Vec<usize>,
    /// Each learner's price grid, USD per Mtok.
    pub grids: Vec<Vec<f64>>,
    /// This learner's Q-table.
    pub table: QTable,
    /// Periods learned so far (ε = exp(−β·t)).
    pub t: u64,
    state: usize,
    action: usize,
}

impl QLearning {
    /// Not yet trained: it holds its last price until the simulation trains it.
    pub fn untrained(spec: &QLearningSpec) -> Self {
        Self {
            spec: spec.clone(),
            trained: None,
        }
    }

    /// The learning parameters.
    pub fn params(&self) -> QParams {
        QParams {
            alpha: self.spec.alpha,
            beta: self.spec.beta,
            delta: self.spec.delta,
            convergence_window: self.spec.convergence_window,
            max_periods: self.spec.max_periods,
        }
    }

    /// The spec.
    pub fn spec(&self) -> &QLearningSpec {
        &self.spec
    }

    /// Installs the result of a training session.
    pub fn install(
        &mut self,
        learner: usize,
        learners: Vec<usize>,
        grids: Vec<Vec<f64>>,
        table: QTable,
        t: u64,
    ) {
        self.trained = Some(Trained {
            learner,
            learners,
            grids,
            table,
            t,
            state: 0,
            action: 0,
        });
    }

    /// The trained state, if any.
    pub fn trained(&self) -> Option<&Trained> {
        self.trained.as_ref()
    }

    fn encode(tr: &Trained, prices: &[f64]) -> usize {
        let m = tr.grids[0].len();
        tr.learners
            .iter()
            .zip(&tr.grids)
            .rev()
            .fold(0, |s, (&v, grid)| s * m + nearest(grid, prices[v]))
    }
}

impl PricingRule for QLearning {
    type Spec = QLearningSpec;

    fn check(spec: &QLearningSpec, at: &str, c: &mut Checker) {
        if !(2..=101).contains(&spec.grid_points) {
            c.fail(
                &format!("{at}.grid_points"),
                format!("must be in [2, 101], got {}", spec.grid_points),
            );
        }
        c.non_negative(&format!("{at}.xi"), spec.xi);
        c.range(&format!("{at}.alpha"), spec.alpha, 0.0, 1.0, true, false);
        c.positive(&format!("{at}.beta"), spec.beta);
        c.range(&format!("{at}.delta"), spec.delta, 0.0, 1.0, false, true);
        if spec.max_periods == 0 {
            c.fail(&format!("{at}.max_periods"), "must be at least 1");
        }
    }

    fn build(spec: &QLearningSpec) -> Self {
        Self::untrained(spec)
    }

    /// ε-greedy over the grid in the state given by the learners' last prices.
    fn price(&mut self, ctx: &PricingContext) -> f64 {
        let beta = self.spec.beta;
        let Some(tr) = self.trained.as_mut() else {
            return ctx.own_last_price();
        };
        let m = tr.grids[tr.learner].len();
        tr.state = Self::encode(tr, ctx.last_prices);
        let eps = crate::numerics::exp_fast(-beta * tr.t as f64);
        tr.action = if ctx.uniform(0) < eps {
            ((ctx.uniform(1) * m as f64) as usize).min(m - 1)
        } else {
            tr.table.greedy(tr.state)
        };
        tr.grids[tr.learner][tr.action]
    }

    /// Q(s, a) ← (1 − α)·Q(s, a) + α·(π + δ·max Q(s', ·)) with s' the prices just posted.
    fn observe(&mut self, obs: &Observation) {
        let (alpha, delta) = (self.spec.alpha, self.spec.delta);
        let Some(tr) = self.trained.as_mut() else {
            return;
        };
        let next = Self::encode(tr, obs.prices);
        let target = obs.profit_usd + delta * tr.table.max(next);
        tr.table.update(tr.state, tr.action, target, alpha);
        tr.t += 1;
    }

    fn needs_demand(&self) -> bool {
        false
    }

    fn needs_round_demand(&self) -> bool {
        false
    }
}

/// Index of the grid point nearest to `p`.
fn nearest(grid: &[f64], p: f64) -> usize {
    let mut best = (0, f64::INFINITY);
    for (k, g) in grid.iter().enumerate() {
        let d = (g - p).abs();
        if d < best.1 {
            best = (k, d);
        }
    }
    best.0
}

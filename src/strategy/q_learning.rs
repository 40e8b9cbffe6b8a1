//! `q_learning`: tabular Q-learning over a price grid (Calvano, Calzolari, Denicolò and
//! Pastorello, AER 2020). The simulation trains the learners before round 0 in a fast session
//! (see [`crate::learning`]); in the rounds that follow each learner keeps playing ε-greedy and
//! learning from the profits the engine settles.

use super::{Observation, PricingContext};
use crate::learning::{QParams, QTable};
use crate::scenario::QLearningSpec;

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

    /// ε-greedy over the grid in the state given by the learners' last prices.
    pub fn price(&mut self, ctx: &PricingContext) -> f64 {
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
    pub fn observe(&mut self, obs: &Observation) {
        let (alpha, delta) = (self.spec.alpha, self.spec.delta);
        let Some(tr) = self.trained.as_mut() else {
            return;
        };
        let next = Self::encode(tr, obs.prices);
        let target = obs.profit_usd + delta * tr.table.max(next);
        tr.table.update(tr.state, tr.action, target, alpha);
        tr.t += 1;
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

//! Tabular Q-learning pricing as in Calvano, Calzolari, Denicolò and Pastorello, "Artificial
//! Intelligence, Algorithmic Pricing, and Collusion" (AER 2020).
//!
//! Each learner picks a price from a grid of `m` points; the state is every learner's price in
//! the last period (memory 1); exploration is ε-greedy with ε_t = exp(−β·t); the update is
//! Q(s, a) ← (1 − α)·Q(s, a) + α·(π + δ·max_a' Q(s', a')). A session plays periods until no
//! learner's greedy action changes at any state for `convergence_window` periods (or
//! `max_periods` pass).
//!
//! A period of a session costs a few tens of nanoseconds: the market is static while learning,
//! so the engine computes every learner's profit at every joint action once, from the same demand
//! model its rounds use, and the loop only looks them up. Q-tables are flat, greedy actions and
//! row maxima are cached, and nothing is allocated per period.

mod report;

pub use report::{LearnersGame, LearningReport};

use crate::rng::{Purpose, bits_at, stream_key};

/// Parameters of a learner (the paper's notation).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QParams {
    /// Learning rate α.
    pub alpha: f64,
    /// Exploration decay β: ε_t = exp(−β·t).
    pub beta: f64,
    /// Discount factor δ.
    pub delta: f64,
    /// Periods without a change of any greedy action that count as convergence.
    pub convergence_window: u64,
    /// Periods after which a session stops even if it has not converged.
    pub max_periods: u64,
}

/// The learners' joint problem: `n` learners, `m` prices each, profits per joint action.
#[derive(Clone, Debug)]
pub struct Game {
    /// Learners.
    pub n: usize,
    /// Prices per learner.
    pub m: usize,
    /// Price grid of each learner (n × m), USD per Mtok.
    pub grids: Vec<Vec<f64>>,
    /// profits[state * n + i]: learner i's profit when the joint action is `state`
    /// (state = Σ_k a_k·m^k), USD per period.
    pub profits: Vec<f64>,
}

impl Game {
    /// Number of joint actions (= states with memory 1).
    pub fn states(&self) -> usize {
        self.m.pow(self.n as u32)
    }

    /// The joint action of per-learner action indices.
    pub fn encode(&self, actions: &[usize]) -> usize {
        actions.iter().rev().fold(0, |s, &a| s * self.m + a)
    }

    /// Per-learner action indices of a joint action.
    pub fn decode(&self, mut state: usize, out: &mut [usize]) {
        for a in out.iter_mut() {
            *a = state % self.m;
            state /= self.m;
        }
    }
}

/// The grid of Calvano et al.: `m` equally spaced prices from p_N − ξ·(p_M − p_N) to
/// p_M + ξ·(p_M − p_N).
pub fn price_grid(nash: f64, joint: f64, xi: f64, m: usize) -> Vec<f64> {
    let span = joint - nash;
    let (lo, hi) = (nash - xi * span, joint + xi * span);
    if m == 1 {
        return vec![0.5 * (lo + hi)];
    }
    (0..m)
        .map(|k| lo + (hi - lo) * k as f64 / (m - 1) as f64)
        .collect()
}

/// One learner's Q-table with cached greedy actions and row maxima.
#[derive(Clone, Debug)]
pub struct QTable {
    m: usize,
    q: Vec<f64>,
    greedy: Vec<u32>,
    row_max: Vec<f64>,
}

impl QTable {
    /// Every state's row set to `initial` (one value per action).
    pub fn new(states: usize, initial: &[f64]) -> Self {
        let m = initial.len();
        let mut q = Vec::with_capacity(states * m);
        for _ in 0..states {
            q.extend_from_slice(initial);
        }
        let (g, mx) = argmax(initial);
        Self {
            m,
            q,
            greedy: vec![g as u32; states],
            row_max: vec![mx; states],
        }
    }

    /// The greedy action at `state` (lowest index among ties).
    #[inline]
    pub fn greedy(&self, state: usize) -> usize {
        self.greedy[state] as usize
    }

    /// max_a Q(state, a).
    #[inline]
    pub fn max(&self, state: usize) -> f64 {
        self.row_max[state]
    }

    /// Q(state, action).
    pub fn value(&self, state: usize, action: usize) -> f64 {
        self.q[state * self.m + action]
    }

    /// Q(s, a) ← (1 − α)·Q(s, a) + α·target; returns whether the greedy action at s changed.
    #[inline]
    pub fn update(&mut self, s: usize, a: usize, target: f64, alpha: f64) -> bool {
        let k = s * self.m + a;
        let new = (1.0 - alpha) * self.q[k] + alpha * target;
        self.q[k] = new;
        let g = self.greedy[s] as usize;
        if a == g {
            if new >= self.row_max[s] {
                self.row_max[s] = new;
                return false;
            }
            let (ng, mx) = argmax(&self.q[s * self.m..(s + 1) * self.m]);
            self.greedy[s] = ng as u32;
            self.row_max[s] = mx;
            ng != g
        } else if new > self.row_max[s] || (new == self.row_max[s] && a < g) {
            self.greedy[s] = a as u32;
            self.row_max[s] = new;
            true
        } else {
            false
        }
    }
}

fn argmax(row: &[f64]) -> (usize, f64) {
    let mut best = (0, row[0]);
    for (k, &v) in row.iter().enumerate().skip(1) {
        if v > best.1 {
            best = (k, v);
        }
    }
    best
}

/// The paper's initial Q: the discounted payoff of each action against rivals playing uniformly
/// at random, Q_0(s, a_i) = Σ_{a_−i} π_i(a_i, a_−i) / ((1 − δ)·m^(n−1)).
pub fn initial_q(game: &Game, learner: usize, delta: f64) -> Vec<f64> {
    let mut sums = vec![0.0; game.m];
    let mut actions = vec![0; game.n];
    for s in 0..game.states() {
        game.decode(s, &mut actions);
        sums[actions[learner]] += game.profits[s * game.n + learner];
    }
    let rivals = (game.m as f64).powi(game.n as i32 - 1);
    sums.iter().map(|x| x / ((1.0 - delta) * rivals)).collect()
}

/// Periods whose exploration rates [`Session::run`] computes at once.
const EPS_BLOCK: usize = 64;

/// ε_{t0 + k} = exp(−β·(t0 + k)) for k < EPS_BLOCK, exactly as [`Session::act`] computes each
/// (on AVX-512 where the CPU has it: the same operations, no fused multiply-add, eight at once).
fn exploration_rates(beta: f64, t0: u64, out: &mut [f64; EPS_BLOCK]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU has AVX-512F, checked just above.
        return unsafe { exploration_rates_avx512(beta, t0, out) };
    }
    exploration_rates_impl(beta, t0, out);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn exploration_rates_avx512(beta: f64, t0: u64, out: &mut [f64; EPS_BLOCK]) {
    exploration_rates_impl(beta, t0, out);
}

#[inline(always)]
fn exploration_rates_impl(beta: f64, t0: u64, out: &mut [f64; EPS_BLOCK]) {
    for (k, e) in out.iter_mut().enumerate() {
        *e = crate::numerics::exp_fast(-beta * (t0 + k as u64) as f64);
    }
}

/// The state of a session between periods: everything needed to continue it.
#[derive(Clone, Debug)]
pub struct Session {
    /// One Q-table per learner.
    pub tables: Vec<QTable>,
    /// Current state (last period's joint action).
    pub state: usize,
    /// Periods played.
    pub t: u64,
    /// Periods since a greedy action last changed.
    pub stable: u64,
    key: u64,
    draws: u64,
}

/// What a session ended with.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionOutcome {
    /// Periods played.
    pub periods: u64,
    /// Whether it met the convergence criterion.
    pub converged: bool,
    /// Each learner's average profit over the cycle greedy play settles into from the final
    /// state, USD per period.
    pub limit_profits: Vec<f64>,
    /// Length of that cycle, periods.
    pub cycle_length: usize,
    /// Each learner's prices along the cycle.
    pub cycle_prices: Vec<Vec<f64>>,
}

impl Session {
    /// A fresh session: the paper's initial Q-tables and a random initial state, drawn from the
    /// stream (seed, strategy, session).
    pub fn new(game: &Game, params: &[QParams], seed: u64, session: u64) -> Self {
        let tables = (0..game.n)
            .map(|i| QTable::new(game.states(), &initial_q(game, i, params[i].delta)))
            .collect();
        let key = stream_key(seed, Purpose::Strategy, session, 0x5153_4553_5349_4f4e);
        let mut me = Self {
            tables,
            state: 0,
            t: 0,
            stable: 0,
            key,
            draws: 0,
        };
        let mut actions = vec![0; game.n];
        for a in actions.iter_mut() {
            *a = me.index(game.m);
        }
        me.state = game.encode(&actions);
        me
    }

    #[inline]
    fn uniform(&mut self) -> f64 {
        let x = bits_at(self.key, self.draws);
        self.draws += 1;
        (x >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    #[inline]
    fn index(&mut self, m: usize) -> usize {
        ((self.uniform() * m as f64) as usize).min(m - 1)
    }

    /// Learner `i`'s action in the current state: explore with probability exp(−β·t), else the
    /// greedy action. ([`Session::run`] draws the same actions from a table of the rates.)
    #[inline]
    pub fn act(&mut self, i: usize, m: usize, beta: f64) -> usize {
        let eps = crate::numerics::exp_fast(-beta * self.t as f64);
        if self.uniform() < eps {
            self.index(m)
        } else {
            self.tables[i].greedy(self.state)
        }
    }

    /// Learns from a period: the joint action `next` was played and learner i earned
    /// `profits[i]`; the state moves to `next`.
    #[inline]
    pub fn learn(&mut self, next: usize, actions: &[usize], profits: &[f64], params: &[QParams]) {
        let s = self.state;
        let mut changed = false;
        for (i, p) in params.iter().enumerate() {
            let target = profits[i] + p.delta * self.tables[i].max(next);
            changed |= self.tables[i].update(s, actions[i], target, p.alpha);
        }
        self.stable = if changed { 0 } else { self.stable + 1 };
        self.state = next;
        self.t += 1;
    }

    /// Plays periods until convergence or `max_periods` (the loop of the paper).
    pub fn run(&mut self, game: &Game, params: &[QParams]) -> SessionOutcome {
        let n = game.n;
        let mut actions = vec![0usize; n];
        let mut profits = vec![0.0; n];
        let window = params
            .iter()
            .map(|p| p.convergence_window)
            .max()
            .unwrap_or(0);
        let max_periods = params.iter().map(|p| p.max_periods).min().unwrap_or(0);
        // ε_t = exp(−β·t) for the next EPS_BLOCK periods, once per distinct β: the table's
        // loop runs several periods at once, with the same operations as `act` (same bits).
        let mut betas: Vec<u64> = params.iter().map(|p| p.beta.to_bits()).collect();
        betas.sort_unstable();
        betas.dedup();
        let table_of: Vec<usize> = params
            .iter()
            .map(|p| betas.binary_search(&p.beta.to_bits()).unwrap_or(0))
            .collect();
        let mut eps = vec![[0.0f64; EPS_BLOCK]; betas.len()];
        let mut block_start = self.t;
        let mut filled = false;
        while self.t < max_periods && self.stable < window {
            let offset = (self.t - block_start) as usize;
            if !filled || offset >= EPS_BLOCK {
                block_start = self.t;
                for (table, &b) in eps.iter_mut().zip(&betas) {
                    exploration_rates(f64::from_bits(b), self.t, table);
                }
                filled = true;
            }
            let offset = (self.t - block_start) as usize;
            for (i, a) in actions.iter_mut().enumerate() {
                let e = eps[table_of[i]][offset];
                *a = if self.uniform() < e {
                    self.index(game.m)
                } else {
                    self.tables[i].greedy(self.state)
                };
            }
            let next = game.encode(&actions);
            profits.copy_from_slice(&game.profits[next * n..(next + 1) * n]);
            self.learn(next, &actions, &profits, params);
        }
        self.limit(game, self.stable >= window)
    }

    /// The cycle greedy play reaches from the current state, and its average profits.
    pub fn limit(&self, game: &Game, converged: bool) -> SessionOutcome {
        let n = game.n;
        let mut seen = vec![usize::MAX; game.states()];
        let mut path = Vec::new();
        let mut s = self.state;
        let mut actions = vec![0; n];
        while seen[s] == usize::MAX {
            seen[s] = path.len();
            path.push(s);
            for (i, a) in actions.iter_mut().enumerate() {
                *a = self.tables[i].greedy(s);
            }
            s = game.encode(&actions);
        }
        // The cycle is the path from the first visit of the repeated state; each step's joint
        // action is the state it leads to.
        let cycle: Vec<usize> = path[seen[s]..]
            .iter()
            .map(|&st| {
                let acts: Vec<usize> = (0..n).map(|i| self.tables[i].greedy(st)).collect();
                game.encode(&acts)
            })
            .collect();
        let mut limit_profits = vec![0.0; n];
        let mut cycle_prices = vec![Vec::new(); n];
        for &joint in &cycle {
            game.decode(joint, &mut actions);
            for i in 0..n {
                limit_profits[i] += game.profits[joint * n + i] / cycle.len() as f64;
                cycle_prices[i].push(game.grids[i][actions[i]]);
            }
        }
        SessionOutcome {
            periods: self.t,
            converged,
            limit_profits,
            cycle_length: cycle.len(),
            cycle_prices,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prisoners() -> Game {
        // Two learners, two prices (high, low); profits of a prisoner's dilemma.
        let m = 2;
        let pay = |a: usize, b: usize| match (a, b) {
            (0, 0) => 3.0,
            (0, 1) => 0.0,
            (1, 0) => 5.0,
            _ => 1.0,
        };
        let mut profits = Vec::new();
        for s in 0..4 {
            let (a0, a1) = (s % m, s / m);
            profits.push(pay(a0, a1));
            profits.push(pay(a1, a0));
        }
        Game {
            n: 2,
            m,
            grids: vec![vec![2.0, 1.0], vec![2.0, 1.0]],
            profits,
        }
    }

    #[test]
    fn grid_spans_nash_to_joint_extended_by_xi() {
        let g = price_grid(1.0, 2.0, 0.1, 15);
        assert_eq!(g.len(), 15);
        assert!((g[0] - 0.9).abs() < 1e-15 && (g[14] - 2.1).abs() < 1e-15);
    }

    #[test]
    fn initial_q_is_the_discounted_payoff_against_random_rivals() {
        let g = prisoners();
        let q = initial_q(&g, 0, 0.9);
        assert!((q[0] - (3.0 + 0.0) / 2.0 / 0.1).abs() < 1e-12);
        assert!((q[1] - (5.0 + 1.0) / 2.0 / 0.1).abs() < 1e-12);
    }

    #[test]
    fn cached_greedy_actions_match_a_full_argmax() {
        let g = prisoners();
        let p = QParams {
            alpha: 0.3,
            beta: 1e-3,
            delta: 0.9,
            convergence_window: u64::MAX,
            max_periods: 5000,
        };
        let mut s = Session::new(&g, &[p, p], 1, 0);
        s.run(&g, &[p, p]);
        for t in &s.tables {
            for st in 0..g.states() {
                let row: Vec<f64> = (0..g.m).map(|a| t.value(st, a)).collect();
                let (a, mx) = argmax(&row);
                assert_eq!(t.greedy(st), a);
                assert_eq!(t.max(st), mx);
            }
        }
        assert_eq!(s.t, 5000);
    }

    /// The exploration-rate table of `run` is `act`'s exp(−β·t), bit for bit, on every path.
    #[test]
    fn exploration_rate_tables_are_the_rates_act_uses() {
        for beta in [4e-6, 1e-3, 0.7] {
            for t0 in [0u64, 1, 63, 1_000_003, 9_000_000_000] {
                let mut table = [0.0; EPS_BLOCK];
                exploration_rates(beta, t0, &mut table);
                let mut portable = [0.0; EPS_BLOCK];
                exploration_rates_impl(beta, t0, &mut portable);
                for k in 0..EPS_BLOCK {
                    let act = crate::numerics::exp_fast(-beta * (t0 + k as u64) as f64);
                    assert_eq!(table[k].to_bits(), act.to_bits(), "{beta} {t0} {k}");
                    assert_eq!(portable[k].to_bits(), act.to_bits());
                }
            }
        }
    }

    #[test]
    fn encode_and_decode_are_inverse() {
        let g = Game {
            n: 3,
            m: 4,
            grids: vec![vec![0.0; 4]; 3],
            profits: vec![0.0; 64 * 3],
        };
        let mut out = [0; 3];
        for s in 0..64 {
            g.decode(s, &mut out);
            assert_eq!(g.encode(&out), s);
        }
    }
}

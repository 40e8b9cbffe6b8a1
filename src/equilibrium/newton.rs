//! Newton's method on the first-order conditions of a price vector, with the demand model's
//! analytic Jacobian: a handful of passes over the buyers where the best-response iteration in
//! [`super::solve`] needs hundreds. The solvers there try it first and fall back to their
//! safeguarded search wherever it does not apply (reservation prices with mass points, binding
//! capacities or floors) or does not converge to a local optimum.

use super::{DemandModel, Solution};

/// Who owns which vendor: the first-order condition of vendor j's price maximises the summed
/// profit of every vendor with j's owner (Bertrand-Nash: each its own owner; joint profit: one
/// owner of all).
#[derive(Clone, Debug, PartialEq)]
pub struct Owners(Vec<usize>);

impl Owners {
    /// Every vendor its own owner (Bertrand-Nash).
    pub fn separate(vendors: usize) -> Self {
        Owners((0..vendors).collect())
    }

    /// One owner of all (joint-profit maximisation).
    pub fn joint(vendors: usize) -> Self {
        Owners(vec![0; vendors])
    }

    /// Vendor j owned by `owner_of[j]` (any labels: vendors with equal labels have one owner,
    /// the firm that sells them all).
    pub fn new(owner_of: Vec<usize>) -> Self {
        Owners(owner_of)
    }

    /// Each vendor's owner label.
    pub fn labels(&self) -> &[usize] {
        &self.0
    }

    /// Whether some vendor other than `j` with `offered` set has j's owner.
    pub fn has_siblings(&self, j: usize, offered: &[bool]) -> bool {
        (0..self.0.len()).any(|k| k != j && offered[k] && self.same(j, k))
    }

    /// Whether vendors `j` and `k` have the same owner.
    #[inline]
    pub fn same(&self, j: usize, k: usize) -> bool {
        self.0[j] == self.0[k]
    }
}

/// The first-order conditions at a price vector: g_j = q_j + Σ_{k owned with j} (p_k − c_k)·∂q_k/∂p_j
/// (the derivative of the owner's profit in p_j) for every vendor, and their Jacobian
/// ∂g_j/∂p_l, row-major (vendors × vendors); with each vendor's own-price slope D_j = ∂q_j/∂p_j
/// and its derivatives ∂D_j/∂p_l, which scale the conditions into markup equations
/// g_j/D_j = 0 (nearly linear in prices where g itself is flat: far above the optimum demand
/// and g vanish together). Entries of vendors not offered are zero.
#[derive(Clone, Debug, PartialEq)]
pub struct Foc {
    /// g_j, USD per round per (USD per Mtok).
    pub residual: Vec<f64>,
    /// ∂g_j/∂p_l at `[j * vendors + l]`.
    pub jacobian: Vec<f64>,
    /// D_j = ∂q_j/∂p_j.
    pub own_slope: Vec<f64>,
    /// ∂D_j/∂p_l at `[j * vendors + l]`.
    pub own_slope_jacobian: Vec<f64>,
}

impl Foc {
    /// The markup equations r_j = g_j/D_j of vendors `free` and their Jacobian
    /// ∂r_j/∂p_l = (∂g_j/∂p_l − r_j·∂D_j/∂p_l)/D_j over the same vendors; None where some D_j
    /// is not negative (demand that does not fall in the own price).
    fn markups(&self, free: &[usize]) -> Option<(Vec<f64>, Vec<f64>)> {
        let v = self.residual.len();
        let n = free.len();
        let mut r = vec![0.0; n];
        let mut jac = vec![0.0; n * n];
        for (a, &j) in free.iter().enumerate() {
            let d = self.own_slope[j];
            if d.partial_cmp(&0.0) != Some(std::cmp::Ordering::Less) {
                return None;
            }
            r[a] = self.residual[j] / d;
            for (b, &l) in free.iter().enumerate() {
                jac[a * n + b] =
                    (self.jacobian[j * v + l] - r[a] * self.own_slope_jacobian[j * v + l]) / d;
            }
        }
        Some((r, jac))
    }
}

/// Iterations before Newton gives up (it converges quadratically: a handful from a fair start).
const MAX_ITERATIONS: usize = 60;

/// Newton's method on the first-order conditions of the vendors with `optimise[j]` (the others
/// keep their start price), from `start`, in their markup form g_j/D_j = 0, with a
/// backtracking line search on the residual's norm that keeps optimised prices above `costs`.
/// The solution is accepted only where every
/// optimised vendor's own second-order condition holds (∂g_j/∂p_j < 0). None where the model has
/// no analytic first-order conditions or the iteration does not settle.
pub fn newton<M: DemandModel>(
    model: &M,
    costs: &[f64],
    offered: &[bool],
    optimise: &[bool],
    owners: &Owners,
    start: &[f64],
) -> Option<Solution> {
    let v = costs.len();
    let free: Vec<usize> = (0..v).filter(|&j| offered[j] && optimise[j]).collect();
    newton_on(
        |p| model.foc(p, costs, offered, owners),
        costs,
        &free,
        start,
    )
}

/// Every vendor `which[j]`'s monopoly price (alone with the outside option) at once: the
/// monopolies' first-order conditions are independent, so one pass over the buyers serves all
/// of them ([`DemandModel::monopoly_foc`]), solved by Newton's method together. None where the
/// model has no such conditions or some monopoly does not settle (then each is solved alone).
pub fn monopoly_newton<M: DemandModel>(
    model: &M,
    costs: &[f64],
    which: &[bool],
) -> Option<Vec<f64>> {
    let v = costs.len();
    let free: Vec<usize> = (0..v).filter(|&j| which[j]).collect();
    let start: Vec<f64> = costs.iter().map(|c| c * 1.5 + 1e-3).collect();
    newton_on(
        |p| model.monopoly_foc(p, costs, which),
        costs,
        &free,
        &start,
    )
    .map(|s| s.prices)
}

/// [`newton`] on the conditions `foc` gives at a price vector, for the vendors `free`.
fn newton_on(
    foc_at: impl Fn(&[f64]) -> Option<Foc>,
    costs: &[f64],
    free: &[usize],
    start: &[f64],
) -> Option<Solution> {
    let free = free.to_vec();
    let mut p: Vec<f64> = start.to_vec();
    for &j in &free {
        if p[j].partial_cmp(&costs[j]) != Some(std::cmp::Ordering::Greater) {
            p[j] = costs[j] + costs[j].abs().max(1e-3) * 0.5;
        }
    }
    if free.is_empty() {
        return Some(Solution {
            prices: p,
            converged: true,
            sweeps: 0,
        });
    }
    let norm = |r: &[f64]| -> f64 { r.iter().map(|x| x * x).sum() };
    let n = free.len();
    let mut foc = foc_at(&p)?;
    let (mut r, mut jac) = foc.markups(&free)?;
    for iteration in 1..=MAX_ITERATIONS {
        let mut b: Vec<f64> = r.iter().map(|x| -x).collect();
        let step = solve_linear(&mut jac, &mut b, n)?;
        let size = free
            .iter()
            .zip(&step)
            .map(|(&j, d)| d.abs() / p[j].abs().max(1e-3))
            .fold(0.0f64, f64::max);
        if !size.is_finite() {
            return None;
        }
        if size <= 4.0 * f64::EPSILON {
            return accept(&foc, &free, p, iteration);
        }
        let before = norm(&r);
        let mut t = 1.0;
        let mut moved = false;
        for _ in 0..40 {
            let mut trial = p.clone();
            for (&j, d) in free.iter().zip(&step) {
                trial[j] += t * d;
            }
            if free
                .iter()
                .all(|&j| trial[j] > costs[j] && trial[j].is_finite())
                && let Some(next) = foc_at(&trial)
                && let Some((next_r, next_jac)) = next.markups(&free)
                && (norm(&next_r) < before || size <= 1e-10)
            {
                (p, foc, r, jac) = (trial, next, next_r, next_jac);
                moved = true;
                break;
            }
            t *= 0.5;
        }
        if !moved {
            return None;
        }
        // A full step this short leaves an error of about its square: converged.
        if t == 1.0 && size <= 1e-8 {
            return accept(&foc, &free, p, iteration);
        }
    }
    None
}

/// The converged prices, if every optimised vendor's own second-order condition holds there.
fn accept(foc: &Foc, free: &[usize], p: Vec<f64>, iterations: usize) -> Option<Solution> {
    let v = p.len();
    let local_max = free.iter().all(|&j| foc.jacobian[j * v + j] < 0.0);
    local_max.then_some(Solution {
        prices: p,
        converged: true,
        sweeps: iterations,
    })
}

/// Solves a·x = b (a: n × n row-major) by Gaussian elimination with partial pivoting; None when
/// a is singular.
fn solve_linear(a: &mut [f64], b: &mut [f64], n: usize) -> Option<Vec<f64>> {
    for col in 0..n {
        let pivot =
            (col..n).max_by(|&r, &s| a[r * n + col].abs().total_cmp(&a[s * n + col].abs()))?;
        if a[pivot * n + col] == 0.0 || !a[pivot * n + col].is_finite() {
            return None;
        }
        if pivot != col {
            for k in 0..n {
                a.swap(pivot * n + k, col * n + k);
            }
            b.swap(pivot, col);
        }
        for r in col + 1..n {
            let f = a[r * n + col] / a[col * n + col];
            if f != 0.0 {
                for k in col..n {
                    a[r * n + k] -= f * a[col * n + k];
                }
                b[r] -= f * b[col];
            }
        }
    }
    let mut x = vec![0.0; n];
    for r in (0..n).rev() {
        let s: f64 = (r + 1..n).map(|k| a[r * n + k] * x[k]).sum();
        x[r] = (b[r] - s) / a[r * n + r];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demand::VolumeDemand;
    use crate::demand::volume::{isoelastic::IsoelasticVolume, linear::LinearVolume};
    use crate::equilibrium::{
        AgentTraits, DemandOracle, OwnPriceCurve, SegmentDemand, joint_prices_above,
        joint_prices_by_search, monopoly_price, monopoly_price_by_search, nash_prices_above,
        nash_prices_by_search,
    };

    /// A reproducible stream of numbers in [0, 1).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> f64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// A market of `v` vendors and two segments of heterogeneous buyers with volume form
    /// `volume` (one segment without the outside option when `captive`), a self-hosting
    /// alternative, and random qualities and costs.
    fn market(
        seed: u64,
        v: usize,
        volume: VolumeDemand,
        captive: bool,
    ) -> (DemandOracle, Vec<f64>) {
        let mut r = Lcg(seed);
        let segments = [
            SegmentDemand {
                represents: 3.0,
                outside: true,
                volume,
                scale: 1.2,
            },
            SegmentDemand {
                represents: 1.0,
                outside: !captive,
                volume,
                scale: 0.8,
            },
        ];
        let agents: Vec<AgentTraits> = (0..300)
            .map(|k| AgentTraits {
                segment: k % 2,
                alpha: 0.4 + 1.2 * r.next(),
                theta: 0.7 + 0.6 * r.next(),
                reservation: f64::INFINITY,
                base: 0.5 + 2.0 * r.next(),
            })
            .collect();
        let quality: Vec<f64> = (0..v).map(|_| 1.0 + 2.0 * r.next()).collect();
        let costs: Vec<f64> = (0..v).map(|_| 0.2 + 0.8 * r.next()).collect();
        let oracle = DemandOracle::new(&agents, &segments, 1_000, &quality, vec![(1.5, 1.1)]);
        (oracle, costs)
    }

    fn volumes() -> [VolumeDemand; 3] {
        [
            VolumeDemand::Fixed(crate::demand::volume::fixed::FixedVolume),
            VolumeDemand::Linear(LinearVolume { choke: 12.0 }),
            VolumeDemand::Isoelastic(IsoelasticVolume {
                elasticity: 1.3,
                reference: 2.0,
                saturation: 0.3,
            }),
        ]
    }

    /// The analytic Jacobian against central differences of the residual, for every volume
    /// form, each owner structure, with and without a captive segment.
    #[test]
    fn the_oracle_jacobian_is_the_derivative_of_its_first_order_conditions() {
        for (n, volume) in volumes().into_iter().enumerate() {
            for captive in [false, true] {
                let v = 4;
                let (oracle, costs) = market(11 + n as u64, v, volume, captive);
                let offered = [true, true, false, true];
                let prices = [1.7, 2.2, 1.9, 2.9];
                for owners in [
                    Owners::separate(v),
                    Owners::joint(v),
                    Owners(vec![0, 1, 2, 0]),
                ] {
                    let foc = oracle.foc(&prices, &costs, &offered, &owners).unwrap();
                    for l in (0..v).filter(|&l| offered[l]) {
                        let h = 1e-6;
                        let mut up = prices;
                        let mut down = prices;
                        up[l] += h;
                        down[l] -= h;
                        let fu = oracle.foc(&up, &costs, &offered, &owners).unwrap();
                        let fd = oracle.foc(&down, &costs, &offered, &owners).unwrap();
                        for j in (0..v).filter(|&j| offered[j]) {
                            let numeric = (fu.residual[j] - fd.residual[j]) / (2.0 * h);
                            let exact = foc.jacobian[j * v + l];
                            let scale = foc.jacobian[j * v + j].abs();
                            assert!(
                                (numeric - exact).abs() <= 1e-6 * scale,
                                "{n} {captive} {owners:?} ∂g{j}/∂p{l}: {exact} vs {numeric}"
                            );
                            let numeric = (fu.own_slope[j] - fd.own_slope[j]) / (2.0 * h);
                            let exact = foc.own_slope_jacobian[j * v + l];
                            let scale = foc.own_slope_jacobian[j * v + j]
                                .abs()
                                .max(foc.own_slope[j].abs());
                            assert!(
                                (numeric - exact).abs() <= 1e-6 * scale,
                                "{n} {captive} ∂D{j}/∂p{l}: {exact} vs {numeric}"
                            );
                        }
                    }
                    // The residual of separate owners is the own-price curve's q + m·dq; of one
                    // owner, plus the rivals' margin slope.
                    for j in (0..v).filter(|&j| offered[j]) {
                        let o = oracle.curve(j, &prices, &costs, &offered).at(prices[j]);
                        let rivals = if owners == Owners::joint(v) {
                            o.rivals_margin_slope
                        } else {
                            0.0
                        };
                        if owners.0 == vec![0, 1, 2, 0] {
                            continue;
                        }
                        let g = o.q + (prices[j] - costs[j]) * o.dq + rivals;
                        assert!((foc.own_slope[j] - o.dq).abs() <= 1e-9 * o.dq.abs(), "{j}");
                        assert!(
                            (foc.residual[j] - g).abs() <= 1e-9 * o.q,
                            "{j}: {} vs {g}",
                            foc.residual[j]
                        );
                    }
                }
            }
        }
    }

    /// Newton's Bertrand-Nash, joint-profit and monopoly prices are the safeguarded search's to
    /// 1e-9, over random markets of every volume form.
    #[test]
    fn newton_finds_the_prices_the_safeguarded_search_finds() {
        let (mut solved, mut joint_solved, mut monopolies_solved) = (0, 0, 0);
        for seed in 0..12u64 {
            for (n, volume) in volumes().into_iter().enumerate() {
                let v = 2 + (seed as usize % 4);
                let captive = seed % 3 == 0;
                let (oracle, costs) = market(100 + seed * 7 + n as u64, v, volume, captive);
                let offered = vec![true; v];
                let mut optimise = vec![true; v];
                if seed % 4 == 1 {
                    optimise[0] = false; // an open-weight host at cost
                }
                let start: Vec<f64> = costs.iter().map(|c| c * 1.5 + 1e-3).collect();
                let start: Vec<f64> = (0..v)
                    .map(|j| if optimise[j] { start[j] } else { costs[j] })
                    .collect();
                let caps = vec![None; v];
                let owners = Owners::separate(v);
                let fast = newton(&oracle, &costs, &offered, &optimise, &owners, &start);
                let slow = nash_prices_by_search(
                    &oracle,
                    &costs,
                    &offered,
                    &optimise,
                    &caps,
                    &[],
                    &owners,
                    &start,
                );
                let close = |a: &[f64], b: &[f64]| {
                    a.iter()
                        .zip(b)
                        .all(|(x, y)| (x - y).abs() <= 1e-9 * y.abs().max(1.0))
                };
                if let (Some(f), Some(s)) = (&fast, &slow) {
                    assert!(
                        close(&f.prices, &s.prices),
                        "nash {seed} {n}: {:?} vs {:?}",
                        f.prices,
                        s.prices
                    );
                    assert!(f.sweeps < 20, "{}", f.sweeps);
                    solved += 1;
                }
                let api = nash_prices_above(
                    &oracle,
                    &costs,
                    &offered,
                    &optimise,
                    &caps,
                    &[],
                    &owners,
                    &start,
                );
                assert_eq!(api.is_some(), slow.is_some());
                if let (Some(a), Some(s)) = (api, &slow) {
                    assert!(close(&a.prices, &s.prices));
                }
                // Joint profit where it is bounded: Newton's own answer against the search's.
                if joint_prices_above(&oracle, &costs, &offered, &optimise, &[], &start).is_some() {
                    let joint = Owners::joint(v);
                    let f = newton(&oracle, &costs, &offered, &optimise, &joint, &start);
                    let s =
                        joint_prices_by_search(&oracle, &costs, &offered, &optimise, &[], &start);
                    if let (Some(f), Some(s)) = (f, s) {
                        assert!(
                            close(&f.prices, &s.prices),
                            "joint {seed} {n}: {:?} vs {:?}",
                            f.prices,
                            s.prices
                        );
                        joint_solved += 1;
                    }
                }
                // All monopolies at once: the search's answers, each vendor alone.
                let which = vec![true; v];
                if let Some(together) = monopoly_newton(&oracle, &costs, &which) {
                    for (i, &c) in costs.iter().enumerate() {
                        let alone = monopoly_price_by_search(&oracle, i, c).unwrap();
                        assert!(
                            (together[i] - alone).abs() <= 1e-9 * alone,
                            "monopolies {seed} {n} {i}: {} vs {alone}",
                            together[i]
                        );
                    }
                    monopolies_solved += 1;
                }
                for (i, &c) in costs.iter().enumerate() {
                    let m = monopoly_price(&oracle, i, c);
                    let ms = monopoly_price_by_search(&oracle, i, c);
                    assert_eq!(m.is_some(), ms.is_some());
                    if let (Some(m), Some(ms)) = (m, ms) {
                        assert!(
                            (m - ms).abs() <= 1e-9 * ms,
                            "monopoly {seed} {n} {i}: {m} vs {ms}"
                        );
                    }
                }
            }
        }
        assert!(solved >= 30, "Newton solved only {solved} of 36 markets");
        assert!(
            joint_solved >= 15,
            "Newton solved only {joint_solved} joint-profit problems"
        );
        assert!(
            monopolies_solved >= 30,
            "Newton solved only {monopolies_solved} monopoly sets"
        );
    }

    /// Single-product logit with homogeneous α and fixed volume: p_j − c_j = 1/(α(1 − s_j)) at
    /// Bertrand-Nash (each firm its own owner), computed by Newton from a start far away.
    #[test]
    fn logit_nash_markups_meet_the_closed_form() {
        let alpha = 0.8;
        let segments = [SegmentDemand {
            represents: 1.0,
            outside: true,
            volume: volumes()[0],
            scale: 1.0,
        }];
        let agents = vec![
            AgentTraits {
                segment: 0,
                alpha,
                theta: 1.0,
                reservation: f64::INFINITY,
                base: 1.0,
            };
            10
        ];
        let quality = [2.0, 1.5, 1.0];
        let costs = [1.0, 0.7, 0.5];
        let oracle = DemandOracle::new(&agents, &segments, 100, &quality, Vec::new());
        let all = [true; 3];
        let s = newton(
            &oracle,
            &costs,
            &all,
            &all,
            &Owners::separate(3),
            &[9.0, 0.8, 5.0],
        )
        .unwrap();
        let q = crate::equilibrium::DemandModel::quantities(&oracle, &s.prices, &all);
        for j in 0..3 {
            let share = q[j] / 10.0;
            let markup = 1.0 / (alpha * (1.0 - share));
            assert!(
                (s.prices[j] - costs[j] - markup).abs() <= 1e-12 * markup,
                "{j}"
            );
        }
        // One owner of the three: the common markup 1/(α·s_0) (s_0 the outside share).
        let j = newton(&oracle, &costs, &all, &all, &Owners::joint(3), &s.prices).unwrap();
        let q = crate::equilibrium::DemandModel::quantities(&oracle, &j.prices, &all);
        let outside = 1.0 - q.iter().sum::<f64>() / 10.0;
        for (k, &c) in costs.iter().enumerate() {
            assert!((j.prices[k] - c - 1.0 / (alpha * outside)).abs() <= 1e-12 * j.prices[k]);
        }
    }

    #[test]
    fn gaussian_elimination_solves_a_small_system() {
        // 2x + y = 5, x + 3y = 10 → x = 1, y = 3 (a pivot swap on the permuted system).
        let mut a = vec![1.0, 3.0, 2.0, 1.0];
        let mut b = vec![10.0, 5.0];
        let x = solve_linear(&mut a, &mut b, 2).unwrap();
        assert!(
            (x[0] - 1.0).abs() < 1e-15 && (x[1] - 3.0).abs() < 1e-15,
            "{x:?}"
        );
        let mut singular = vec![1.0, 2.0, 2.0, 4.0];
        assert_eq!(solve_linear(&mut singular, &mut [1.0, 2.0], 2), None);
    }
}

//! The first-order conditions of the demand oracle's prices and their analytic Jacobian, for
//! Newton's method on the benchmarks (`equilibrium/newton.rs`).
//!
//! Per agent with choice probabilities P, volume factors v (scaled by growth), utility slopes
//! a_j = α·f(p_j) (the utility charges α·F(p)) and margins m: with e_j = v_j + m_j·(v'_j − a_j·v_j)
//! and Y_j = Σ_{k owned with j} m_k·v_k·P_k, the agent adds w·P_j·h_j (h_j = e_j + a_j·Y_j) to
//! g_j and, using ∂P_j/∂p_l = −a_l·P_j·(δ_jl − P_l),
//! w·[∂P_j/∂p_l·h_j + P_j·(δ_jl·(e'_j + a'_j·Y_j) + a_j·P_l·(O_jl·e_l + a_l·Y_j))] to ∂g_j/∂p_l
//! (e'_j = ∂e_j/∂p_j, a'_j = α·f'(p_j), O the ownership); with k_j = v'_j − a_j·v_j·(1 − P_j),
//! w·P_j·k_j to D_j = ∂q_j/∂p_j and
//! w·[∂P_j/∂p_l·(k_j + P_j·a_j·v_j) + δ_jl·P_j·(v''_j − (1 − P_j)·(a'_j·v_j + a_j·v'_j))] to
//! ∂D_j/∂p_l. The loops run over the offered vendors only (a monopoly solve costs one vendor's
//! work), off-diagonal and diagonal terms apart so that the inner loop has no branches.

use super::{DemandOracle, exp_or_zero};
use crate::equilibrium::{Foc, Owners};

impl DemandOracle {
    /// The first-order conditions at `prices` under `owners` (see the module documentation);
    /// None where buyers' reservation prices put mass points in demand.
    pub(super) fn first_order_conditions(
        &self,
        prices: &[f64],
        costs: &[f64],
        offered: &[bool],
        owners: &Owners,
    ) -> Option<Foc> {
        if !self.kinks.is_empty() {
            return None;
        }
        let v = self.quality.len();
        // Compact indices over the offered vendors.
        let idx: Vec<usize> = (0..v).filter(|&j| offered[j]).collect();
        let n = idx.len();
        let group: Vec<usize> = idx
            .iter()
            .map(|&j| idx.iter().position(|&k| owners.same(j, k)).unwrap_or(0))
            .collect();
        let same: Vec<f64> = (0..n * n)
            .map(|x| f64::from(u8::from(group[x / n] == group[x % n])))
            .collect();
        let margin: Vec<f64> = idx.iter().map(|&j| prices[j] - costs[j]).collect();
        let quality: Vec<f64> = idx.iter().map(|&j| self.quality[j]).collect();
        let price: Vec<f64> = idx.iter().map(|&j| prices[j]).collect();
        let (mut g, mut d) = (vec![0.0; n], vec![0.0; n]);
        let (mut jac, mut djac) = (vec![0.0; n * n], vec![0.0; n * n]);
        let mut scratch = [const { Vec::new() }; 10];
        for s in scratch.iter_mut() {
            s.resize(n, 0.0);
        }
        let [u, share, a, ap, e, ep, y, h, k, sums] = &mut scratch;
        for (segment, range) in &self.segments {
            let vd = self.volume[*segment];
            let scale = self.scale[*segment];
            let per =
                |f: &dyn Fn(f64) -> f64| -> Vec<f64> { price.iter().map(|&p| f(p)).collect() };
            let vol = per(&|p| scale * vd.factor(p));
            let vol1 = per(&|p| scale * vd.factor_slope(p));
            let vol2 = per(&|p| scale * vd.factor_curvature(p));
            let phi = per(&|p| vd.factor(p));
            let phi1 = per(&|p| vd.factor_slope(p));
            let charge = per(&|p| vd.price_integral(p));
            let outside = self.outside[*segment];
            for agent in &self.agents[range.clone()] {
                let alpha = agent.alpha;
                let u0 = if outside {
                    self.outside_utility(agent)
                } else {
                    f64::NEG_INFINITY
                };
                let mut mx = u0;
                for c in 0..n {
                    u[c] = if price[c] <= agent.reservation {
                        agent.theta * quality[c] - alpha * charge[c]
                    } else {
                        f64::NEG_INFINITY
                    };
                    mx = mx.max(u[c]);
                }
                if mx == f64::NEG_INFINITY {
                    continue;
                }
                let mut total = if outside { exp_or_zero(u0 - mx) } else { 0.0 };
                for c in 0..n {
                    share[c] = exp_or_zero(u[c] - mx);
                    total += share[c];
                }
                sums.fill(0.0);
                for c in 0..n {
                    share[c] /= total;
                    a[c] = alpha * phi[c];
                    ap[c] = alpha * phi1[c];
                    let m = margin[c];
                    e[c] = vol[c] + m * (vol1[c] - a[c] * vol[c]);
                    ep[c] = 2.0 * vol1[c] - a[c] * vol[c]
                        + m * (vol2[c] - ap[c] * vol[c] - a[c] * vol1[c]);
                    sums[group[c]] += m * vol[c] * share[c];
                }
                for c in 0..n {
                    y[c] = sums[group[c]];
                    h[c] = e[c] + a[c] * y[c];
                    k[c] = vol1[c] - a[c] * vol[c] * (1.0 - share[c]);
                }
                let w = agent.weight;
                for j in 0..n {
                    let pj = share[j];
                    if pj == 0.0 {
                        continue;
                    }
                    let wp = w * pj;
                    g[j] += wp * h[j];
                    d[j] += wp * k[j];
                    let (aj, yj) = (a[j], y[j]);
                    let hy = h[j] + aj * yj;
                    let sj = k[j] + pj * aj * vol[j];
                    let row = &mut jac[j * n..(j + 1) * n];
                    let srow = &mut djac[j * n..(j + 1) * n];
                    let owned = &same[j * n..(j + 1) * n];
                    let terms = share.iter().zip(a.iter()).zip(owned.iter().zip(e.iter()));
                    for ((r, s), ((pl, al), (o, el))) in
                        row.iter_mut().zip(srow.iter_mut()).zip(terms)
                    {
                        let wpl = wp * pl;
                        *r += wpl * (al * hy + aj * o * el);
                        *s += wpl * al * sj;
                    }
                    row[j] += wp * (ep[j] + ap[j] * yj - aj * h[j]);
                    srow[j] +=
                        wp * (vol2[j] - (1.0 - pj) * (ap[j] * vol[j] + aj * vol1[j]) - aj * sj);
                }
            }
        }
        let mut foc = Foc {
            residual: vec![0.0; v],
            jacobian: vec![0.0; v * v],
            own_slope: vec![0.0; v],
            own_slope_jacobian: vec![0.0; v * v],
        };
        for (r, &j) in idx.iter().enumerate() {
            foc.residual[j] = g[r];
            foc.own_slope[j] = d[r];
            for (c, &l) in idx.iter().enumerate() {
                foc.jacobian[j * v + l] = jac[r * n + c];
                foc.own_slope_jacobian[j * v + l] = djac[r * n + c];
            }
        }
        Some(foc)
    }

    /// Each vendor `which[j]`'s first-order condition as a monopolist (alone with the outside
    /// option), all from one pass over the agents: the terms of [`Self::first_order_conditions`]
    /// with one vendor offered, on the diagonal of the Jacobian.
    pub(super) fn monopoly_conditions(
        &self,
        prices: &[f64],
        costs: &[f64],
        which: &[bool],
    ) -> Option<Foc> {
        if !self.kinks.is_empty() {
            return None;
        }
        let v = self.quality.len();
        let idx: Vec<usize> = (0..v).filter(|&j| which[j]).collect();
        let mut foc = Foc {
            residual: vec![0.0; v],
            jacobian: vec![0.0; v * v],
            own_slope: vec![0.0; v],
            own_slope_jacobian: vec![0.0; v * v],
        };
        for (segment, range) in &self.segments {
            let vd = self.volume[*segment];
            let scale = self.scale[*segment];
            let outside = self.outside[*segment];
            for &j in &idx {
                let p = prices[j];
                let m = p - costs[j];
                let (vol, vol1, vol2) = (
                    scale * vd.factor(p),
                    scale * vd.factor_slope(p),
                    scale * vd.factor_curvature(p),
                );
                let (phi, phi1, charge) = (vd.factor(p), vd.factor_slope(p), vd.price_integral(p));
                let (mut g, mut d, mut jj, mut dd) = (0.0, 0.0, 0.0, 0.0);
                for agent in &self.agents[range.clone()] {
                    if p > agent.reservation {
                        continue;
                    }
                    let alpha = agent.alpha;
                    let u = agent.theta * self.quality[j] - alpha * charge;
                    let u0 = if outside {
                        self.outside_utility(agent)
                    } else {
                        f64::NEG_INFINITY
                    };
                    let mx = u.max(u0);
                    let own = exp_or_zero(u - mx);
                    let total = own + if outside { exp_or_zero(u0 - mx) } else { 0.0 };
                    let share = own / total;
                    if share == 0.0 {
                        continue;
                    }
                    let (a, ap) = (alpha * phi, alpha * phi1);
                    let e = vol + m * (vol1 - a * vol);
                    let ep = 2.0 * vol1 - a * vol + m * (vol2 - ap * vol - a * vol1);
                    let y = m * vol * share;
                    let h = e + a * y;
                    let k = vol1 - a * vol * (1.0 - share);
                    let wp = agent.weight * share;
                    g += wp * h;
                    d += wp * k;
                    let hy = h + a * y;
                    let sj = k + share * a * vol;
                    let wpl = wp * share;
                    jj += wpl * (a * hy + a * e);
                    dd += wpl * a * sj;
                    jj += wp * (ep + ap * y - a * h);
                    dd += wp * (vol2 - (1.0 - share) * (ap * vol + a * vol1) - a * sj);
                }
                foc.residual[j] += g;
                foc.own_slope[j] += d;
                foc.jacobian[j * v + j] += jj;
                foc.own_slope_jacobian[j * v + j] += dd;
            }
        }
        Some(foc)
    }
}

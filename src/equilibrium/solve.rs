//! Solvers: best responses, monopoly, Bertrand-Nash and joint-profit prices.
//!
//! Every price solves a first-order condition to machine precision (a maximum is flat, so
//! maximising profit directly would only pin prices to about 1e-8): first by Newton's method on
//! all of them at once with the demand model's analytic Jacobian ([`newton`]), and where that
//! does not apply or does not settle by the safeguarded search, best responses found by
//! bracketing and Brent's method, iterated to their fixed point.

use super::roots::{falling_root, near, near_scale};
use super::{DemandModel, OwnPriceCurve, Owners, newton};

/// The profit-maximising price against a curve at marginal cost `c` and optional capacity
/// (Mtok per round): the root of q + (p − c)·dq/dp, raised to where demand equals capacity if
/// the unconstrained optimum would sell more than the vendor can serve. None when profit rises
/// without bound.
pub fn best_response(curve: &impl OwnPriceCurve, c: f64, capacity: Option<f64>) -> Option<f64> {
    best_response_near(curve, c, capacity, None, None)
}

/// [`best_response`] searching first around `guess` (the last price, in iterations that move
/// little from sweep to sweep): the bracket starts at its distance from cost, and is narrowed to
/// `guess ± within` (how far the price moved in its last step) where the root lies there.
fn best_response_near(
    curve: &impl OwnPriceCurve,
    c: f64,
    capacity: Option<f64>,
    guess: Option<f64>,
    within: Option<f64>,
) -> Option<f64> {
    let scale = near_scale(c, guess);
    let near = near(guess, within);
    let mut p = falling_root(
        |p| {
            let o = curve.at(p);
            o.q + (p - c) * o.dq
        },
        c,
        scale,
        near,
    )?;
    // Where buyers' reservation prices cut demand off, profit jumps down just above them: the
    // first-order condition finds the cut-off from above (selling nothing), and the best price
    // may be a cut-off below the smooth optimum. Compare the profits of both.
    let profit = |x: f64| (x - c) * curve.at(x).q;
    let smooth = p;
    let mut best = None;
    for &k in curve.kinks().iter().filter(|&&k| k > c && k < smooth) {
        let best_profit = *best.get_or_insert_with(|| profit(smooth));
        let pk = profit(k);
        if pk > best_profit {
            (p, best) = (k, Some(pk));
        }
    }
    match capacity {
        Some(cap) if curve.at(p).q > cap => {
            falling_root(|x| curve.at(x).q - cap, p, scale.max(p), None)
        }
        _ => Some(p),
    }
}

/// The monopoly price of vendor `i`: its best response when it is the only vendor offered (the
/// outside option remains).
pub fn monopoly_price<M: DemandModel>(model: &M, i: usize, c: f64) -> Option<f64> {
    let v = model.vendors();
    let offered: Vec<bool> = (0..v).map(|k| k == i).collect();
    let mut costs = vec![0.0; v];
    costs[i] = c;
    let mut start = vec![0.0; v];
    start[i] = c * 1.5 + 1e-3;
    if let Some(s) = newton(
        model,
        &costs,
        &offered,
        &offered,
        &Owners::separate(v),
        &start,
    ) {
        return Some(s.prices[i]);
    }
    monopoly_price_by_search(model, i, c)
}

/// [`monopoly_price`] by the safeguarded search alone.
pub fn monopoly_price_by_search<M: DemandModel>(model: &M, i: usize, c: f64) -> Option<f64> {
    let v = model.vendors();
    let offered: Vec<bool> = (0..v).map(|k| k == i).collect();
    let costs = vec![0.0; v];
    let prices = vec![0.0; v];
    best_response(&model.curve(i, &prices, &costs, &offered), c, None)
}

/// A solved price vector.
#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    /// Prices by vendor (those not offered keep their start value).
    pub prices: Vec<f64>,
    /// Whether the iteration met its tolerance.
    pub converged: bool,
    /// Sweeps over the vendors.
    pub sweeps: usize,
}

fn converged(old: f64, new: f64) -> bool {
    (old - new).abs() <= 1e-14 * new.abs().max(1e-3)
}

/// Prices beyond this multiple of the largest cost (plus one) mean the iteration diverges: the
/// benchmark does not exist (for example joint profit without an outside option).
const DIVERGED: f64 = 1e9;

fn diverged(p: f64, costs: &[f64]) -> bool {
    !p.is_finite() || p > DIVERGED * (1.0 + costs.iter().fold(0.0f64, |m, c| m.max(c.abs())))
}

/// Sweeps over which the iteration must make progress.
const STALL: usize = 100;

/// Gauss-Seidel sweeps: each optimising vendor in turn moves to `update(i, prices, last)`, where
/// `last` is how far its price moved in the previous sweep (None in the first), until no
/// price moves (converged) or `max_sweeps` pass. None when an update fails, diverges or stalls.
fn gauss_seidel(
    costs: &[f64],
    offered: &[bool],
    optimise: &[bool],
    start: &[f64],
    max_sweeps: usize,
    mut update: impl FnMut(usize, &[f64], Option<f64>) -> Option<f64>,
) -> Option<Solution> {
    let mut p = start.to_vec();
    let mut last: Vec<Option<f64>> = vec![None; p.len()];
    // Largest price move of each sweep: a contraction's moves shrink geometrically.
    let mut moves: Vec<f64> = Vec::new();
    for sweep in 1..=max_sweeps {
        let mut done = true;
        let mut largest = 0.0f64;
        for i in (0..p.len()).filter(|&i| offered[i] && optimise[i]) {
            let next = update(i, &p, last[i])?;
            if diverged(next, costs) {
                return None;
            }
            done &= converged(p[i], next);
            largest = largest.max((next - p[i]).abs());
            last[i] = Some((next - p[i]).abs());
            p[i] = next;
        }
        moves.push(largest);
        // Moves that have not shrunk by 1% in STALL sweeps: prices drift without bound (a
        // benchmark that does not exist) or cycle (no pure-strategy equilibrium, as with tight
        // capacities). A contraction this slow could not converge within `max_sweeps` either.
        if !done && sweep >= 2 * STALL && largest >= 0.99 * moves[sweep - 1 - STALL] {
            return None;
        }
        if done {
            return Some(Solution {
                prices: p,
                converged: true,
                sweeps: sweep,
            });
        }
    }
    Some(Solution {
        prices: p,
        converged: false,
        sweeps: max_sweeps,
    })
}

/// Bertrand-Nash prices: the fixed point of best responses (Gauss-Seidel sweeps from `start`).
/// Only vendors with `optimise[j]` respond; the others keep their start price (open-weight hosts
/// at cost). `capacities` (Mtok per round, None = unlimited) enter the best responses. None when
/// some best response is unbounded.
pub fn nash_prices<M: DemandModel>(
    model: &M,
    costs: &[f64],
    offered: &[bool],
    optimise: &[bool],
    capacities: &[Option<f64>],
    start: &[f64],
) -> Option<Solution> {
    let owners = Owners::separate(costs.len());
    nash_prices_above(
        model,
        costs,
        offered,
        optimise,
        capacities,
        &[],
        &owners,
        start,
    )
}

/// The lowest price vendor `i` may post: its floor, or none (−inf) where `floors` has none.
fn floor_of(floors: &[f64], i: usize) -> f64 {
    floors.get(i).copied().unwrap_or(f64::NEG_INFINITY)
}

/// [`nash_prices`] with price floors (USD per Mtok, by vendor) and ownership: each best response
/// maximises the profit of the vendor's owner over all its products (`owners`; every vendor its
/// own owner for plain Bertrand-Nash), raised to the vendor's floor (profit is quasi-concave in
/// the own price).
///
/// Newton's method first; its solution stands where no floor and no capacity binds there,
/// otherwise the best-response iteration ([`nash_prices_by_search`]) decides.
#[allow(clippy::too_many_arguments)]
pub fn nash_prices_above<M: DemandModel>(
    model: &M,
    costs: &[f64],
    offered: &[bool],
    optimise: &[bool],
    capacities: &[Option<f64>],
    floors: &[f64],
    owners: &Owners,
    start: &[f64],
) -> Option<Solution> {
    if let Some(s) = newton(model, costs, offered, optimise, owners, start) {
        let q = model.quantities(&s.prices, offered);
        let free = |j: usize| offered[j] && optimise[j];
        let unconstrained = (0..costs.len()).filter(|&j| free(j)).all(|j| {
            s.prices[j] >= floor_of(floors, j) && capacities[j].is_none_or(|cap| q[j] <= cap)
        });
        if unconstrained {
            return Some(s);
        }
    }
    nash_prices_by_search(
        model, costs, offered, optimise, capacities, floors, owners, start,
    )
}

/// [`nash_prices_above`] by the safeguarded search alone: Gauss-Seidel sweeps of best responses
/// (each vendor's for its owner: [`owner_best_response`]).
#[allow(clippy::too_many_arguments)]
pub fn nash_prices_by_search<M: DemandModel>(
    model: &M,
    costs: &[f64],
    offered: &[bool],
    optimise: &[bool],
    capacities: &[Option<f64>],
    floors: &[f64],
    owners: &Owners,
    start: &[f64],
) -> Option<Solution> {
    gauss_seidel(costs, offered, optimise, start, 20_000, |i, p, last| {
        let at = Near {
            guess: Some(p[i]),
            within: last,
        };
        owner_best_response_near(model, i, p, costs, offered, owners, capacities[i], at)
            .map(|br| br.max(floor_of(floors, i)))
    })
}

/// Where a best response is searched for first: around `guess`, within `within` of it.
#[derive(Clone, Copy, Debug, Default)]
struct Near {
    guess: Option<f64>,
    within: Option<f64>,
}

/// The price of vendor `i` that maximises its owner's profit: the summed profit of `i` and of
/// every offered vendor with the same owner (its siblings: a firm's other models), every other
/// price held at `prices`, under capacity `capacity` (Mtok per round). The root of
/// q_i + (p − c_i)·∂q_i/∂p + Σ_siblings (p_k − c_k)·∂q_k/∂p, compared against buyers'
/// reservation prices by the owner's profit as [`best_response`] does. Without siblings it is
/// [`best_response`] to the vendor's own curve. None when profit rises without bound.
#[allow(clippy::too_many_arguments)]
pub fn owner_best_response<M: DemandModel>(
    model: &M,
    i: usize,
    prices: &[f64],
    costs: &[f64],
    offered: &[bool],
    owners: &Owners,
    capacity: Option<f64>,
) -> Option<f64> {
    owner_best_response_near(
        model,
        i,
        prices,
        costs,
        offered,
        owners,
        capacity,
        Near::default(),
    )
}

#[allow(clippy::too_many_arguments)]
fn owner_best_response_near<M: DemandModel>(
    model: &M,
    i: usize,
    prices: &[f64],
    costs: &[f64],
    offered: &[bool],
    owners: &Owners,
    capacity: Option<f64>,
    at: Near,
) -> Option<f64> {
    let c = costs[i];
    if !owners.has_siblings(i, offered) {
        let curve = model.curve(i, prices, costs, offered);
        return best_response_near(&curve, c, capacity, at.guess, at.within);
    }
    let sibling = |k: usize| k != i && offered[k] && owners.same(i, k);
    // The curve weighs rivals' margins p_k − c_k: a non-sibling's cost set to its price
    // weighs nothing, so only the siblings' margins count.
    let masked: Vec<f64> = (0..prices.len())
        .map(|k| if sibling(k) { costs[k] } else { prices[k] })
        .collect();
    let curve = model.curve(i, prices, &masked, offered);
    let scale = near_scale(c, at.guess);
    let mut p = falling_root(
        |x| {
            let o = curve.at(x);
            o.q + (x - c) * o.dq + o.rivals_margin_slope
        },
        c,
        scale,
        near(at.guess, at.within),
    )?;
    let kinks: Vec<f64> = curve
        .kinks()
        .iter()
        .copied()
        .filter(|&k| k > c && k < p)
        .collect();
    if !kinks.is_empty() {
        let mut trial = prices.to_vec();
        let mut owner_profit = |x: f64| {
            trial[i] = x;
            let q = model.quantities(&trial, offered);
            (0..q.len())
                .filter(|&k| k == i || sibling(k))
                .map(|k| (trial[k] - costs[k]) * q[k])
                .sum::<f64>()
        };
        let mut best = owner_profit(p);
        for k in kinks {
            let v = owner_profit(k);
            if v > best {
                (p, best) = (k, v);
            }
        }
    }
    match capacity {
        Some(cap) if curve.at(p).q > cap => {
            falling_root(|x| curve.at(x).q - cap, p, scale.max(p), None)
        }
        _ => Some(p),
    }
}

/// Joint-profit prices: those that maximise the sum of all offered vendors' profits, by
/// coordinate ascent on the first-order conditions ∂Π/∂p_i = 0, over the vendors with
/// `optimise[j]` (the others keep their start price). Capacities are ignored.
pub fn joint_prices<M: DemandModel>(
    model: &M,
    costs: &[f64],
    offered: &[bool],
    optimise: &[bool],
    start: &[f64],
) -> Option<Solution> {
    joint_prices_above(model, costs, offered, optimise, &[], start)
}

/// [`joint_prices`] with price floors (USD per Mtok, by vendor): each coordinate's optimum is
/// raised to the vendor's floor.
pub fn joint_prices_above<M: DemandModel>(
    model: &M,
    costs: &[f64],
    offered: &[bool],
    optimise: &[bool],
    floors: &[f64],
    start: &[f64],
) -> Option<Solution> {
    // Unbounded when raising every optimised price together keeps raising joint profit (no
    // outside option and no volume response, or inelastic volume): there is no optimum.
    let big = 1e6 * (1.0 + costs.iter().fold(0.0f64, |m, c| m.max(c.abs())));
    let joint_at = |k: f64| -> f64 {
        let prices: Vec<f64> = (0..costs.len())
            .map(|j| if optimise[j] { costs[j] + k } else { start[j] })
            .collect();
        model
            .quantities(&prices, offered)
            .iter()
            .enumerate()
            .map(|(j, q)| (prices[j] - costs[j]) * q)
            .sum()
    };
    if joint_at(big) >= joint_at(big / 10.0) && joint_at(big) > 0.0 {
        return None;
    }
    let owners = Owners::joint(costs.len());
    if let Some(s) = newton(model, costs, offered, optimise, &owners, start)
        && (0..costs.len())
            .filter(|&j| offered[j] && optimise[j])
            .all(|j| s.prices[j] >= floor_of(floors, j))
    {
        return Some(s);
    }
    joint_prices_by_search(model, costs, offered, optimise, floors, start)
}

/// [`joint_prices_above`] by the safeguarded search alone: coordinate ascent, each coordinate's
/// first-order condition solved by Brent's method.
pub fn joint_prices_by_search<M: DemandModel>(
    model: &M,
    costs: &[f64],
    offered: &[bool],
    optimise: &[bool],
    floors: &[f64],
    start: &[f64],
) -> Option<Solution> {
    let start: Vec<f64> = start
        .iter()
        .enumerate()
        .map(|(i, &p)| if optimise[i] { p.max(costs[i]) } else { p })
        .collect();
    gauss_seidel(costs, offered, optimise, &start, 5_000, |i, p, last| {
        let curve = model.curve(i, p, costs, offered);
        let c = costs[i];
        let smooth = falling_root(
            |x| {
                let o = curve.at(x);
                o.q + (x - c) * o.dq + o.rivals_margin_slope
            },
            c,
            near_scale(c, Some(p[i])),
            near(Some(p[i]), last),
        )?;
        // As in `best_response`: a reservation price below the smooth optimum may do better.
        let kinks: Vec<f64> = curve
            .kinks()
            .iter()
            .copied()
            .filter(|&k| k > c && k < smooth)
            .collect();
        let floor = floor_of(floors, i);
        if kinks.is_empty() {
            return Some(smooth.max(floor));
        }
        let mut prices = p.to_vec();
        let mut joint = |x: f64| {
            prices[i] = x;
            model
                .quantities(&prices, offered)
                .iter()
                .enumerate()
                .map(|(j, q)| (prices[j] - costs[j]) * q)
                .sum::<f64>()
        };
        let (mut best, mut best_joint) = (smooth, joint(smooth));
        for k in kinks {
            let v = joint(k);
            // On a tie (buyers merely move to a rival) the price at which this vendor sells.
            if v >= best_joint - 1e-12 * best_joint.abs() {
                (best, best_joint) = (k, v);
            }
        }
        Some(best.max(floor))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::equilibrium::LinearSystem;

    /// q_i = A − B p_i + D p_j, cost c: Nash p = (A + B c)/(2B − D); joint p = (A + (B − D) c)/(2(B − D));
    /// a monopolist alone: (A + B c)/(2B).
    #[test]
    fn linear_duopoly_closed_forms() {
        let (a, b, d, c) = (100.0, 2.0, 1.0, 10.0);
        let m = LinearSystem {
            vendors: 2,
            intercept: a,
            own_slope: b,
            cross_slope: d,
        };
        let costs = [c, c];
        let offered = [true, true];
        let nash = nash_prices(&m, &costs, &offered, &offered, &[None, None], &[c, c]).unwrap();
        assert!(nash.converged);
        let pn = (a + b * c) / (2.0 * b - d);
        for p in &nash.prices {
            assert!((p - pn).abs() < 1e-9 * pn, "{p} vs {pn}");
        }
        let joint = joint_prices(&m, &costs, &offered, &offered, &[c, c]).unwrap();
        let pj = (a + (b - d) * c) / (2.0 * (b - d));
        for p in &joint.prices {
            assert!((p - pj).abs() < 1e-9 * pj, "{p} vs {pj}");
        }
        let pm = monopoly_price(&m, 0, c).unwrap();
        assert!((pm - (a + b * c) / (2.0 * b)).abs() < 1e-9);
    }

    #[test]
    fn capacity_raises_the_best_response_to_the_price_that_sells_out() {
        // Monopoly on q = 100 − 2p, c = 10: unconstrained 30 sells 40; capacity 20 → p = 40.
        let m = LinearSystem {
            vendors: 1,
            intercept: 100.0,
            own_slope: 2.0,
            cross_slope: 0.0,
        };
        let curve = m.curve(0, &[0.0], &[10.0], &[true]);
        assert!((best_response(&curve, 10.0, None).unwrap() - 30.0).abs() < 1e-9);
        assert!((best_response(&curve, 10.0, Some(20.0)).unwrap() - 40.0).abs() < 1e-9);
        assert!((best_response(&curve, 10.0, Some(50.0)).unwrap() - 30.0).abs() < 1e-9);
    }
}

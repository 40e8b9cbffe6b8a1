//! Solvers: best responses, monopoly, Bertrand-Nash and joint-profit prices.
//!
//! Every price solves a first-order condition by bracketing and bisection to machine precision
//! (a maximum is flat, so maximising profit directly would only pin prices to about 1e-8).

use super::{DemandModel, OwnPriceCurve};

/// Where a root is expected: near `at`, within about `within` of it (the last price of an
/// iteration and how far that price moved in its last step).
#[derive(Clone, Copy, Debug)]
struct Near {
    at: f64,
    within: f64,
}

/// The root of `f` on [lo, ∞) where f turns from positive to negative (the first such root on a
/// doubling grid lo + scale·2^k), or `lo` when f(lo) <= 0. None when f stays positive (profit
/// rises without bound: demand inelastic everywhere).
///
/// With `near`, the sign change is first looked for at `near.at ± near.within`: an iteration
/// whose steps shrink then costs a few evaluations per root instead of a search from `lo` (the
/// root found is then the one the iteration has been following).
fn falling_root(f: impl Fn(f64) -> f64, lo: f64, scale: f64, near: Option<Near>) -> Option<f64> {
    if let Some(Near { at: g, within: d }) = near
        && g - d > lo
        && d > 0.0
    {
        let fg = f(g);
        let x = if fg > 0.0 { g + d } else { g - d };
        let fx = f(x);
        if fg > 0.0 && fx <= 0.0 {
            return Some(brent(&f, g, fg, x, fx));
        }
        if fg <= 0.0 && fx > 0.0 {
            return Some(brent(&f, x, fx, g, fg));
        }
    }
    let f_lo = f(lo);
    if f_lo.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return Some(lo);
    }
    let mut step = scale.max(1e-9);
    let (mut a, mut fa) = (lo, f_lo);
    let mut b = lo + step;
    let mut fb = f(b);
    let mut doublings = 0;
    while fb > 0.0 {
        (a, fa) = (b, fb);
        step *= 2.0;
        b = lo + step;
        doublings += 1;
        if doublings > 90 || !b.is_finite() {
            return None;
        }
        fb = f(b);
    }
    Some(brent(&f, a, fa, b, fb))
}

/// Brent's method on a bracket with f(a) = fa > 0 >= f(b) = fb: inverse quadratic interpolation
/// and secant steps, falling back to bisection; converges to machine precision in a few tens of
/// calls, fewer the narrower the bracket.
fn brent(f: &impl Fn(f64) -> f64, a0: f64, fa0: f64, b0: f64, fb0: f64) -> f64 {
    let (mut a, mut b) = (a0, b0);
    let (mut fa, mut fb) = (fa0, fb0);
    if fb == 0.0 {
        // f may be flat at zero beyond the root (no sales): shrink towards the last positive.
        for _ in 0..200 {
            let mid = 0.5 * (a + b);
            if mid <= a || mid >= b {
                break;
            }
            let fm = f(mid);
            if fm > 0.0 {
                a = mid;
                fa = fm;
            } else if fm < 0.0 {
                b = mid;
                fb = fm;
                break;
            } else {
                b = mid;
            }
        }
        if fb == 0.0 {
            return b;
        }
    }
    let (mut c, mut fc) = (a, fa);
    let (mut d, mut e) = (b - a, b - a);
    for _ in 0..200 {
        if fb.signum() == fc.signum() {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol = 2.0 * f64::EPSILON * b.abs() + 1e-300;
        let m = 0.5 * (c - b);
        if m.abs() <= tol || fb == 0.0 {
            return b;
        }
        if e.abs() >= tol && fa.abs() > fb.abs() {
            let s = fb / fa;
            let (mut p, mut q);
            if a == c {
                p = 2.0 * m * s;
                q = 1.0 - s;
            } else {
                let qq = fa / fc;
                let r = fb / fc;
                p = s * (2.0 * m * qq * (qq - r) - (b - a) * (r - 1.0));
                q = (qq - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if 2.0 * p < (3.0 * m * q - (tol * q).abs()).min((e * q).abs()) {
                e = d;
                d = p / q;
            } else {
                d = m;
                e = m;
            }
        } else {
            d = m;
            e = m;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol { d } else { tol * m.signum() };
        fb = f(b);
    }
    b
}

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

/// The expected location of a root, where the iteration has one.
fn near(guess: Option<f64>, within: Option<f64>) -> Option<Near> {
    match (guess, within) {
        (Some(at), Some(w)) if at.is_finite() && w.is_finite() => Some(Near {
            at,
            // The next step of a contraction is shorter than the last; the floor keeps a
            // bracket around a price that has stopped moving.
            within: (2.0 * w).max(8.0 * f64::EPSILON * at.abs()),
        }),
        _ => None,
    }
}

/// The first bracketing step of a root search from `lo`: the distance to a guess of the root, or
/// the scale of `lo` itself.
fn near_scale(lo: f64, guess: Option<f64>) -> f64 {
    match guess {
        Some(g) if g > lo => g - lo,
        _ => lo.abs().max(1e-3),
    }
}

/// The monopoly price of vendor `i`: its best response when it is the only vendor offered (the
/// outside option remains).
pub fn monopoly_price<M: DemandModel>(model: &M, i: usize, c: f64) -> Option<f64> {
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
    nash_prices_above(model, costs, offered, optimise, capacities, &[], start)
}

/// The lowest price vendor `i` may post: its floor, or none (−inf) where `floors` has none.
fn floor_of(floors: &[f64], i: usize) -> f64 {
    floors.get(i).copied().unwrap_or(f64::NEG_INFINITY)
}

/// [`nash_prices`] with price floors (USD per Mtok, by vendor): each best response is the
/// unconstrained one raised to the vendor's floor (profit is quasi-concave in the own price).
pub fn nash_prices_above<M: DemandModel>(
    model: &M,
    costs: &[f64],
    offered: &[bool],
    optimise: &[bool],
    capacities: &[Option<f64>],
    floors: &[f64],
    start: &[f64],
) -> Option<Solution> {
    gauss_seidel(costs, offered, optimise, start, 20_000, |i, p, last| {
        best_response_near(
            &model.curve(i, p, costs, offered),
            costs[i],
            capacities[i],
            Some(p[i]),
            last,
        )
        .map(|br| br.max(floor_of(floors, i)))
    })
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

/// Maximises a function that rises then falls on [lo, ∞) by golden-section search (for
/// objectives without derivatives). Returns the argmax.
pub fn maximise_unimodal(f: impl Fn(f64) -> f64, lo: f64, first_step: f64, tol: f64) -> f64 {
    let step0 = first_step.max(1e-12);
    let (mut a, mut b, mut c) = (lo, lo + step0, lo + 2.0 * step0);
    let (mut fb, mut fc) = (f(b), f(c));
    let mut step = step0;
    let mut guard = 0;
    while fc > fb && guard < 200 {
        a = b;
        b = c;
        fb = fc;
        step *= 2.0;
        c = b + step;
        fc = f(c);
        guard += 1;
    }
    if f(lo) >= fb {
        c = b;
        a = lo;
    }
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let (mut x1, mut x2) = (c - g * (c - a), a + g * (c - a));
    let (mut f1, mut f2) = (f(x1), f(x2));
    for _ in 0..400 {
        if (c - a) <= tol * (a.abs() + c.abs()).max(1e-12) {
            break;
        }
        if f1 < f2 {
            a = x1;
            x1 = x2;
            f1 = f2;
            x2 = a + g * (c - a);
            f2 = f(x2);
        } else {
            c = x2;
            x2 = x1;
            f2 = f1;
            x1 = c - g * (c - a);
            f1 = f(x1);
        }
    }
    0.5 * (a + c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::equilibrium::LinearSystem;

    /// f(p) = 3 − p·p/4 falls through zero at p = 2·√3.
    #[test]
    fn a_root_found_near_a_guess_is_the_root_found_from_cost_in_fewer_evaluations() {
        let calls = std::cell::Cell::new(0);
        let f = |p: f64| {
            calls.set(calls.get() + 1);
            3.0 - p * p / 4.0
        };
        let root = 2.0 * 3f64.sqrt();
        let far = falling_root(f, 0.5, 1.0, None).unwrap();
        let from_cost = calls.replace(0);
        assert!((far - root).abs() <= 4.0 * f64::EPSILON * root, "{far}");
        let guess = Near {
            at: root + 1e-4,
            within: 2e-4,
        };
        let close = falling_root(f, 0.5, 1.0, Some(guess)).unwrap();
        let from_guess = calls.replace(0);
        assert!((close - root).abs() <= 4.0 * f64::EPSILON * root, "{close}");
        assert!(from_guess < from_cost, "{from_guess} vs {from_cost}");
        // A guess on the wrong side, or too tight to hold the root, falls back to the search from
        // cost and finds the same root.
        for wrong in [
            Near {
                at: root + 1.0,
                within: 0.1,
            },
            Near {
                at: root - 0.5,
                within: 1e-6,
            },
        ] {
            let x = falling_root(f, 0.5, 1.0, Some(wrong)).unwrap();
            assert!((x - root).abs() <= 4.0 * f64::EPSILON * root, "{x}");
        }
        // Below cost: the answer is cost itself, near guess or not.
        let g = |p: f64| -p;
        assert_eq!(falling_root(g, 1.0, 1.0, None), Some(1.0));
        assert_eq!(
            falling_root(
                g,
                1.0,
                1.0,
                Some(Near {
                    at: 2.0,
                    within: 0.5
                })
            ),
            Some(1.0)
        );
        // Rising without bound: none.
        assert_eq!(falling_root(|p: f64| p, 1.0, 1.0, None), None);
    }

    #[test]
    fn golden_section_finds_a_parabola_peak() {
        let x = maximise_unimodal(|p| -(p - 105.0) * (p - 105.0), 10.0, 2.5, 1e-14);
        assert!((x - 105.0).abs() < 1e-6, "{x}");
    }

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

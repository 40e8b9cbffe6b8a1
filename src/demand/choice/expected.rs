//! `expected` mode: each agent splits its volume by the logit probabilities.

use super::{
    BuyerRows, NONE, OUTSIDE, OfferBook, Scratch, SegmentOffer, outside_utility, weight_of,
};
use crate::numerics::{exp_fast, ln_fast};

/// Expected mode: each agent's volume is split over options; with inertia or switching costs the
/// split evolves exactly as the expectation of the sampled process:
/// x'_j = (1 − r_j)·x_j + w_j·(S + r_j·x_j·(K − 1)/D_j), S = Σ_k x_k·r_k/D_k + unassigned/W,
/// with w the logit weights, W their sum, K = exp(switching cost), D_k = W + w_k·(K − 1) and
/// r_k the review probability (1 for an option that is no longer available).
// Indices address the weights, the split and the offers in step.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
pub(super) fn expected_block(
    rows: BuyerRows,
    cur: &mut [u32],
    alloc: &mut [f64],
    book: &OfferBook,
    seg: &SegmentOffer,
    t: &mut [f64],
    s: &mut Scratch,
) {
    let n = book.price.len();
    let v = book.n_vendors;
    let stride = v + 1;
    let w = &mut s.weights[..n + 1];
    let big_k = 1.0 / seg.penalty; // exp(switching cost)
    let r = seg.review;
    let at = book.layout();
    for i in 0..rows.len() {
        let (alpha, theta, res, base) = (
            rows.alpha[i],
            rows.theta[i],
            rows.reservation[i],
            rows.base[i],
        );
        let x = &mut alloc[i * stride..(i + 1) * stride];
        // Utilities (w[0..n] vendors, w[n] outside) and their max.
        let u0 = if seg.outside {
            outside_utility(book, theta, alpha)
        } else {
            f64::NEG_INFINITY
        };
        let mut mx = u0;
        for k in 0..n {
            let p = book.price[k];
            let u = if seg.reservation && p > res {
                f64::NEG_INFINITY
            } else {
                theta * book.quality[k] - alpha * p
            };
            w[k] = u;
            mx = mx.max(u);
        }
        w[n] = u0;
        let mut total = 0.0;
        if mx > f64::NEG_INFINITY {
            for wk in w[..=n].iter_mut() {
                *wk = if *wk == f64::NEG_INFINITY {
                    0.0
                } else {
                    exp_fast(*wk - mx)
                };
                total += *wk;
            }
        } else {
            w[..=n].fill(0.0);
        }
        let prev_assigned: f64 = x.iter().sum();
        let mut moved = 0.0;
        if total > 0.0 {
            // S over the options the agent held mass on.
            let d = |wk: f64| total + wk * (big_k - 1.0);
            let mut s_sum = (1.0 - prev_assigned).max(0.0) / total;
            for (j, &xj) in x.iter().enumerate() {
                if xj > 0.0 {
                    let wk = weight_of(j, v, w, book);
                    let rk = if wk > 0.0 { r } else { 1.0 };
                    s_sum += xj * rk / d(wk);
                }
            }
            // New split (each option's update reads only its own old share and S).
            let mut best = (NONE, -1.0);
            for j in 0..stride {
                let wj = weight_of(j, v, &w[..=n], book);
                let xj = x[j];
                let xn = if wj > 0.0 {
                    (1.0 - r) * xj + wj * (s_sum + r * xj * (big_k - 1.0) / d(wj))
                } else {
                    0.0
                };
                moved += (xn - xj).abs();
                if xn > best.1 {
                    best = (if j == v { OUTSIDE } else { j as u32 }, xn);
                }
                x[j] = xn;
            }
            // A newly placed agent's first split is not a switch.
            moved = 0.5 * (moved - (1.0 - prev_assigned).max(0.0));
            cur[i] = best.0;
        } else {
            // Nothing available: the agent buys nothing.
            for xj in x.iter_mut() {
                moved += *xj;
                *xj = 0.0;
            }
            moved *= 0.5;
            cur[i] = NONE;
        }
        // Tally.
        let mut bought = 0.0;
        let mut surplus = 0.0;
        for k in 0..n {
            let j = book.vendor[k] as usize;
            t[j] += x[j] * base * seg.volume[k];
            t[stride + j] += x[j];
            bought += x[j];
            surplus += x[j] * seg.surplus[k];
        }
        t[stride + v] += 1.0 - bought;
        if seg.outside {
            if total > 0.0 {
                t[at.consumer_surplus()] += base * (mx + ln_fast(total)) / alpha;
            }
        } else {
            t[at.consumer_surplus()] += base * surplus;
        }
        t[at.switches()] += moved.max(0.0);
        t[at.agents()] += 1.0;
    }
}

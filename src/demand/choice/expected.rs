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
            outside_utility(book, seg, theta, alpha)
        } else {
            f64::NEG_INFINITY
        };
        let mut mx = u0;
        for k in 0..n {
            let p = seg.price[k];
            // The utility charges α·F(p) (F(p) = p for fixed volume): demand is integrable.
            let u = if seg.reservation && p > res {
                f64::NEG_INFINITY
            } else {
                theta * book.quality[k] - alpha * seg.charge[k]
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
        let utility = if total > 0.0 {
            expected_utility(x, w, total, mx, prev_assigned, seg, v, book)
        } else {
            f64::NAN
        };
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
        for k in 0..n {
            let j = book.vendor[k] as usize;
            t[j] += x[j] * base * seg.volume[k];
            t[stride + j] += x[j];
            bought += x[j];
        }
        t[stride + v] += 1.0 - bought;
        if !utility.is_nan() {
            t[at.consumer_surplus()] +=
                base * utility / alpha * seg.scale + base * seg.surplus_at_zero;
        }
        t[at.switches()] += moved.max(0.0);
        t[at.agents()] += 1.0;
    }
}

/// The agent's expected utility this round, in logit units (its surplus is base/α times it):
/// for the mass on option j, r·(log-sum over utilities penalised for leaving j) + (1 − r)·u_j
/// (an option no longer available is left for sure, every option then penalised); for mass not
/// yet placed, the penalty-free log-sum. Its derivative in each price is minus the mass the
/// split update puts there times α·factor(p) (Roy's identity). `w` are the weights normalised
/// by exp(mx), `total` their sum.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn expected_utility(
    x: &[f64],
    w: &[f64],
    total: f64,
    mx: f64,
    assigned: f64,
    seg: &SegmentOffer,
    v: usize,
    book: &OfferBook,
) -> f64 {
    let free = mx + ln_fast(total);
    let r = seg.review;
    if seg.penalty == 1.0 && r == 1.0 {
        return free;
    }
    let mut u = (1.0 - assigned).max(0.0) * free;
    for (j, &xj) in x.iter().enumerate() {
        if xj <= 0.0 {
            continue;
        }
        let wj = weight_of(j, v, w, book);
        // Penalised total for an agent on j: w_j + penalty·(W − w_j).
        let penalised = mx + ln_fast(seg.penalty * total + (1.0 - seg.penalty) * wj);
        u += xj
            * if wj > 0.0 {
                r * penalised + (1.0 - r) * (mx + ln_fast(wj))
            } else {
                penalised
            };
    }
    u
}

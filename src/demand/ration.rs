//! Rationing: demand above a vendor's capacity is cut back, and the buyers cut off fall back to
//! their next choice.
//!
//! Rationing is proportional: when vendor j's demand D_j exceeds its capacity K_j, each of its
//! buyers is served the fraction k_j = K_j/D_j of what it wanted, so j serves exactly K_j. The
//! unserved part of each buyer's volume goes to its next choice among the options still open
//! (vendors with spare capacity and the outside option): in `expected` mode split by the logit
//! probabilities over those options, in `sample` mode to one option drawn from them. Fallback
//! demand can fill another vendor, which is then rationed the same way; this repeats until no
//! vendor is over capacity (at most once per vendor). Every buyer's fallback is recomputed from
//! its first choice and the list of rationing steps, so the result does not depend on threads.

use super::choice::{
    BuyerRows, CHUNK, ChoiceMode, NONE, NOT_OFFERED, OUTSIDE, OfferBook, SegmentOffer,
    outside_utility,
};
use crate::numerics::{exp_fast, ln_fast};
use crate::rng::uniform_at;
use rayon::prelude::*;

/// Vendors that filled up at one step, with the fraction of their demand each serves.
#[derive(Clone, Debug, Default)]
pub struct RationStep {
    /// (vendor index, served fraction k in [0, 1)).
    pub full: Vec<(u32, f64)>,
}

/// Recomputes every segment's quantity and mass per option after the rationing `steps`.
/// Writes, per segment, qty[0..=V], mass[0..=V] and the change in consumer surplus (USD per
/// represented customer) that rationing causes (2·(V+1) + 1 values) into `out`.
///
/// Rationed mass is valued at the options it falls back to: a buyer that preferred a vendor now
/// full expects, from the open options O, the logit expectation of their best conditional on the
/// full ones C having been preferred, E[max_O | C preferred] = (L_O − P_O·L)/P_C, so each unit of
/// mass moved loses ln(1/P_O)/P_C of utility (P_O, P_C: the open and full options' logit
/// probabilities; exact for one rationing step, the same formula is applied at each step).
#[allow(clippy::too_many_arguments)]
pub fn ration_all(
    rows: BuyerRows,
    choice: &[u32],
    alloc: &[f64],
    book: &OfferBook,
    steps: &[RationStep],
    key: u64,
    partials: &mut Vec<f64>,
    out: &mut [f64],
    parallel: bool,
) {
    let stride = book.n_vendors + 1;
    let per_seg = 2 * stride + 1;
    let tl = per_seg * book.segments.len();
    assert_eq!(out.len(), tl);
    let n_rows = rows.len();
    let nchunks = n_rows.div_ceil(CHUNK);
    partials.clear();
    partials.resize(nchunks * tl, 0.0);
    let work = |c: usize, part: &mut [f64]| {
        let lo = c * CHUNK;
        let hi = (lo + CHUNK).min(n_rows);
        let mut x = vec![0.0; stride];
        let mut w = vec![0.0; stride];
        let mut closed = vec![false; stride - 1];
        for i in lo..hi {
            let seg = rows.segment[i] as usize;
            let so = &book.segments[seg];
            x.fill(0.0);
            match so.mode {
                ChoiceMode::Sample => match choice[i] {
                    OUTSIDE | NONE => {}
                    j => x[j as usize] = 1.0,
                },
                ChoiceMode::Expected => {
                    x[..stride - 1].copy_from_slice(&alloc[i * stride..i * stride + stride - 1]);
                }
            }
            closed.fill(false);
            let mut surplus_change = 0.0;
            for (t, step) in steps.iter().enumerate() {
                let mut moved = 0.0;
                for &(j, k) in &step.full {
                    let j = j as usize;
                    moved += x[j] * (1.0 - k);
                    x[j] *= k;
                    closed[j] = true;
                }
                if moved <= 0.0 {
                    continue;
                }
                surplus_change += moved * fallback_loss(&rows, i, book, so, &closed);
                let total = fallback_weights(&rows, i, book, so, &closed, &mut w);
                if total <= 0.0 {
                    continue; // nothing left to buy from: the volume is lost
                }
                match so.mode {
                    ChoiceMode::Expected => {
                        for o in 0..stride - 1 {
                            x[o] += moved * w[o] / total;
                        }
                    }
                    ChoiceMode::Sample => {
                        let u = uniform_at(key, (rows.id[i] as u64) << 6 | t as u64) * total;
                        let mut acc = 0.0;
                        // The last option with weight takes the draw if rounding leaves it over.
                        let mut pick = usize::MAX;
                        for (o, &wo) in w.iter().enumerate() {
                            if wo > 0.0 {
                                pick = o;
                                acc += wo;
                                if u < acc {
                                    break;
                                }
                            }
                        }
                        if pick < stride - 1 {
                            x[pick] += moved;
                        }
                    }
                }
            }
            let t = &mut part[seg * per_seg..(seg + 1) * per_seg];
            let base = rows.base[i];
            let mut bought = 0.0;
            for j in 0..stride - 1 {
                if x[j] > 0.0 {
                    let pos = book.position[j];
                    if pos != NOT_OFFERED {
                        t[j] += x[j] * base * so.volume[pos as usize];
                    }
                    t[stride + j] += x[j];
                    bought += x[j];
                }
            }
            t[stride + stride - 1] += 1.0 - bought;
            t[2 * stride] += surplus_change;
        }
    };
    if parallel {
        partials
            .par_chunks_mut(tl.max(1))
            .enumerate()
            .for_each(|(c, part)| work(c, part));
    } else {
        for (c, part) in partials.chunks_mut(tl.max(1)).enumerate() {
            work(c, part);
        }
    }
    out.fill(0.0);
    for part in partials.chunks_exact(tl.max(1)) {
        for (o, p) in out.iter_mut().zip(part) {
            *o += p;
        }
    }
}

/// Logit utilities (by vendor index, outside last; −inf where not available, or closed when
/// `closed` is given) of agent `i`, and their largest.
fn utilities(
    rows: &BuyerRows,
    i: usize,
    book: &OfferBook,
    so: &SegmentOffer,
    closed: Option<&[bool]>,
    w: &mut [f64],
) -> f64 {
    let (alpha, theta, res) = (rows.alpha[i], rows.theta[i], rows.reservation[i]);
    let v = w.len() - 1;
    w.fill(f64::NEG_INFINITY);
    let mut mx = f64::NEG_INFINITY;
    for (k, &j) in book.vendor.iter().enumerate() {
        let p = book.price[k];
        if closed.is_some_and(|c| c[j as usize]) || (so.reservation && p > res) {
            continue;
        }
        let u = theta * book.quality[k] - alpha * so.charge[k];
        w[j as usize] = u;
        mx = mx.max(u);
    }
    if so.outside {
        let u0 = outside_utility(book, so, theta, alpha);
        w[v] = u0;
        mx = mx.max(u0);
    }
    mx
}

/// Logit weights (by vendor index, outside last) of the options still open to agent `i`;
/// returns their sum.
fn fallback_weights(
    rows: &BuyerRows,
    i: usize,
    book: &OfferBook,
    so: &SegmentOffer,
    closed: &[bool],
    w: &mut [f64],
) -> f64 {
    let mx = utilities(rows, i, book, so, Some(closed), w);
    if mx == f64::NEG_INFINITY {
        w.fill(0.0);
        return 0.0;
    }
    let mut total = 0.0;
    for x in w.iter_mut() {
        *x = if *x == f64::NEG_INFINITY {
            0.0
        } else {
            exp_fast(*x - mx)
        };
        total += *x;
    }
    total
}

/// Consumer surplus (USD per represented customer) that a unit of agent `i`'s mass moved off the
/// `closed` vendors loses: base·scale/α · ln(P_O)/P_C (negative), or all of its surplus when
/// nothing is left open.
fn fallback_loss(
    rows: &BuyerRows,
    i: usize,
    book: &OfferBook,
    so: &SegmentOffer,
    closed: &[bool],
) -> f64 {
    let stride = book.n_vendors + 1;
    let mut u = vec![0.0; stride];
    let mx = utilities(rows, i, book, so, None, &mut u);
    if mx == f64::NEG_INFINITY {
        return 0.0;
    }
    let (mut all, mut open) = (0.0, 0.0);
    for (j, &uj) in u.iter().enumerate() {
        if uj > f64::NEG_INFINITY {
            let e = exp_fast(uj - mx);
            all += e;
            if j == stride - 1 || !closed[j] {
                open += e;
            }
        }
    }
    let scale = rows.base[i] * so.scale / rows.alpha[i];
    if open <= 0.0 {
        // Nothing open: the mass buys nothing and keeps no surplus.
        return -(scale * (mx + ln_fast(all)) + rows.base[i] * so.surplus_at_zero);
    }
    let p_open = open / all;
    let p_closed = 1.0 - p_open;
    if p_closed <= 0.0 {
        return 0.0;
    }
    scale * ln_fast(p_open) / p_closed
}

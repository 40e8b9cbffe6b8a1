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

use super::choice::{BuyerRows, CHUNK, ChoiceMode, NONE, NOT_OFFERED, OUTSIDE, OfferBook};
use crate::numerics::exp_fast;
use crate::rng::uniform_at;
use rayon::prelude::*;

/// Vendors that filled up at one step, with the fraction of their demand each serves.
#[derive(Clone, Debug, Default)]
pub struct RationStep {
    /// (vendor index, served fraction k in [0, 1)).
    pub full: Vec<(u32, f64)>,
}

/// Recomputes every segment's quantity and mass per option after the rationing `steps`.
/// Writes, per segment, qty[0..=V] then mass[0..=V] (2·(V+1) values) into `out`.
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
    let per_seg = 2 * stride;
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
                let total =
                    fallback_weights(&rows, i, book, so.outside, so.reservation, &closed, &mut w);
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

/// Logit weights (by vendor index, outside last) of the options still open to agent `i`;
/// returns their sum.
fn fallback_weights(
    rows: &BuyerRows,
    i: usize,
    book: &OfferBook,
    outside: bool,
    reservation: bool,
    closed: &[bool],
    w: &mut [f64],
) -> f64 {
    let (alpha, theta, res) = (rows.alpha[i], rows.theta[i], rows.reservation[i]);
    let v = w.len() - 1;
    w.fill(f64::NEG_INFINITY);
    let mut mx = f64::NEG_INFINITY;
    for (k, &j) in book.vendor.iter().enumerate() {
        let p = book.price[k];
        if closed[j as usize] || (reservation && p > res) {
            continue;
        }
        let u = theta * book.quality[k] - alpha * p;
        w[j as usize] = u;
        mx = mx.max(u);
    }
    if outside {
        let u0 = book
            .self_host
            .iter()
            .fold(0.0f64, |u, &(q, p)| u.max(theta * q - alpha * p));
        w[v] = u0;
        mx = mx.max(u0);
    }
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

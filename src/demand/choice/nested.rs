//! Nested logit choice (see [`crate::demand::nest`]), in both modes: the same process as the
//! plain-logit kernels (review with probability r, every option but the current one penalised
//! by the switching cost, one uniform per agent in `sample` mode, the split update in
//! `expected` mode), with the nested-logit probabilities in place of the logit ones. A
//! switching cost is a utility shift (ln penalty on every option but the current one), so an
//! agent held on option c chooses by the nested logit of the shifted utilities; its surplus is
//! their log-sum. Used only when some nest has λ < 1: plain logit keeps its vector kernels.

use super::{
    BuyerRows, ChoiceMode, NONE, OUTSIDE, OfferBook, SegmentOffer, can_keep, outside_utility,
};
use crate::demand::nest::{NestWork, Nesting};
use crate::numerics::ln_fast;
use crate::rng::uniform_at;

/// Per-thread scratch of the nested path.
#[derive(Default)]
pub(crate) struct NestScratch {
    u: Vec<f64>,
    shifted: Vec<f64>,
    free: Vec<f64>,
    held: Vec<f64>,
    within: Vec<f64>,
    next: Vec<f64>,
    work: NestWork,
}

impl NestScratch {
    fn ensure(&mut self, options: usize) {
        for x in [
            &mut self.u,
            &mut self.shifted,
            &mut self.free,
            &mut self.held,
            &mut self.within,
            &mut self.next,
        ] {
            x.clear();
            x.resize(options, 0.0);
        }
    }
}

/// The log-sum and probabilities (into `held`) of an agent on option `c` (vendor index or V):
/// every other option's utility shifted by `ln_pen`. Without a penalty, or where `c` is not
/// available (every option is then shifted alike), they are the free ones.
fn held_choice(nest: &Nesting, s: &mut NestScratch, c: usize, ln_pen: f64, free_ls: f64) -> f64 {
    if ln_pen == 0.0 || s.u[c] == f64::NEG_INFINITY {
        s.held.copy_from_slice(&s.free);
        return free_ls
            + if s.u[c] == f64::NEG_INFINITY {
                ln_pen
            } else {
                0.0
            };
    }
    for (k, (d, &x)) in s.shifted.iter_mut().zip(&s.u).enumerate() {
        *d = if k == c { x } else { x + ln_pen };
    }
    nest.choose(&s.shifted, &mut s.held, &mut s.within, &mut s.work)
}

/// One block of agents of one segment under nested logit.
#[allow(clippy::too_many_arguments)]
pub(super) fn nested_block(
    rows: BuyerRows,
    cur: &mut [u32],
    alloc: &mut [f64],
    book: &OfferBook,
    seg: &SegmentOffer,
    key: u64,
    t: &mut [f64],
    s: &mut NestScratch,
    nest: &Nesting,
) {
    let n = book.price.len();
    let v = book.n_vendors;
    let stride = v + 1;
    s.ensure(stride);
    let at = book.layout();
    let r = seg.review;
    let ln_pen = if seg.penalty < 1.0 {
        ln_fast(seg.penalty)
    } else {
        0.0
    };
    for i in 0..rows.len() {
        let (alpha, theta, res, base) = (
            rows.alpha[i],
            rows.theta[i],
            rows.reservation[i],
            rows.base[i],
        );
        s.u.fill(f64::NEG_INFINITY);
        for k in 0..n {
            if !(seg.reservation && seg.price[k] > res) {
                s.u[book.vendor[k] as usize] = theta * book.quality[k] - alpha * seg.charge[k];
            }
        }
        if seg.outside {
            s.u[v] = outside_utility(book, seg, theta, alpha);
        }
        let free_ls = nest.choose(&s.u, &mut s.free, &mut s.within, &mut s.work);
        let (utility, moved) = match seg.mode {
            ChoiceMode::Expected => {
                let x = &mut alloc[i * stride..(i + 1) * stride];
                expected_agent(x, &mut cur[i], s, nest, r, ln_pen, free_ls)
            }
            ChoiceMode::Sample => {
                let u = uniform_at(key, rows.id[i] as u64);
                sample_agent(&mut cur[i], u, book, seg, res, s, nest, ln_pen, free_ls)
            }
        };
        // Tally: Mtok and mass on each option (the agent's split, or its one choice).
        match seg.mode {
            ChoiceMode::Expected => {
                let x = &alloc[i * stride..(i + 1) * stride];
                let mut bought = 0.0;
                for k in 0..n {
                    let j = book.vendor[k] as usize;
                    t[j] += x[j] * base * seg.volume[k];
                    t[stride + j] += x[j];
                    bought += x[j];
                }
                t[stride + v] += 1.0 - bought;
            }
            ChoiceMode::Sample => {
                let idx = match cur[i] {
                    OUTSIDE | NONE => v,
                    j => j as usize,
                };
                if idx < v {
                    t[idx] += base * seg.volume[book.position[idx] as usize];
                }
                t[stride + idx] += 1.0;
            }
        }
        if !utility.is_nan() {
            t[at.consumer_surplus()] +=
                base * utility / alpha * seg.scale + base * seg.surplus_at_zero;
        }
        t[at.switches()] += moved.max(0.0);
        t[at.agents()] += 1.0;
    }
}

/// `expected` mode: the split update x'_k = Σ_c x_c·((1 − r)·[k = c] + r·P_k(c)) + free·P_k
/// (an option no longer available is left for sure) and the agent's expected log-sum; returns
/// (utility, mass moved).
fn expected_agent(
    x: &mut [f64],
    cur: &mut u32,
    s: &mut NestScratch,
    nest: &Nesting,
    r: f64,
    ln_pen: f64,
    free_ls: f64,
) -> (f64, f64) {
    let stride = x.len();
    let v = stride - 1;
    let assigned: f64 = x.iter().sum();
    let mut moved = 0.0;
    if free_ls == f64::NEG_INFINITY {
        for xj in x.iter_mut() {
            moved += *xj;
            *xj = 0.0;
        }
        *cur = NONE;
        return (f64::NAN, 0.5 * moved);
    }
    let unplaced = (1.0 - assigned).max(0.0);
    let mut utility = unplaced * free_ls;
    for k in 0..stride {
        s.next[k] = unplaced * s.free[k];
    }
    for (c, &xc) in x.iter().enumerate().take(stride) {
        if xc <= 0.0 {
            continue;
        }
        let held_ls = held_choice(nest, s, c, ln_pen, free_ls);
        if s.u[c] > f64::NEG_INFINITY {
            for k in 0..stride {
                s.next[k] += xc * r * s.held[k];
            }
            s.next[c] += xc * (1.0 - r);
            utility += xc * (r * held_ls + (1.0 - r) * s.u[c]);
        } else {
            for k in 0..stride {
                s.next[k] += xc * s.held[k];
            }
            utility += xc * held_ls;
        }
    }
    let mut best = (NONE, -1.0);
    for (j, xj) in x.iter_mut().enumerate().take(stride) {
        let xn = s.next[j];
        moved += (xn - *xj).abs();
        if xn > best.1 {
            best = (if j == v { OUTSIDE } else { j as u32 }, xn);
        }
        *xj = xn;
    }
    *cur = best.0;
    // A newly placed agent's first split is not a switch.
    (utility, 0.5 * (moved - unplaced))
}

/// `sample` mode: one uniform `u` decides whether the agent reviews (u < r) and what it picks
/// (the rescaled uniform against the cumulative probabilities, offers in book order, the
/// outside option last); returns (expected utility, 1 if it switched).
#[allow(clippy::too_many_arguments)]
fn sample_agent(
    cur: &mut u32,
    u: f64,
    book: &OfferBook,
    seg: &SegmentOffer,
    res: f64,
    s: &mut NestScratch,
    nest: &Nesting,
    ln_pen: f64,
    free_ls: f64,
) -> (f64, f64) {
    let v = book.n_vendors;
    let r = seg.review;
    let prev = *cur;
    let c = match prev {
        NONE => None,
        OUTSIDE => Some(v),
        j => Some(j as usize),
    };
    let held_ls = match c {
        Some(c) => held_choice(nest, s, c, ln_pen, free_ls),
        None => {
            s.held.copy_from_slice(&s.free);
            free_ls
        }
    };
    let rev = u < r;
    let ur = if rev {
        u / r
    } else if r < 1.0 {
        (u - r) / (1.0 - r)
    } else {
        0.0
    };
    let keepable = can_keep(prev, book, seg, res, seg.outside);
    let choice = if !rev && keepable {
        prev
    } else if free_ls == f64::NEG_INFINITY {
        NONE
    } else {
        let mut cum = 0.0;
        let mut pick = None;
        let mut last = None;
        for &j in &book.vendor {
            let p = s.held[j as usize];
            if p > 0.0 {
                last = Some(j);
            }
            cum += p;
            if cum > ur && p > 0.0 {
                pick = Some(j);
                break;
            }
        }
        match (pick, seg.outside) {
            (Some(j), _) => j,
            (None, true) => OUTSIDE,
            (None, false) => last.unwrap_or(NONE),
        }
    };
    *cur = choice;
    let utility = if free_ls == f64::NEG_INFINITY {
        f64::NAN
    } else if c.is_none() {
        free_ls
    } else if !keepable || r == 1.0 {
        held_ls
    } else {
        r * held_ls + (1.0 - r) * s.u[c.unwrap_or(v)]
    };
    let switched = (prev != NONE && prev != choice) as u32 as f64;
    (utility, switched)
}

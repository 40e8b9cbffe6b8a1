//! `sample` mode: each agent draws one option with one uniform number.

use super::{
    BuyerRows, NONE, OUTSIDE as OUTSIDE_OPTION, OfferBook, Scratch, SegmentOffer, can_keep,
    outside_utility,
};
use crate::numerics::{exp_fma, ln_fast};
use crate::rng::uniform_at;

#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(super) fn sample_block<const SWITCH: bool, const RESERVE: bool, const OUTSIDE: bool>(
    rows: BuyerRows,
    cur: &mut [u32],
    book: &OfferBook,
    seg: &SegmentOffer,
    key: u64,
    t: &mut [f64],
    s: &mut Scratch,
) {
    let m = rows.len();
    let n = book.price.len();
    let v = book.n_vendors;
    let Scratch {
        buf,
        mx,
        u0,
        free,
        run,
        thr,
        cs,
        ucur,
        cnt,
        review,
        banks,
        ..
    } = s;
    let (buf, mx, u0, free, run, thr, cs, ucur) = (
        &mut buf[..n * m],
        &mut mx[..m],
        &mut u0[..m],
        &mut free[..m],
        &mut run[..m],
        &mut thr[..m],
        &mut cs[..m],
        &mut ucur[..m],
    );
    let (cnt, review) = (&mut cnt[..m], &mut review[..m]);
    let (alpha, theta, res, base) = (rows.alpha, rows.theta, rows.reservation, rows.base);

    // Utilities, and each agent's largest (subtracted before exp so nothing overflows).
    if OUTSIDE {
        if book.self_host.is_empty() {
            u0.fill(0.0);
        } else {
            for i in 0..m {
                u0[i] = outside_utility(book, seg, theta[i], alpha[i]);
            }
        }
        mx.copy_from_slice(u0);
    } else {
        mx.fill(f64::NEG_INFINITY);
    }
    // The utility of each agent's current option (for those who keep it without reviewing; not
    // needed when every agent reviews).
    let keepers = seg.review < 1.0;
    for i in 0..m {
        ucur[i] = if cur[i] == OUTSIDE_OPTION {
            u0[i]
        } else {
            f64::NEG_INFINITY
        };
    }
    for k in 0..n {
        // The utility charges α·F(p) (F(p) = p for fixed volume), so that demand is integrable.
        let (a, p, c) = (book.quality[k], seg.price[k], seg.charge[k]);
        let vk = book.vendor[k];
        let row = &mut buf[k * m..(k + 1) * m];
        for i in 0..m {
            let mut u = theta[i].mul_add(a, -(alpha[i] * c));
            if RESERVE && p > res[i] {
                u = f64::NEG_INFINITY;
            }
            row[i] = u;
            if keepers {
                ucur[i] = if cur[i] == vk { u } else { ucur[i] };
            }
            let m = mx[i];
            mx[i] = if u > m { u } else { m };
        }
    }
    if !OUTSIDE {
        // Agents with nothing they can buy: keep the arithmetic finite (their weights are masked).
        for x in mx.iter_mut() {
            *x = if *x == f64::NEG_INFINITY { 0.0 } else { *x };
        }
    }
    // Weights: cumulative (with switching penalty) in place; penalty-free sum for the surplus.
    free.fill(0.0);
    run.fill(0.0);
    for k in 0..n {
        let vk = book.vendor[k];
        let p = seg.price[k];
        let row = &mut buf[k * m..(k + 1) * m];
        for i in 0..m {
            let mut e = exp_fma(row[i] - mx[i]);
            if RESERVE {
                e = if p > res[i] { 0.0 } else { e };
            }
            free[i] += e;
            if SWITCH {
                e *= if cur[i] == vk { 1.0 } else { seg.penalty };
            }
            run[i] += e;
            row[i] = run[i];
        }
    }
    // Outside weight, totals and the expected consumer surplus (Small–Rosen log-sum): over the
    // penalised utilities for an agent that reviews, its current option's utility for one that
    // keeps it, the penalty-free log-sum for a new agent. The same expectation whatever the draw.
    let r = seg.review;
    let (scale, at_zero) = (seg.scale, seg.surplus_at_zero);
    if !SWITCH && r == 1.0 {
        // Everyone reviews, nothing penalised: the log-sum over every option, branch-free so
        // that the loop runs over several agents at once.
        for i in 0..m {
            let e0 = if OUTSIDE { exp_fma(u0[i] - mx[i]) } else { 0.0 };
            let total = run[i] + e0;
            let safe = if total > 0.0 { total } else { 1.0 };
            let value = base[i] * (mx[i] + ln_fast(safe)) / alpha[i] * scale + base[i] * at_zero;
            cs[i] = if total > 0.0 { value } else { 0.0 };
            free[i] = total; // from here on: the total weight
        }
    } else {
        surplus_with_frictions::<SWITCH, OUTSIDE>(
            rows, cur, book, seg, mx, u0, free, run, cs, ucur,
        );
    }
    // One uniform per agent decides both whether it reviews and what it picks: u < r reviews
    // with u/r, u >= r stays (or, if it must move, picks with (u − r)/(1 − r)); both uniform.
    let inv_r = if r > 0.0 { 1.0 / r } else { 0.0 };
    let inv_nr = if r < 1.0 { 1.0 / (1.0 - r) } else { 0.0 };
    for i in 0..m {
        let u = uniform_at(key, rows.id[i] as u64);
        let rev = u < r;
        review[i] = rev;
        let ur = if rev { u * inv_r } else { (u - r) * inv_nr };
        thr[i] = ur * free[i];
    }
    cnt.fill(0);
    for k in 0..n {
        let row = &buf[k * m..(k + 1) * m];
        for i in 0..m {
            cnt[i] += (row[i] <= thr[i]) as u32;
        }
    }
    // Choices and the tally: four banks break store-to-load chains on popular options.
    let stride = v + 1;
    let banks = &mut banks[..8 * stride];
    banks.fill(0.0);
    let mut extra = [0.0f64; 4]; // switches, two banks
    for i in 0..m {
        let prev = cur[i];
        let keep = !review[i] && can_keep(prev, book, seg, res[i], OUTSIDE);
        let choice = if keep {
            prev
        } else if free[i] <= 0.0 {
            NONE
        } else {
            let mut c = cnt[i] as usize;
            if c >= n {
                if OUTSIDE {
                    c = usize::MAX;
                } else {
                    // Rounding put the threshold at the total: take the last option with weight.
                    c = n - 1;
                    while c > 0 && buf[c * m + i] == buf[(c - 1) * m + i] {
                        c -= 1;
                    }
                }
            }
            if c == usize::MAX {
                OUTSIDE_OPTION
            } else {
                book.vendor[c]
            }
        };
        cur[i] = choice;
        let bank = (i & 3) * 2 * stride;
        let (idx, pos) = match choice {
            OUTSIDE_OPTION | NONE => (v, usize::MAX),
            j => (j as usize, book.position[j as usize] as usize),
        };
        if pos != usize::MAX {
            banks[bank + idx] += base[i] * seg.volume[pos];
        }
        banks[bank + stride + idx] += 1.0;
        extra[(i & 1) * 2 + 1] += (prev != NONE && prev != choice) as u32 as f64;
    }
    for o in 0..2 * stride {
        t[o] +=
            (banks[o] + banks[2 * stride + o]) + (banks[4 * stride + o] + banks[6 * stride + o]);
    }
    let mut cs_sum = [0.0f64; 4];
    for (i, c) in cs.iter().enumerate() {
        cs_sum[i & 3] += c;
    }
    let at = book.layout();
    t[at.consumer_surplus()] += (cs_sum[0] + cs_sum[1]) + (cs_sum[2] + cs_sum[3]);
    t[at.switches()] += extra[1] + extra[3];
    t[at.agents()] += m as f64;
}

/// The expected surplus of agents held by switching costs or inertia (see `sample_block`); sets
/// `free` to each agent's total (penalised) weight.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn surplus_with_frictions<const SWITCH: bool, const OUTSIDE: bool>(
    rows: BuyerRows,
    cur: &[u32],
    book: &OfferBook,
    seg: &SegmentOffer,
    mx: &[f64],
    u0: &[f64],
    free: &mut [f64],
    run: &[f64],
    cs: &mut [f64],
    ucur: &[f64],
) {
    let (alpha, res, base) = (rows.alpha, rows.reservation, rows.base);
    let r = seg.review;
    for i in 0..rows.len() {
        let e0 = if OUTSIDE { exp_fma(u0[i] - mx[i]) } else { 0.0 };
        let e0p = if SWITCH && cur[i] != OUTSIDE_OPTION {
            e0 * seg.penalty
        } else {
            e0
        };
        let total = run[i] + e0p;
        let prev = cur[i];
        let utility = if free[i] + e0 <= 0.0 {
            f64::NAN // nothing to buy: no surplus (below)
        } else if prev == NONE {
            mx[i] + ln_fast(free[i] + e0)
        } else if !can_keep(prev, book, seg, res[i], OUTSIDE) || r == 1.0 {
            mx[i] + ln_fast(total)
        } else {
            r * (mx[i] + ln_fast(total)) + (1.0 - r) * ucur[i]
        };
        cs[i] = if utility.is_nan() {
            0.0
        } else {
            base[i] * utility / alpha[i] * seg.scale + base[i] * seg.surplus_at_zero
        };
        free[i] = total; // from here on: the total weight
    }
}

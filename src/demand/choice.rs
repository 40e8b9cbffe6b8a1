//! The buyers' choice: multinomial logit among available vendors and the outside option.
//!
//! u_ij = θ_i·quality_j − α_i·p_j − switching_cost·[j ≠ current_i] + Gumbel noise. In `sample`
//! mode each agent draws one option with one uniform number; in `expected` mode each agent
//! splits its volume by the choice probabilities, which is noise-free and matches theory exactly.
//!
//! This is the hot path of a run. Agents are processed in chunks of [`CHUNK`] rows in parallel
//! (rayon); every chunk writes its own partial tally and the partials are summed in chunk order,
//! and every agent's draw comes from its own stream keyed by (seed, round, agent id), so the
//! results are the same bits on any number of threads. Within a chunk agents go through in
//! blocks laid out vendor-major, so the utility, `exp` and comparison loops run over contiguous
//! agents and vectorise. Nothing is allocated per agent: scratch space is per thread and reused.

use crate::model::{
    BaseVolume, BuyerId, CurrentChoice, PriceSensitivity, QualityWeight, ReservationPrice,
    SegmentIndex,
};
use crate::numerics::{exp_fast, ln_fast};
use crate::rng::uniform_at;
use crate::scenario::ChoiceMode;
use rayon::prelude::*;
use std::cell::RefCell;

/// Agents per parallel task and per partial tally. Results depend on it, never on threads.
pub const CHUNK: usize = 1024;
/// f64 slots of the per-block utility buffer (16 KiB: stays in L1).
const SCRATCH: usize = 2048;
/// Largest block of agents.
const MAX_BLOCK: usize = 256;
/// Position of a vendor that is not on offer this round.
pub const NOT_OFFERED: u32 = u32::MAX;

/// Fields of one segment's tally: qty and mass per option (vendors, then outside), then these.
pub mod field {
    /// Consumer surplus, USD per round (per represented customer until scaled).
    pub const CS: usize = 0;
    /// Mass that switched option.
    pub const SWITCHES: usize = 1;
    /// Agents.
    pub const AGENTS: usize = 2;
    /// Number of scalar fields after the per-option arrays.
    pub const COUNT: usize = 3;
}

/// What buyers can choose from this round.
#[derive(Clone, Debug, Default)]
pub struct OfferBook {
    /// Vendors in the scenario (V); options are vendors 0..V and the outside option V.
    pub n_vendors: usize,
    /// Vendor index of each offer.
    pub vendor: Vec<u32>,
    /// Quality of each offer.
    pub quality: Vec<f64>,
    /// Price of each offer, USD per Mtok.
    pub price: Vec<f64>,
    /// Vendor index → offer position, or [`NOT_OFFERED`].
    pub position: Vec<u32>,
    /// Self-hosting alternatives in the outside option: (quality, price USD per Mtok).
    pub self_host: Vec<(f64, f64)>,
    /// Per-segment terms.
    pub segments: Vec<SegmentOffer>,
}

/// A segment's terms this round.
#[derive(Clone, Debug)]
pub struct SegmentOffer {
    /// Choice mode.
    pub mode: ChoiceMode,
    /// Outside option available.
    pub outside: bool,
    /// Probability of reviewing the choice.
    pub review: f64,
    /// exp(−switching cost): weight multiplier of options other than the current one.
    pub penalty: f64,
    /// Whether any agent has a finite reservation price.
    pub reservation: bool,
    /// Per offer: Mtok bought per unit of base volume (volume demand × growth).
    pub volume: Vec<f64>,
    /// Per offer: Marshallian surplus per unit of base volume, USD (used without an outside option).
    pub surplus: Vec<f64>,
}

impl OfferBook {
    /// Length of one segment's tally.
    pub fn tally_len(&self) -> usize {
        2 * (self.n_vendors + 1) + field::COUNT
    }

    /// Rebuilds the vendor → position map after `vendor` changed.
    pub fn index_positions(&mut self) {
        self.position.clear();
        self.position.resize(self.n_vendors, NOT_OFFERED);
        for (k, &j) in self.vendor.iter().enumerate() {
            self.position[j as usize] = k as u32;
        }
    }
}

/// The buyer components of a run of table rows.
#[derive(Clone, Copy)]
pub struct BuyerRows<'a> {
    /// Ids.
    pub id: &'a [BuyerId],
    /// Segments.
    pub segment: &'a [SegmentIndex],
    /// α.
    pub alpha: &'a [PriceSensitivity],
    /// θ.
    pub theta: &'a [QualityWeight],
    /// Reservation prices.
    pub reservation: &'a [ReservationPrice],
    /// Base volumes.
    pub base: &'a [BaseVolume],
}

/// The slices of one table of [`crate::model::BuyerTraits`].
pub type BuyerSlices<'a> = (
    &'a [BuyerId],
    &'a [SegmentIndex],
    &'a [PriceSensitivity],
    &'a [QualityWeight],
    &'a [ReservationPrice],
    &'a [BaseVolume],
);

impl<'a> From<BuyerSlices<'a>> for BuyerRows<'a> {
    fn from((id, segment, alpha, theta, reservation, base): BuyerSlices<'a>) -> Self {
        Self {
            id,
            segment,
            alpha,
            theta,
            reservation,
            base,
        }
    }
}

impl<'a> BuyerRows<'a> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.id.len()
    }
    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }
    fn slice(&self, lo: usize, hi: usize) -> BuyerRows<'a> {
        BuyerRows {
            id: &self.id[lo..hi],
            segment: &self.segment[lo..hi],
            alpha: &self.alpha[lo..hi],
            theta: &self.theta[lo..hi],
            reservation: &self.reservation[lo..hi],
            base: &self.base[lo..hi],
        }
    }
}

/// Per-thread scratch space, grown on first use and reused.
#[derive(Default)]
struct Scratch {
    buf: Vec<f64>,
    mx: Vec<f64>,
    u0: Vec<f64>,
    free: Vec<f64>,
    run: Vec<f64>,
    thr: Vec<f64>,
    cs: Vec<f64>,
    cnt: Vec<u32>,
    review: Vec<bool>,
    banks: Vec<f64>,
    weights: Vec<f64>,
}

impl Scratch {
    fn ensure(&mut self, n: usize, m: usize, v: usize) {
        let grow = |x: &mut Vec<f64>, len: usize| {
            if x.len() < len {
                x.resize(len, 0.0);
            }
        };
        grow(&mut self.buf, n.max(1) * m);
        for x in [
            &mut self.mx,
            &mut self.u0,
            &mut self.free,
            &mut self.run,
            &mut self.thr,
            &mut self.cs,
        ] {
            grow(x, m);
        }
        grow(&mut self.banks, 4 * 2 * (v + 1));
        grow(&mut self.weights, 2 * (n + 1));
        if self.cnt.len() < m {
            self.cnt.resize(m, 0);
        }
        if self.review.len() < m {
            self.review.resize(m, false);
        }
    }
}

thread_local! {
    static SCRATCH_SPACE: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Runs every agent's choice for one round and writes the summed tally (segments × tally_len).
///
/// `choice` holds each row's current option and receives the new one; `alloc` holds, for
/// `expected`-mode rows, the share of the agent's volume on each option (V + 1 per row; empty
/// when no segment is in expected mode); `partials` is reused scratch for the per-chunk tallies.
/// With `parallel` false the chunks run one after another on the calling thread (for sweeps,
/// which parallelise across runs instead); the results are the same bits either way.
#[allow(clippy::too_many_arguments)]
pub fn choose_all(
    rows: BuyerRows,
    choice: &mut [CurrentChoice],
    alloc: &mut [f64],
    book: &OfferBook,
    key: u64,
    partials: &mut Vec<f64>,
    tally: &mut [f64],
    parallel: bool,
) {
    let n_rows = rows.len();
    let tl = book.tally_len() * book.segments.len();
    assert_eq!(tally.len(), tl, "tally has one block per segment");
    let nchunks = n_rows.div_ceil(CHUNK);
    partials.clear();
    partials.resize(nchunks * tl, 0.0);
    let stride = book.n_vendors + 1;
    let work = |c: usize, part: &mut [f64], ch: &mut [CurrentChoice], al: &mut [f64]| {
        let lo = c * CHUNK;
        let hi = (lo + CHUNK).min(n_rows);
        choose_chunk(rows.slice(lo, hi), ch, al, book, key, part);
    };
    if !parallel {
        let mut alloc_chunks = alloc.chunks_mut(CHUNK * stride);
        for (c, (part, ch)) in partials
            .chunks_mut(tl.max(1))
            .zip(choice.chunks_mut(CHUNK))
            .enumerate()
        {
            work(c, part, ch, alloc_chunks.next().unwrap_or(&mut []));
        }
    } else if alloc.is_empty() {
        partials
            .par_chunks_mut(tl.max(1))
            .zip(choice.par_chunks_mut(CHUNK))
            .enumerate()
            .for_each(|(c, (part, ch))| work(c, part, ch, &mut []));
    } else {
        assert_eq!(alloc.len(), n_rows * stride, "one allocation row per agent");
        partials
            .par_chunks_mut(tl.max(1))
            .zip(choice.par_chunks_mut(CHUNK))
            .zip(alloc.par_chunks_mut(CHUNK * stride))
            .enumerate()
            .for_each(|(c, ((part, ch), al))| work(c, part, ch, al));
    }
    // Chunk order, whatever thread ran each chunk.
    tally.fill(0.0);
    for part in partials.chunks_exact(tl.max(1)) {
        for (t, p) in tally.iter_mut().zip(part) {
            *t += p;
        }
    }
}

/// One chunk of rows. Dispatches to an AVX2 build of the same code where the CPU has it: the
/// arithmetic is the same IEEE operations in the same order (no fused multiply-add), so the
/// results are identical to the baseline build, only faster.
fn choose_chunk(
    rows: BuyerRows,
    choice: &mut [CurrentChoice],
    alloc: &mut [f64],
    book: &OfferBook,
    key: u64,
    tally: &mut [f64],
) {
    SCRATCH_SPACE.with_borrow_mut(|s| {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2, checked just above.
                unsafe { choose_chunk_avx2(rows, choice, alloc, book, key, tally, s) };
                return;
            }
        }
        choose_chunk_impl(rows, choice, alloc, book, key, tally, s);
    });
}

/// The same code compiled for AVX2 (closures do not inherit target features, so the scratch
/// space is fetched by the caller and every loop lives in inlined functions).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn choose_chunk_avx2(
    rows: BuyerRows,
    choice: &mut [CurrentChoice],
    alloc: &mut [f64],
    book: &OfferBook,
    key: u64,
    tally: &mut [f64],
    s: &mut Scratch,
) {
    choose_chunk_impl(rows, choice, alloc, book, key, tally, s);
}

#[inline(always)]
fn choose_chunk_impl(
    rows: BuyerRows,
    choice: &mut [CurrentChoice],
    alloc: &mut [f64],
    book: &OfferBook,
    key: u64,
    tally: &mut [f64],
    s: &mut Scratch,
) {
    {
        let n = book.price.len();
        let v = book.n_vendors;
        let m_max = (SCRATCH / n.max(1)).clamp(1, MAX_BLOCK);
        s.ensure(n, m_max, v);
        let tl = book.tally_len();
        let stride = v + 1;
        let mut i = 0;
        while i < rows.len() {
            // A run of rows of one segment.
            let seg = rows.segment[i].0 as usize;
            let mut j = i + 1;
            while j < rows.len() && rows.segment[j].0 as usize == seg {
                j += 1;
            }
            let so = &book.segments[seg];
            let t = &mut tally[seg * tl..(seg + 1) * tl];
            let mut lo = i;
            while lo < j {
                let hi = (lo + m_max).min(j);
                let block = rows.slice(lo, hi);
                let ch = &mut choice[lo..hi];
                match so.mode {
                    ChoiceMode::Sample => {
                        let sw = so.penalty != 1.0;
                        match (sw, so.reservation, so.outside) {
                            (false, false, true) => {
                                sample_block::<false, false, true>(block, ch, book, so, key, t, s)
                            }
                            (true, false, true) => {
                                sample_block::<true, false, true>(block, ch, book, so, key, t, s)
                            }
                            (false, true, true) => {
                                sample_block::<false, true, true>(block, ch, book, so, key, t, s)
                            }
                            (true, true, true) => {
                                sample_block::<true, true, true>(block, ch, book, so, key, t, s)
                            }
                            (false, false, false) => {
                                sample_block::<false, false, false>(block, ch, book, so, key, t, s)
                            }
                            (true, false, false) => {
                                sample_block::<true, false, false>(block, ch, book, so, key, t, s)
                            }
                            (false, true, false) => {
                                sample_block::<false, true, false>(block, ch, book, so, key, t, s)
                            }
                            (true, true, false) => {
                                sample_block::<true, true, false>(block, ch, book, so, key, t, s)
                            }
                        }
                    }
                    ChoiceMode::Expected => {
                        let al = &mut alloc[lo * stride..hi * stride];
                        expected_block(block, ch, al, book, so, t, s);
                    }
                }
                lo = hi;
            }
            i = j;
        }
    }
}

/// Whether an agent whose current option is `prev` may keep it this round.
#[inline(always)]
fn can_keep(prev: u32, book: &OfferBook, reservation: f64, outside: bool) -> bool {
    match prev {
        CurrentChoice::NONE => false,
        CurrentChoice::OUTSIDE => outside,
        j => {
            let pos = book.position[j as usize];
            pos != NOT_OFFERED && book.price[pos as usize] <= reservation
        }
    }
}

/// The outside option's utility for an agent: the better of not buying (0) and self-hosting.
#[inline(always)]
fn outside_utility(book: &OfferBook, theta: f64, alpha: f64) -> f64 {
    let mut u0 = 0.0f64;
    for &(q, p) in &book.self_host {
        let u = theta * q - alpha * p;
        u0 = if u > u0 { u } else { u0 };
    }
    u0
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn sample_block<const SWITCH: bool, const RESERVE: bool, const OUTSIDE: bool>(
    rows: BuyerRows,
    cur: &mut [CurrentChoice],
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
        cnt,
        review,
        banks,
        ..
    } = s;
    let (buf, mx, u0, free, run, thr, cs) = (
        &mut buf[..n * m],
        &mut mx[..m],
        &mut u0[..m],
        &mut free[..m],
        &mut run[..m],
        &mut thr[..m],
        &mut cs[..m],
    );
    let (cnt, review) = (&mut cnt[..m], &mut review[..m]);
    let (alpha, theta, res, base) = (rows.alpha, rows.theta, rows.reservation, rows.base);

    // Utilities, and each agent's largest (subtracted before exp so nothing overflows).
    if OUTSIDE {
        if book.self_host.is_empty() {
            u0.fill(0.0);
        } else {
            for i in 0..m {
                u0[i] = outside_utility(book, theta[i].0, alpha[i].0);
            }
        }
        mx.copy_from_slice(u0);
    } else {
        mx.fill(f64::NEG_INFINITY);
    }
    for k in 0..n {
        let (a, p) = (book.quality[k], book.price[k]);
        let row = &mut buf[k * m..(k + 1) * m];
        for i in 0..m {
            let mut u = theta[i].0 * a - alpha[i].0 * p;
            if RESERVE && p > res[i].0 {
                u = f64::NEG_INFINITY;
            }
            row[i] = u;
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
        let p = book.price[k];
        let row = &mut buf[k * m..(k + 1) * m];
        for i in 0..m {
            let mut e = exp_fast(row[i] - mx[i]);
            if RESERVE {
                e = if p > res[i].0 { 0.0 } else { e };
            }
            free[i] += e;
            if SWITCH {
                e *= if cur[i].0 == vk { 1.0 } else { seg.penalty };
            }
            run[i] += e;
            row[i] = run[i];
        }
    }
    // Outside weight, totals and the logit consumer surplus (Small–Rosen log-sum).
    for i in 0..m {
        let e0 = if OUTSIDE {
            exp_fast(u0[i] - mx[i])
        } else {
            0.0
        };
        if OUTSIDE {
            cs[i] = base[i].0 * (mx[i] + ln_fast(free[i] + e0)) / alpha[i].0;
        }
        let e0p = if SWITCH && cur[i].0 != CurrentChoice::OUTSIDE {
            e0 * seg.penalty
        } else {
            e0
        };
        free[i] = run[i] + e0p; // from here on: the total weight
    }
    // One uniform per agent decides both whether it reviews and what it picks: u < r reviews
    // with u/r, u >= r stays (or, if it must move, picks with (u − r)/(1 − r)); both uniform.
    let r = seg.review;
    let inv_r = if r > 0.0 { 1.0 / r } else { 0.0 };
    let inv_nr = if r < 1.0 { 1.0 / (1.0 - r) } else { 0.0 };
    for i in 0..m {
        let u = uniform_at(key, rows.id[i].0 as u64);
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
    let mut extra = [0.0f64; 4]; // surplus (no outside option) and switches, two banks each
    for i in 0..m {
        let prev = cur[i].0;
        let keep = !review[i] && can_keep(prev, book, res[i].0, OUTSIDE);
        let choice = if keep {
            prev
        } else if free[i] <= 0.0 {
            CurrentChoice::NONE
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
                CurrentChoice::OUTSIDE
            } else {
                book.vendor[c]
            }
        };
        cur[i] = CurrentChoice(choice);
        let bank = (i & 3) * 2 * stride;
        let (idx, pos) = match choice {
            CurrentChoice::OUTSIDE | CurrentChoice::NONE => (v, usize::MAX),
            j => (j as usize, book.position[j as usize] as usize),
        };
        if pos != usize::MAX {
            banks[bank + idx] += base[i].0 * seg.volume[pos];
            if !OUTSIDE {
                extra[(i & 1) * 2] += base[i].0 * seg.surplus[pos];
            }
        }
        banks[bank + stride + idx] += 1.0;
        extra[(i & 1) * 2 + 1] += (prev != CurrentChoice::NONE && prev != choice) as u32 as f64;
    }
    for o in 0..2 * stride {
        t[o] +=
            (banks[o] + banks[2 * stride + o]) + (banks[4 * stride + o] + banks[6 * stride + o]);
    }
    let mut cs_sum = [0.0f64; 4];
    if OUTSIDE {
        for (i, c) in cs.iter().enumerate() {
            cs_sum[i & 3] += c;
        }
    }
    let o = 2 * stride;
    t[o + field::CS] += (cs_sum[0] + cs_sum[1]) + (cs_sum[2] + cs_sum[3]) + (extra[0] + extra[2]);
    t[o + field::SWITCHES] += extra[1] + extra[3];
    t[o + field::AGENTS] += m as f64;
}

/// Expected mode: each agent's volume is split over options; with inertia or switching costs the
/// split evolves exactly as the expectation of the sampled process:
/// x'_j = (1 − r_j)·x_j + w_j·(S + r_j·x_j·(K − 1)/D_j), S = Σ_k x_k·r_k/D_k + unassigned/W,
/// with w the logit weights, W their sum, K = exp(switching cost), D_k = W + w_k·(K − 1) and
/// r_k the review probability (1 for an option that is no longer available).
#[inline(always)]
fn expected_block(
    rows: BuyerRows,
    cur: &mut [CurrentChoice],
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
    let o = 2 * stride;
    for i in 0..rows.len() {
        let (alpha, theta, res, base) = (
            rows.alpha[i].0,
            rows.theta[i].0,
            rows.reservation[i].0,
            rows.base[i].0,
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
            let mut best = (CurrentChoice::NONE, -1.0);
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
                    best = (
                        if j == v {
                            CurrentChoice::OUTSIDE
                        } else {
                            j as u32
                        },
                        xn,
                    );
                }
                x[j] = xn;
            }
            // A newly placed agent's first split is not a switch.
            moved = 0.5 * (moved - (1.0 - prev_assigned).max(0.0));
            cur[i] = CurrentChoice(best.0);
        } else {
            // Nothing available: the agent buys nothing.
            for xj in x.iter_mut() {
                moved += *xj;
                *xj = 0.0;
            }
            moved *= 0.5;
            cur[i] = CurrentChoice(CurrentChoice::NONE);
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
                t[o + field::CS] += base * (mx + ln_fast(total)) / alpha;
            }
        } else {
            t[o + field::CS] += base * surplus;
        }
        t[o + field::SWITCHES] += moved.max(0.0);
        t[o + field::AGENTS] += 1.0;
    }
}

/// The weight of option `j` (vendor index, or `v` for outside) from offer-ordered weights.
#[inline(always)]
fn weight_of(j: usize, v: usize, w: &[f64], book: &OfferBook) -> f64 {
    let n = book.price.len();
    if j == v {
        w[n]
    } else {
        match book.position[j] {
            NOT_OFFERED => 0.0,
            pos => w[pos as usize],
        }
    }
}

#[cfg(test)]
mod tests;

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

mod expected;
mod nested;
mod sample;
mod tally;

pub use tally::{SegmentTally, TallyLayout};

use super::nest::Nesting;
use super::volume::VolumeDemand;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::sync::Arc;

/// Agents per parallel task and per partial tally. Results depend on it, never on threads.
pub const CHUNK: usize = 1024;
/// f64 slots of the per-block utility buffer (16 KiB: stays in L1).
const SCRATCH: usize = 2048;
/// Largest block of agents.
const MAX_BLOCK: usize = 256;
/// Position of a vendor that is not on offer this round.
pub const NOT_OFFERED: u32 = u32::MAX;
/// An agent's current option when it is the outside option (not buying, or self-hosting).
pub const OUTSIDE: u32 = u32::MAX - 1;
/// An agent's current option before its first choice, or when nothing was available.
pub const NONE: u32 = u32::MAX;

/// Choice mode of a segment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChoiceMode {
    /// Each agent draws one choice.
    #[default]
    Sample,
    /// Each agent splits its volume by the logit probabilities.
    Expected,
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
    /// Nested logit (options by vendor index, the outside option last), when some nest has
    /// λ < 1; None: plain logit.
    pub nesting: Option<Arc<Nesting>>,
}

/// A segment's terms this round.
#[derive(Clone, Debug, Default)]
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
    /// Per offer: F(p) = ∫₀ᵖ volume factor, what the utility charges per unit of α (USD per
    /// Mtok; the price itself for fixed volume).
    pub charge: Vec<f64>,
    /// Per self-hosting alternative of the outside option (in `OfferBook::self_host` order):
    /// F of its cost.
    pub self_host_charge: Vec<f64>,
    /// Per offer: the price this segment pays per Mtok of its tokens (the posted price level
    /// times the segment's price scale; the posted price itself where the scale is 1), what
    /// reservation prices compare against.
    pub price: Vec<f64>,
    /// Volume multiplier from growth and demand shocks (it scales the surplus as the volume).
    pub scale: f64,
    /// Without an outside option: the area under the volume curve at price 0 per unit of base
    /// volume (times the scale), added to the log-sum so that a lone vendor's buyers get the
    /// Marshallian surplus; 0 with an outside option or where the area is unbounded.
    pub surplus_at_zero: f64,
}

impl SegmentOffer {
    /// Sets the volume and the utility charge of every offer at the prices this segment pays,
    /// `prices` (in offer order), and of every self-hosting alternative, for the segment's
    /// volume demand grown by `scale`.
    pub fn price_terms(
        &mut self,
        volume: &VolumeDemand,
        scale: f64,
        prices: impl IntoIterator<Item = f64>,
        self_host: &[(f64, f64)],
    ) {
        self.volume.clear();
        self.charge.clear();
        self.price.clear();
        for p in prices {
            self.volume.push(volume.factor(p) * scale);
            self.charge.push(volume.price_integral(p));
            self.price.push(p);
        }
        self.self_host_charge.clear();
        self.self_host_charge
            .extend(self_host.iter().map(|&(_, p)| volume.price_integral(p)));
        self.scale = scale;
        self.surplus_at_zero = if self.outside {
            0.0
        } else {
            volume.surplus(0.0) * scale
        };
    }
}

impl OfferBook {
    /// Length of one segment's tally.
    pub fn tally_len(&self) -> usize {
        self.layout().len()
    }

    /// Where each field of a segment's tally is.
    pub fn layout(&self) -> TallyLayout {
        TallyLayout::new(self.n_vendors)
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

/// Buyer agents' traits as columns (one row per agent, in the world's table order).
#[derive(Clone, Copy)]
pub struct BuyerRows<'a> {
    /// Ids (key each agent's random stream).
    pub id: &'a [u32],
    /// Segment indices.
    pub segment: &'a [u32],
    /// α: utility lost per USD/Mtok.
    pub alpha: &'a [f64],
    /// θ: utility per quality point.
    pub theta: &'a [f64],
    /// Reservation prices, USD per Mtok (infinite: none).
    pub reservation: &'a [f64],
    /// Base volumes, Mtok per round per represented customer.
    pub base: &'a [f64],
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
    pub(crate) fn slice(&self, lo: usize, hi: usize) -> BuyerRows<'a> {
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
pub(crate) struct Scratch {
    buf: Vec<f64>,
    mx: Vec<f64>,
    u0: Vec<f64>,
    free: Vec<f64>,
    run: Vec<f64>,
    thr: Vec<f64>,
    cs: Vec<f64>,
    ucur: Vec<f64>,
    cnt: Vec<u32>,
    review: Vec<bool>,
    banks: Vec<f64>,
    weights: Vec<f64>,
    nest: nested::NestScratch,
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
            &mut self.ucur,
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
    choice: &mut [u32],
    alloc: &mut [f64],
    book: &OfferBook,
    key: u64,
    partials: &mut Vec<f64>,
    tally: &mut [f64],
    parallel: bool,
) {
    choose_all_on(
        Kernel::best(),
        rows,
        choice,
        alloc,
        book,
        key,
        partials,
        tally,
        parallel,
    );
}

/// [`choose_all`] on a given build of the kernel (every build gives the same bits).
#[allow(clippy::too_many_arguments)]
pub fn choose_all_on(
    kernel: Kernel,
    rows: BuyerRows,
    choice: &mut [u32],
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
    let work = |c: usize, part: &mut [f64], ch: &mut [u32], al: &mut [f64]| {
        let lo = c * CHUNK;
        let hi = (lo + CHUNK).min(n_rows);
        choose_chunk(kernel, rows.slice(lo, hi), ch, al, book, key, part);
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
    kernel: Kernel,
    rows: BuyerRows,
    choice: &mut [u32],
    alloc: &mut [f64],
    book: &OfferBook,
    key: u64,
    tally: &mut [f64],
) {
    SCRATCH_SPACE.with_borrow_mut(|s| match kernel {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `Kernel::Avx512` is only ever chosen where the CPU has these features.
        Kernel::Avx512 => unsafe { choose_chunk_avx512(rows, choice, alloc, book, key, tally, s) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `Kernel::Avx2Fma` is only ever chosen where the CPU has these features.
        Kernel::Avx2Fma => unsafe { choose_chunk_avx2(rows, choice, alloc, book, key, tally, s) },
        Kernel::Portable => choose_chunk_impl(rows, choice, alloc, book, key, tally, s),
    });
}

/// The builds of the choice kernel. Every one computes the same IEEE operations in the same
/// order, with fused multiply-adds wherever the code says `mul_add` (an instruction where the
/// CPU has FMA, a correctly rounded library call where it does not), so all give the same bits;
/// they differ only in the vector unit the compiler may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernel {
    /// AVX-512 (F, DQ, VL) with FMA: eight doubles per instruction.
    #[cfg(target_arch = "x86_64")]
    Avx512,
    /// AVX2 with FMA: four doubles per instruction.
    #[cfg(target_arch = "x86_64")]
    Avx2Fma,
    /// The build for the target's baseline: SSE2 on x86-64 (with `mul_add` as a library call
    /// unless the build enables FMA), NEON with FMA on aarch64.
    Portable,
}

impl Kernel {
    /// The builds this CPU can run, fastest first (the portable one always last).
    pub fn available() -> Vec<Kernel> {
        let mut k = Vec::new();
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::is_x86_feature_detected as has;
            if has!("avx512f") && has!("avx512dq") && has!("avx512vl") && has!("fma") {
                k.push(Kernel::Avx512);
            }
            if has!("avx2") && has!("fma") {
                k.push(Kernel::Avx2Fma);
            }
        }
        k.push(Kernel::Portable);
        k
    }

    /// The fastest build this CPU can run (detected once).
    pub fn best() -> Kernel {
        static BEST: std::sync::OnceLock<Kernel> = std::sync::OnceLock::new();
        *BEST.get_or_init(|| Kernel::available()[0])
    }
}

/// The same code compiled for AVX-512 (closures do not inherit target features, so the scratch
/// space is fetched by the caller and every loop lives in inlined functions).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
unsafe fn choose_chunk_avx512(
    rows: BuyerRows,
    choice: &mut [u32],
    alloc: &mut [f64],
    book: &OfferBook,
    key: u64,
    tally: &mut [f64],
    s: &mut Scratch,
) {
    choose_chunk_impl(rows, choice, alloc, book, key, tally, s);
}

/// The same code compiled for AVX2 with FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn choose_chunk_avx2(
    rows: BuyerRows,
    choice: &mut [u32],
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
    choice: &mut [u32],
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
            let seg = rows.segment[i] as usize;
            let mut j = i + 1;
            while j < rows.len() && rows.segment[j] as usize == seg {
                j += 1;
            }
            let so = &book.segments[seg];
            let t = &mut tally[seg * tl..(seg + 1) * tl];
            let mut lo = i;
            while lo < j {
                let hi = (lo + m_max).min(j);
                let block = rows.slice(lo, hi);
                let ch = &mut choice[lo..hi];
                if let Some(nest) = &book.nesting {
                    let al = if so.mode == ChoiceMode::Expected {
                        &mut alloc[lo * stride..hi * stride]
                    } else {
                        &mut []
                    };
                    nested::nested_block(block, ch, al, book, so, key, t, &mut s.nest, nest);
                    lo = hi;
                    continue;
                }
                match so.mode {
                    ChoiceMode::Sample => {
                        let sw = so.penalty != 1.0;
                        match (sw, so.reservation, so.outside) {
                            (false, false, true) => sample::sample_block::<false, false, true>(
                                block, ch, book, so, key, t, s,
                            ),
                            (true, false, true) => sample::sample_block::<true, false, true>(
                                block, ch, book, so, key, t, s,
                            ),
                            (false, true, true) => sample::sample_block::<false, true, true>(
                                block, ch, book, so, key, t, s,
                            ),
                            (true, true, true) => sample::sample_block::<true, true, true>(
                                block, ch, book, so, key, t, s,
                            ),
                            (false, false, false) => sample::sample_block::<false, false, false>(
                                block, ch, book, so, key, t, s,
                            ),
                            (true, false, false) => sample::sample_block::<true, false, false>(
                                block, ch, book, so, key, t, s,
                            ),
                            (false, true, false) => sample::sample_block::<false, true, false>(
                                block, ch, book, so, key, t, s,
                            ),
                            (true, true, false) => sample::sample_block::<true, true, false>(
                                block, ch, book, so, key, t, s,
                            ),
                        }
                    }
                    ChoiceMode::Expected => {
                        let al = &mut alloc[lo * stride..hi * stride];
                        expected::expected_block(block, ch, al, book, so, t, s);
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
pub(crate) fn can_keep(
    prev: u32,
    book: &OfferBook,
    seg: &SegmentOffer,
    reservation: f64,
    outside: bool,
) -> bool {
    match prev {
        NONE => false,
        OUTSIDE => outside,
        j => {
            let pos = book.position[j as usize];
            pos != NOT_OFFERED && seg.price[pos as usize] <= reservation
        }
    }
}

/// The outside option's utility for an agent: the better of not buying (0) and self-hosting.
#[inline(always)]
pub(crate) fn outside_utility(book: &OfferBook, seg: &SegmentOffer, theta: f64, alpha: f64) -> f64 {
    let mut u0 = 0.0f64;
    for (&(q, _), &c) in book.self_host.iter().zip(&seg.self_host_charge) {
        let u = theta * q - alpha * c;
        u0 = if u > u0 { u } else { u0 };
    }
    u0
}

/// The weight of option `j` (vendor index, or `v` for outside) from offer-ordered weights.
#[inline(always)]
pub(crate) fn weight_of(j: usize, v: usize, w: &[f64], book: &OfferBook) -> f64 {
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
#[cfg(test)]
mod tests_nested;
#[cfg(test)]
mod tests_prices;

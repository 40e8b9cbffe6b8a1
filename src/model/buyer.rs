//! Buyer agents: a population of rows, one per agent, stored column by column (the choice stage
//! reads them as slices, several agents at once). An agent's traits are drawn once, when it is
//! added, from its own random stream.

use crate::demand::BuyerRows;
use crate::demand::choice::{NONE, OUTSIDE};
use crate::dist::Dist;
use crate::rng::{Purpose, Stream};
use bevy_ecs::prelude::*;
use rayon::prelude::*;

/// The buyer agents of a run, as columns: 44 bytes an agent (plus, for `expected`-mode agents,
/// their split over options in [`super::ExpectedShares`]).
#[derive(Resource, Clone, Debug, Default, PartialEq)]
pub struct Buyers {
    /// Sequential id (spawn order): keys the agent's random streams.
    pub id: Vec<u32>,
    /// Index of the agent's segment in [`super::SegmentBook`].
    pub segment: Vec<u32>,
    /// α: utility lost per USD/Mtok of price.
    pub alpha: Vec<f64>,
    /// θ: utility per point of quality.
    pub theta: Vec<f64>,
    /// Highest price the agent pays, USD per Mtok (infinite: no limit).
    pub reservation: Vec<f64>,
    /// Mtok per round per represented customer at the reference of the volume demand.
    pub base: Vec<f64>,
    /// The option the agent buys from: a vendor index, [`Buyers::OUTSIDE`] or [`Buyers::NONE`].
    pub choice: Vec<u32>,
}

/// Agents drawn per parallel task when a segment is added.
const DRAW_CHUNK: usize = 4096;

impl Buyers {
    /// The outside option (not buying, or self-hosting).
    pub const OUTSIDE: u32 = OUTSIDE;
    /// No choice yet, or nothing the agent could buy.
    pub const NONE: u32 = NONE;

    /// Agents.
    pub fn len(&self) -> usize {
        self.id.len()
    }

    /// True without agents.
    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }

    /// The id the next agent gets.
    pub fn next_id(&self) -> u32 {
        self.id.len() as u32
    }

    /// The traits as the columns the choice kernel reads.
    pub fn rows(&self) -> BuyerRows<'_> {
        BuyerRows {
            id: &self.id,
            segment: &self.segment,
            alpha: &self.alpha,
            theta: &self.theta,
            reservation: &self.reservation,
            base: &self.base,
        }
    }

    /// The traits, and the current choices to update.
    pub fn rows_and_choices(&mut self) -> (BuyerRows<'_>, &mut [u32]) {
        (
            BuyerRows {
                id: &self.id,
                segment: &self.segment,
                alpha: &self.alpha,
                theta: &self.theta,
                reservation: &self.reservation,
                base: &self.base,
            },
            &mut self.choice,
        )
    }

    /// Adds `count` agents of segment `segment`, with the next ids, their traits drawn from
    /// `traits` on their own streams (seed, buyer traits, id): in parallel chunks when `parallel`,
    /// the same numbers either way.
    pub fn add(
        &mut self,
        traits: &TraitDists,
        segment: u32,
        count: usize,
        seed: u64,
        parallel: bool,
    ) {
        let first = self.len();
        let n = first + count;
        self.id.extend(first as u32..n as u32);
        self.segment.resize(n, segment);
        self.choice.resize(n, NONE);
        for col in [
            &mut self.alpha,
            &mut self.theta,
            &mut self.reservation,
            &mut self.base,
        ] {
            col.resize(n, 0.0);
        }
        let fill = |c: usize, a: &mut [f64], t: &mut [f64], r: &mut [f64], b: &mut [f64]| {
            for k in 0..a.len() {
                let id = (first + c * DRAW_CHUNK + k) as u64;
                (a[k], t[k], r[k], b[k]) = draw(traits, id, seed);
            }
        };
        let (a, t, r, b) = (
            &mut self.alpha[first..],
            &mut self.theta[first..],
            &mut self.reservation[first..],
            &mut self.base[first..],
        );
        if parallel {
            a.par_chunks_mut(DRAW_CHUNK)
                .zip(t.par_chunks_mut(DRAW_CHUNK))
                .zip(r.par_chunks_mut(DRAW_CHUNK))
                .zip(b.par_chunks_mut(DRAW_CHUNK))
                .enumerate()
                .for_each(|(c, (((a, t), r), b))| fill(c, a, t, r, b));
        } else {
            for (c, (((a, t), r), b)) in a
                .chunks_mut(DRAW_CHUNK)
                .zip(t.chunks_mut(DRAW_CHUNK))
                .zip(r.chunks_mut(DRAW_CHUNK))
                .zip(b.chunks_mut(DRAW_CHUNK))
                .enumerate()
            {
                fill(c, a, t, r, b);
            }
        }
    }
}

/// The distributions a segment's agents draw their traits from.
#[derive(Clone, Debug, PartialEq)]
pub struct TraitDists {
    /// α, > 0.
    pub price_sensitivity: Dist,
    /// θ, >= 0.
    pub quality_weight: Dist,
    /// Reservation price, USD per Mtok (None: no limit).
    pub reservation_price: Option<Dist>,
    /// Base volume, Mtok per round.
    pub base_volume_mtok: Dist,
}

/// The traits (α, θ, reservation price, base volume) of the agent with id `id`, from the stream
/// (seed, buyer traits, id): they do not depend on when or on which thread it is drawn.
pub fn draw(traits: &TraitDists, id: u64, seed: u64) -> (f64, f64, f64, f64) {
    let mut rng = Stream::new(seed, Purpose::BuyerTraits, 0, id);
    let alpha = traits.price_sensitivity.sample(&mut rng);
    let theta = traits.quality_weight.sample(&mut rng);
    let reservation = traits
        .reservation_price
        .as_ref()
        .map_or(f64::INFINITY, |d| d.sample(&mut rng));
    let base = traits.base_volume_mtok.sample(&mut rng);
    (alpha, theta, reservation, base)
}

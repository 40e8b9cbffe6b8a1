//! Buyer agents: one entity per agent, its traits drawn once at spawn.
//!
//! Each trait is a one-field component, transparent over its value, so that the choice stage
//! reads a table's components as plain columns (`&[f64]`, `&[u32]`) without copying them.

use crate::demand::BuyerRows;
use crate::demand::choice::{NONE, OUTSIDE};
use crate::dist::Dist;
use crate::rng::{Purpose, Stream};
use bevy_ecs::prelude::*;
use bytemuck::TransparentWrapper;

macro_rules! trait_component {
    ($(#[$doc:meta])* $name:ident($ty:ty)) => {
        $(#[$doc])*
        #[derive(Component, Clone, Copy, Debug, PartialEq)]
        #[repr(transparent)]
        pub struct $name(pub $ty);
        // SAFETY: a `#[repr(transparent)]` struct with a single field has that field's layout.
        unsafe impl TransparentWrapper<$ty> for $name {}
    };
}

trait_component!(
    /// Sequential id of an agent (spawn order); keys its random streams.
    BuyerId(u32)
);
trait_component!(
    /// Index of the agent's segment in [`super::SegmentBook`].
    SegmentIndex(u32)
);
trait_component!(
    /// α: utility lost per USD/Mtok of price.
    PriceSensitivity(f64)
);
trait_component!(
    /// θ: utility per point of quality.
    QualityWeight(f64)
);
trait_component!(
    /// Highest price the agent pays, USD per Mtok (infinite: no limit).
    ReservationPrice(f64)
);
trait_component!(
    /// Mtok per round per represented customer at the reference of the volume demand.
    BaseVolume(f64)
);
trait_component!(
    /// The option the agent buys from: a vendor index, [`CurrentChoice::OUTSIDE`] or
    /// [`CurrentChoice::NONE`] (not yet chosen, or nothing available).
    CurrentChoice(u32)
);

impl CurrentChoice {
    /// The outside option (not buying, or self-hosting).
    pub const OUTSIDE: u32 = OUTSIDE;
    /// No choice yet, or nothing the agent could buy.
    pub const NONE: u32 = NONE;
}

/// The components a buyer agent is spawned with.
#[derive(Bundle, Clone, Copy, Debug)]
pub struct BuyerBundle {
    /// Id.
    pub id: BuyerId,
    /// Segment.
    pub segment: SegmentIndex,
    /// α.
    pub alpha: PriceSensitivity,
    /// θ.
    pub theta: QualityWeight,
    /// Reservation price.
    pub reservation: ReservationPrice,
    /// Base volume.
    pub base: BaseVolume,
    /// Current choice.
    pub choice: CurrentChoice,
}

/// The traits of a buyer agent as a query: read as contiguous slices by the choice and rationing
/// stages.
pub type BuyerTraits = (
    &'static BuyerId,
    &'static SegmentIndex,
    &'static PriceSensitivity,
    &'static QualityWeight,
    &'static ReservationPrice,
    &'static BaseVolume,
);

/// The slices of one table of [`BuyerTraits`].
pub type BuyerSlices<'a> = (
    &'a [BuyerId],
    &'a [SegmentIndex],
    &'a [PriceSensitivity],
    &'a [QualityWeight],
    &'a [ReservationPrice],
    &'a [BaseVolume],
);

/// One table's buyer traits as the plain columns the choice kernel reads.
pub fn buyer_rows<'a>(
    (id, segment, alpha, theta, reservation, base): BuyerSlices<'a>,
) -> BuyerRows<'a> {
    BuyerRows {
        id: BuyerId::peel_slice(id),
        segment: SegmentIndex::peel_slice(segment),
        alpha: PriceSensitivity::peel_slice(alpha),
        theta: QualityWeight::peel_slice(theta),
        reservation: ReservationPrice::peel_slice(reservation),
        base: BaseVolume::peel_slice(base),
    }
}

/// Current choices as the plain column the choice kernel writes.
pub fn choice_column(choices: &mut [CurrentChoice]) -> &mut [u32] {
    CurrentChoice::peel_slice_mut(choices)
}

/// Current choices as a plain column.
pub fn choice_column_ref(choices: &[CurrentChoice]) -> &[u32] {
    CurrentChoice::peel_slice(choices)
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

/// A buyer agent of segment `segment` with id `id`: its traits come from the stream
/// (seed, buyer traits, id), so they do not depend on when or on which thread it is spawned.
pub fn spawn_buyer(traits: &TraitDists, segment: u32, id: u32, seed: u64) -> BuyerBundle {
    let mut rng = Stream::new(seed, Purpose::BuyerTraits, 0, id as u64);
    let alpha = traits.price_sensitivity.sample(&mut rng);
    let theta = traits.quality_weight.sample(&mut rng);
    let reservation = traits
        .reservation_price
        .as_ref()
        .map_or(f64::INFINITY, |d| d.sample(&mut rng));
    let base = traits.base_volume_mtok.sample(&mut rng);
    BuyerBundle {
        id: BuyerId(id),
        segment: SegmentIndex(segment),
        alpha: PriceSensitivity(alpha),
        theta: QualityWeight(theta),
        reservation: ReservationPrice(reservation),
        base: BaseVolume(base),
        choice: CurrentChoice(CurrentChoice::NONE),
    }
}

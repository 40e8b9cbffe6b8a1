//! Buyer agents: one entity per agent, its traits drawn once at spawn.

use bevy_ecs::prelude::*;

/// Sequential id of an agent (spawn order); keys its random streams.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq)]
#[repr(transparent)]
pub struct BuyerId(pub u32);

/// Index of the agent's segment in [`super::SegmentBook`].
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq)]
#[repr(transparent)]
pub struct SegmentIndex(pub u32);

/// α: utility lost per USD/Mtok of price.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
#[repr(transparent)]
pub struct PriceSensitivity(pub f64);

/// θ: utility per point of quality.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
#[repr(transparent)]
pub struct QualityWeight(pub f64);

/// Highest price the agent pays, USD per Mtok (infinite: no limit).
#[derive(Component, Clone, Copy, Debug, PartialEq)]
#[repr(transparent)]
pub struct ReservationPrice(pub f64);

/// Mtok per round per represented customer at the reference of the volume demand.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
#[repr(transparent)]
pub struct BaseVolume(pub f64);

/// The option the agent buys from: a vendor index, [`CurrentChoice::OUTSIDE`] or
/// [`CurrentChoice::NONE`] (not yet chosen, or nothing available).
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq)]
#[repr(transparent)]
pub struct CurrentChoice(pub u32);

impl CurrentChoice {
    /// The outside option (not buying, or self-hosting).
    pub const OUTSIDE: u32 = u32::MAX - 1;
    /// No choice yet, or nothing the agent could buy.
    pub const NONE: u32 = u32::MAX;
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
/// stages (see `demand::BuyerRows`).
pub type BuyerTraits = (
    &'static BuyerId,
    &'static SegmentIndex,
    &'static PriceSensitivity,
    &'static QualityWeight,
    &'static ReservationPrice,
    &'static BaseVolume,
);

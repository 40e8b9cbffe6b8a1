//! Buyer demand: logit choice among vendors and the outside option, and volume demand.

pub mod choice;
pub mod ration;
pub mod volume;

pub use choice::{
    BuyerRows, ChoiceMode, OfferBook, SegmentOffer, SegmentTally, TallyLayout, choose_all,
};
pub use volume::{VolumeDemand, VolumeSpec};

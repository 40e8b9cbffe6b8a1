//! Buyer demand: logit choice among vendors and the outside option, and volume demand.

pub mod choice;
pub mod mix;
pub mod nest;
pub mod ration;
pub mod volume;

pub use choice::{
    BuyerRows, ChoiceMode, Kernel, OfferBook, SegmentOffer, SegmentTally, TallyLayout, choose_all,
    choose_all_on,
};
pub use mix::TokenMix;
pub use nest::{NestWork, Nesting};
pub use volume::{VolumeDemand, VolumeSpec};

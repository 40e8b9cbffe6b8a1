//! Components and resources of the price-war world.
//!
//! Vendors and buyer agents are entities. Buyer components are small `f64`/`u32` newtypes kept in
//! one table, so the choice stage reads them as contiguous slices. Market-wide state lives in
//! resources.

pub mod buyer;
pub mod market;
pub mod vendor;

pub use buyer::*;
pub use market::*;
pub use vendor::*;

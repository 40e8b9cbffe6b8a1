//! Scenario files: parse (serde structs; the only place serde_yaml is used) → validate (every
//! problem with its file, line and key path) → compile into the engine's [`RunSpec`].
//!
//! [`RunSpec`]: crate::sim::RunSpec

mod checked;
pub mod compile;
pub mod error;
pub mod load;
pub mod locate;
mod messages;
pub mod path;
pub mod spec;
mod typing;
pub mod validate;
mod value;

pub use checked::Scenario;
pub use error::{Problem, ScenarioError};
pub use load::{ScenarioSource, from_text, load};
pub use spec::*;
pub use value::Value;

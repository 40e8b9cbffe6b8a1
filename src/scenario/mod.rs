//! Scenario files: YAML structs, loading (the only serde_yaml touchpoint) and validation into a
//! checked [`Scenario`].

pub mod dist;
pub mod error;
pub mod load;
pub mod locate;
pub mod spec;
pub mod validate;

pub use dist::{Dist, TaggedDist};
pub use error::{Problem, ScenarioError};
pub use load::{ScenarioSource, from_text, load};
/// A YAML value (swept values are any YAML: numbers, strings, maps).
pub use serde_yaml::Value;
pub use spec::*;

use std::path::{Path, PathBuf};

/// A scenario whose every value has been range-checked: the only input the engine accepts.
#[derive(Clone, Debug)]
pub struct Scenario {
    spec: ScenarioSpec,
    source: PathBuf,
    warnings: Vec<String>,
}

impl Scenario {
    /// The checked values.
    pub fn spec(&self) -> &ScenarioSpec {
        &self.spec
    }

    /// The file it came from.
    pub fn source(&self) -> &Path {
        &self.source
    }

    /// Things that are allowed but probably not meant (shown by `validate` and `run`).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The resolved scenario as YAML: every default explicit.
    pub fn to_yaml(&self) -> String {
        load::to_yaml(&self.spec)
    }

    /// The same scenario with another master seed (a seed never makes a scenario invalid).
    pub fn with_seed(&self, seed: u64) -> Scenario {
        let mut s = self.clone();
        s.spec.seed = seed;
        s
    }

    /// Total buyer agents at the start.
    pub fn agents(&self) -> u64 {
        self.spec.segments.iter().map(|s| s.agents as u64).sum()
    }
}

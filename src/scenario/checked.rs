//! A scenario that has been checked and compiled: the only input the engine accepts.

use super::spec::ScenarioSpec;
use crate::sim::RunSpec;
use std::path::{Path, PathBuf};

/// A scenario whose every value has been range-checked, with its compiled run specification.
#[derive(Clone, Debug)]
pub struct Scenario {
    spec: ScenarioSpec,
    run: RunSpec,
    source: PathBuf,
    warnings: Vec<String>,
}

impl Scenario {
    pub(crate) fn new(
        spec: ScenarioSpec,
        run: RunSpec,
        source: PathBuf,
        warnings: Vec<String>,
    ) -> Self {
        Self {
            spec,
            run,
            source,
            warnings,
        }
    }

    /// The checked values, as written (with defaults filled in).
    pub fn spec(&self) -> &ScenarioSpec {
        &self.spec
    }

    /// What the engine plays.
    pub fn run_spec(&self) -> &RunSpec {
        &self.run
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
        serde_yaml::to_string(&self.spec).expect("a scenario spec always serialises")
    }

    /// The same scenario with another master seed (a seed never makes a scenario invalid).
    pub fn with_seed(&self, seed: u64) -> Scenario {
        let mut s = self.clone();
        s.spec.seed = seed;
        s.run.seed = seed;
        s
    }

    /// Total buyer agents at the start.
    pub fn agents(&self) -> u64 {
        self.run.agents()
    }
}

impl AsRef<RunSpec> for Scenario {
    fn as_ref(&self) -> &RunSpec {
        &self.run
    }
}

//! Why a sweep could not be planned or run. Every message says how to fix the problem.

use crate::output::OutputError;
use crate::scenario::ScenarioError;
use std::path::PathBuf;

/// Why a sweep could not be planned, prepared or run.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// The base scenario (or a run's scenario) is invalid.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The sweep settings are wrong (in the file's `sweep:` block or in the flags).
    #[error("{0}")]
    Spec(String),
    /// `--shard K/N` (or the Slurm variables it defaults from) is wrong.
    #[error("{0}")]
    Shard(String),
    /// The output directory holds something that the sweep must not overwrite or mix with.
    #[error("{}: {message}", dir.display())]
    Directory {
        /// The output directory.
        dir: PathBuf,
        /// What is wrong and what to do.
        message: String,
    },
    /// Writing output failed.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A run failed unexpectedly.
    #[error("run {run_id}: {message}")]
    Run {
        /// The run.
        run_id: u64,
        /// What happened.
        message: String,
    },
}

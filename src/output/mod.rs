//! Output: panels as Polars DataFrames, written to Parquet (zstd), the resolved scenario and a
//! manifest. Every file appears whole or not at all: it is written under a temporary name in the
//! same directory and renamed into place.

pub mod files;
pub mod panel;
pub mod stream;

pub use files::{
    Encoding, replace_atomically, temp_name, write_bytes_via, write_file, write_parquet,
    write_parquet_via,
};
pub use panel::*;
pub use stream::{RunWriter, STREAM_ROWS};

use polars::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Why output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A filesystem operation failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The IO error.
        source: std::io::Error,
    },
    /// Polars could not build or write a frame.
    #[error("{}: {source}", path.display())]
    Polars {
        /// The file.
        path: PathBuf,
        /// The Polars error.
        source: PolarsError,
    },
}

/// The vendor panel as a DataFrame.
pub fn vendors_frame(p: &VendorPanel) -> PolarsResult<DataFrame> {
    p.frame()
}

/// The segment panel as a DataFrame.
pub fn segments_frame(p: &SegmentPanel) -> PolarsResult<DataFrame> {
    p.frame()
}

/// The market panel as a DataFrame.
pub fn market_frame(p: &MarketPanel) -> PolarsResult<DataFrame> {
    p.frame()
}

/// The firm panel as a DataFrame.
pub fn firms_frame(p: &FirmPanel) -> PolarsResult<DataFrame> {
    p.frame()
}

/// What `manifest.json` records about a run.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// pricewar version.
    pub pricewar_version: String,
    /// Hash of the source the binary was built from (src/, Cargo.toml, Cargo.lock).
    pub source_hash: String,
    /// Scenario name.
    pub scenario: String,
    /// Scenario file.
    pub source: String,
    /// Master seed.
    pub seed: u64,
    /// Rounds played.
    pub rounds: u32,
    /// Buyer agents at the end.
    pub agents: u64,
    /// Threads used for the buyers' choice.
    pub threads: usize,
    /// Rows per panel file.
    pub rows: RowCounts,
    /// Wall time of the run, seconds.
    pub wall_time_seconds: f64,
    /// Monopoly, Bertrand-Nash and joint-profit benchmarks in the first and last rounds.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub benchmarks: Vec<crate::equilibrium::Benchmarks>,
    /// The benchmarks' industry profits over the collusion window (each round of the window
    /// against its own market's benchmarks), for the collusion index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collusion_window: Option<crate::equilibrium::CollusionWindow>,
    /// What Q-learning vendors learned before round 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learning: Option<crate::learning::LearningReport>,
    /// The static simulation of every merger in the run (Bertrand-Nash before and after, with
    /// diversion ratios and GUPPIs), in the order they happened.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mergers: Vec<crate::equilibrium::MergerSimulation>,
}

/// Rows per panel.
#[derive(Debug, Clone, Serialize)]
pub struct RowCounts {
    /// vendors.parquet.
    pub vendors: usize,
    /// segments.parquet.
    pub segments: usize,
    /// market.parquet.
    pub market: usize,
    /// firms.parquet.
    pub firms: usize,
}

/// Writes a run's files into `dir` (created if needed): the three panels, `scenario.yaml` and
/// `manifest.json` (its row counts those of `panels`). Returns the paths written.
pub fn write_run(
    dir: &Path,
    panels: &Panels,
    resolved_yaml: &str,
    manifest: &Manifest,
) -> Result<Vec<PathBuf>, OutputError> {
    let mut manifest = manifest.clone();
    RunWriter::create(dir)?.finish(panels, resolved_yaml, &mut manifest)
}

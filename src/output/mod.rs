//! Output: panels as Polars DataFrames, written to Parquet (zstd), the resolved scenario and a
//! manifest. Every file appears whole or not at all: it is written under a temporary name in the
//! same directory and renamed into place.

pub mod panel;

pub use panel::*;

use polars::prelude::*;
use serde::Serialize;
use std::io::Write;
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

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The vendor panel as a DataFrame.
pub fn vendors_frame(p: &VendorPanel) -> PolarsResult<DataFrame> {
    DataFrame::new(
        p.len(),
        vec![
            Column::new("run_id".into(), &p.run_id),
            Column::new("round".into(), &p.round),
            Column::new("vendor".into(), &p.vendor),
            Column::new("price".into(), &p.price),
            Column::new("marginal_cost".into(), &p.marginal_cost),
            Column::new("quality".into(), &p.quality),
            Column::new("quantity_mtok".into(), &p.quantity_mtok),
            Column::new("demand_mtok".into(), &p.demand_mtok),
            Column::new("share".into(), &p.share),
            Column::new("revenue".into(), &p.revenue),
            Column::new("variable_cost".into(), &p.variable_cost),
            Column::new("fixed_cost".into(), &p.fixed_cost),
            Column::new("training_cost".into(), &p.training_cost),
            Column::new("subsidy".into(), &p.subsidy),
            Column::new("profit".into(), &p.profit),
            Column::new("cash".into(), &p.cash),
            Column::new("active".into(), &p.active),
            Column::new("capacity_mtok".into(), &p.capacity_mtok),
        ],
    )
}

/// The segment panel as a DataFrame.
pub fn segments_frame(p: &SegmentPanel) -> PolarsResult<DataFrame> {
    DataFrame::new(
        p.len(),
        vec![
            Column::new("run_id".into(), &p.run_id),
            Column::new("round".into(), &p.round),
            Column::new("segment".into(), &p.segment),
            Column::new("agents".into(), &p.agents),
            Column::new("customers".into(), &p.customers),
            Column::new("volume_mtok".into(), &p.volume_mtok),
            Column::new("avg_price_paid".into(), &p.avg_price_paid),
            Column::new("outside_share".into(), &p.outside_share),
            Column::new("consumer_surplus".into(), &p.consumer_surplus),
            Column::new("switches".into(), &p.switches),
        ],
    )
}

/// The market panel as a DataFrame.
pub fn market_frame(p: &MarketPanel) -> PolarsResult<DataFrame> {
    DataFrame::new(
        p.len(),
        vec![
            Column::new("run_id".into(), &p.run_id),
            Column::new("round".into(), &p.round),
            Column::new("price_index".into(), &p.price_index),
            Column::new("min_price".into(), &p.min_price),
            Column::new("hhi".into(), &p.hhi),
            Column::new("active_vendors".into(), &p.active_vendors),
            Column::new("volume_mtok".into(), &p.volume_mtok),
            Column::new("consumer_surplus".into(), &p.consumer_surplus),
            Column::new("producer_surplus".into(), &p.producer_surplus),
            Column::new("welfare".into(), &p.welfare),
        ],
    )
}

/// Writes `df` to `path` as zstd Parquet, atomically.
pub fn write_parquet(df: &mut DataFrame, path: &Path) -> Result<(), OutputError> {
    replace_atomically(path, &temp_name(path), |file| {
        ParquetWriter::new(file)
            .with_compression(ParquetCompression::Zstd(None))
            .finish(df)
            .map(|_| ())
            .map_err(|source| OutputError::Polars {
                path: path.to_path_buf(),
                source,
            })
    })
}

/// Writes `bytes` to `path` atomically and durably (synced before the rename).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    write_bytes_via(path, &temp_name(path), bytes)
}

/// Writes `bytes` to `path` through the temporary file `tmp`, synced before the rename.
pub fn write_bytes_via(path: &Path, tmp: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    replace_atomically(path, tmp, |file| {
        file.write_all(bytes).map_err(io_err(tmp))?;
        file.sync_all().map_err(io_err(tmp))
    })
}

/// Creates `tmp`, lets `write` fill it, and renames it to `path`: `path` appears whole or not at
/// all. On failure the temporary file is removed.
pub fn replace_atomically(
    path: &Path,
    tmp: &Path,
    write: impl FnOnce(&mut std::fs::File) -> Result<(), OutputError>,
) -> Result<(), OutputError> {
    let result = (|| {
        let mut file = std::fs::File::create(tmp).map_err(io_err(tmp))?;
        write(&mut file)?;
        drop(file);
        std::fs::rename(tmp, path).map_err(io_err(path))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(tmp);
    }
    result
}

fn temp_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
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
    /// What Q-learning vendors learned before round 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learning: Option<crate::learning::LearningReport>,
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
}

/// Writes a run's files into `dir` (created if needed): the three panels, `scenario.yaml` and
/// `manifest.json`. Returns the paths written.
pub fn write_run(
    dir: &Path,
    panels: &Panels,
    resolved_yaml: &str,
    manifest: &Manifest,
) -> Result<Vec<PathBuf>, OutputError> {
    let build = |what: &str, r: PolarsResult<DataFrame>| {
        r.map_err(|source| OutputError::Polars {
            path: dir.join(what),
            source,
        })
    };
    // Build every frame before touching the filesystem.
    let mut frames = [
        (
            "vendors.parquet",
            build("vendors.parquet", vendors_frame(&panels.vendors))?,
        ),
        (
            "segments.parquet",
            build("segments.parquet", segments_frame(&panels.segments))?,
        ),
        (
            "market.parquet",
            build("market.parquet", market_frame(&panels.market))?,
        ),
    ];
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let mut written = Vec::new();
    for (name, df) in frames.iter_mut() {
        let path = dir.join(name);
        write_parquet(df, &path)?;
        written.push(path);
    }
    let path = dir.join("scenario.yaml");
    write_file(&path, resolved_yaml.as_bytes())?;
    written.push(path);
    let path = dir.join("manifest.json");
    let json = serde_json::to_string_pretty(manifest).expect("manifest serialises");
    write_file(&path, json.as_bytes())?;
    written.push(path);
    Ok(written)
}

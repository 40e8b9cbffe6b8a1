//! Analysis of what runs and sweeps wrote: the common questions answered from the Parquet panels
//! with Polars lazy queries, and charts of the paths.
//!
//! - [`load`] tells a run directory from a sweep directory and scans its tables lazily (a
//!   sweep's hive-partitioned shards read as one dataset).
//! - [`summary`] reduces each run to its market, vendor and price-change metrics.
//! - [`report`] gathers runs into a report: one group for a run; for a sweep, one group per
//!   combination of grid values (parameters sampled from ranges are pooled) with mean,
//!   standard deviation and 95% interval across its runs ([`stats`]), and says whether every
//!   planned run is present.
//! - [`format`] prints a report as a table, CSV, JSON or Markdown.
//! - [`plot`] draws price paths, shares, HHI and surplus over rounds as PNG and SVG.
//!
//! ```no_run
//! use pricewar::analysis::{self, Format};
//!
//! let data = analysis::open("output/china-2024".as_ref())?;
//! let report = analysis::analyze(&data)?;
//! print!("{}", analysis::format::render(&report, Format::Table));
//! analysis::plot::plot(&data, "output/china-2024/plots".as_ref())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod design;
mod error;
pub mod format;
pub mod load;
pub mod merger;
pub mod metric;
pub mod plot;
pub mod report;
mod schema;
pub mod sensitivity;
pub mod stats;
pub mod summary;

pub use error::AnalysisError;
pub use format::Format;
pub use load::{Benchmarks, Dataset, Kind, SampledParameter, open};
pub use report::{Report, analyze};

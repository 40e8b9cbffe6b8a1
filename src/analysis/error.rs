//! Why an output directory could not be analysed, with what to do about it.

use polars::prelude::PolarsError;
use std::path::PathBuf;

/// An analysis or plotting failure. Every message names the path and says how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// The directory does not exist.
    #[error(
        "{}: no such directory; pass the directory `pricewar run` wrote (output/<scenario name> by default) or a sweep directory",
        .0.display()
    )]
    NoSuchDirectory(PathBuf),
    /// The directory holds neither a run nor a sweep.
    #[error(
        "{}: holds neither a run (vendors.parquet) nor a sweep (sweep.json); pass the directory `pricewar run` or `pricewar sweep` wrote{hint}",
        dir.display()
    )]
    NotOutput {
        /// The directory.
        dir: PathBuf,
        /// Output directories found inside it, as a suggestion.
        hint: String,
    },
    /// A file or table the output needs is missing.
    #[error("{}: missing; {fix}", path.display())]
    Missing {
        /// The file or table directory.
        path: PathBuf,
        /// What to do.
        fix: &'static str,
    },
    /// A table lacks a documented column or has it with another type.
    #[error(
        "{}: {problem}; this is not a pricewar panel, or one from another version: write it again with this pricewar",
        path.display()
    )]
    Schema {
        /// The file or table directory.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// A metadata file (sweep.json, manifest.json, scenario.yaml) cannot be understood.
    #[error("{}: {problem}", path.display())]
    Metadata {
        /// The file.
        path: PathBuf,
        /// What is wrong and how to fix it.
        problem: String,
    },
    /// Polars could not read or query a table.
    // The cause is part of the message rather than a `source`, so that it prints once.
    #[error("{}: cannot read the Parquet data ({cause}); is the file complete? write it again", path.display())]
    Polars {
        /// The file or table directory.
        path: PathBuf,
        /// The Polars error.
        cause: PolarsError,
    },
    /// The output holds no rows to analyse.
    #[error("{}: holds no rounds to analyse; run at least one round", .0.display())]
    Empty(PathBuf),
    /// A file could not be read or written.
    #[error("{}: {cause}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The IO error.
        cause: std::io::Error,
    },
    /// A chart could not be drawn.
    #[error("{}: cannot draw the chart: {message}", path.display())]
    Plot {
        /// The chart file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

impl AnalysisError {
    /// Wraps a Polars error that happened while reading `path`.
    pub(crate) fn polars(path: impl Into<PathBuf>) -> impl FnOnce(PolarsError) -> Self {
        let path = path.into();
        move |cause| AnalysisError::Polars { path, cause }
    }
}

//! Integration tests of pricewar, one module per behaviour.
//!
//! - `economics`: closed forms the engine must reproduce (compute costs, logit shares, monopoly).
//! - `determinism`: same scenario and seed → same Parquet contents on 1 and many threads.
//! - `output`: the Parquet panels read back with Polars: documented schema and row counts.
//! - `errors`: bad input gives a clear message, a non-zero exit and nothing written.
//! - `edge_cases`: free products, vendors without buyers, everyone exiting, priced-out segments.
//! - `scenarios`: every shipped scenario validates and runs.
//! - `analysis`: `pricewar analyze` metrics on hand-made panels, sweep aggregation, formats, errors.
//! - `plot`: `pricewar plot` writes valid, non-blank PNG and SVG charts of runs and sweeps.
//! - `python`: a run and a sweep read with Python Polars, pandas (pyarrow) and DuckDB.
//! - `sweep_fixture` (helpers): run and sweep directories in the documented layouts.

mod analysis;
mod common;
mod determinism;
mod economics;
mod edge_cases;
mod errors;
mod output;
mod plot;
mod python;
mod scenarios;
mod sweep_fixture;

//! Integration tests of pricewar, one module per behaviour.
//!
//! - `economics`: closed forms the engine must reproduce (compute costs, logit shares, monopoly).
//! - `determinism`: same scenario and seed → same Parquet contents on 1 and many threads.
//! - `output`: the Parquet panels read back with Polars: documented schema and row counts.
//! - `errors`: bad input gives a clear message, a non-zero exit and nothing written.
//! - `edge_cases`: free products, vendors without buyers, everyone exiting, priced-out segments.
//! - `scenarios`: every shipped scenario validates and runs.
//! - `sweep`: Monte Carlo sweeps give the same dataset on any number of jobs, for any sharding
//!   and after a kill and resume; their layout and `runs` columns; bad sweep settings refused.

mod common;
mod determinism;
mod economics;
mod edge_cases;
mod errors;
mod output;
mod scenarios;
mod sweep;

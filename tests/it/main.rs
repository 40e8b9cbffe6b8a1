//! Integration tests of pricewar, one module per behaviour.
//!
//! - `architecture`: the code map, layers and house rules of ARCHITECTURE.md hold for `src/`.
//! - `economics`: closed forms the engine must reproduce (compute costs, logit shares, monopoly).
//! - `determinism`: same scenario and seed → same Parquet contents on 1 and many threads.
//! - `output`: the Parquet panels read back with Polars: documented schema and row counts.
//! - `errors`: bad input gives a clear message, a non-zero exit and nothing written.
//! - `edge_cases`: free products, vendors without buyers, everyone exiting, priced-out segments.
//! - `readme`: every command output printed in README.md is what the binary prints now.
//! - `scenarios`: every shipped scenario validates and runs.
//! - `equilibrium`: engine-computed Nash, joint-profit and monopoly prices match closed forms.
//! - `learning`: Q-learning reproduces Calvano et al. (2020).
//! - `strategies`: Edgeworth cycles, capacity and rationing, penetration, tit for tat.
//! - `events`: every event kind changes what it should at its round, and nothing else.
//! - `firms`: firms of several products, their cash, mergers and merger simulation.
//! - `nests`: nested logit against its closed forms; λ = 1 is plain logit to the bit.
//! - `tokens`: input and output token prices, the prefill/decode cost split, benchmarks in
//!   price levels; one-price markets keep their bits.
//! - `analysis`: `pricewar analyze`, one submodule per theme: `run_metrics` (each metric against
//!   its definition on hand-made panels), `sweeps` (aggregation across replicates and shards,
//!   incomplete and sampled sweeps), `formats` (every format, tables within 100 columns) and
//!   `errors` (directories that are not output).
//! - `plot`: `pricewar plot` writes valid, non-blank PNG and SVG charts of runs and sweeps.
//! - `python`: a run and a sweep read with Python Polars, pandas (pyarrow) and DuckDB.
//! - `welfare`: Roy's identity, symmetric demand, subsidies as transfers, costs as vendors see
//!   them, dated cost figures, owned fleets, exit by economics.
//! - `sweep_fixture` (helpers): run and sweep directories in the documented layouts.
//! - `sensitivity`: Sobol and Morris designs and their indices against a market whose answer
//!   is known (the monopoly price is additive in the swept choke price and cost).
//! - `sweep`: Monte Carlo sweeps give the same dataset on any number of jobs, for any sharding
//!   and after a kill and resume; their layout and `runs` columns; bad sweep settings refused.

mod analysis;
mod architecture;
mod common;
mod determinism;
mod economics;
mod edge_cases;
mod equilibrium;
mod errors;
mod events;
mod firms;
mod learning;
mod nests;
mod output;
mod plot;
mod python;
mod readme;
mod scenarios;
mod sensitivity;
mod strategies;
mod sweep;
mod sweep_fixture;
mod tokens;
mod welfare;

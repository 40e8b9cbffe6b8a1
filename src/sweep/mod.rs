//! Monte Carlo sweeps: run lists, seeds, parallel runs, streaming output, resume and shards.
//!
//! A sweep is planned from a scenario's `sweep:` block (and flags) into a fixed, ordered run
//! list ([`Plan`]): design points (a full-factorial grid over scenario paths, crossed with
//! random or Latin-hypercube samples from ranges) × replicates. Run `r` has the seed
//! [`crate::rng::run_seed`]`(master, r)`, so results depend on neither thread count, sharding
//! nor machine. [`prepare`] checks an output directory without writing; [`execute`] runs a
//! shard's unfinished parts in parallel and streams each part to hive-partitioned Parquet
//! tables (see [`layout`]).
//!
//! ```no_run
//! use pricewar::scenario::ScenarioSource;
//! use pricewar::sweep::{self, Plan, SweepOptions, SweepOverrides};
//!
//! let source = ScenarioSource::load("scenarios/undercut-sweep.yaml".as_ref(), &[])?;
//! let plan = Plan::new(source, &SweepOverrides { replicates: Some(5), ..Default::default() })?;
//! let opts = SweepOptions { jobs: 2, ..Default::default() };
//! let prepared = sweep::prepare(&plan, "output/undercut".as_ref(), &opts)?;
//! let report = sweep::execute(prepared, &|_| {})?;
//! println!("{} runs in {:.1} s", report.new_runs, report.seconds);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod dataset;
pub mod error;
pub mod exec;
mod flags;
pub mod layout;
pub mod plan;
pub mod record;
mod sample;
pub mod shard;

pub use error::SweepError;
pub use exec::{Prepared, Report, SweepOptions, execute, prepare, run_one};
pub use layout::{Layout, SweepManifest};
pub use plan::{Param, ParamKind, Plan, PlannedRun, SweepOverrides};
pub use shard::Shard;

//! The commands behind the command line, taking plain options (argument parsing stays in
//! `main.rs`). They print progress and summaries; the engine itself does no IO.

mod analyze;
mod plot;
mod run;
mod sweep;
mod validate;

pub use analyze::analyze;
pub use plot::plot;
pub use run::{RunOptions, run};
pub use sweep::{SweepCommand, sweep};
pub use validate::validate;

/// Overrides for `--seed` and `--rounds`, as `--set` assignments.
pub(crate) fn overrides(set: &[String], seed: Option<u64>, rounds: Option<u32>) -> Vec<String> {
    let mut all = set.to_vec();
    if let Some(s) = seed {
        all.push(format!("seed={s}"));
    }
    if let Some(r) = rounds {
        all.push(format!("rounds={r}"));
    }
    all
}

/// A rayon pool of `threads` threads (None: one per core).
pub(crate) fn thread_pool(threads: Option<usize>) -> anyhow::Result<rayon::ThreadPool> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        anyhow::ensure!(t >= 1, "--threads must be at least 1");
        check_parallelism("--threads", t)?;
        b = b.num_threads(t);
    }
    Ok(b.build()?)
}

/// Most threads or jobs a run or sweep may start: 16 per core (at least 256). More only slow
/// the machine down and can exhaust its memory for thread stacks.
pub(crate) fn check_parallelism(flag: &str, n: usize) -> anyhow::Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let most = (16 * cores).max(256);
    anyhow::ensure!(
        n <= most,
        "{flag} {n}: at most {most} on this machine ({cores} cores); one per core is fastest"
    );
    Ok(())
}

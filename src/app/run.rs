//! `pricewar run`: one scenario, one run, panels written to Parquet.

use crate::output::{Manifest, Panels, RowCounts, RunWriter, STREAM_ROWS};
use crate::scenario;
use crate::sim::{RunResult, Simulation};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Options of `pricewar run`.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// The scenario file.
    pub scenario: PathBuf,
    /// Overrides the scenario's seed.
    pub seed: Option<u64>,
    /// Overrides the scenario's rounds.
    pub rounds: Option<u32>,
    /// Output directory (default `output/<scenario name>`).
    pub out: Option<PathBuf>,
    /// Threads for the buyers' choice (default: one per core).
    pub threads: Option<usize>,
    /// `path=value` overrides.
    pub set: Vec<String>,
    /// No progress bar or summary.
    pub quiet: bool,
}

/// Runs a scenario and writes its output; returns the output directory.
pub fn run(opts: &RunOptions) -> anyhow::Result<PathBuf> {
    let overrides = super::overrides(&opts.set, opts.seed, opts.rounds);
    let scenario = scenario::load(&opts.scenario, &overrides)?;
    for w in scenario.warnings() {
        tracing::warn!("{}: {w}", opts.scenario.display());
    }
    let spec = scenario.spec();
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&spec.name));
    let pool = super::thread_pool(opts.threads)?;
    let threads = pool.current_num_threads();
    tracing::info!(scenario = %spec.name, seed = spec.seed, rounds = spec.rounds, agents = scenario.agents(), threads, "starting run");

    let bar = if opts.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(spec.rounds as u64)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] round {pos}/{len} ({per_sec}, ETA {eta})",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar.set_message(spec.name.clone());
    let started = Instant::now();
    // Panels stream to their files as the run goes (under temporary names until it is over):
    // memory stays bounded however many rounds it plays.
    let source = opts.scenario.display().to_string();
    let mut writer: Option<RunWriter> = None;
    let checked = |panels: &Panels| {
        panels
            .check_finite()
            .map_err(|e| anyhow::anyhow!("{source}: {e}"))
    };
    let result = pool.install(|| {
        let built = Instant::now();
        let sim = Simulation::new(&scenario, 0);
        tracing::info!(seconds = built.elapsed().as_secs_f64(), "world built");
        sim.run_streaming(
            |_| bar.inc(1),
            STREAM_ROWS,
            |panels: &mut Panels| -> anyhow::Result<()> {
                checked(panels)?;
                let w = match &mut writer {
                    Some(w) => w,
                    None => writer.insert(RunWriter::create(&out)?),
                };
                w.write(panels)?;
                panels.clear();
                Ok(())
            },
        )
    })?;
    let wall = started.elapsed().as_secs_f64();
    bar.finish_and_clear();

    let mut manifest = Manifest {
        pricewar_version: env!("CARGO_PKG_VERSION").to_string(),
        source_hash: env!("PRICEWAR_SOURCE_HASH").to_string(),
        scenario: spec.name.clone(),
        source: opts.scenario.display().to_string(),
        seed: spec.seed,
        rounds: spec.rounds,
        agents: result.agents,
        threads,
        // Counted as the files are finished.
        rows: RowCounts {
            vendors: 0,
            segments: 0,
            market: 0,
            firms: 0,
        },
        wall_time_seconds: wall,
        benchmarks: result.benchmarks.clone(),
        collusion_window: result.collusion_window.clone(),
        learning: result.learning.clone(),
        mergers: result.mergers.clone(),
    };
    checked(&result.panels)?;
    let writer = match writer {
        Some(w) => w,
        None => RunWriter::create(&out)?,
    };
    writer.finish(&result.panels, &scenario.to_yaml(), &mut manifest)?;
    tracing::info!(dir = %out.display(), seconds = wall, "run written");
    if !opts.quiet {
        print_summary(&out, &result, &manifest.rows, spec.rounds, wall);
    }
    Ok(out)
}

/// What `pricewar run` prints: the files, and the last round (whose rows the result holds).
fn print_summary(out: &Path, result: &RunResult, rows: &RowCounts, rounds: u32, wall: f64) {
    let panels = &result.panels;
    println!(
        "wrote {} ({} rounds in {:.2} s)",
        out.display(),
        rounds,
        wall
    );
    println!("  vendors.parquet   {:>8} rows", rows.vendors);
    println!("  segments.parquet  {:>8} rows", rows.segments);
    println!("  market.parquet    {:>8} rows", rows.market);
    println!("  firms.parquet     {:>8} rows", rows.firms);
    if let Some(l) = &result.learning {
        let gain = l.profit_gain.map_or("-".to_string(), |g| format!("{g:.3}"));
        let state = if l.converged {
            "converged"
        } else {
            "stopped unconverged"
        };
        println!(
            "Q-learning {state} after {} periods; profit gain Δ = {gain}",
            l.periods
        );
    }
    for m in &result.mergers {
        print_merger(m);
    }
    let last = rounds.saturating_sub(1);
    let bench = result.benchmarks.last();
    let nash = bench.and_then(|b| b.nash.as_ref());
    let joint = bench.and_then(|b| b.joint.as_ref());
    println!("final round {last}:");
    println!(
        "  {:<20} {:>10} {:>7} {:>13} {:>10} {:>10}",
        "vendor", "USD/Mtok", "share", "cash USD", "Nash", "joint"
    );
    let v = &panels.vendors;
    for (k, i) in (0..v.len()).filter(|&i| v.round[i] == last).enumerate() {
        let price = v.price[i].map_or("exited".to_string(), |p| format!("{p:.4}"));
        let cash = v.cash[i].map_or("unlimited".to_string(), |c| format!("{c:.3e}"));
        let at = |b: Option<&crate::equilibrium::Benchmark>| {
            b.and_then(|b| b.prices.get(k).copied().flatten())
                .map_or("-".to_string(), |p| format!("{p:.4}"))
        };
        let name: String = v.vendor[i].chars().take(20).collect();
        println!(
            "  {:<20} {:>10} {:>6.1}% {:>13} {:>10} {:>10}",
            name,
            price,
            100.0 * v.share[i],
            cash,
            at(nash),
            at(joint)
        );
    }
    let m = &panels.market;
    if let Some(i) = (0..m.len()).rev().find(|&i| m.round[i] == last) {
        let pi = m.price_index[i].map_or("-".to_string(), |p| format!("{p:.4}"));
        let hhi = m.hhi[i].map_or("-".to_string(), |h| format!("{h:.0}"));
        println!(
            "  price index {pi} USD/Mtok, HHI {hhi} (over firms), {} vendors in the market",
            m.active_vendors[i]
        );
    }
}

/// A merger's static prediction: each product's Bertrand-Nash price before and after, and the
/// change in consumer surplus.
fn print_merger(m: &crate::equilibrium::MergerSimulation) {
    println!(
        "merger in round {} into `{}` ({}): static Bertrand-Nash prediction",
        m.round,
        m.owner,
        m.merging.join(", ")
    );
    let at = |b: &Option<crate::equilibrium::Benchmark>, j: usize| {
        b.as_ref()
            .and_then(|b| b.prices[j])
            .map_or("-".to_string(), |p| format!("{p:.4}"))
    };
    println!(
        "  {:<20} {:>10} {:>10} {:>8}",
        "vendor", "before", "after", "change"
    );
    for (j, name) in m.vendors.iter().enumerate() {
        let change = m.price_change[j].map_or("-".to_string(), |c| format!("{:+.1}%", 100.0 * c));
        let name: String = name.chars().take(20).collect();
        println!(
            "  {:<20} {:>10} {:>10} {:>8}",
            name,
            at(&m.before, j),
            at(&m.after, j),
            change
        );
    }
    if let (Some(a), Some(b)) = (m.consumer_surplus_before, m.consumer_surplus_after) {
        println!(
            "  consumer surplus per round {a:.4e} → {b:.4e} USD ({:+.2e})",
            b - a
        );
    }
}

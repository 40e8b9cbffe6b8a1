//! The `pricewar` command line: parse flags, set up logging, call the library, map errors to an
//! exit code.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Agent-based simulation of price wars in markets for AI models sold by the token.
#[derive(Parser, Debug)]
#[command(name = "pricewar", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run one scenario and write its panels to Parquet.
    Run {
        /// Scenario file (YAML).
        scenario: PathBuf,
        /// Master seed (overrides the scenario's `seed`).
        #[arg(long)]
        seed: Option<u64>,
        /// Rounds to run (overrides the scenario's `rounds`).
        #[arg(long)]
        rounds: Option<u32>,
        /// Output directory [default: output/<scenario name>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Threads for the buyers' choice [default: one per core].
        #[arg(long)]
        threads: Option<usize>,
        /// Override a scenario value: --set vendors[0].strategy.step=0.1 (repeatable).
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
        /// No progress bar or summary.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Answer the common questions about a run or a sweep directory: prices, shares, profits,
    /// survival, concentration, surplus, collusion and price-cycle statistics.
    Analyze {
        /// A run directory (from `pricewar run`) or a sweep directory (from `pricewar sweep`).
        dir: PathBuf,
        /// Output format; the table fits a 100-column terminal.
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
    },
    /// Draw PNG and SVG charts of a run or a sweep: prices, shares, HHI and surplus over rounds.
    Plot {
        /// A run directory or a sweep directory.
        dir: PathBuf,
        /// Directory for the charts [default: DIR/plots].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Do not list the files written.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Run a Monte Carlo sweep: grid × samples × replicates, in parallel, streamed to Parquet.
    Sweep {
        /// Scenario file (YAML), with or without a `sweep:` block.
        scenario: PathBuf,
        /// Replicates per design point (overrides `sweep.replicates`).
        #[arg(long)]
        replicates: Option<u32>,
        /// Grid over a scenario path: --grid 'vendors[0].strategy.step=0.02,0.05,0.1' (repeatable).
        #[arg(long = "grid", value_name = "PATH=V1,V2,...")]
        grid: Vec<String>,
        /// Range to sample a scenario path from: --range 'vendors[0].initial_price=1..3' (repeatable).
        #[arg(long = "range", value_name = "PATH=LOW..HIGH")]
        range: Vec<String>,
        /// Points drawn from the ranges (overrides `sweep.sample.points`).
        #[arg(long)]
        points: Option<u32>,
        /// How points are drawn from the ranges.
        #[arg(long, value_enum)]
        sample_method: Option<Method>,
        /// Master seed of the sweep (overrides `sweep.seed`).
        #[arg(long)]
        seed: Option<u64>,
        /// Rounds per run (overrides the scenario's `rounds`).
        #[arg(long)]
        rounds: Option<u32>,
        /// Runs at a time [default: one per core].
        #[arg(long, short)]
        jobs: Option<usize>,
        /// Run shard K of N [default: from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT, else 0/1].
        #[arg(long, value_name = "K/N")]
        shard: Option<String>,
        /// Keep the finished runs in the output directory and run the others.
        #[arg(long)]
        resume: bool,
        /// Print the run list without running it.
        #[arg(long)]
        plan: bool,
        /// Output directory [default: output/<scenario name>-sweep].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Runs per Parquet part file [default: about 20,000 panel rows per part].
        #[arg(long)]
        runs_per_part: Option<u64>,
        /// Override a base scenario value: --set vendors[0].finances.cash=1e6 (repeatable).
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
        /// No progress bar or summary.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Check a scenario file without running it.
    Validate {
        /// Scenario file (YAML).
        scenario: PathBuf,
        /// Override a scenario value before checking (repeatable).
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
    },
}

/// `--format` of `pricewar analyze`.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum ReportFormat {
    Table,
    Csv,
    Json,
    Markdown,
}

impl From<ReportFormat> for pricewar::analysis::Format {
    fn from(f: ReportFormat) -> Self {
        match f {
            ReportFormat::Table => Self::Table,
            ReportFormat::Csv => Self::Csv,
            ReportFormat::Json => Self::Json,
            ReportFormat::Markdown => Self::Markdown,
        }
    }
}

/// How sample points are drawn.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum Method {
    /// Independent uniform draws.
    Random,
    /// One point in every stratum of every range.
    #[value(name = "latin_hypercube", alias = "lhs")]
    LatinHypercube,
    /// Saltelli's design for Sobol indices: N base points give N·(k + 2) runs.
    Sobol,
    /// Morris trajectories: r trajectories give r·(k + 1) runs.
    Morris,
}

fn main() -> ExitCode {
    // Rust ignores SIGPIPE, so printing to a closed pipe (`pricewar analyze DIR | head`) would
    // panic; the default action ends the process quietly, as other command-line tools do.
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any thread exists; SIG_DFL is a valid action.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = match cli.command {
        Command::Run {
            scenario,
            seed,
            rounds,
            out,
            threads,
            set,
            quiet,
        } => pricewar::app::run(&pricewar::app::RunOptions {
            scenario,
            seed,
            rounds,
            out,
            threads,
            set,
            quiet,
        })
        .map(|_| ()),
        Command::Analyze { dir, format } => pricewar::app::analyze(&dir, format.into()),
        Command::Plot { dir, out, quiet } => {
            pricewar::app::plot(&dir, out.as_deref(), quiet).map(|_| ())
        }
        Command::Sweep {
            scenario,
            replicates,
            grid,
            range,
            points,
            sample_method,
            seed,
            rounds,
            jobs,
            shard,
            resume,
            plan,
            out,
            runs_per_part,
            set,
            quiet,
        } => pricewar::app::sweep(&pricewar::app::SweepCommand {
            scenario,
            out,
            set,
            rounds,
            overrides: pricewar::sweep::SweepOverrides {
                replicates,
                seed,
                grid,
                ranges: range,
                method: sample_method.map(|m| match m {
                    Method::Random => pricewar::scenario::SampleMethod::Random,
                    Method::LatinHypercube => pricewar::scenario::SampleMethod::LatinHypercube,
                    Method::Sobol => pricewar::scenario::SampleMethod::Sobol,
                    Method::Morris => pricewar::scenario::SampleMethod::Morris,
                }),
                points,
            },
            jobs,
            shard,
            resume,
            plan_only: plan,
            runs_per_part,
            quiet,
        })
        .map(|_| ()),
        Command::Validate { scenario, set } => pricewar::app::validate(&scenario, &set),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", describe(&e));
            ExitCode::FAILURE
        }
    }
}

/// An error and its causes on one line, each cause once: errors that already quote their source
/// in their own message are not followed by it again.
fn describe(e: &anyhow::Error) -> String {
    let mut msg = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !msg.contains(&c) {
            msg.push_str(": ");
            msg.push_str(&c);
        }
    }
    msg
}

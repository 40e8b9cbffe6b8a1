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

fn main() -> ExitCode {
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
        Command::Validate { scenario, set } => pricewar::app::validate(&scenario, &set),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

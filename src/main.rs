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
    /// Check a scenario file without running it.
    Validate {
        /// Scenario file (YAML).
        scenario: PathBuf,
        /// Override a scenario value before checking (repeatable).
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
    },
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

//! `pricewar sweep`: plan a Monte Carlo sweep, print it (`--plan`) or run this process's shard
//! of it with a progress bar.

use crate::scenario::ScenarioSource;
use crate::sweep::{self, Plan, Shard, SweepOptions, SweepOverrides};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Options of `pricewar sweep`.
#[derive(Clone, Debug, Default)]
pub struct SweepCommand {
    /// The scenario file.
    pub scenario: PathBuf,
    /// Output directory (default `output/<scenario name>-sweep`).
    pub out: Option<PathBuf>,
    /// `path=value` overrides of the base scenario.
    pub set: Vec<String>,
    /// Overrides the scenario's rounds.
    pub rounds: Option<u32>,
    /// Sweep settings from flags.
    pub overrides: SweepOverrides,
    /// Runs at a time (default: one per core).
    pub jobs: Option<usize>,
    /// `K/N` (default from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT, else 0/1).
    pub shard: Option<String>,
    /// Keep finished runs found in the output directory.
    pub resume: bool,
    /// Print the run list and stop.
    pub plan_only: bool,
    /// Runs per part file.
    pub runs_per_part: Option<u64>,
    /// No progress bar or summary.
    pub quiet: bool,
}

/// The shard of this process: `--shard`, else the Slurm array task, else 0/1.
fn shard_of(flag: Option<&str>) -> anyhow::Result<Shard> {
    if let Some(s) = flag {
        return Ok(Shard::parse(s)?);
    }
    let var = |name: &str| std::env::var(name).ok();
    Ok(Shard::from_slurm(
        var("SLURM_ARRAY_TASK_ID").as_deref(),
        var("SLURM_ARRAY_TASK_COUNT").as_deref(),
        var("SLURM_ARRAY_TASK_MIN").as_deref(),
    )?
    .unwrap_or_default())
}

/// Plans the sweep and prints it (`--plan`) or runs this shard; returns the output directory.
pub fn sweep(cmd: &SweepCommand) -> anyhow::Result<PathBuf> {
    let overrides = super::overrides(&cmd.set, None, cmd.rounds);
    let shard = shard_of(cmd.shard.as_deref())?;
    let source = ScenarioSource::load(&cmd.scenario, &overrides)?;
    let plan = Plan::new(source, &cmd.overrides)?;
    for w in plan.base().warnings() {
        tracing::warn!("{}: {w}", cmd.scenario.display());
    }
    let name = &plan.base().spec().name;
    let out = cmd
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{name}-sweep")));
    let jobs = match cmd.jobs {
        Some(0) => anyhow::bail!("--jobs must be at least 1"),
        Some(j) => {
            super::check_parallelism("--jobs", j)?;
            j
        }
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    if cmd.plan_only {
        print_plan(&plan, shard, cmd, &out)?;
        return Ok(out);
    }
    let opts = SweepOptions {
        shard,
        jobs,
        resume: cmd.resume,
        runs_per_part: cmd.runs_per_part,
    };
    let prepared = sweep::prepare(&plan, &out, &opts)?;
    tracing::info!(
        scenario = %name, runs = plan.runs(), shard = %shard, jobs,
        pending = prepared.pending_runs(), kept = prepared.finished_runs(),
        "starting sweep"
    );
    let bar = if cmd.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(prepared.pending_runs())
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {pos}/{len} runs ({per_sec}, ETA {eta})",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar.set_message(if shard.count > 1 {
        format!("{name} shard {shard}")
    } else {
        name.clone()
    });
    let report = sweep::execute(prepared, &|n| bar.inc(n))?;
    bar.finish_and_clear();
    tracing::info!(dir = %out.display(), seconds = report.seconds, runs = report.new_runs, "sweep written");
    if !cmd.quiet {
        let rate = if report.seconds > 0.0 {
            report.new_runs as f64 / report.seconds
        } else {
            0.0
        };
        let of = if shard.count > 1 {
            format!(
                " of shard {shard} ({} runs in the whole sweep)",
                report.total_runs
            )
        } else {
            String::new()
        };
        println!(
            "wrote {}: {} runs{of} ({} new, {} kept from before) in {:.2} s, {rate:.1} runs/s",
            out.display(),
            report.shard_runs,
            report.new_runs,
            report.kept_runs,
            report.seconds,
        );
        println!(
            "  tables runs/, vendors/, segments/, market/; read one with \
             pl.scan_parquet(\"{}/runs/**/*.parquet\")",
            out.display()
        );
    }
    Ok(out)
}

/// Prints the run list of this shard, one run per line.
fn print_plan(plan: &Plan, shard: Shard, cmd: &SweepCommand, out: &Path) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    let spec = plan.base().spec();
    writeln!(
        w,
        "sweep of `{}` ({}): {} runs = {} design points × {} replicates, master seed {}",
        spec.name,
        cmd.scenario.display(),
        plan.runs(),
        plan.points(),
        plan.replicates(),
        plan.master_seed()
    )?;
    let shard_runs = shard.runs(plan.runs());
    writeln!(
        w,
        "shard {shard}: {shard_runs} runs; output {}",
        out.display()
    )?;
    let mut header = vec![
        "run_id".to_string(),
        "replicate".to_string(),
        "seed".to_string(),
    ];
    header.extend(plan.params().iter().map(|p| p.path.clone()));
    writeln!(w, "{}", header.join("\t"))?;
    for local in 0..shard_runs {
        let run = plan.run(shard.run_id(local));
        let mut row = vec![
            run.run_id.to_string(),
            run.replicate.to_string(),
            run.seed.to_string(),
        ];
        row.extend(run.values.iter().map(Plan::value_text));
        if let Err(e) = writeln!(w, "{}", row.join("\t")) {
            // A closed pipe (`| head`) ends the listing quietly.
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return Ok(());
            }
            return Err(e.into());
        }
    }
    match w.flush() {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

//! Running a shard of a sweep: checks the output directory, then runs the shard's unfinished
//! parts on a rayon pool and streams each part to disk as soon as its runs are done.
//!
//! Workers take runs in run-id order from one counter, so at most `jobs` runs are in flight and
//! at most `jobs + 1` parts are held in memory, whatever the number of runs. The worker that
//! finishes a part's last run writes the part; no thread beyond the `jobs` workers does work.

use super::error::SweepError;
use super::layout::{self, Layout, ShardLock, SweepManifest, TABLES};
use super::plan::{Plan, PlannedRun};
use super::record::{RunRecord, runs_frame, summarise};
use super::shard::Shard;
use crate::output::{self, OutputError, Panels};
use crate::sim::Simulation;
use polars::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

/// How to run a sweep (none of this changes its results).
#[derive(Clone, Debug)]
pub struct SweepOptions {
    /// The part of the run list this process runs.
    pub shard: Shard,
    /// Runs at a time (threads), >= 1.
    pub jobs: usize,
    /// Keep the finished parts found in the output directory and run the others.
    pub resume: bool,
    /// Runs per part file (default: recorded in `sweep.json`, else about 20,000 panel rows).
    pub runs_per_part: Option<u64>,
}

impl Default for SweepOptions {
    fn default() -> Self {
        SweepOptions {
            shard: Shard::default(),
            jobs: 1,
            resume: false,
            runs_per_part: None,
        }
    }
}

/// A shard of a sweep, checked against its output directory and ready to run.
#[derive(Debug)]
pub struct Prepared<'a> {
    plan: &'a Plan,
    layout: Layout,
    shard: Shard,
    jobs: usize,
    manifest: SweepManifest,
    shard_runs: u64,
    pending: Vec<u64>,
    finished_runs: u64,
}

/// What a finished shard reports.
#[derive(Clone, Debug)]
pub struct Report {
    /// Runs of the whole plan.
    pub total_runs: u64,
    /// Runs of this shard.
    pub shard_runs: u64,
    /// Runs found finished on disk and kept.
    pub kept_runs: u64,
    /// Runs played now.
    pub new_runs: u64,
    /// Part files written now (per table).
    pub parts_written: u64,
    /// Wall time, seconds.
    pub seconds: f64,
}

impl<'a> Prepared<'a> {
    /// The shard.
    pub fn shard(&self) -> Shard {
        self.shard
    }

    /// Runs of this shard.
    pub fn shard_runs(&self) -> u64 {
        self.shard_runs
    }

    /// Runs already finished on disk.
    pub fn finished_runs(&self) -> u64 {
        self.finished_runs
    }

    /// Runs still to play.
    pub fn pending_runs(&self) -> u64 {
        self.pending.iter().map(|&p| self.part_size(p)).sum()
    }

    /// Runs per part.
    pub fn runs_per_part(&self) -> u64 {
        self.manifest.runs_per_part
    }

    /// Parts of this shard.
    pub fn parts(&self) -> u64 {
        self.shard_runs.div_ceil(self.manifest.runs_per_part)
    }

    /// What `sweep.json` says.
    pub fn manifest(&self) -> &SweepManifest {
        &self.manifest
    }

    fn part_size(&self, part: u64) -> u64 {
        let rpp = self.manifest.runs_per_part;
        (self.shard_runs - part * rpp).min(rpp)
    }

    /// The run ids of part `part`.
    pub fn part_runs(&self, part: u64) -> impl Iterator<Item = u64> + '_ {
        let first = part * self.manifest.runs_per_part;
        (first..first + self.part_size(part)).map(|local| self.shard.run_id(local))
    }
}

/// Checks the output directory for shard `opts.shard` of `plan` without writing anything:
/// a directory holding another sweep, or finished runs without `--resume`, is refused.
pub fn prepare<'a>(
    plan: &'a Plan,
    out: &Path,
    opts: &SweepOptions,
) -> Result<Prepared<'a>, SweepError> {
    let dir_err = |message: String| SweepError::Directory {
        dir: out.to_path_buf(),
        message,
    };
    if opts.jobs == 0 {
        return Err(SweepError::Spec("--jobs must be at least 1".into()));
    }
    if opts.runs_per_part == Some(0) {
        return Err(SweepError::Spec(
            "--runs-per-part must be at least 1".into(),
        ));
    }
    let layout = Layout::new(out);
    let mut existing: Option<SweepManifest> = None;
    if out.exists() {
        if !out.is_dir() {
            return Err(dir_err(
                "exists and is not a directory: choose another --out".into(),
            ));
        }
        let manifest_path = layout.manifest();
        if manifest_path.exists() {
            let text = std::fs::read_to_string(&manifest_path)
                .map_err(|e| dir_err(format!("cannot read sweep.json: {e}")))?;
            let m: SweepManifest = serde_json::from_str(&text).map_err(|e| {
                dir_err(format!(
                    "sweep.json is not a pricewar sweep manifest ({e}): choose another --out"
                ))
            })?;
            existing = Some(m);
        } else {
            let entries = std::fs::read_dir(out).map_err(|e| dir_err(e.to_string()))?;
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let ours = name == "scenario.yaml" || TABLES.contains(&name.as_str());
                if !ours && !name.starts_with('.') {
                    return Err(dir_err(format!(
                        "exists and does not hold a pricewar sweep (it has `{name}`): choose \
                         another --out"
                    )));
                }
            }
        }
    }
    let runs_per_part = opts
        .runs_per_part
        .or(existing.as_ref().map(|m| m.runs_per_part))
        .unwrap_or_else(|| layout::default_runs_per_part(plan));
    let manifest = SweepManifest::new(plan, opts.shard.count, runs_per_part);
    if let Some(m) = &existing
        && m.fingerprint != manifest.fingerprint
    {
        return Err(dir_err(format!(
            "holds a different sweep ({}): choose another --out, or remove the directory \
                 to start over",
            difference(m, &manifest)
        )));
    }
    // Another process running this shard would change what is found below.
    if existing.is_some() {
        ShardLock::check_free(out, opts.shard)?;
    }
    let shard_runs = opts.shard.runs(plan.runs());
    let parts = shard_runs.div_ceil(runs_per_part);
    let mut finished = BTreeSet::new();
    let mut leftovers = 0usize;
    for table in TABLES {
        let dir = layout.shard_dir(table, opts.shard);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(part) = Layout::part_number(&name) else {
                continue;
            };
            if part >= parts {
                return Err(dir_err(format!(
                    "{} is not part of this sweep's plan: choose another --out",
                    dir.join(&name).display()
                )));
            }
            leftovers += 1;
            if table == "runs" {
                finished.insert(part);
            }
        }
    }
    // A part is finished when its four files read back and its runs file holds its runs.
    let rpp = runs_per_part;
    let part_size = |part: u64| (shard_runs - part * rpp).min(rpp);
    finished.retain(|&part| {
        TABLES.iter().all(|table| {
            let rows = layout::parquet_rows(&layout.part(table, opts.shard, part));
            match *table {
                "runs" => rows == Some(part_size(part) as usize),
                _ => rows.is_some(),
            }
        })
    });
    let mut prepared = Prepared {
        plan,
        layout,
        shard: opts.shard,
        jobs: opts.jobs,
        manifest,
        shard_runs,
        pending: (0..parts).filter(|p| !finished.contains(p)).collect(),
        finished_runs: 0,
    };
    prepared.finished_runs = finished.iter().map(|&p| prepared.part_size(p)).sum();
    if leftovers > 0 && !opts.resume {
        let what = if opts.shard.count > 1 {
            format!("shard {}", opts.shard)
        } else {
            "this sweep".to_string()
        };
        return Err(dir_err(format!(
            "already holds {} finished runs of {what}: pass --resume to keep them and run the \
             others, or choose another --out",
            prepared.finished_runs
        )));
    }
    Ok(prepared)
}

/// Which recorded facts differ between two manifests.
fn difference(old: &SweepManifest, new: &SweepManifest) -> String {
    let mut d = Vec::new();
    if old.scenario != new.scenario {
        d.push(format!(
            "scenario `{}`, not `{}`",
            old.scenario, new.scenario
        ));
    }
    if old.runs != new.runs {
        d.push(format!("{} runs, not {}", old.runs, new.runs));
    }
    if old.master_seed != new.master_seed {
        d.push(format!(
            "master seed {}, not {}",
            old.master_seed, new.master_seed
        ));
    }
    if old.shards != new.shards {
        d.push(format!("{} shards, not {}", old.shards, new.shards));
    }
    if old.runs_per_part != new.runs_per_part {
        d.push(format!(
            "{} runs per part, not {}",
            old.runs_per_part, new.runs_per_part
        ));
    }
    if old.pricewar_version != new.pricewar_version {
        d.push(format!(
            "written by pricewar {}, this is {}",
            old.pricewar_version, new.pricewar_version
        ));
    }
    if d.is_empty() && old.source_hash != new.source_hash {
        d.push(format!(
            "written by a pricewar built from other source ({}, this is {}), whose results \
             could differ",
            if old.source_hash.is_empty() {
                "unknown"
            } else {
                &old.source_hash
            },
            new.source_hash
        ));
    }
    if d.is_empty() {
        d.push("other scenario values or sweep settings".into());
    }
    d.join("; ")
}

/// A finished run, waiting for the rest of its part.
struct RunOutput {
    run: PlannedRun,
    panels: Panels,
    summary: RunRecord,
}

/// Plays one run of the plan on the current thread.
pub fn run_one(plan: &Plan, run_id: u64) -> Result<(PlannedRun, Panels, RunRecord), SweepError> {
    run_cached(plan, run_id, &mut None)
}

/// Like [`run_one`], reusing the scenario of the previous run when it is of the same design
/// point (replicates differ only by their seed).
fn run_cached(
    plan: &Plan,
    run_id: u64,
    cache: &mut Option<(u64, crate::scenario::Scenario)>,
) -> Result<(PlannedRun, Panels, RunRecord), SweepError> {
    let run = plan.run(run_id);
    let scenario = match cache {
        Some((point, s)) if *point == run.point => s.with_seed(run.seed),
        _ => {
            let s = plan.scenario_of(&run)?;
            *cache = Some((run.point, s.clone()));
            s
        }
    };
    let mut sim = Simulation::new(&scenario, run_id);
    // One level of parallelism at a time: runs in parallel, buyers of a run in sequence.
    sim.set_parallel_buyers(false);
    // The runs table uses the last round's benchmarks only.
    sim.set_first_round_benchmarks(false);
    let result = sim.run(|_| {});
    result
        .panels
        .check_finite()
        .map_err(|message| SweepError::Run { run_id, message })?;
    let summary = summarise(
        &result.panels,
        result.collusion_window.as_ref(),
        &result.mergers,
        scenario.spec().rounds_per_year,
        plan.summary_layout(),
    );
    Ok((run, result.panels, summary))
}

/// Writes the sweep's files (if missing) and runs the shard's unfinished parts, calling
/// `progress(1)` after each run.
pub fn execute(
    prepared: Prepared<'_>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Report, SweepError> {
    let started = Instant::now();
    let p = &prepared;
    let layout = &p.layout;
    layout::create_dir(layout.root())?;
    // Held until the shard's last part is written. A process that started on the same shard
    // since `prepare` holds it first; one that also finished since leaves parts identical to
    // those this one writes.
    let _lock = ShardLock::acquire(layout.root(), p.shard)?;
    if !layout.manifest().exists() {
        layout::write_file_durably(&layout.manifest(), p.manifest.to_json().as_bytes(), p.shard)?;
    }
    if !layout.scenario().exists() {
        layout::write_file_durably(
            &layout.scenario(),
            p.plan.resolved_yaml().as_bytes(),
            p.shard,
        )?;
    }
    for table in TABLES {
        let dir = layout.shard_dir(table, p.shard);
        layout::create_dir(&dir)?;
        // Temporary files of a killed process of this shard.
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') && name.ends_with(".tmp") {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
    }

    // Pending runs, flattened in run-id order: the i-th is in part `pending[k]` where
    // `ends[k - 1] <= i < ends[k]`.
    let mut ends = Vec::with_capacity(p.pending.len());
    let mut total = 0u64;
    for &part in &p.pending {
        total += p.part_size(part);
        ends.push(total);
    }
    let next = AtomicU64::new(0);
    let abort = AtomicBool::new(false);
    // The failure reported is that of the lowest run index, whatever the thread timing: runs
    // are claimed in index order and a claimed run always finishes, so every run below the
    // first failure to be seen has been run when the workers stop.
    let failure: Mutex<Option<(u64, SweepError)>> = Mutex::new(None);
    let buffers: Mutex<HashMap<u64, Vec<RunOutput>>> = Mutex::new(HashMap::new());
    let written = AtomicU64::new(0);
    let fail = |index: u64, e: SweepError| {
        abort.store(true, Ordering::SeqCst);
        let mut f = failure.lock().unwrap_or_else(|e| e.into_inner());
        if f.as_ref().is_none_or(|(first, _)| index < *first) {
            *f = Some((index, e));
        }
    };

    let worker = || {
        let mut cache = None;
        loop {
            if abort.load(Ordering::SeqCst) {
                return;
            }
            let i = next.fetch_add(1, Ordering::SeqCst);
            if i >= total {
                return;
            }
            let k = ends.partition_point(|&e| e <= i);
            let part = p.pending[k];
            let offset = i - if k == 0 { 0 } else { ends[k - 1] };
            let local = part * p.manifest.runs_per_part + offset;
            let run_id = p.shard.run_id(local);
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                run_cached(p.plan, run_id, &mut cache)
            }));
            let (run, panels, summary) = match outcome {
                Ok(Ok(x)) => x,
                Ok(Err(e)) => return fail(i, e),
                Err(panic) => {
                    let message = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "the run panicked".into());
                    return fail(i, SweepError::Run { run_id, message });
                }
            };
            let complete = {
                let mut b = buffers.lock().unwrap_or_else(|e| e.into_inner());
                let runs = b.entry(part).or_default();
                runs.push(RunOutput {
                    run,
                    panels,
                    summary,
                });
                if runs.len() as u64 == p.part_size(part) {
                    b.remove(&part)
                } else {
                    None
                }
            };
            if let Some(runs) = complete {
                if let Err(e) = write_part(p, part, runs) {
                    return fail(i, e);
                }
                written.fetch_add(1, Ordering::SeqCst);
            }
            progress(1);
        }
    };

    if total > 0 {
        // `jobs` threads, each its own one-thread rayon pool: rayon code inside a run (the
        // spawning of buyers) stays on the run's thread instead of stealing across runs.
        std::thread::scope(|scope| {
            for _ in 0..p.jobs.min(total as usize) {
                scope.spawn(|| {
                    match rayon::ThreadPoolBuilder::new()
                        .num_threads(1)
                        .use_current_thread()
                        .build()
                    {
                        Ok(pool) => pool.install(worker),
                        Err(e) => fail(
                            0,
                            SweepError::Spec(format!("cannot start a worker thread: {e}")),
                        ),
                    }
                });
            }
        });
    }
    if let Some((_, e)) = failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    Ok(Report {
        total_runs: p.plan.runs(),
        shard_runs: p.shard_runs,
        kept_runs: p.finished_runs,
        new_runs: total,
        parts_written: written.into_inner(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Writes one part: the four panels, then its `runs` rows, which commit it.
fn write_part(p: &Prepared<'_>, part: u64, mut runs: Vec<RunOutput>) -> Result<(), SweepError> {
    runs.sort_by_key(|r| r.run.run_id);
    let mut panels = Panels::default();
    for r in runs.iter_mut() {
        panels.append(&mut r.panels);
    }
    let polars_err = |table: &str| {
        let path = p.layout.part(table, p.shard, part);
        move |source: PolarsError| SweepError::Output(OutputError::Polars { path, source })
    };
    let mut frames = [
        output::vendors_frame(&panels.vendors).map_err(polars_err("vendors"))?,
        output::segments_frame(&panels.segments).map_err(polars_err("segments"))?,
        output::market_frame(&panels.market).map_err(polars_err("market"))?,
        output::firms_frame(&panels.firms).map_err(polars_err("firms"))?,
    ];
    drop(panels);
    for (table, df) in TABLES.iter().zip(frames.iter_mut()) {
        layout::write_parquet_atomically(df, &p.layout.part(table, p.shard, part), p.shard)?;
    }
    let rows: Vec<(&PlannedRun, &RunRecord)> = runs.iter().map(|r| (&r.run, &r.summary)).collect();
    let mut df = runs_frame(p.plan, &rows).map_err(polars_err("runs"))?;
    layout::write_parquet_atomically(&mut df, &p.layout.part("runs", p.shard, part), p.shard)
}

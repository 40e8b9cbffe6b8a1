//! The sweep directory: `sweep.json`, `scenario.yaml` and four hive-partitioned tables, each a
//! directory of `shard=KKKK/part-NNNNN.parquet` files.
//!
//! Each table is a directory rather than a file because the shards of a Slurm job array run at
//! the same time, on different nodes, against one shared filesystem: each writes only its own
//! `shard=KKKK` directories, so no two processes ever write one file. Within a shard, part `p`
//! holds a fixed, planned group of runs (the shard's runs `p·runs_per_part` onwards), so the
//! bytes of every file depend on the plan only, never on timing or thread count.
//!
//! A part is committed by its `runs` file: the panels (`vendors`, `segments`, `market`) are
//! written first, `runs` last, each atomically (temporary name, then rename). A part whose
//! `runs` file exists and whose four files read back as Parquet with the planned number of runs
//! is finished; any other part is redone whole on resume, overwriting leftovers, so a run is
//! never lost nor doubled. Part files are not fsynced (a killed process loses nothing that the
//! kernel has; after a machine crash, resume's check of every part catches a torn file), which
//! keeps a sweep of many small runs from waiting on the disk.

use super::error::SweepError;
use super::plan::{ParamKind, Plan};
use super::shard::Shard;
use crate::output;
use crate::output::files::io_err;
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The tables, in commit order: a part is finished once its `runs` file exists.
pub const TABLES: [&str; 5] = ["vendors", "segments", "market", "firms", "runs"];

/// Rows of panels a part aims at when `runs_per_part` is not given.
const TARGET_ROWS_PER_PART: u64 = 20_000;
/// Most runs in one part by default.
const MAX_DEFAULT_RUNS_PER_PART: u64 = 1_000;

/// What `sweep.json` records: everything about the plan, nothing about one process (every
/// shard writes the same bytes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepManifest {
    /// pricewar version that planned the sweep.
    pub pricewar_version: String,
    /// Hash of the source the binary was built from: a sweep resumes only with the same build.
    #[serde(default)]
    pub source_hash: String,
    /// Scenario name.
    pub scenario: String,
    /// Master seed; run r has seed `run_seed(master_seed, r)`.
    pub master_seed: u64,
    /// Runs in the plan (all shards).
    pub runs: u64,
    /// Replicates per design point.
    pub replicates: u32,
    /// Rounds per year of the base scenario.
    pub rounds_per_year: f64,
    /// Swept scenario paths, in column order of the `runs` table.
    pub parameters: Vec<String>,
    /// Column type of each swept path: `f64` or `str`.
    pub parameter_types: Vec<String>,
    /// Design points (grid cells × sample points).
    pub points: u64,
    /// Rounds of the base scenario.
    pub rounds: u32,
    /// Vendors, in order (the `cumulative_profit:<vendor>` columns).
    pub vendors: Vec<String>,
    /// Summary columns of the `runs` table, after the swept parameters.
    pub summaries: Vec<String>,
    /// The tables, each a directory of `shard=KKKK/part-NNNNN.parquet` files.
    pub tables: Vec<String>,
    /// Shards the run list is split into (N of `--shard K/N`).
    pub shards: u32,
    /// Runs per part file within a shard.
    pub runs_per_part: u64,
    /// Hash of everything that determines the output: a resumed or sharded sweep must match.
    pub fingerprint: String,
}

impl SweepManifest {
    /// The manifest of `plan` split into `shards` with `runs_per_part`.
    pub fn new(plan: &Plan, shards: u32, runs_per_part: u64) -> SweepManifest {
        let spec = plan.base().spec();
        let version = env!("CARGO_PKG_VERSION").to_string();
        let yaml = plan.resolved_yaml();
        let mut h = Fnv::default();
        let source_hash = env!("PRICEWAR_SOURCE_HASH").to_string();
        for part in [
            version.as_bytes(),
            source_hash.as_bytes(),
            yaml.as_bytes(),
            &plan.master_seed().to_le_bytes(),
            &plan.runs().to_le_bytes(),
            &shards.to_le_bytes(),
            &runs_per_part.to_le_bytes(),
        ] {
            h.write(part);
        }
        SweepManifest {
            pricewar_version: version,
            source_hash,
            scenario: spec.name.clone(),
            master_seed: plan.master_seed(),
            runs: plan.runs(),
            replicates: plan.replicates(),
            rounds_per_year: spec.rounds_per_year,
            parameters: plan.params().iter().map(|p| p.path.clone()).collect(),
            parameter_types: plan
                .params()
                .iter()
                .map(|p| match p.kind {
                    ParamKind::Number => "f64".to_string(),
                    ParamKind::Text => "str".to_string(),
                })
                .collect(),
            points: plan.points(),
            rounds: spec.rounds,
            vendors: plan.vendor_names().to_vec(),
            summaries: super::record::summary_columns(plan.summary_layout()),
            tables: TABLES.iter().map(|t| t.to_string()).collect(),
            shards,
            runs_per_part,
            fingerprint: format!("{:016x}", h.0),
        }
    }

    /// The manifest as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a sweep manifest serialises") + "\n"
    }
}

/// The default runs per part: about 20,000 panel rows per part, at most 1,000 runs.
pub fn default_runs_per_part(plan: &Plan) -> u64 {
    let spec = plan.base().spec();
    let rows = spec.rounds as u64 * (spec.vendors.len() + spec.segments.len() + 1) as u64;
    (TARGET_ROWS_PER_PART / rows.max(1)).clamp(1, MAX_DEFAULT_RUNS_PER_PART)
}

/// 64-bit FNV-1a: a hash that is the same on every machine and Rust version.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        // Separate fields so that ("ab", "c") and ("a", "bc") differ.
        self.0 = self.0.rotate_left(17) ^ bytes.len() as u64;
    }
}

/// Paths inside a sweep directory.
#[derive(Clone, Debug)]
pub struct Layout {
    root: PathBuf,
}

impl Layout {
    /// The sweep directory `root`.
    pub fn new(root: &Path) -> Layout {
        Layout {
            root: root.to_path_buf(),
        }
    }

    /// The sweep directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `sweep.json`.
    pub fn manifest(&self) -> PathBuf {
        self.root.join("sweep.json")
    }

    /// `scenario.yaml`.
    pub fn scenario(&self) -> PathBuf {
        self.root.join("scenario.yaml")
    }

    /// `<table>/shard=KKKK`.
    pub fn shard_dir(&self, table: &str, shard: Shard) -> PathBuf {
        self.root
            .join(table)
            .join(format!("shard={:04}", shard.index))
    }

    /// `<table>/shard=KKKK/part-NNNNN.parquet`.
    pub fn part(&self, table: &str, shard: Shard, part: u64) -> PathBuf {
        self.shard_dir(table, shard)
            .join(format!("part-{part:05}.parquet"))
    }

    /// The part number of a part file name.
    pub fn part_number(file_name: &str) -> Option<u64> {
        file_name
            .strip_prefix("part-")?
            .strip_suffix(".parquet")?
            .parse()
            .ok()
    }
}

/// Writes `df` to `path` as zstd Parquet, atomically (a temporary name of this shard's, then
/// rename), serially: the sweep's workers are the parallelism.
pub fn write_parquet_atomically(
    df: &mut DataFrame,
    path: &Path,
    shard: Shard,
) -> Result<(), SweepError> {
    output::write_parquet_via(
        df,
        path,
        &output::temp_name(path, Some(shard.index)),
        output::Encoding::Serial,
    )
    .map_err(SweepError::from)
}

/// Writes `bytes` to `path`: temporary name of this shard's, fsync, rename.
pub fn write_file_durably(path: &Path, bytes: &[u8], shard: Shard) -> Result<(), SweepError> {
    output::write_bytes_via(path, &output::temp_name(path, Some(shard.index)), bytes)
        .map_err(SweepError::from)
}

/// Rows of a Parquet file, read from its footer; None if it is missing or not whole.
pub fn parquet_rows(path: &Path) -> Option<usize> {
    let file = std::fs::File::open(path).ok()?;
    ParquetReader::new(file).num_rows().ok()
}

/// Creates `dir` and its parents.
pub fn create_dir(dir: &Path) -> Result<(), SweepError> {
    std::fs::create_dir_all(dir)
        .map_err(io_err(dir))
        .map_err(SweepError::from)
}

/// The lock file of a shard: `.shard=KKKK.lock` in the sweep directory.
pub fn lock_path(root: &Path, shard: Shard) -> PathBuf {
    root.join(format!(".shard={:04}.lock", shard.index))
}

/// An exclusive lock on one shard of a sweep directory, held while the shard runs, so that a
/// second process on the same shard (a resubmitted array task, a `--resume` started while the
/// first is still running) is refused instead of deleting the first one's temporary files and
/// writing the same parts. The operating system releases it when the process ends, even by
/// `kill -9`; the lock file is removed when the lock is dropped, and a stale one left by a
/// killed process is reused.
#[derive(Debug)]
pub struct ShardLock {
    path: PathBuf,
    /// Open for as long as the lock is held.
    _file: std::fs::File,
}

impl ShardLock {
    /// Takes the lock of `shard` in `root`, creating the lock file. On a file system without
    /// locks, a warning is logged and the shard runs unlocked.
    pub fn acquire(root: &Path, shard: Shard) -> Result<ShardLock, SweepError> {
        let path = lock_path(root, shard);
        // A process that held the lock may have removed the file between our open and our
        // lock: then the lock is on a file no one else can find, and we try again.
        for _ in 0..100 {
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| SweepError::from(io_err(&path)(e)))?;
            match try_lock(&file) {
                LockOutcome::Locked => {
                    if !same_file(&path, &file) {
                        continue;
                    }
                    // Who holds it, for the message another process would print.
                    let holder =
                        format!("process {} on host {}\n", std::process::id(), host_name());
                    let _ = file.set_len(0);
                    let _ = (&file).write_all(holder.as_bytes());
                    return Ok(ShardLock { path, _file: file });
                }
                LockOutcome::Busy => return Err(busy(root, shard, &path)),
                LockOutcome::Unsupported(e) => {
                    tracing::warn!(
                        "cannot lock {} ({e}): a second process on shard {shard} would not be \
                         detected",
                        path.display()
                    );
                    return Ok(ShardLock { path, _file: file });
                }
            }
        }
        Err(busy(root, shard, &path))
    }

    /// Fails if another process holds the lock of `shard` in `root`; writes nothing.
    pub fn check_free(root: &Path, shard: Shard) -> Result<(), SweepError> {
        let path = lock_path(root, shard);
        let Ok(file) = std::fs::File::open(&path) else {
            return Ok(());
        };
        match try_lock(&file) {
            LockOutcome::Busy => Err(busy(root, shard, &path)),
            // Closing the file releases a lock taken here.
            LockOutcome::Locked | LockOutcome::Unsupported(_) => Ok(()),
        }
    }
}

impl Drop for ShardLock {
    fn drop(&mut self) {
        // Removed while still locked, so no process can lock this file and then run.
        let _ = std::fs::remove_file(&self.path);
    }
}

fn busy(root: &Path, shard: Shard, path: &Path) -> SweepError {
    let holder = std::fs::read_to_string(path).unwrap_or_default();
    let holder = holder.trim();
    SweepError::Directory {
        dir: root.to_path_buf(),
        message: format!(
            "shard {shard} is being run by another pricewar process{}: wait for it to finish \
             (or stop it) before running or resuming this shard",
            if holder.is_empty() {
                String::new()
            } else {
                format!(" ({holder})")
            }
        ),
    }
}

#[cfg(unix)]
fn same_file(path: &Path, file: &std::fs::File) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(path), file.metadata()) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_path: &Path, _file: &std::fs::File) -> bool {
    true
}

enum LockOutcome {
    Locked,
    Busy,
    Unsupported(std::io::Error),
}

#[cfg(unix)]
fn try_lock(file: &std::fs::File) -> LockOutcome {
    use std::os::fd::AsRawFd;
    // SAFETY: flock on a file descriptor this function borrows; no memory is shared.
    let r = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if r == 0 {
        return LockOutcome::Locked;
    }
    let e = std::io::Error::last_os_error();
    if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
        LockOutcome::Busy
    } else {
        LockOutcome::Unsupported(e)
    }
}

#[cfg(not(unix))]
fn try_lock(file: &std::fs::File) -> LockOutcome {
    LockOutcome::Unsupported(std::io::Error::other("shard locks need a Unix system"))
}

#[cfg(unix)]
fn host_name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname writes at most that many bytes.
    let r = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if r != 0 {
        return "unknown".into();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

#[cfg(not(unix))]
fn host_name() -> String {
    std::env::var("COMPUTERNAME").unwrap_or_else(|_| "unknown".into())
}

//! Opening an output directory: a run (`vendors.parquet`, `market.parquet`, ...) or a sweep
//! (`sweep.json` and hive-partitioned tables `runs/`, `vendors/`, `segments/`, `market/`).
//! Tables are scanned lazily; a sweep's shards read as one dataset.

use super::AnalysisError;
use super::schema::{FIRM_COLUMNS, MARKET_COLUMNS, RUN_COLUMNS, VENDOR_COLUMNS};
use crate::scenario;
use polars::prelude::*;
use std::path::{Path, PathBuf};

/// Rounds per year when the output does not say.
pub const DEFAULT_ROUNDS_PER_YEAR: f64 = 12.0;

/// What kind of output a directory holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One run: `pricewar run`.
    Run,
    /// Many runs: `pricewar sweep`.
    Sweep,
}

/// A lazily scanned table and where it came from (for messages).
#[derive(Clone)]
pub struct Table {
    /// The Parquet file, or the directory of a partitioned table.
    pub path: PathBuf,
    /// The scan.
    pub frame: LazyFrame,
}

impl Table {
    /// Collects a query on this table, naming the table in any error.
    pub fn collect(
        &self,
        query: impl FnOnce(LazyFrame) -> LazyFrame,
    ) -> Result<DataFrame, AnalysisError> {
        query(self.frame.clone())
            .collect()
            .map_err(AnalysisError::polars(&self.path))
    }
}

/// Benchmark profits of a run for the collusion index, from its manifest.
#[derive(Clone, Debug, PartialEq)]
pub struct Benchmarks {
    /// Vendor names, in the order of the lists below.
    pub vendors: Vec<String>,
    /// Bertrand-Nash prices, USD/Mtok.
    pub nash_prices: Vec<f64>,
    /// Each vendor's profit per round at the Bertrand-Nash prices, USD.
    pub nash_profits: Vec<f64>,
    /// Joint-profit-maximising prices, USD/Mtok.
    pub joint_prices: Vec<f64>,
    /// Each vendor's profit per round at the joint-profit prices, USD.
    pub joint_profits: Vec<f64>,
    /// Industry profit per round at each round's Bertrand-Nash and joint-profit prices,
    /// averaged over the collusion window (the manifest's `collusion_window`), USD.
    pub window: Option<(f64, f64)>,
}

impl Benchmarks {
    /// Industry profit per round at the Bertrand-Nash prices over the collusion window (each
    /// round against its own benchmarks; the last round's where the manifest has no window), USD.
    pub fn industry_nash(&self) -> f64 {
        self.window
            .map_or_else(|| self.nash_profits.iter().sum(), |w| w.0)
    }

    /// The same at the joint-profit prices, USD.
    pub fn industry_joint(&self) -> f64 {
        self.window
            .map_or_else(|| self.joint_profits.iter().sum(), |w| w.1)
    }
}

/// A swept parameter drawn from a range.
#[derive(Clone, Debug, PartialEq)]
pub struct SampledParameter {
    /// Scenario path (the column of the runs table).
    pub path: String,
    /// Lowest and highest value of the range, when the sweep's scenario.yaml records them.
    pub range: Option<(f64, f64)>,
}

/// An opened output directory.
#[derive(Clone)]
pub struct Dataset {
    /// The directory.
    pub dir: PathBuf,
    /// Run or sweep.
    pub kind: Kind,
    /// Scenario name, when the output records it.
    pub scenario: Option<String>,
    /// Rounds per year, to annualise rates.
    pub rounds_per_year: f64,
    /// Per vendor and round (`vendors.parquet` or `vendors/`).
    pub vendors: Table,
    /// Per round (`market.parquet` or `market/`).
    pub market: Table,
    /// One row per run with its seed and swept parameters (sweeps only).
    pub runs: Option<Table>,
    /// Swept parameters that runs are grouped by: the grid paths, in column order (sweeps
    /// only).
    pub parameters: Vec<String>,
    /// Swept parameters sampled from continuous ranges (random or Latin-hypercube points):
    /// runs are pooled across them, not grouped by them (sweeps only).
    pub sampled: Vec<SampledParameter>,
    /// Replicates per design point (sweeps only).
    pub replicates: Option<u64>,
    /// Design points of the plan, from sweep.json (sweeps only).
    pub points: Option<u64>,
    /// Runs in the plan, all shards, from sweep.json (sweeps only).
    pub planned_runs: Option<u64>,
    /// Shards the plan was split into, from sweep.json: run r falls to shard r mod shards.
    pub shards: Option<u32>,
    /// Benchmark profits from a run's manifest, when it has them.
    pub benchmarks: Option<Benchmarks>,
    /// The merger simulations of a run's manifest (`mergers`; empty without mergers).
    pub mergers: Vec<serde_json::Value>,
    /// Per firm and round (`firms.parquet` or `firms/`; None in outputs written without it).
    pub firms: Option<Table>,
    /// The sweep's `sobol` or `morris` design, for sensitivity indices (None otherwise).
    pub design: Option<super::design::Design>,
}

/// Opens `dir` as a run directory (it has `vendors.parquet`) or a sweep directory (it has
/// `sweep.json`).
pub fn open(dir: &Path) -> Result<Dataset, AnalysisError> {
    if !dir.is_dir() {
        return Err(AnalysisError::NoSuchDirectory(dir.to_path_buf()));
    }
    if dir.join("vendors.parquet").is_file() {
        open_run(dir)
    } else if dir.join("sweep.json").is_file() {
        open_sweep(dir)
    } else {
        Err(AnalysisError::NotOutput {
            dir: dir.to_path_buf(),
            hint: suggest(dir),
        })
    }
}

/// Output directories one level below `dir`, as "; did you mean ...?".
fn suggest(dir: &Path) -> String {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return String::new();
    };
    let mut found: Vec<String> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("vendors.parquet").is_file() || p.join("sweep.json").is_file())
        .map(|p| p.display().to_string())
        .collect();
    found.sort();
    match found.len() {
        0 => String::new(),
        n => {
            let shown: Vec<String> = found.into_iter().take(3).collect();
            let more = if n > 3 { ", ..." } else { "" };
            format!("; did you mean {}{more}?", shown.join(", "))
        }
    }
}

const RUN_FIX: &str = "a run directory has vendors.parquet, segments.parquet, market.parquet, scenario.yaml and manifest.json: run the scenario again with `pricewar run`";
const SWEEP_FIX: &str = "a sweep directory has sweep.json, scenario.yaml and the tables runs/, vendors/, segments/ and market/: run the sweep again (with --resume to finish an interrupted one)";

fn open_run(dir: &Path) -> Result<Dataset, AnalysisError> {
    let file = |name: &str| -> Result<PathBuf, AnalysisError> {
        let p = dir.join(name);
        if p.is_file() {
            Ok(p)
        } else {
            Err(AnalysisError::Missing {
                path: p,
                fix: RUN_FIX,
            })
        }
    };
    let vendors = scan_file(&file("vendors.parquet")?)?;
    let market = scan_file(&file("market.parquet")?)?;
    check_schema(&vendors, VENDOR_COLUMNS)?;
    check_schema(&market, MARKET_COLUMNS)?;
    let firms = dir.join("firms.parquet");
    let firms = if firms.is_file() {
        let t = scan_file(&firms)?;
        check_schema(&t, FIRM_COLUMNS)?;
        Some(t)
    } else {
        None
    };
    let settings = scenario_settings(&dir.join("scenario.yaml"))?;
    let (scenario, rpy) = (settings.name, settings.rounds_per_year);
    let manifest = dir.join("manifest.json");
    let (benchmarks, mergers) = if manifest.is_file() {
        let v = read_json(&manifest)?;
        let mergers = v
            .get("mergers")
            .and_then(|m| m.as_array())
            .cloned()
            .unwrap_or_default();
        (parse_benchmarks(&manifest, &v)?, mergers)
    } else {
        (None, Vec::new())
    };
    Ok(Dataset {
        dir: dir.to_path_buf(),
        kind: Kind::Run,
        scenario,
        rounds_per_year: rpy.unwrap_or(DEFAULT_ROUNDS_PER_YEAR),
        vendors,
        market,
        runs: None,
        parameters: Vec::new(),
        sampled: Vec::new(),
        replicates: None,
        points: None,
        planned_runs: None,
        shards: None,
        benchmarks,
        mergers,
        firms,
        design: None,
    })
}

fn open_sweep(dir: &Path) -> Result<Dataset, AnalysisError> {
    let meta_path = dir.join("sweep.json");
    let meta = read_json(&meta_path)?;
    let bad = |problem: String| AnalysisError::Metadata {
        path: meta_path.clone(),
        problem,
    };
    let parameters = match meta.get("parameters") {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(|p| {
                p.as_str().map(str::to_string).ok_or_else(|| {
                    bad(format!(
                        "`parameters` must list scenario paths as strings, got {p}"
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(other) => {
            return Err(bad(format!(
                "`parameters` must be a list of scenario paths, got {other}"
            )));
        }
    };
    let number = |key: &str| -> Result<Option<f64>, AnalysisError> {
        match meta.get(key) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(v) => v
                .as_f64()
                .filter(|x| x.is_finite() && *x > 0.0)
                .map(Some)
                .ok_or_else(|| bad(format!("`{key}` must be a positive number, got {v}"))),
        }
    };
    let table = |name: &str| -> Result<Table, AnalysisError> {
        let p = dir.join(name);
        if !p.is_dir() || !has_parquet(&p) {
            return Err(AnalysisError::Missing {
                path: p,
                fix: SWEEP_FIX,
            });
        }
        scan_partitioned(&p)
    };
    let runs = table("runs")?;
    let vendors = table("vendors")?;
    let market = table("market")?;
    let firms = if has_parquet(&dir.join("firms")) {
        let t = table("firms")?;
        check_schema(&t, FIRM_COLUMNS)?;
        Some(t)
    } else {
        None
    };
    check_schema(&vendors, VENDOR_COLUMNS)?;
    check_schema(&market, MARKET_COLUMNS)?;
    check_schema(&runs, RUN_COLUMNS)?;
    let schema = runs
        .frame
        .clone()
        .collect_schema()
        .map_err(AnalysisError::polars(&runs.path))?;
    for p in &parameters {
        if schema.get(p.as_str()).is_none() {
            return Err(AnalysisError::Schema {
                path: runs.path.clone(),
                problem: format!(
                    "sweep.json lists the parameter `{p}` but runs/ has no such column"
                ),
            });
        }
    }
    let settings = scenario_settings(&dir.join("scenario.yaml"))?;
    let scenario = meta
        .get("scenario")
        .and_then(|s| s.as_str())
        .map(str::to_string)
        .or(settings.name);
    let rounds_per_year = number("rounds_per_year")?
        .or(settings.rounds_per_year)
        .unwrap_or(DEFAULT_ROUNDS_PER_YEAR);
    let replicates = number("replicates")?.map(|r| r as u64);
    let count = |key: &str| -> Result<Option<u64>, AnalysisError> {
        match meta.get(key) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| bad(format!("`{key}` must be a whole number, got {v}"))),
        }
    };
    let planned_runs = count("runs")?;
    let points = count("points")?;
    let shards = match count("shards")? {
        Some(0) => return Err(bad("`shards` must be at least 1, got 0".into())),
        Some(n) => Some(u32::try_from(n).map_err(|_| bad(format!("`shards` is too large: {n}")))?),
        None => None,
    };
    // Paths sampled from ranges are pooled; the others (the grid) group the runs.
    let (sampled, parameters): (Vec<String>, Vec<String>) = parameters
        .into_iter()
        .partition(|p| settings.ranges.iter().any(|(r, _)| r == p));
    let sampled = sampled
        .into_iter()
        .map(|path| {
            let range = settings
                .ranges
                .iter()
                .find(|(r, _)| *r == path)
                .and_then(|(_, range)| *range);
            SampledParameter { path, range }
        })
        .collect();
    Ok(Dataset {
        dir: dir.to_path_buf(),
        kind: Kind::Sweep,
        scenario,
        rounds_per_year,
        vendors,
        market,
        runs: Some(runs),
        parameters,
        sampled,
        replicates,
        points,
        planned_runs,
        shards,
        benchmarks: None,
        mergers: Vec::new(),
        firms,
        design: settings.design,
    })
}

fn has_parquet(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        let p = e.path();
        if p.is_dir() {
            has_parquet(&p)
        } else {
            p.extension().is_some_and(|x| x == "parquet")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        }
    })
}

fn pl_path(path: &Path) -> PlRefPath {
    PlRefPath::new(path.to_string_lossy().as_ref())
}

fn scan_file(path: &Path) -> Result<Table, AnalysisError> {
    let frame = LazyFrame::scan_parquet(pl_path(path), ScanArgsParquet::default())
        .map_err(AnalysisError::polars(path))?;
    Ok(Table {
        path: path.to_path_buf(),
        frame,
    })
}

/// Scans every `*.parquet` file under `dir` (`shard=KKKK/part-NNNNN.parquet`) as one table, with
/// the hive partition columns (`shard`) added.
fn scan_partitioned(dir: &Path) -> Result<Table, AnalysisError> {
    // The glob skips the hidden temporary files of writes in progress; the directory's own
    // name is escaped so that brackets or stars in it are not read as a pattern.
    let pattern = format!("{}/**/[!.]*.parquet", escape_glob(&dir.to_string_lossy()));
    let args = ScanArgsParquet {
        hive_options: HiveOptions::new_enabled(),
        glob: true,
        ..Default::default()
    };
    let frame = LazyFrame::scan_parquet(PlRefPath::new(pattern.as_str()), args)
        .map_err(AnalysisError::polars(dir))?;
    Ok(Table {
        path: dir.to_path_buf(),
        frame,
    })
}

/// `s` with glob metacharacters matched literally (`[` → `[[]`, ...).
fn escape_glob(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '[' | ']' | '*' | '?' => format!("[{c}]"),
            c => c.to_string(),
        })
        .collect()
}

fn check_schema(table: &Table, columns: &[(&str, DataType)]) -> Result<(), AnalysisError> {
    let schema = table
        .frame
        .clone()
        .collect_schema()
        .map_err(AnalysisError::polars(&table.path))?;
    for (name, dtype) in columns {
        match schema.get(name) {
            None => {
                return Err(AnalysisError::Schema {
                    path: table.path.clone(),
                    problem: format!("no column `{name}`"),
                });
            }
            Some(t) if t != dtype => {
                return Err(AnalysisError::Schema {
                    path: table.path.clone(),
                    problem: format!("column `{name}` is {t}, expected {dtype}"),
                });
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn read_json(path: &Path) -> Result<serde_json::Value, AnalysisError> {
    let bytes = std::fs::read(path).map_err(|cause| AnalysisError::Io {
        path: path.to_path_buf(),
        cause,
    })?;
    serde_json::from_slice(&bytes).map_err(|e| AnalysisError::Metadata {
        path: path.to_path_buf(),
        problem: format!("not valid JSON ({e}); write it again"),
    })
}

/// What the analysis reads from a resolved scenario file.
#[derive(Default)]
struct ScenarioSettings {
    /// `name`.
    name: Option<String>,
    /// `rounds_per_year`.
    rounds_per_year: Option<f64>,
    /// `sweep.sample.ranges`: each path with its `low` and `high`.
    ranges: Vec<(String, Option<(f64, f64)>)>,
    /// A `sobol` or `morris` sample.
    design: Option<super::design::Design>,
}

/// The scenario name, `rounds_per_year` and sampled ranges of a resolved scenario file, if it
/// exists.
fn scenario_settings(path: &Path) -> Result<ScenarioSettings, AnalysisError> {
    if !path.is_file() {
        tracing::warn!(
            "{}: missing; assuming {DEFAULT_ROUNDS_PER_YEAR} rounds per year",
            path.display()
        );
        return Ok(ScenarioSettings::default());
    }
    let text = std::fs::read_to_string(path).map_err(|cause| AnalysisError::Io {
        path: path.to_path_buf(),
        cause,
    })?;
    let meta = |e: scenario::ScenarioError| AnalysisError::Metadata {
        path: path.to_path_buf(),
        problem: e.to_string(),
    };
    let rpy = scenario::load::number_at(&text, path, "rounds_per_year").map_err(meta)?;
    if let Some(r) = rpy
        && !(r.is_finite() && r > 0.0)
    {
        return Err(AnalysisError::Metadata {
            path: path.to_path_buf(),
            problem: format!("rounds_per_year must be positive, got {r}"),
        });
    }
    let name = scenario::load::text_at(&text, path, "name").map_err(meta)?;
    let ranges = scenario::load::sampled_ranges(&text, path).map_err(meta)?;
    let method = scenario::load::text_at(&text, path, "sweep.sample.method").map_err(meta)?;
    let method = match method.as_deref() {
        Some("sobol") => Some(super::design::Method::Sobol),
        Some("morris") => Some(super::design::Method::Morris),
        _ => None,
    };
    let points = scenario::load::number_at(&text, path, "sweep.sample.points").map_err(meta)?;
    let logs = scenario::load::sampled_log_scales(&text, path).map_err(meta)?;
    let design = match (method, points) {
        (Some(method), Some(points)) if points >= 1.0 => Some(super::design::Design {
            method,
            points: points as u64,
            ranges: ranges
                .iter()
                .zip(logs.iter().chain(std::iter::repeat(&false)))
                .map(|((p, r), &log)| (p.clone(), r.unwrap_or((0.0, 1.0)), log))
                .collect(),
        }),
        _ => None,
    };
    Ok(ScenarioSettings {
        name,
        rounds_per_year: rpy,
        ranges,
        design,
    })
}

/// Reads the benchmarks of a run's last round from its manifest: `benchmarks` is a list (first
/// and last rounds) of `{"round", "vendors": [...], "nash": {"prices": [...], "profits": [...],
/// ...} | null, "joint": {...} | null, ...}`. None when the manifest has none, or when the last
/// round's Nash or joint-profit benchmark does not exist (then there is no collusion index).
/// Prices of vendors out of the market are null.
pub fn parse_benchmarks(
    path: &Path,
    manifest: &serde_json::Value,
) -> Result<Option<Benchmarks>, AnalysisError> {
    let Some(list) = manifest.get("benchmarks").filter(|b| !b.is_null()) else {
        return Ok(None);
    };
    let bad = |what: &str| AnalysisError::Metadata {
        path: path.to_path_buf(),
        problem: format!(
            "`benchmarks[].{what}` is missing or malformed; expected a list of {{\"vendors\": [names], \"nash\": {{\"prices\": [..], \"profits\": [..]}}, \"joint\": {{..}}}} with one entry per vendor"
        ),
    };
    let Some(b) = list.as_array().ok_or_else(|| bad("(list)"))?.last() else {
        return Ok(None);
    };
    let vendors: Vec<String> = b
        .get("vendors")
        .and_then(|v| v.as_array())
        .ok_or_else(|| bad("vendors"))?
        .iter()
        .map(|v| v.as_str().map(str::to_string).ok_or_else(|| bad("vendors")))
        .collect::<Result<_, _>>()?;
    if b.get("nash").is_none_or(|x| x.is_null()) || b.get("joint").is_none_or(|x| x.is_null()) {
        return Ok(None);
    }
    // Profits are numbers for every vendor; prices are null for vendors out of the market (0).
    let numbers = |key: &str, field: &str, nullable: bool| -> Result<Vec<f64>, AnalysisError> {
        let what = format!("{key}.{field}");
        let list = b
            .get(key)
            .and_then(|k| k.get(field))
            .and_then(|v| v.as_array())
            .ok_or_else(|| bad(&what))?;
        let xs: Vec<f64> = list
            .iter()
            .map(|x| match x.as_f64() {
                Some(v) if v.is_finite() => Ok(v),
                None if nullable && x.is_null() => Ok(0.0),
                _ => Err(bad(&what)),
            })
            .collect::<Result<_, _>>()?;
        if xs.len() == vendors.len() {
            Ok(xs)
        } else {
            Err(bad(&what))
        }
    };
    let window = manifest.get("collusion_window").and_then(|w| {
        let profit = |k: &str| w.get(k).and_then(|x| x.as_f64()).filter(|x| x.is_finite());
        profit("nash_profit").zip(profit("joint_profit"))
    });
    Ok(Some(Benchmarks {
        window,
        nash_prices: numbers("nash", "prices", true)?,
        nash_profits: numbers("nash", "profits", false)?,
        joint_prices: numbers("joint", "prices", true)?,
        joint_profits: numbers("joint", "profits", false)?,
        vendors,
    }))
}

//! A report: the runs of an output directory grouped (one group for a run; for a sweep, one per
//! combination of grid values, pooling parameters sampled from ranges) with each metric
//! summarised across the group's runs, and for a sweep how many of its planned runs are present.

use super::AnalysisError;
use super::load::{Dataset, Kind, SampledParameter};
use super::metric::{Metric, market};
use super::stats::Summary;
use super::summary::{RunBenchmarks, RunSummary, f64s, strs, summarise, u64s};
use polars::prelude::*;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

/// The value of a swept parameter in a group.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamValue {
    /// A number.
    Number(f64),
    /// Text (a strategy kind, say).
    Text(String),
    /// No value recorded.
    Missing,
}

impl ParamValue {
    fn cmp_key(&self, other: &Self) -> Ordering {
        use ParamValue::*;
        match (self, other) {
            (Number(a), Number(b)) => a.total_cmp(b),
            (Text(a), Text(b)) => a.cmp(b),
            (Number(_), _) => Ordering::Less,
            (_, Number(_)) => Ordering::Greater,
            (Text(_), Missing) => Ordering::Less,
            (Missing, Text(_)) => Ordering::Greater,
            (Missing, Missing) => Ordering::Equal,
        }
    }

    fn key(&self) -> String {
        match self {
            ParamValue::Number(x) => format!("n{}", x.to_bits()),
            ParamValue::Text(s) => format!("t{s}"),
            ParamValue::Missing => "m".into(),
        }
    }
}

impl ParamValue {
    /// The value at full precision, as CSV writes it (empty when missing).
    pub fn full(&self) -> String {
        match self {
            ParamValue::Number(x) => x.to_string(),
            ParamValue::Text(s) => s.clone(),
            ParamValue::Missing => String::new(),
        }
    }
}

/// Numbers with at most 4 significant digits (`1.003`, `0.05`, `2e7`); text as it is; `-` when
/// missing. CSV and JSON keep full precision ([`ParamValue::full`]).
impl std::fmt::Display for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamValue::Number(x) => f.write_str(&short_number(*x)),
            ParamValue::Text(s) => f.write_str(s),
            ParamValue::Missing => f.write_str("-"),
        }
    }
}

/// `x` with at most 4 significant digits and no trailing zeros; whole numbers below 10^8 in
/// full.
pub fn short_number(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    if x.fract() == 0.0 && x.abs() < 1e8 {
        return format!("{x:.0}");
    }
    let mag = x.abs().log10().floor() as i32;
    if (-4..6).contains(&mag) {
        let decimals = (3 - mag).max(0) as usize;
        let s = format!("{x:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    } else {
        let s = format!("{x:.3e}");
        let (mantissa, exponent) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        format!("{mantissa}e{exponent}")
    }
}

/// Metrics of one group of runs, each summarised across the runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// Values of the swept parameters (in [`Report::parameters`] order; empty for a run).
    pub parameters: Vec<ParamValue>,
    /// Runs in the group.
    pub runs: usize,
    /// Market metrics.
    pub market: Vec<(Metric, Summary)>,
    /// Vendor metrics, per vendor in scenario order.
    pub vendors: Vec<(String, Vec<(Metric, Summary)>)>,
    /// Price-change metrics: all vendors pooled, then per vendor.
    pub changes: Vec<(String, Vec<(Metric, Summary)>)>,
}

impl Group {
    /// The summary of a market metric.
    pub fn market(&self, m: Metric) -> Option<&Summary> {
        self.market.iter().find(|(k, _)| *k == m).map(|(_, s)| s)
    }

    /// The summary of a vendor's metric.
    pub fn vendor(&self, name: &str, m: Metric) -> Option<&Summary> {
        find(&self.vendors, name, m)
    }

    /// The summary of a price-change metric of a vendor or of "all vendors".
    pub fn change(&self, name: &str, m: Metric) -> Option<&Summary> {
        find(&self.changes, name, m)
    }
}

fn find<'a>(
    rows: &'a [(String, Vec<(Metric, Summary)>)],
    name: &str,
    m: Metric,
) -> Option<&'a Summary> {
    rows.iter()
        .find(|(n, _)| n == name)
        .and_then(|(_, ms)| ms.iter().find(|(k, _)| *k == m))
        .map(|(_, s)| s)
}

/// What `pricewar analyze` reports about an output directory.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// Run or sweep.
    pub kind: Kind,
    /// The directory analysed.
    pub dir: PathBuf,
    /// Scenario name, when recorded.
    pub scenario: Option<String>,
    /// Rounds per year used to annualise.
    pub rounds_per_year: f64,
    /// Runs analysed.
    pub runs: usize,
    /// Rounds per run (the largest, when runs differ).
    pub rounds: u32,
    /// Replicates per design point, from sweep.json (sweeps only).
    pub replicates: Option<u64>,
    /// Design points of the plan, from sweep.json (sweeps only).
    pub points: Option<u64>,
    /// Swept parameters the groups are formed by: the grid paths (sweeps only).
    pub parameters: Vec<String>,
    /// Swept parameters sampled from ranges, pooled within each group (sweeps only).
    pub sampled: Vec<SampledParameter>,
    /// How many of the planned runs the sweep directory holds (sweeps whose sweep.json records
    /// the plan).
    pub completeness: Option<Completeness>,
    /// Window of the collusion index of a single run: first and last round.
    pub window: Option<(u32, u32)>,
    /// Whether any run had benchmarks for the collusion index.
    pub has_benchmarks: bool,
    /// The groups: one for a run; one per parameter combination for a sweep.
    pub groups: Vec<Group>,
}

/// Analyses an opened output directory.
pub fn analyze(data: &Dataset) -> Result<Report, AnalysisError> {
    let (params, benchmarks) = runs_table(data)?;
    let runs = summarise(data, &benchmarks)?;
    let ids: Vec<u64> = runs.iter().map(|r| r.run_id).collect();
    let by_id: HashMap<u64, &RunSummary> = runs.iter().map(|r| (r.run_id, r)).collect();
    let groups = group_runs(data, &params, &ids);
    if groups.iter().all(|(_, ids)| ids.is_empty()) {
        return Err(AnalysisError::Empty(data.dir.clone()));
    }
    let has_benchmarks = !benchmarks.is_empty();
    let completeness = completeness(data, groups.iter().flat_map(|(_, ids)| ids.iter().copied()));
    if let Some(c) = completeness.as_ref().filter(|c| !c.is_complete()) {
        tracing::warn!("{}: {}", data.dir.display(), c.message(&data.dir));
    }
    Ok(Report {
        kind: data.kind,
        dir: data.dir.clone(),
        scenario: data.scenario.clone(),
        rounds_per_year: data.rounds_per_year,
        runs: groups.iter().map(|(_, ids)| ids.len()).sum(),
        rounds: runs.iter().map(|r| r.rounds).max().unwrap_or(0),
        replicates: data.replicates,
        points: data.points,
        parameters: data.parameters.clone(),
        sampled: data.sampled.clone(),
        completeness,
        window: (data.kind == Kind::Run && has_benchmarks)
            .then(|| runs.first().map(|r| r.window))
            .flatten(),
        has_benchmarks,
        groups: groups
            .into_iter()
            .map(|(p, ids)| {
                let rs: Vec<&RunSummary> =
                    ids.iter().filter_map(|id| by_id.get(id).copied()).collect();
                group(p, &rs)
            })
            .collect(),
    })
}

/// The runs of `data` grouped for reporting and plotting: all runs in one group for a run
/// directory; for a sweep, one group per combination of swept parameters, in parameter order.
pub fn run_groups(data: &Dataset) -> Result<Vec<(Vec<ParamValue>, Vec<u64>)>, AnalysisError> {
    let (params, _) = runs_table(data)?;
    let df = data.market.collect(|lf| {
        lf.select([col("run_id")])
            .unique(None, UniqueKeepStrategy::First)
            .sort(["run_id"], Default::default())
    })?;
    let ids: Vec<u64> = u64s(&df, "run_id", &data.market)?
        .into_iter()
        .flatten()
        .collect();
    Ok(group_runs(data, &params, &ids))
}

/// How many of a sweep's planned runs are present, and which shards lack runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completeness {
    /// Runs in the plan (all shards).
    pub planned: u64,
    /// Distinct planned runs found with their panels and their row in the runs table.
    pub present: u64,
    /// Shards the plan was split into (None when sweep.json does not say).
    pub shards: Option<u32>,
    /// Shards none of whose runs are present.
    pub missing_shards: Vec<u32>,
    /// Shards with some but not all of their runs present.
    pub incomplete_shards: Vec<u32>,
}

impl Completeness {
    /// Whether every planned run is present.
    pub fn is_complete(&self) -> bool {
        self.present >= self.planned
    }

    /// Planned runs that are not present.
    pub fn missing(&self) -> u64 {
        self.planned.saturating_sub(self.present)
    }

    /// One sentence: how many runs are present and, when some are missing, which shards lack
    /// them and how to run them (`dir` is the sweep directory).
    pub fn message(&self, dir: &std::path::Path) -> String {
        let mut s = format!("{} of {} planned runs present", self.present, self.planned);
        if self.is_complete() {
            return s;
        }
        let again = format!(
            "pricewar sweep {} --out {}",
            dir.join("scenario.yaml").display(),
            dir.display()
        );
        let _ = write!(s, " ({} missing)", self.missing());
        match self.shards {
            Some(n) if n > 1 => {
                let mut parts = Vec::new();
                if !self.missing_shards.is_empty() {
                    parts.push(format!(
                        "missing {} {} of {n}",
                        plural(self.missing_shards.len(), "shard", "shards"),
                        spans(&self.missing_shards)
                    ));
                }
                if !self.incomplete_shards.is_empty() {
                    parts.push(format!(
                        "{} {} of {n} incomplete",
                        plural(self.incomplete_shards.len(), "shard", "shards"),
                        spans(&self.incomplete_shards)
                    ));
                }
                let how = match (&self.missing_shards[..], &self.incomplete_shards[..]) {
                    ([k], []) => format!("Run it with `{again} --shard {k}/{n}`"),
                    ([], [k]) => format!("Finish it with `{again} --shard {k}/{n} --resume`"),
                    (_, []) => format!("Run each missing shard K with `{again} --shard K/{n}`"),
                    ([], _) => format!(
                        "Finish each incomplete shard K with `{again} --shard K/{n} --resume`"
                    ),
                    _ => format!(
                        "Run each missing shard K with `{again} --shard K/{n}`, and each incomplete one with --resume added"
                    ),
                };
                let _ = write!(
                    s,
                    "; {}: the results cover part of the design. {how}",
                    parts.join("; ")
                );
            }
            _ => {
                let _ = write!(
                    s,
                    ": the sweep was interrupted and the results cover part of the design. Finish it with `{again} --resume`"
                );
            }
        }
        s.push('.');
        s
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// Sorted numbers as "1, 2, 5-9".
fn spans(xs: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < xs.len() {
        let mut j = i;
        while j + 1 < xs.len() && xs[j + 1] == xs[j] + 1 {
            j += 1;
        }
        out.push(match j - i {
            0 => xs[i].to_string(),
            1 => format!("{}, {}", xs[i], xs[j]),
            _ => format!("{}-{}", xs[i], xs[j]),
        });
        i = j + 1;
    }
    out.join(", ")
}

/// The completeness of a sweep whose runs `present` were found (None for a run directory, or
/// when sweep.json does not record the planned runs). Run r belongs to shard r mod shards.
pub fn completeness(data: &Dataset, present: impl Iterator<Item = u64>) -> Option<Completeness> {
    if data.kind != Kind::Sweep {
        return None;
    }
    let planned = data.planned_runs?;
    let mut ids: Vec<u64> = present.filter(|id| *id < planned).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut missing_shards = Vec::new();
    let mut incomplete_shards = Vec::new();
    if let Some(n) = data.shards.filter(|n| *n > 1) {
        let mut found = vec![0u64; n as usize];
        for id in &ids {
            found[(id % n as u64) as usize] += 1;
        }
        for k in 0..n {
            let due = if planned > k as u64 {
                (planned - k as u64).div_ceil(n as u64)
            } else {
                0
            };
            match found[k as usize] {
                0 if due > 0 => missing_shards.push(k),
                f if f < due => incomplete_shards.push(k),
                _ => {}
            }
        }
    }
    Some(Completeness {
        planned,
        present: ids.len() as u64,
        shards: data.shards,
        missing_shards,
        incomplete_shards,
    })
}

/// Groups run ids (in order) by their parameter values; empty groups are dropped.
fn group_runs(
    data: &Dataset,
    params: &HashMap<u64, Vec<ParamValue>>,
    ids: &[u64],
) -> Vec<(Vec<ParamValue>, Vec<u64>)> {
    let mut groups: Vec<(Vec<ParamValue>, Vec<u64>)> = Vec::new();
    match data.kind {
        Kind::Run => groups.push((Vec::new(), ids.to_vec())),
        Kind::Sweep => {
            let mut index: HashMap<String, usize> = HashMap::new();
            let mut unlisted = 0usize;
            for id in ids {
                let Some(values) = params.get(id) else {
                    unlisted += 1;
                    continue;
                };
                let key: String = values.iter().map(|v| v.key() + "\u{1f}").collect();
                let i = *index.entry(key).or_insert_with(|| {
                    groups.push((values.clone(), Vec::new()));
                    groups.len() - 1
                });
                groups[i].1.push(*id);
            }
            if unlisted > 0 {
                tracing::warn!(
                    "{}: {unlisted} runs have panels but no row in runs/; they are left out",
                    data.dir.display()
                );
            }
            groups.sort_by(|a, b| {
                a.0.iter()
                    .zip(&b.0)
                    .map(|(x, y)| x.cmp_key(y))
                    .find(|o| o.is_ne())
                    .unwrap_or(Ordering::Equal)
            });
        }
    }
    groups.retain(|(_, ids)| !ids.is_empty());
    groups
}

/// Summarises the runs of one group.
pub fn group(parameters: Vec<ParamValue>, runs: &[&RunSummary]) -> Group {
    let with_benchmarks = runs
        .iter()
        .any(|r| r.market.iter().any(|(m, _)| *m == market::COLLUSION_INDEX));
    let metrics: Vec<Metric> = market::ALWAYS
        .iter()
        .chain(if with_benchmarks {
            market::COLLUSION
        } else {
            &[]
        })
        .copied()
        .collect();
    let market = metrics
        .iter()
        .map(|m| (*m, Summary::of(runs.iter().map(|r| r.market(*m)))))
        .collect();
    let by_name = |rows: Vec<Vec<(String, Vec<(Metric, Option<f64>)>)>>| {
        let mut names: Vec<String> = Vec::new();
        for rs in &rows {
            for (n, _) in rs {
                if !names.contains(n) {
                    names.push(n.clone());
                }
            }
        }
        names
            .into_iter()
            .map(|name| {
                let per_run: Vec<&Vec<(Metric, Option<f64>)>> = rows
                    .iter()
                    .filter_map(|rs| rs.iter().find(|(n, _)| *n == name).map(|(_, ms)| ms))
                    .collect();
                let metrics: Vec<Metric> = per_run
                    .first()
                    .map(|ms| ms.iter().map(|(m, _)| *m).collect())
                    .unwrap_or_default();
                let summaries = metrics
                    .into_iter()
                    .map(|m| {
                        let values = per_run
                            .iter()
                            .map(|ms| ms.iter().find(|(k, _)| *k == m).and_then(|(_, v)| *v));
                        (m, Summary::of(values))
                    })
                    .collect();
                (name, summaries)
            })
            .collect()
    };
    Group {
        parameters,
        runs: runs.len(),
        market,
        vendors: by_name(runs.iter().map(|r| r.vendors.clone()).collect()),
        changes: by_name(runs.iter().map(|r| r.change_metrics()).collect()),
    }
}

/// For a sweep, each run's parameter values; for runs with benchmarks, industry profit per
/// round at the Bertrand-Nash and joint-profit prices.
fn runs_table(
    data: &Dataset,
) -> Result<(HashMap<u64, Vec<ParamValue>>, RunBenchmarks), AnalysisError> {
    let mut params = HashMap::new();
    let mut benchmarks = RunBenchmarks::new();
    if let Some(b) = &data.benchmarks {
        let ids = data.market.collect(|lf| {
            lf.select([col("run_id")])
                .unique(None, UniqueKeepStrategy::First)
        })?;
        for id in u64s(&ids, "run_id", &data.market)?.into_iter().flatten() {
            benchmarks.insert(id, (b.industry_nash(), b.industry_joint()));
        }
    }
    let Some(t) = &data.runs else {
        return Ok((params, benchmarks));
    };
    let schema = t
        .frame
        .clone()
        .collect_schema()
        .map_err(AnalysisError::polars(&t.path))?;
    let has_benchmarks =
        schema.get("nash_profit").is_some() && schema.get("joint_profit").is_some();
    let mut columns = vec![col("run_id")];
    columns.extend(data.parameters.iter().map(|p| col(p.as_str())));
    if has_benchmarks {
        columns.extend([col("nash_profit"), col("joint_profit")]);
    }
    let df = t.collect(|lf| lf.select(columns))?;
    let ids = u64s(&df, "run_id", t)?;
    let mut values: Vec<Vec<ParamValue>> = vec![Vec::new(); df.height()];
    for p in &data.parameters {
        let numeric = schema
            .get(p.as_str())
            .is_some_and(|d| d.is_primitive_numeric());
        if numeric {
            for (i, v) in f64s(&df, p, t)?.into_iter().enumerate() {
                values[i].push(v.map_or(ParamValue::Missing, ParamValue::Number));
            }
        } else {
            for (i, v) in strs(&df, p, t)?.into_iter().enumerate() {
                values[i].push(v.map_or(ParamValue::Missing, ParamValue::Text));
            }
        }
    }
    let (nash, joint) = if has_benchmarks {
        (f64s(&df, "nash_profit", t)?, f64s(&df, "joint_profit", t)?)
    } else {
        (Vec::new(), Vec::new())
    };
    for (i, (id, v)) in ids.into_iter().zip(values).enumerate() {
        let Some(id) = id else { continue };
        if has_benchmarks && let (Some(n), Some(j)) = (nash[i], joint[i]) {
            benchmarks.insert(id, (n, j));
        }
        params.insert(id, v);
    }
    Ok((params, benchmarks))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_values_print_short() {
        assert_eq!(ParamValue::Number(1.0029730192962734).to_string(), "1.003");
        assert_eq!(ParamValue::Number(0.05).to_string(), "0.05");
        assert_eq!(ParamValue::Number(20_000_000.0).to_string(), "20000000");
        assert_eq!(ParamValue::Number(123.456).to_string(), "123.5");
        assert_eq!(ParamValue::Number(1.5e9 + 0.5).to_string(), "1.5e9");
        assert_eq!(ParamValue::Number(0.0000125).to_string(), "1.25e-5");
        assert_eq!(ParamValue::Number(-0.333333).to_string(), "-0.3333");
        assert_eq!(
            ParamValue::Number(1.0029730192962734).full(),
            "1.0029730192962734"
        );
    }

    #[test]
    fn completeness_names_missing_and_incomplete_shards() {
        assert_eq!(spans(&[1, 2, 3, 5, 7, 8]), "1-3, 5, 7, 8");
        let c = Completeness {
            planned: 30,
            present: 10,
            shards: Some(3),
            missing_shards: vec![1, 2],
            incomplete_shards: vec![],
        };
        let m = c.message(std::path::Path::new("out"));
        assert!(
            m.starts_with("10 of 30 planned runs present (20 missing); missing shards 1, 2 of 3"),
            "{m}"
        );
        assert!(m.contains("--shard K/3"), "{m}");
        let c = Completeness {
            planned: 30,
            present: 25,
            shards: Some(1),
            missing_shards: vec![],
            incomplete_shards: vec![],
        };
        assert!(c.message(std::path::Path::new("out")).contains("--resume"));
        let done = Completeness { present: 30, ..c };
        assert!(done.is_complete());
        assert_eq!(
            done.message(std::path::Path::new("out")),
            "30 of 30 planned runs present"
        );
    }
}

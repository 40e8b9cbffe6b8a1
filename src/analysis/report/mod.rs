//! A report: the runs of an output directory grouped (one group for a run; for a sweep, one per
//! combination of grid values, pooling parameters sampled from ranges) with each metric
//! summarised across the group's runs, and for a sweep how many of its planned runs are present.
//!
//! The values of swept parameters are [`ParamValue`]s; a sweep's [`Completeness`] says which
//! planned runs are missing.

mod completeness;
mod params;

pub use completeness::{Completeness, completeness};
pub use params::{ParamValue, short_number};

use super::AnalysisError;
use super::load::{Dataset, Kind, SampledParameter};
use super::metric::{Metric, market};
use super::stats::Summary;
use super::summary::{RunBenchmarks, RunSummary, f64s, strs, summarise, u64s};
use polars::prelude::*;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::PathBuf;

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
    /// Firm metrics, per firm (products' owners) in the run's order; empty for outputs
    /// without a firms panel.
    pub firms: Vec<(String, Vec<(Metric, Summary)>)>,
    /// Concentration classes of the mean of each HHI metric ([`market::CLASSED`]), where the
    /// mean is defined.
    pub concentration: Vec<(Metric, Concentration)>,
}

impl Group {
    /// The summary of a market metric.
    pub fn market(&self, m: Metric) -> Option<&Summary> {
        self.market.iter().find(|(k, _)| *k == m).map(|(_, s)| s)
    }

    /// Whether some firm sells several products or is not named as one of them (its firms
    /// then say more than its vendors; the text reports show them only then).
    pub fn has_families(&self) -> bool {
        !self.firms.is_empty()
            && (self.firms.len() != self.vendors.len()
                || self
                    .firms
                    .iter()
                    .any(|(f, _)| !self.vendors.iter().any(|(v, _)| v == f)))
    }

    /// The summary of a vendor's metric.
    pub fn vendor(&self, name: &str, m: Metric) -> Option<&Summary> {
        find(&self.vendors, name, m)
    }

    /// The summary of a price-change metric of a vendor or of "all vendors".
    pub fn change(&self, name: &str, m: Metric) -> Option<&Summary> {
        find(&self.changes, name, m)
    }

    /// The concentration classes of the mean of an HHI metric (None for other metrics, and where
    /// the mean is undefined).
    pub fn concentration(&self, m: Metric) -> Option<Concentration> {
        self.concentration
            .iter()
            .find(|(k, _)| *k == m)
            .map(|(_, c)| *c)
    }
}

/// Concentration classes of an HHI under the 2023 US Merger Guidelines and the 2010 US
/// Horizontal Merger Guidelines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Concentration {
    /// Above 1,800 "highly concentrated", else "not highly concentrated".
    pub guidelines_2023: &'static str,
    /// Below 1,500 "unconcentrated", to 2,500 "moderately concentrated", above that "highly
    /// concentrated".
    pub guidelines_2010: &'static str,
}

impl Concentration {
    /// The classes of `hhi` (0-10,000).
    pub fn of(hhi: f64) -> Self {
        Concentration {
            guidelines_2023: crate::metrics::concentration_2023(hhi),
            guidelines_2010: crate::metrics::concentration_2010(hhi),
        }
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
    /// A run's mergers: the static merger simulation beside the prices posted.
    pub mergers: Vec<crate::analysis::merger::MergerReport>,
    /// Sensitivity indices of a sweep with a `sobol` or `morris` design and no grid (empty
    /// otherwise), and the design's method.
    pub sensitivity: Vec<crate::analysis::sensitivity::Index>,
    /// The method of `sensitivity`'s indices.
    pub sensitivity_method: Option<crate::analysis::sensitivity::Method>,
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
    let mergers = crate::analysis::merger::mergers(data)?;
    let sensitivity = match &data.design {
        Some(design) if groups.len() == 1 => {
            let values = sampled_values(data, design)?;
            let rs: Vec<&RunSummary> = groups[0]
                .1
                .iter()
                .filter_map(|id| by_id.get(id).copied())
                .collect();
            crate::analysis::sensitivity::indices(
                design,
                &rs,
                &values,
                data.replicates.unwrap_or(1),
            )
        }
        Some(_) => {
            tracing::warn!(
                "{}: sensitivity indices are computed for a sobol or morris design without a grid; this sweep also has a grid",
                data.dir.display()
            );
            Vec::new()
        }
        None => Vec::new(),
    };
    Ok(Report {
        mergers,
        sensitivity_method: data
            .design
            .as_ref()
            .filter(|_| !sensitivity.is_empty())
            .map(|d| d.method),
        sensitivity,
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

/// Each run's values of the design's sampled paths, from the runs table.
fn sampled_values(
    data: &Dataset,
    design: &crate::analysis::sensitivity::Design,
) -> Result<HashMap<u64, Vec<f64>>, AnalysisError> {
    let mut out = HashMap::new();
    let Some(t) = &data.runs else {
        return Ok(out);
    };
    let mut columns = vec![col("run_id")];
    columns.extend(design.ranges.iter().map(|(p, _, _)| col(p.as_str())));
    let df = t.collect(|lf| lf.select(columns))?;
    let ids = u64s(&df, "run_id", t)?;
    let cols: Vec<Vec<Option<f64>>> = design
        .ranges
        .iter()
        .map(|(p, _, _)| f64s(&df, p, t))
        .collect::<Result<_, _>>()?;
    for (i, id) in ids.into_iter().enumerate() {
        let Some(id) = id else { continue };
        let row: Option<Vec<f64>> = cols.iter().map(|c| c[i]).collect();
        if let Some(row) = row {
            out.insert(id, row);
        }
    }
    Ok(out)
}

/// Runs of one group: the values of the swept parameters, and the run ids.
pub type RunGroup = (Vec<ParamValue>, Vec<u64>);

/// The runs of `data` grouped for reporting and plotting: all runs in one group for a run
/// directory; for a sweep, one group per combination of swept parameters, in parameter order.
pub fn run_groups(data: &Dataset) -> Result<Vec<RunGroup>, AnalysisError> {
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

/// Groups run ids (in order) by their parameter values; empty groups are dropped.
fn group_runs(
    data: &Dataset,
    params: &HashMap<u64, Vec<ParamValue>>,
    ids: &[u64],
) -> Vec<RunGroup> {
    let mut groups: Vec<RunGroup> = Vec::new();
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

/// One run's metrics of each vendor (or of "all vendors"): its name and each metric's value.
type Named = Vec<(String, Vec<(Metric, Option<f64>)>)>;

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
    let market: Vec<(Metric, Summary)> = metrics
        .iter()
        .map(|m| (*m, Summary::of(runs.iter().map(|r| r.market(*m)))))
        .collect();
    // The classes of each HHI metric's mean, decided here once for every format.
    let concentration = market
        .iter()
        .filter(|(m, _)| market::CLASSED.contains(m))
        .filter_map(|(m, s)| Some((*m, Concentration::of(s.mean?))))
        .collect();
    let by_name = |rows: Vec<Named>| {
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
        firms: by_name(runs.iter().map(|r| r.firms.clone()).collect()),
        concentration,
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
    fn concentration_classes_follow_both_guidelines() {
        let classes = |hhi| {
            let c = Concentration::of(hhi);
            (c.guidelines_2023, c.guidelines_2010)
        };
        assert_eq!(
            classes(3000.0),
            ("highly concentrated", "highly concentrated")
        );
        assert_eq!(
            classes(2000.0),
            ("highly concentrated", "moderately concentrated")
        );
        assert_eq!(
            classes(1700.0),
            ("not highly concentrated", "moderately concentrated")
        );
        assert_eq!(
            classes(1000.0),
            ("not highly concentrated", "unconcentrated")
        );
    }

    #[test]
    fn groups_class_the_mean_of_each_hhi_metric_where_it_is_defined() {
        let run = |end: f64| RunSummary {
            run_id: 0,
            rounds: 2,
            window: (1, 1),
            market: vec![
                (market::HHI_START, None),
                (market::HHI_END, Some(end)),
                (market::SURVIVORS, Some(3.0)),
            ],
            vendors: Vec::new(),
            changes: Vec::new(),
            firms: Vec::new(),
        };
        let (a, b) = (run(1000.0), run(3000.0));
        let g = group(Vec::new(), &[&a, &b]);
        // The mean HHI at end is 2,000.
        assert_eq!(
            g.concentration(market::HHI_END),
            Some(Concentration::of(2000.0))
        );
        assert_eq!(g.concentration(market::HHI_START), None, "undefined");
        assert_eq!(g.concentration(market::SURVIVORS), None, "not an HHI");
        assert_eq!(g.concentration.len(), 1);
    }
}

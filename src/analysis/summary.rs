//! Each run reduced to its metrics, by Polars lazy queries grouped by `run_id` (a run directory
//! has one run; a sweep has many, and the same queries serve both).

use super::AnalysisError;
use super::load::{Dataset, Table};
use super::metric::{Metric, changes, firm, market, vendor};
use super::stats::{CHANGE_TOLERANCE, ChangeSums};
use polars::prelude::*;
use std::collections::HashMap;

pub use crate::metrics::COLLUSION_WINDOW;

/// Metrics with their values (None where undefined), in report order.
pub type Metrics = Vec<(Metric, Option<f64>)>;

/// One run's metrics.
#[derive(Clone, Debug, PartialEq)]
pub struct RunSummary {
    /// The run.
    pub run_id: u64,
    /// Rounds recorded.
    pub rounds: u32,
    /// First and last round of the collusion-index window (the last 10% of rounds, at least
    /// one).
    pub window: (u32, u32),
    /// Market metrics.
    pub market: Vec<(Metric, Option<f64>)>,
    /// Per vendor, in scenario order: name and metrics.
    pub vendors: Vec<(String, Metrics)>,
    /// Price-change sums per vendor, in scenario order.
    pub changes: Vec<(String, ChangeSums)>,
    /// Per firm, in the run's order: name and metrics (empty without `firms.parquet`).
    pub firms: Vec<(String, Metrics)>,
}

impl RunSummary {
    /// The value of a market metric.
    pub fn market(&self, m: Metric) -> Option<f64> {
        self.market
            .iter()
            .find(|(k, _)| *k == m)
            .and_then(|(_, v)| *v)
    }

    /// The value of a vendor's metric.
    pub fn vendor(&self, name: &str, m: Metric) -> Option<f64> {
        self.vendors
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, ms)| ms.iter().find(|(k, _)| *k == m))
            .and_then(|(_, v)| *v)
    }

    /// Price-change metrics of each vendor, preceded by all vendors pooled ("all vendors").
    pub fn change_metrics(&self) -> Vec<(String, Metrics)> {
        let mut pooled = ChangeSums::default();
        for (_, s) in &self.changes {
            pooled.add(s);
        }
        std::iter::once((ALL_VENDORS.to_string(), pooled))
            .chain(self.changes.iter().cloned())
            .map(|(name, s)| {
                let values = vec![
                    (changes::CHANGES, Some(s.n + s.undefined)),
                    (changes::CUT_SHARE, s.cut_share()),
                    (changes::MEAN_RISE, s.mean_rise()),
                    (changes::MEAN_CUT, s.mean_cut()),
                    (changes::SKEWNESS, s.skewness()),
                ];
                (name, values)
            })
            .collect()
    }
}

/// The name of the pooled row of price-change statistics.
pub const ALL_VENDORS: &str = "all vendors";

/// Benchmark industry profits per round of one run: (Bertrand-Nash, joint), USD.
pub type RunBenchmarks = HashMap<u64, (f64, f64)>;

/// Summarises every run in `data`, in run_id order. `benchmarks` gives industry profit per
/// round at the two benchmarks for runs that have them.
pub fn summarise(
    data: &Dataset,
    benchmarks: &RunBenchmarks,
) -> Result<Vec<RunSummary>, AnalysisError> {
    let m = market_by_run(&data.market, data.rounds_per_year)?;
    if m.is_empty() {
        return Err(AnalysisError::Empty(data.dir.clone()));
    }
    let r = rounds_by_run(&data.vendors)?;
    let (order, v) = vendors_by_run(&data.vendors)?;
    let c = changes_by_run(&data.vendors)?;
    let (firm_order, f) = match &data.firms {
        Some(t) => firms_by_run(t)?,
        None => (Vec::new(), HashMap::new()),
    };
    let mut out = Vec::with_capacity(m.len());
    for (run_id, mk) in m {
        let rd = r.get(&run_id).cloned().unwrap_or_default();
        let lerner_final = rd
            .lerner_last
            .filter(|_| rd.lerner_last_round == Some(mk.last_round));
        let mut metrics = vec![
            (market::PRICE_INDEX_START, mk.price_index_start),
            (market::PRICE_INDEX_END, mk.price_index_end),
            (market::DECLINE, mk.decline),
            (market::HHI_START, rd.hhi_start),
            (market::HHI_END, rd.hhi_end),
            (market::LERNER_FINAL, lerner_final),
            (market::LERNER_MEAN, rd.lerner_mean),
            (market::CONSUMER_SURPLUS, Some(mk.consumer_surplus)),
            (market::PRODUCER_SURPLUS, Some(mk.producer_surplus)),
            (market::WELFARE, Some(mk.welfare)),
            (market::SURVIVORS, mk.survivors),
        ];
        if let Some(&(nash, joint)) = benchmarks.get(&run_id) {
            let profit = rd.window_profit;
            metrics.extend([
                (market::WINDOW_PROFIT, profit),
                (market::NASH_PROFIT, Some(nash)),
                (market::JOINT_PROFIT, Some(joint)),
                (
                    market::COLLUSION_INDEX,
                    profit.and_then(|p| crate::metrics::collusion_index(p, nash, joint)),
                ),
            ]);
        }
        let empty = HashMap::new();
        let vrows = v.get(&run_id).unwrap_or(&empty);
        let crows = c.get(&run_id);
        let vendors = order
            .iter()
            .filter_map(|name| vrows.get(name).map(|ms| (name.clone(), ms.clone())))
            .collect();
        let changes = order
            .iter()
            .filter(|name| vrows.contains_key(*name))
            .map(|name| {
                let s = crows.and_then(|c| c.get(name)).copied().unwrap_or_default();
                (name.clone(), s)
            })
            .collect();
        let frows = f.get(&run_id).unwrap_or(&empty);
        let firms = firm_order
            .iter()
            .filter_map(|name| frows.get(name).map(|ms| (name.clone(), ms.clone())))
            .collect();
        out.push(RunSummary {
            run_id,
            rounds: mk.rounds,
            window: (rd.window_first.unwrap_or(mk.last_round), mk.last_round),
            market: metrics,
            vendors,
            changes,
            firms,
        });
    }
    Ok(out)
}

/// What `market.parquet` gives about one run.
#[derive(Clone, Debug, Default)]
struct MarketRun {
    rounds: u32,
    last_round: u32,
    price_index_start: Option<f64>,
    price_index_end: Option<f64>,
    decline: Option<f64>,
    consumer_surplus: f64,
    producer_surplus: f64,
    welfare: f64,
    survivors: Option<f64>,
}

fn market_by_run(t: &Table, rounds_per_year: f64) -> Result<Vec<(u64, MarketRun)>, AnalysisError> {
    let by_round = || SortMultipleOptions::default();
    let with_index = col("price_index").is_not_null();
    let df = t.collect(|lf| {
        lf.group_by([col("run_id")])
            .agg([
                col("round").len().alias("rounds"),
                col("round").max().alias("last_round"),
                col("price_index")
                    .sort_by([col("round")], by_round())
                    .first_non_null()
                    .alias("pi_start"),
                col("price_index")
                    .sort_by([col("round")], by_round())
                    .last_non_null()
                    .alias("pi_end"),
                col("round")
                    .filter(with_index.clone())
                    .min()
                    .alias("pi_start_round"),
                col("round").filter(with_index).max().alias("pi_end_round"),
                col("consumer_surplus").sum(),
                col("producer_surplus").sum(),
                col("welfare").sum(),
                col("active_vendors")
                    .sort_by([col("round")], by_round())
                    .last()
                    .alias("survivors"),
            ])
            .sort(["run_id"], Default::default())
    })?;
    let ids = u64s(&df, "run_id", t)?;
    let rounds = f64s(&df, "rounds", t)?;
    let last = f64s(&df, "last_round", t)?;
    let (ps, pe) = (f64s(&df, "pi_start", t)?, f64s(&df, "pi_end", t)?);
    let (rs, re) = (
        f64s(&df, "pi_start_round", t)?,
        f64s(&df, "pi_end_round", t)?,
    );
    let cs = f64s(&df, "consumer_surplus", t)?;
    let pss = f64s(&df, "producer_surplus", t)?;
    let w = f64s(&df, "welfare", t)?;
    let surv = f64s(&df, "survivors", t)?;
    Ok((0..df.height())
        .map(|i| {
            let decline = match (ps[i], pe[i], rs[i], re[i]) {
                (Some(a), Some(b), Some(ra), Some(rb)) => {
                    crate::metrics::annualised_decline(a, b, rb - ra, rounds_per_year)
                }
                _ => None,
            };
            let run = MarketRun {
                rounds: rounds[i].unwrap_or(0.0) as u32,
                last_round: last[i].unwrap_or(0.0) as u32,
                price_index_start: ps[i],
                price_index_end: pe[i],
                decline,
                consumer_surplus: cs[i].unwrap_or(0.0),
                producer_surplus: pss[i].unwrap_or(0.0),
                welfare: w[i].unwrap_or(0.0),
                survivors: surv[i],
            };
            (ids[i].unwrap_or(0), run)
        })
        .collect())
}

/// What the vendor panel gives about a run's rounds: HHI, Lerner index, industry profit.
#[derive(Clone, Debug, Default)]
struct RoundStats {
    hhi_start: Option<f64>,
    hhi_end: Option<f64>,
    lerner_last: Option<f64>,
    lerner_last_round: Option<u32>,
    lerner_mean: Option<f64>,
    window_profit: Option<f64>,
    window_first: Option<u32>,
}

fn rounds_by_run(t: &Table) -> Result<HashMap<u64, RoundStats>, AnalysisError> {
    let sold = col("price")
        .gt(lit(0.0))
        .and(col("quantity_mtok").gt(lit(0.0)));
    let pct = col("share") * lit(100.0);
    let by_round = || SortMultipleOptions::default();
    // The window: rounds whose distance from the last round is below ceil(rounds / 10): the
    // last ceil(10%) rounds, at least one (as `metrics::collusion_window_rounds`).
    let distance =
        col("round").cast(DataType::Float64).max() - col("round").cast(DataType::Float64);
    // For whole distances d: d < ceil(len/10) exactly when 10·d < len.
    let in_window = (distance * lit(10.0)).lt(col("round").len().cast(DataType::Float64));
    let df = t.collect(|lf| {
        lf.group_by([col("run_id"), col("round")])
            .agg([
                (pct.clone() * pct).sum().alias("hhi"),
                col("quantity_mtok").sum().alias("volume"),
                ((col("price") - col("marginal_cost")) / col("price") * col("quantity_mtok"))
                    .filter(sold.clone())
                    .sum()
                    .alias("lerner_num"),
                col("quantity_mtok").filter(sold).sum().alias("lerner_den"),
                (col("revenue") + col("subsidy") - col("variable_cost"))
                    .sum()
                    .alias("variable_profit"),
            ])
            .with_columns([
                when(col("volume").gt(lit(0.0)))
                    .then(col("hhi"))
                    .otherwise(lit(NULL).cast(DataType::Float64))
                    .alias("hhi"),
                when(col("lerner_den").gt(lit(0.0)))
                    .then(col("lerner_num") / col("lerner_den"))
                    .otherwise(lit(NULL).cast(DataType::Float64))
                    .alias("lerner"),
            ])
            .group_by([col("run_id")])
            .agg([
                col("hhi")
                    .sort_by([col("round")], by_round())
                    .first_non_null()
                    .alias("hhi_start"),
                col("hhi")
                    .sort_by([col("round")], by_round())
                    .last_non_null()
                    .alias("hhi_end"),
                col("lerner")
                    .sort_by([col("round")], by_round())
                    .last_non_null()
                    .alias("lerner_last"),
                col("round")
                    .filter(col("lerner").is_not_null())
                    .max()
                    .alias("lerner_last_round"),
                col("lerner").mean().alias("lerner_mean"),
                col("variable_profit")
                    .filter(in_window.clone())
                    .mean()
                    .alias("window_profit"),
                col("round").filter(in_window).min().alias("window_first"),
            ])
    })?;
    let ids = u64s(&df, "run_id", t)?;
    let hs = f64s(&df, "hhi_start", t)?;
    let he = f64s(&df, "hhi_end", t)?;
    let ll = f64s(&df, "lerner_last", t)?;
    let llr = f64s(&df, "lerner_last_round", t)?;
    let lm = f64s(&df, "lerner_mean", t)?;
    let wp = f64s(&df, "window_profit", t)?;
    let wf = f64s(&df, "window_first", t)?;
    Ok((0..df.height())
        .map(|i| {
            (
                ids[i].unwrap_or(0),
                RoundStats {
                    hhi_start: hs[i],
                    hhi_end: he[i],
                    lerner_last: ll[i],
                    lerner_last_round: llr[i].map(|r| r as u32),
                    lerner_mean: lm[i],
                    window_profit: wp[i],
                    window_first: wf[i].map(|r| r as u32),
                },
            )
        })
        .collect())
}

type VendorMetrics = HashMap<u64, HashMap<String, Vec<(Metric, Option<f64>)>>>;

/// Vendor names in scenario order (the order of their rows) and each run's vendor metrics.
fn vendors_by_run(t: &Table) -> Result<(Vec<String>, VendorMetrics), AnalysisError> {
    let by_round = || SortMultipleOptions::default();
    let last = |c: &str| col(c).sort_by([col("round")], by_round()).last();
    let df = t.collect(|lf| {
        lf.with_row_index("row", None)
            .group_by([col("run_id"), col("vendor")])
            .agg([
                col("price").mean().alias("mean_price"),
                last("price").alias("final_price"),
                last("share").alias("final_share"),
                col("profit").sum().alias("cumulative_profit"),
                last("cash").alias("final_cash"),
                last("active").alias("survived"),
                col("row").min().alias("row"),
            ])
            .sort(["row"], Default::default())
    })?;
    by_name(&df, "vendor", vendor::ALL, t)
}

/// The names in column `key` of a per-run, per-name frame, in order of first appearance, and
/// each run's `metrics` of each name.
fn by_name(
    df: &DataFrame,
    key: &str,
    metrics: &[Metric],
    t: &Table,
) -> Result<(Vec<String>, VendorMetrics), AnalysisError> {
    let ids = u64s(df, "run_id", t)?;
    let names = strs(df, key, t)?;
    let cols: Vec<(Metric, Vec<Option<f64>>)> = metrics
        .iter()
        .map(|m| Ok((*m, f64s(df, m.key, t)?)))
        .collect::<Result<_, AnalysisError>>()?;
    let mut order: Vec<String> = Vec::new();
    let mut out: VendorMetrics = HashMap::new();
    for i in 0..df.height() {
        let name = names[i].clone().unwrap_or_default();
        if !order.contains(&name) {
            order.push(name.clone());
        }
        let values = cols.iter().map(|(m, c)| (*m, c[i])).collect();
        out.entry(ids[i].unwrap_or(0))
            .or_default()
            .insert(name, values);
    }
    Ok((order, out))
}

/// Each firm's metrics per run (`firms.parquet`): final share, cumulative profit, final cash,
/// products in the market at the end; and the firms in order of first appearance.
fn firms_by_run(t: &Table) -> Result<(Vec<String>, VendorMetrics), AnalysisError> {
    let by_round = || SortMultipleOptions::default();
    let last = |c: &str| col(c).sort_by([col("round")], by_round()).last();
    let df = t.collect(|lf| {
        lf.with_row_index("row", None)
            .group_by([col("run_id"), col("firm")])
            .agg([
                last("share").alias(firm::FINAL_SHARE.key),
                col("profit").sum().alias(firm::CUMULATIVE_PROFIT.key),
                last("cash").alias(firm::FINAL_CASH.key),
                last("products_active")
                    .cast(DataType::Float64)
                    .alias(firm::PRODUCTS.key),
                col("row").min().alias("row"),
            ])
            .sort(["row"], Default::default())
    })?;
    by_name(&df, "firm", firm::ALL, t)
}

type ChangeMap = HashMap<u64, HashMap<String, ChangeSums>>;

/// Sums of relative price changes between consecutive rounds in the market, per run and vendor.
fn changes_by_run(t: &Table) -> Result<ChangeMap, AnalysisError> {
    let r = col("change");
    let finite = col("undefined").eq(lit(0u32));
    let is_cut = r.clone().lt(lit(-CHANGE_TOLERANCE)).and(finite.clone());
    let is_rise = r.clone().gt(lit(CHANGE_TOLERANCE)).and(finite);
    let moved = is_cut.clone().or(is_rise.clone());
    // Infinite or NaN (a rise from 1e-300 to 1e300 overflows): counted, never summed.
    let undefined = r
        .clone()
        .gt(lit(f64::NEG_INFINITY))
        .and(r.clone().lt(lit(f64::INFINITY)))
        .not();
    let previous = |c: &str| -> Result<Expr, AnalysisError> {
        col(c)
            .shift(lit(1))
            .over([col("run_id"), col("vendor")])
            .map(|e| e.alias(format!("previous_{c}")))
            .map_err(AnalysisError::polars(&t.path))
    };
    let (previous_price, previous_round) = (previous("price")?, previous("round")?);
    let df = t.collect(|lf| {
        lf.select([col("run_id"), col("vendor"), col("round"), col("price")])
            .sort(["run_id", "vendor", "round"], Default::default())
            .with_columns([previous_price, previous_round])
            .filter(
                col("previous_price")
                    .gt(lit(0.0))
                    .and(col("price").is_not_null())
                    .and(
                        col("round")
                            .cast(DataType::Int64)
                            .eq(col("previous_round").cast(DataType::Int64) + lit(1i64)),
                    ),
            )
            .with_column(
                ((col("price") - col("previous_price")) / col("previous_price")).alias("change"),
            )
            .with_column(undefined.cast(DataType::UInt32).alias("undefined"))
            .group_by([col("run_id"), col("vendor")])
            .agg([
                col("undefined").sum().alias("undefined"),
                r.clone().filter(moved.clone()).len().alias("n"),
                r.clone().filter(is_cut.clone()).len().alias("cuts"),
                r.clone().filter(is_rise.clone()).len().alias("rises"),
                r.clone().filter(is_rise).sum().alias("rise_sum"),
                (lit(0.0) - r.clone()).filter(is_cut).sum().alias("cut_sum"),
                r.clone().filter(moved.clone()).sum().alias("s1"),
                (r.clone() * r.clone())
                    .filter(moved.clone())
                    .sum()
                    .alias("s2"),
                (r.clone() * r.clone() * r).filter(moved).sum().alias("s3"),
            ])
    })?;
    let ids = u64s(&df, "run_id", t)?;
    let names = strs(&df, "vendor", t)?;
    let get = |c: &str| f64s(&df, c, t);
    let (n, cuts, rises) = (get("n")?, get("cuts")?, get("rises")?);
    let (rise_sum, cut_sum) = (get("rise_sum")?, get("cut_sum")?);
    let (s1, s2, s3) = (get("s1")?, get("s2")?, get("s3")?);
    let undefined = get("undefined")?;
    let z = |x: Option<f64>| x.unwrap_or(0.0);
    let mut out: ChangeMap = HashMap::new();
    for i in 0..df.height() {
        let sums = ChangeSums {
            n: z(n[i]),
            cuts: z(cuts[i]),
            rises: z(rises[i]),
            rise_sum: z(rise_sum[i]),
            cut_sum: z(cut_sum[i]),
            s1: z(s1[i]),
            s2: z(s2[i]),
            s3: z(s3[i]),
            undefined: z(undefined[i]),
        };
        out.entry(ids[i].unwrap_or(0))
            .or_default()
            .insert(names[i].clone().unwrap_or_default(), sums);
    }
    Ok(out)
}

/// A column as f64 values (null stays None; NaN becomes None).
pub(crate) fn f64s(
    df: &DataFrame,
    name: &str,
    t: &Table,
) -> Result<Vec<Option<f64>>, AnalysisError> {
    let c = df
        .column(name)
        .and_then(|c| c.cast(&DataType::Float64))
        .map_err(AnalysisError::polars(&t.path))?;
    let ca = c.f64().map_err(AnalysisError::polars(&t.path))?;
    Ok(ca.iter().map(|x| x.filter(|v| v.is_finite())).collect())
}

/// A column as u64 values.
pub(crate) fn u64s(
    df: &DataFrame,
    name: &str,
    t: &Table,
) -> Result<Vec<Option<u64>>, AnalysisError> {
    let c = df
        .column(name)
        .and_then(|c| c.cast(&DataType::UInt64))
        .map_err(AnalysisError::polars(&t.path))?;
    let ca = c.u64().map_err(AnalysisError::polars(&t.path))?;
    Ok(ca.iter().collect())
}

/// A column as strings.
pub(crate) fn strs(
    df: &DataFrame,
    name: &str,
    t: &Table,
) -> Result<Vec<Option<String>>, AnalysisError> {
    let c = df
        .column(name)
        .and_then(|c| c.cast(&DataType::String))
        .map_err(AnalysisError::polars(&t.path))?;
    let ca = c.str().map_err(AnalysisError::polars(&t.path))?;
    Ok(ca.iter().map(|s| s.map(str::to_string)).collect())
}

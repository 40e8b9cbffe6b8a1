//! The paths charts draw, from Polars queries over a run's or a sweep's panels: per round, the
//! median across runs with the 5th and 95th percentiles.

use super::Point;
use crate::analysis::AnalysisError;
use crate::analysis::load::Table;
use crate::analysis::summary::{f64s, strs, u64s};
use polars::prelude::*;

pub(super) type Points = Vec<Point>;

pub(super) struct VendorPath {
    pub(super) name: String,
    pub(super) price: Points,
    pub(super) share: Points,
}

pub(super) struct MarketPaths {
    pub(super) round: Vec<f64>,
    pub(super) price_index: Points,
    pub(super) hhi: Points,
    pub(super) consumer_surplus: Points,
    pub(super) producer_surplus: Points,
    pub(super) welfare: Points,
}

/// Only the runs `ids` of a table (None: all of them).
fn only(lf: LazyFrame, ids: Option<&[u64]>) -> LazyFrame {
    match ids {
        None => lf,
        Some(ids) => {
            let keep = DataFrame::new(ids.len(), vec![Column::new("run_id".into(), ids.to_vec())])
                .expect("one column of the stated length")
                .lazy();
            lf.join(
                keep,
                [col("run_id")],
                [col("run_id")],
                JoinArgs::new(JoinType::Inner),
            )
        }
    }
}

/// Median, 5th and 95th percentile across runs of each column, per group and round.
fn band_aggs(columns: &[&str]) -> Vec<Expr> {
    columns
        .iter()
        .flat_map(|c| {
            [
                col(*c).median().alias(format!("{c}_median")),
                col(*c)
                    .quantile(lit(0.05), QuantileMethod::Linear)
                    .alias(format!("{c}_q05")),
                col(*c)
                    .quantile(lit(0.95), QuantileMethod::Linear)
                    .alias(format!("{c}_q95")),
            ]
        })
        .collect()
}

fn points(df: &DataFrame, c: &str, t: &Table) -> Result<Points, AnalysisError> {
    let x = f64s(df, "round", t)?;
    let m = f64s(df, &format!("{c}_median"), t)?;
    let a = f64s(df, &format!("{c}_q05"), t)?;
    let b = f64s(df, &format!("{c}_q95"), t)?;
    Ok((0..df.height())
        .map(|i| (x[i].unwrap_or(0.0), m[i], a[i], b[i]))
        .collect())
}

/// Each vendor's price and share paths over the runs `ids` (None: all), of which there are
/// `runs`. A vendor's price median and band are over the runs where it is in the market, and
/// only at rounds where that is at least half of the runs: a line carried on by the one
/// survivor of many runs would misread as typical.
pub(super) fn vendor_paths(
    t: &Table,
    ids: Option<&[u64]>,
    runs: usize,
) -> Result<Vec<VendorPath>, AnalysisError> {
    let mut aggs = band_aggs(&["price", "share"]);
    aggs.push(col("row").min().alias("row"));
    aggs.push(
        col("active")
            .and(col("price").is_not_null())
            .cast(DataType::UInt32)
            .sum()
            .alias("active_runs"),
    );
    let order = col("row")
        .min()
        .over([col("vendor")])
        .map_err(AnalysisError::polars(&t.path))?
        .alias("order");
    let df = t.collect(|lf| {
        only(lf.with_row_index("row", None), ids)
            .group_by([col("vendor"), col("round")])
            .agg(aggs)
            .with_column(order)
            .sort(["order", "round"], Default::default())
    })?;
    let names = strs(&df, "vendor", t)?;
    let mut out: Vec<VendorPath> = Vec::new();
    let mut start = 0;
    for i in 1..=df.height() {
        if i == df.height() || names[i] != names[start] {
            let part = df.slice(start as i64, i - start);
            let active = u64s(&part, "active_runs", t)?;
            let price = points(&part, "price", t)?
                .into_iter()
                .zip(active)
                .map(|(p, a)| {
                    if 2 * a.unwrap_or(0) as usize >= runs {
                        p
                    } else {
                        (p.0, None, None, None)
                    }
                })
                .collect();
            out.push(VendorPath {
                name: names[start].clone().unwrap_or_default(),
                price,
                share: points(&part, "share", t)?,
            });
            start = i;
        }
    }
    Ok(out)
}

pub(super) fn market_paths(t: &Table, ids: Option<&[u64]>) -> Result<MarketPaths, AnalysisError> {
    let cols = [
        "price_index",
        "hhi",
        "consumer_surplus",
        "producer_surplus",
        "welfare",
    ];
    let df = t.collect(|lf| {
        only(lf, ids)
            .group_by([col("round")])
            .agg(band_aggs(&cols))
            .sort(["round"], Default::default())
    })?;
    Ok(MarketPaths {
        round: f64s(&df, "round", t)?.into_iter().flatten().collect(),
        price_index: points(&df, "price_index", t)?,
        hhi: points(&df, "hhi", t)?,
        consumer_surplus: points(&df, "consumer_surplus", t)?,
        producer_surplus: points(&df, "producer_surplus", t)?,
        welfare: points(&df, "welfare", t)?,
    })
}

//! Mergers in a run: the static merger simulation the run recorded (Bertrand-Nash prices before
//! and after, consumer surplus, GUPPI) beside what the strategies then did (the prices posted in
//! the round before the merger and in the last round).

use super::error::AnalysisError;
use super::load::Dataset;
use polars::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// One product in a merger's market.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MergerProduct {
    /// Product (vendor).
    pub vendor: String,
    /// Its owner after the merger.
    pub owner: String,
    /// Whether it belongs to the merged firm.
    pub merging: bool,
    /// Predicted: Bertrand-Nash price under the owners before, USD per Mtok.
    pub nash_before: Option<f64>,
    /// Predicted: Bertrand-Nash price under the owners after, USD per Mtok.
    pub nash_after: Option<f64>,
    /// Predicted relative price change.
    pub predicted_change: Option<f64>,
    /// Observed: the price posted in the round before the merger, USD per Mtok.
    pub posted_before: Option<f64>,
    /// Observed: the price posted in the last round, USD per Mtok.
    pub posted_last: Option<f64>,
    /// Observed relative price change.
    pub observed_change: Option<f64>,
    /// GUPPI at the pre-merger Nash prices (merging products).
    pub guppi: Option<f64>,
}

/// A merger of the run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MergerReport {
    /// Round of the merger.
    pub round: u32,
    /// The merged firm.
    pub owner: String,
    /// Predicted consumer surplus before and after, USD per round.
    pub consumer_surplus_before: Option<f64>,
    /// See `consumer_surplus_before`.
    pub consumer_surplus_after: Option<f64>,
    /// Every product.
    pub products: Vec<MergerProduct>,
}

fn malformed(data: &Dataset, what: &str) -> AnalysisError {
    AnalysisError::Metadata {
        path: data.dir.join("manifest.json"),
        problem: format!("`mergers` is malformed: {what}; run the scenario again"),
    }
}

/// The mergers of a run, with the prices its strategies posted.
pub fn mergers(data: &Dataset) -> Result<Vec<MergerReport>, AnalysisError> {
    if data.mergers.is_empty() {
        return Ok(Vec::new());
    }
    let df = data
        .vendors
        .collect(|lf| lf.select([col("round"), col("vendor"), col("price")]))?;
    let col_of = |name: &str| {
        df.column(name)
            .map_err(AnalysisError::polars(&data.vendors.path))
    };
    let rounds = col_of("round")?
        .u32()
        .map_err(AnalysisError::polars(&data.vendors.path))?
        .clone();
    let names = col_of("vendor")?
        .str()
        .map_err(AnalysisError::polars(&data.vendors.path))?
        .clone();
    let prices = col_of("price")?
        .f64()
        .map_err(AnalysisError::polars(&data.vendors.path))?
        .clone();
    let last = rounds.max().unwrap_or(0);
    let mut posted: HashMap<(u32, String), Option<f64>> = HashMap::new();
    for i in 0..df.height() {
        if let (Some(r), Some(n)) = (rounds.get(i), names.get(i)) {
            posted.insert((r, n.to_string()), prices.get(i));
        }
    }
    let f = |v: &serde_json::Value| v.as_f64();
    data.mergers
        .iter()
        .map(|m| {
            let round = m["round"]
                .as_u64()
                .ok_or_else(|| malformed(data, "no round"))? as u32;
            let strings = |key: &str| -> Result<Vec<String>, AnalysisError> {
                m[key]
                    .as_array()
                    .ok_or_else(|| malformed(data, key))?
                    .iter()
                    .map(|x| {
                        x.as_str()
                            .map(String::from)
                            .ok_or_else(|| malformed(data, key))
                    })
                    .collect()
            };
            let vendors = strings("vendors")?;
            let owners = strings("owners_after")?;
            let merging = strings("merging")?;
            let nash = |key: &str, j: usize| m[key]["prices"].get(j).and_then(f);
            let guppi: HashMap<&str, f64> = m["guppi"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|g| Some((g["vendor"].as_str()?, g["guppi"].as_f64()?)))
                .collect();
            let change = |a: Option<f64>, b: Option<f64>| match (a, b) {
                (Some(a), Some(b)) if a > 0.0 => Some(b / a - 1.0),
                _ => None,
            };
            let products = vendors
                .iter()
                .enumerate()
                .map(|(j, v)| {
                    let before = round
                        .checked_sub(1)
                        .and_then(|r| posted.get(&(r, v.clone())).copied().flatten());
                    let after = posted.get(&(last, v.clone())).copied().flatten();
                    MergerProduct {
                        vendor: v.clone(),
                        owner: owners.get(j).cloned().unwrap_or_default(),
                        merging: merging.contains(v),
                        nash_before: nash("before", j),
                        nash_after: nash("after", j),
                        predicted_change: m["price_change"].get(j).and_then(f),
                        posted_before: before,
                        posted_last: after,
                        observed_change: change(before, after),
                        guppi: guppi.get(v.as_str()).copied(),
                    }
                })
                .collect();
            Ok(MergerReport {
                round,
                owner: m["owner"].as_str().unwrap_or_default().to_string(),
                consumer_surplus_before: f(&m["consumer_surplus_before"]),
                consumer_surplus_after: f(&m["consumer_surplus_after"]),
                products,
            })
        })
        .collect()
}

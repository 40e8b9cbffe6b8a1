//! The `runs` table: one row per finished run, its swept values and the headline numbers it
//! comes to (what `pricewar analyze` and sensitivity analyses read per run).

use super::plan::{ParamKind, Plan, PlannedRun, SummaryLayout};
use crate::equilibrium::{CollusionWindow, MergerSimulation};
use crate::metrics::annualised_decline;
use crate::output::Panels;
use polars::prelude::*;

/// The first merger of a run: what the static merger simulation predicted and what the
/// strategies then did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MergerRecord {
    /// Round of the merger.
    pub round: Option<u32>,
    /// Predicted change of the merging products' Bertrand-Nash prices, after/before − 1, their
    /// mean.
    pub predicted_price_change: Option<f64>,
    /// Predicted change of consumer surplus per round, after/before − 1.
    pub predicted_consumer_surplus_change: Option<f64>,
    /// What happened: the merging products' mean posted price in the last round over their
    /// mean in the round before the merger, − 1 (None for a merger in round 0, or products out
    /// of the market then).
    pub price_change: Option<f64>,
}

/// A finished run's row of the `runs` table: the numbers it comes to.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRecord {
    /// Volume-weighted price index of the last round, USD/Mtok (None without volume).
    pub final_price_index: Option<f64>,
    /// Factor by which the price index fell per year, from the first to the last round with a
    /// price index (None when undefined).
    pub annualised_price_decline: Option<f64>,
    /// HHI of the last round, 0–10,000 (None without volume).
    pub final_hhi: Option<f64>,
    /// Vendors in the market in the last round.
    pub survivors: u32,
    /// Consumer surplus summed over rounds, USD.
    pub cumulative_consumer_surplus: f64,
    /// Profit summed over rounds, USD, per vendor in scenario order.
    pub cumulative_profit: Vec<f64>,
    /// Industry profit per round at each round's Bertrand-Nash prices, averaged over the
    /// collusion window (the last 10% of rounds), USD (None without benchmarks).
    pub nash_profit: Option<f64>,
    /// The same at each round's joint-profit prices, USD.
    pub joint_profit: Option<f64>,
    /// HHI of products' volume shares in the last round, 0–10,000 (None without volume).
    pub final_hhi_products: Option<f64>,
    /// Profit summed over rounds, USD, per firm in the layout's order.
    pub cumulative_firm_profit: Vec<f64>,
    /// The run's first merger (default when it has none).
    pub merger: MergerRecord,
}

/// The record of a run from its panels, benchmarks and merger simulations; `layout` gives the
/// order of `cumulative_profit` and `cumulative_firm_profit`.
pub fn summarise(
    panels: &Panels,
    window: Option<&CollusionWindow>,
    mergers: &[MergerSimulation],
    rounds_per_year: f64,
    layout: &SummaryLayout,
) -> RunRecord {
    let vendor_names = &layout.vendors;
    let m = &panels.market;
    let last = m.len().checked_sub(1);
    let with_index: Vec<usize> = (0..m.len())
        .filter(|&i| m.price_index[i].is_some())
        .collect();
    let annualised_price_decline = match (with_index.first(), with_index.last()) {
        (Some(&a), Some(&b)) if b > a => annualised_decline(
            m.price_index[a].unwrap_or(0.0),
            m.price_index[b].unwrap_or(0.0),
            (m.round[b] - m.round[a]) as f64,
            rounds_per_year,
        ),
        _ => None,
    };
    let finite = |x: Option<f64>| x.filter(|v| v.is_finite());
    let mut cumulative_profit = vec![0.0; vendor_names.len()];
    let v = &panels.vendors;
    for i in 0..v.len() {
        if let Some(j) = vendor_names.iter().position(|n| *n == v.vendor[i]) {
            cumulative_profit[j] += v.profit[i];
        }
    }
    let mut cumulative_firm_profit = vec![0.0; layout.firms.len()];
    let f = &panels.firms;
    for i in 0..f.len() {
        if let Some(j) = layout.firms.iter().position(|n| *n == f.firm[i]) {
            cumulative_firm_profit[j] += f.profit[i];
        }
    }
    RunRecord {
        final_hhi_products: finite(last.and_then(|i| m.hhi_products[i])),
        cumulative_firm_profit,
        merger: mergers
            .first()
            .map_or_else(MergerRecord::default, |s| merger_record(panels, s)),
        final_price_index: finite(last.and_then(|i| m.price_index[i])),
        annualised_price_decline: finite(annualised_price_decline),
        final_hhi: finite(last.and_then(|i| m.hhi[i])),
        survivors: last.map_or(0, |i| m.active_vendors[i]),
        cumulative_consumer_surplus: m.consumer_surplus.iter().sum(),
        cumulative_profit,
        nash_profit: finite(window.and_then(|w| w.nash_profit)),
        joint_profit: finite(window.and_then(|w| w.joint_profit)),
    }
}

/// The merger's prediction (mean over the merging products) beside the posted prices.
fn merger_record(panels: &Panels, sim: &MergerSimulation) -> MergerRecord {
    let finite = |x: f64| x.is_finite().then_some(x);
    let mean = |xs: &[f64]| (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64);
    let predicted: Vec<f64> = sim
        .vendors
        .iter()
        .zip(&sim.price_change)
        .filter(|(n, _)| sim.merging.contains(n))
        .filter_map(|(_, c)| *c)
        .collect();
    let cs = match (sim.consumer_surplus_before, sim.consumer_surplus_after) {
        (Some(b), Some(a)) if b != 0.0 => finite(a / b - 1.0),
        _ => None,
    };
    let v = &panels.vendors;
    let last = v.round.iter().copied().max();
    let posted = |round: u32| -> Option<f64> {
        let prices: Vec<f64> = sim
            .merging
            .iter()
            .map(|n| {
                (0..v.len())
                    .find(|&i| v.round[i] == round && v.vendor[i] == *n)
                    .and_then(|i| v.price[i])
            })
            .collect::<Option<Vec<f64>>>()?;
        mean(&prices)
    };
    let price_change = match (sim.round.checked_sub(1), last) {
        (Some(before), Some(last)) => match (posted(before), posted(last)) {
            (Some(b), Some(a)) if b > 0.0 => finite(a / b - 1.0),
            _ => None,
        },
        _ => None,
    };
    MergerRecord {
        round: Some(sim.round),
        predicted_price_change: mean(&predicted).and_then(finite),
        predicted_consumer_surplus_change: cs,
        price_change,
    }
}

/// The merger columns of the `runs` table.
const MERGER_COLUMNS: [&str; 4] = [
    "merger_round",
    "merger_predicted_price_change",
    "merger_predicted_consumer_surplus_change",
    "merger_price_change",
];

/// The names of the summary columns of the `runs` table, after the swept parameters.
pub fn summary_columns(layout: &SummaryLayout) -> Vec<String> {
    let vendor_names = &layout.vendors;
    let mut cols: Vec<String> = [
        "final_price_index",
        "annualised_price_decline",
        "final_hhi",
        "survivors",
        "cumulative_consumer_surplus",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    cols.extend(
        vendor_names
            .iter()
            .map(|n| format!("cumulative_profit:{n}")),
    );
    cols.extend(["nash_profit".to_string(), "joint_profit".to_string()]);
    cols.push("final_hhi_products".to_string());
    cols.extend(
        layout
            .firms
            .iter()
            .map(|n| format!("cumulative_profit_firm:{n}")),
    );
    if layout.mergers {
        cols.extend(MERGER_COLUMNS.iter().map(|s| s.to_string()));
    }
    cols
}

/// The `runs` table rows of finished runs (in the order given).
pub fn runs_frame(plan: &Plan, runs: &[(&PlannedRun, &RunRecord)]) -> PolarsResult<DataFrame> {
    let n = runs.len();
    let mut cols = vec![
        Column::new(
            "run_id".into(),
            runs.iter().map(|(r, _)| r.run_id).collect::<Vec<u64>>(),
        ),
        Column::new(
            "replicate".into(),
            runs.iter().map(|(r, _)| r.replicate).collect::<Vec<u32>>(),
        ),
        Column::new(
            "seed".into(),
            runs.iter().map(|(r, _)| r.seed).collect::<Vec<u64>>(),
        ),
    ];
    for (k, p) in plan.params().iter().enumerate() {
        let name = PlSmallStr::from(p.path.as_str());
        cols.push(match p.kind {
            ParamKind::Number => Column::new(
                name,
                runs.iter()
                    .map(|(r, _)| r.values[k].as_f64().unwrap_or(f64::NAN))
                    .collect::<Vec<f64>>(),
            ),
            ParamKind::Text => Column::new(
                name,
                runs.iter()
                    .map(|(r, _)| Plan::value_text(&r.values[k]))
                    .collect::<Vec<String>>(),
            ),
        });
    }
    let opt = |f: fn(&RunRecord) -> Option<f64>| runs.iter().map(|(_, s)| f(s)).collect::<Vec<_>>();
    cols.push(Column::new(
        "final_price_index".into(),
        opt(|s| s.final_price_index),
    ));
    cols.push(Column::new(
        "annualised_price_decline".into(),
        opt(|s| s.annualised_price_decline),
    ));
    cols.push(Column::new("final_hhi".into(), opt(|s| s.final_hhi)));
    cols.push(Column::new(
        "survivors".into(),
        runs.iter().map(|(_, s)| s.survivors).collect::<Vec<u32>>(),
    ));
    cols.push(Column::new(
        "cumulative_consumer_surplus".into(),
        runs.iter()
            .map(|(_, s)| s.cumulative_consumer_surplus)
            .collect::<Vec<f64>>(),
    ));
    let layout = plan.summary_layout();
    for (j, name) in layout.vendors.iter().enumerate() {
        cols.push(Column::new(
            format!("cumulative_profit:{name}").into(),
            runs.iter()
                .map(|(_, s)| s.cumulative_profit[j])
                .collect::<Vec<f64>>(),
        ));
    }
    cols.push(Column::new("nash_profit".into(), opt(|s| s.nash_profit)));
    cols.push(Column::new("joint_profit".into(), opt(|s| s.joint_profit)));
    cols.push(Column::new(
        "final_hhi_products".into(),
        opt(|s| s.final_hhi_products),
    ));
    for (j, name) in layout.firms.iter().enumerate() {
        cols.push(Column::new(
            format!("cumulative_profit_firm:{name}").into(),
            runs.iter()
                .map(|(_, s)| s.cumulative_firm_profit[j])
                .collect::<Vec<f64>>(),
        ));
    }
    if layout.mergers {
        cols.push(Column::new(
            MERGER_COLUMNS[0].into(),
            runs.iter()
                .map(|(_, s)| s.merger.round)
                .collect::<Vec<Option<u32>>>(),
        ));
        cols.push(Column::new(
            MERGER_COLUMNS[1].into(),
            opt(|s| s.merger.predicted_price_change),
        ));
        cols.push(Column::new(
            MERGER_COLUMNS[2].into(),
            opt(|s| s.merger.predicted_consumer_surplus_change),
        ));
        cols.push(Column::new(
            MERGER_COLUMNS[3].into(),
            opt(|s| s.merger.price_change),
        ));
    }
    DataFrame::new(n, cols)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::MarketRow;

    fn market(rows: &[(Option<f64>, Option<f64>, u32, f64)]) -> Panels {
        let mut p = Panels::default();
        for (round, &(pi, hhi, active, cs)) in rows.iter().enumerate() {
            p.market.push(MarketRow {
                run_id: 0,
                round: round as u32,
                price_index: pi,
                min_price: pi,
                hhi,
                hhi_products: hhi,
                active_vendors: active,
                volume_mtok: 1.0,
                consumer_surplus: cs,
                producer_surplus: 0.0,
                public_spending: 0.0,
                welfare: cs,
                fixed_costs: 0.0,
                welfare_net_of_fixed_costs: cs,
            });
        }
        p
    }

    #[test]
    fn summaries_of_a_market_by_hand() {
        // Price index from 8 (round 1) to 2 (round 7): a quarter in 6 monthly rounds, 16x a year.
        let p = market(&[
            (None, None, 2, 1.0),
            (Some(8.0), Some(5000.0), 2, 2.0),
            (Some(4.0), Some(6000.0), 2, 3.0),
            (None, None, 1, 0.0),
            (Some(3.0), Some(8000.0), 1, 0.0),
            (Some(2.5), Some(9000.0), 1, 0.0),
            (Some(2.2), Some(9500.0), 1, 0.0),
            (Some(2.0), Some(10000.0), 1, 4.0),
        ]);
        let s = summarise(&p, None, &[], 12.0, &SummaryLayout::default());
        assert_eq!(s.final_price_index, Some(2.0));
        assert!((s.annualised_price_decline.unwrap() - 16.0).abs() < 1e-9);
        assert_eq!(s.final_hhi, Some(10000.0));
        assert_eq!(s.survivors, 1);
        assert_eq!(s.cumulative_consumer_surplus, 10.0);
    }

    #[test]
    fn a_market_without_sales_has_null_summaries_not_nan() {
        let s = summarise(
            &market(&[(None, None, 0, 0.0)]),
            None,
            &[],
            12.0,
            &SummaryLayout::default(),
        );
        assert_eq!(s.final_price_index, None);
        assert_eq!(s.annualised_price_decline, None);
        assert_eq!(s.final_hhi, None);
        let s = summarise(
            &market(&[(Some(1.0), Some(1.0), 1, 0.0)]),
            None,
            &[],
            12.0,
            &SummaryLayout::default(),
        );
        assert_eq!(s.annualised_price_decline, None);
    }
}

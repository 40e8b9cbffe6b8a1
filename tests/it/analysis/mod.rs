//! `pricewar analyze`: metrics on small hand-made panels against their definitions, sweep
//! aggregation on known replicate values, every output format on a real run, and clear errors
//! for directories that are not output.
//!
//! - `run_metrics`: each metric of a run against its definition: HHI and its concentration
//!   classes, annualised price decline, collusion index, consumer surplus, Lerner index, vendor
//!   metrics and Edgeworth-cycle statistics.
//! - `sweeps`: grouping by parameters with mean, sd and t interval; shards read as one dataset;
//!   incomplete sweeps; concentration classes of mean HHIs; sampled parameters pooled; huge
//!   replicate values.
//! - `formats`: every format on a real run; tables within 100 columns; vendor names with line
//!   breaks and pipes.
//! - `errors`: directories that are not output give one clear line.
//!
//! The helpers here make hand-made panels, runs and sweeps and run `pricewar analyze`.

mod errors;
mod formats;
mod run_metrics;
mod sweeps;

use crate::common::*;
use crate::sweep_fixture::{self, Param, SweepRun};
use pricewar::analysis::{self, Report};
use pricewar::output::{MarketRow, Panels, SegmentRow, VendorRow};
use std::path::Path;

/// One vendor-round of a hand-made panel: round, vendor, price (None: out of the market),
/// quantity sold (Mtok), marginal cost (USD/Mtok).
pub(crate) type Row<'a> = (u32, &'a str, Option<f64>, f64, f64);

/// Panels from vendor-rounds: shares from quantities, revenue p·q, variable cost mc·q, profit
/// their difference; the market panel aggregates them (price index volume-weighted, HHI of
/// shares, producer surplus = Σ (p − mc)·q); consumer surplus `cs` per round.
pub(crate) fn handmade(run_id: u64, rows: &[Row], cs: f64) -> Panels {
    let mut p = Panels::default();
    let mut rounds: Vec<u32> = rows.iter().map(|r| r.0).collect();
    rounds.dedup();
    for &round in &rounds {
        let these: Vec<&Row> = rows.iter().filter(|r| r.0 == round).collect();
        let volume: f64 = these.iter().map(|r| r.3).sum();
        let mut ps = 0.0;
        let mut weighted = 0.0;
        let mut hhi = 0.0;
        for &&(_, name, price, q, mc) in &these {
            let share = if volume > 0.0 { q / volume } else { 0.0 };
            let revenue = price.unwrap_or(0.0) * q;
            ps += revenue - mc * q;
            weighted += revenue;
            hhi += (100.0 * share).powi(2);
            p.vendors.push(VendorRow {
                run_id,
                round,
                vendor: name,
                owner: name,
                price,
                price_input: price,
                price_output: price,
                marginal_cost: mc,
                quality: 1.0,
                quantity_mtok: q,
                demand_mtok: q,
                share,
                revenue,
                variable_cost: mc * q,
                fixed_cost: 0.0,
                training_cost: 0.0,
                subsidy: 0.0,
                compute_subsidy: 0.0,
                profit: revenue - mc * q,
                cash: None,
                active: price.is_some(),
                capacity_mtok: None,
            });
        }
        p.segments.push(SegmentRow {
            run_id,
            round,
            segment: "all",
            agents: 1,
            customers: 1.0,
            volume_mtok: volume,
            avg_price_paid: (volume > 0.0).then(|| weighted / volume),
            outside_share: 0.0,
            consumer_surplus: cs,
            switches: 0.0,
        });
        p.market.push(MarketRow {
            run_id,
            round,
            price_index: (volume > 0.0).then(|| weighted / volume),
            min_price: these.iter().filter_map(|r| r.2).reduce(f64::min),
            hhi: (volume > 0.0).then_some(hhi),
            hhi_products: (volume > 0.0).then_some(hhi),
            active_vendors: these.iter().filter(|r| r.2.is_some()).count() as u32,
            volume_mtok: volume,
            consumer_surplus: cs,
            producer_surplus: ps,
            public_spending: 0.0,
            welfare: cs + ps,
            fixed_costs: 0.0,
            welfare_net_of_fixed_costs: cs + ps,
        });
    }
    p
}

fn report_of(dir: &Path) -> Report {
    analysis::analyze(&analysis::open(dir).unwrap()).unwrap()
}

/// The report of a monthly run made of `rows` (no benchmarks, no consumer surplus).
fn report_of_rows(rows: &[Row]) -> Report {
    let dir = tempfile::tempdir().unwrap();
    sweep_fixture::write_run(
        dir.path(),
        &handmade(0, rows, 0.0),
        12.0,
        serde_json::json!({}),
    );
    report_of(dir.path())
}

fn market_value(r: &Report, m: pricewar::analysis::metric::Metric) -> Option<f64> {
    r.groups[0].market(m).and_then(|s| s.mean)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// A hand-made sweep: parameter `step` 0.1 with replicate final prices 1, 2, 3 and parameter 0.2
/// with 10, 10, 10; runs interleaved over two shards; benchmarks in runs/.
fn known_sweep(dir: &Path) {
    let mut runs = Vec::new();
    let values = [(0.1, [1.0, 2.0, 3.0]), (0.2, [10.0, 10.0, 10.0])];
    for (replicate, k) in (0..3u32).zip(0..) {
        for (step, prices) in &values {
            let run_id = runs.len() as u64;
            let price = prices[k];
            // Variable profit per round (price − 0.5)·2: Nash 0, joint 2·(price − 0.5)·2 so Δ = 0.5.
            let rows = [
                (0, "A", Some(price), 2.0, 0.5),
                (1, "A", Some(price), 2.0, 0.5),
            ];
            runs.push(SweepRun {
                run_id,
                replicate,
                seed: run_id,
                params: vec![Param::Number(*step), Param::Text("undercut".into())],
                panels: handmade(run_id, &rows, 1.0),
                benchmarks: Some((0.0, 2.0 * (price - 0.5) * 2.0)),
            });
        }
    }
    sweep_fixture::write_sweep(
        dir,
        "known",
        "name: known\nrounds_per_year: 12\n",
        &["vendors[0].strategy.step", "vendors[0].strategy.kind"],
        3,
        12.0,
        &runs,
        2,
    );
}

fn assert_fits(table: &str) {
    for line in table.lines() {
        assert!(
            line.chars().count() <= analysis::format::TABLE_WIDTH,
            "line wider than 100 columns:\n{line}"
        );
    }
}

/// Runs `pricewar sweep scenarios/undercut-sweep.yaml` for 6 rounds into `dir` with `args`.
fn real_sweep(dir: &Path, args: &[&str]) {
    pricewar()
        .args([
            "sweep",
            "scenarios/undercut-sweep.yaml",
            "--quiet",
            "--rounds",
            "6",
            "--out",
        ])
        .arg(dir)
        .args(args)
        .current_dir(root())
        .assert()
        .success();
}

/// `pricewar analyze DIR --format FORMAT`: stdout and stderr.
fn analyze_cli(dir: &Path, format: &str) -> (String, String) {
    let a = pricewar()
        .args(["analyze", dir.to_str().unwrap(), "--format", format])
        .assert()
        .success();
    let o = a.get_output();
    (
        String::from_utf8_lossy(&o.stdout).to_string(),
        String::from_utf8_lossy(&o.stderr).to_string(),
    )
}

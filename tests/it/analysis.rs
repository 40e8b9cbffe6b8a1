//! `pricewar analyze`: metrics on small hand-made panels against their definitions, sweep
//! aggregation on known replicate values, every output format on a real run, and clear errors
//! for directories that are not output.

use crate::common::*;
use crate::sweep_fixture::{self, Param, SweepRun};
use pricewar::analysis::metric::{changes, market, vendor};
use pricewar::analysis::{self, Format, Report};
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
                price,
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
            active_vendors: these.iter().filter(|r| r.2.is_some()).count() as u32,
            volume_mtok: volume,
            consumer_surplus: cs,
            producer_surplus: ps,
            welfare: cs + ps,
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

#[test]
fn hhi_of_shares_40_30_20_10_is_3000_and_highly_concentrated() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        (0, "A", Some(1.0), 40.0, 0.5),
        (0, "B", Some(1.0), 30.0, 0.5),
        (0, "C", Some(1.0), 20.0, 0.5),
        (0, "D", Some(1.0), 10.0, 0.5),
    ];
    sweep_fixture::write_run(
        dir.path(),
        &handmade(0, &rows, 0.0),
        12.0,
        serde_json::json!({}),
    );
    let r = report_of(dir.path());
    assert!(close(market_value(&r, market::HHI_END).unwrap(), 3000.0));
    assert!(close(market_value(&r, market::HHI_START).unwrap(), 3000.0));
    let json = analysis::format::json_value(&r);
    assert_eq!(json["market"]["hhi_end_class_2023"], "highly concentrated");
    assert_eq!(json["market"]["hhi_end_class_2010"], "highly concentrated");

    // Four equal vendors: 2,500 is highly concentrated in 2023 terms, moderately in 2010 terms.
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<Row> = ["A", "B", "C", "D"]
        .iter()
        .map(|v| (0, *v, Some(1.0), 25.0, 0.5))
        .collect();
    sweep_fixture::write_run(
        dir.path(),
        &handmade(0, &rows, 0.0),
        12.0,
        serde_json::json!({}),
    );
    let json = analysis::format::json_value(&report_of(dir.path()));
    assert_eq!(json["market"]["hhi_end"], 2500.0);
    assert_eq!(json["market"]["hhi_end_class_2023"], "highly concentrated");
    assert_eq!(
        json["market"]["hhi_end_class_2010"],
        "moderately concentrated"
    );
}

#[test]
fn a_price_index_halving_every_six_monthly_rounds_falls_4x_a_year() {
    let rows: Vec<Row> = (0..=12)
        .map(|t| (t, "A", Some(8.0 * 0.5f64.powf(t as f64 / 6.0)), 5.0, 0.1))
        .collect();
    let panels = handmade(0, &rows, 0.0);
    let dir = tempfile::tempdir().unwrap();
    sweep_fixture::write_run(dir.path(), &panels, 12.0, serde_json::json!({}));
    let r = report_of(dir.path());
    assert!(close(market_value(&r, market::DECLINE).unwrap(), 4.0));
    assert!(close(
        market_value(&r, market::PRICE_INDEX_START).unwrap(),
        8.0
    ));
    assert!(close(
        market_value(&r, market::PRICE_INDEX_END).unwrap(),
        2.0
    ));
    // rounds_per_year comes from scenario.yaml: the same path over half-month rounds is 16×.
    let dir = tempfile::tempdir().unwrap();
    sweep_fixture::write_run(dir.path(), &panels, 24.0, serde_json::json!({}));
    assert!(close(
        market_value(&report_of(dir.path()), market::DECLINE).unwrap(),
        16.0
    ));
}

/// Two vendors with marginal cost 1 selling 10 Mtok each: at price 2 each earns 10 per round
/// (the Nash benchmark, industry 20), at price 4 each earns 30 (the joint benchmark, industry
/// 60). Rounds before the window are at price 3 (industry 40, Δ = 0.5) and must not count.
fn collusion_run(final_price: f64, benchmarks: bool) -> Report {
    let rows: Vec<Row> = (0..20)
        .flat_map(|t| {
            let p = if t >= 18 { final_price } else { 3.0 };
            [(t, "A", Some(p), 10.0, 1.0), (t, "B", Some(p), 10.0, 1.0)]
        })
        .collect();
    let extra = if benchmarks {
        serde_json::json!({"benchmarks": [{
            "round": 19,
            "vendors": ["A", "B"],
            "nash": {"prices": [2.0, 2.0], "profits": [10.0, 10.0]},
            "joint": {"prices": [4.0, 4.0], "profits": [30.0, 30.0]},
        }]})
    } else {
        serde_json::json!({})
    };
    let dir = tempfile::tempdir().unwrap();
    sweep_fixture::write_run(dir.path(), &handmade(0, &rows, 0.0), 12.0, extra);
    report_of(dir.path())
}

#[test]
fn collusion_index_is_0_at_nash_profits_and_1_at_joint_profits() {
    let nash = collusion_run(2.0, true);
    assert!(close(
        market_value(&nash, market::COLLUSION_INDEX).unwrap(),
        0.0
    ));
    assert!(close(
        market_value(&nash, market::NASH_PROFIT).unwrap(),
        20.0
    ));
    assert!(close(
        market_value(&nash, market::JOINT_PROFIT).unwrap(),
        60.0
    ));
    // The window is the last 10% of 20 rounds: rounds 18 and 19.
    assert_eq!(nash.window, Some((18, 19)));
    let joint = collusion_run(4.0, true);
    assert!(close(
        market_value(&joint, market::COLLUSION_INDEX).unwrap(),
        1.0
    ));
    let between = collusion_run(3.0, true);
    assert!(close(
        market_value(&between, market::COLLUSION_INDEX).unwrap(),
        0.5
    ));
    // Without benchmarks Δ is left out, not printed as zero or NaN.
    let none = collusion_run(2.0, false);
    assert!(none.groups[0].market(market::COLLUSION_INDEX).is_none());
    let json = analysis::format::json_value(&none);
    assert!(json["market"].get("collusion_index").is_none());
    assert!(analysis::format::render(&none, Format::Table).contains("Δ: not computed"));
}

#[test]
fn consumer_surplus_is_the_logit_log_sum_with_the_outside_option() {
    // One buyer, α = 2 (μ = 0.5 USD), θ = 1, fixed volume 1 Mtok: vendor j's value a_j = θ·q_j/α
    // in USD, and the surplus per round is μ·ln(e^0 + Σ_j e^((a_j − p_j)/μ)), not buying worth 0.
    let s = scenario(
        r#"
name: surplus
rounds: 3
vendors:
  - { name: A, model: { quality: 2 }, cost: { kind: linear, marginal: 0.1 }, strategy: { kind: fixed, price: 1.0 } }
  - { name: B, model: { quality: 1 }, cost: { kind: linear, marginal: 0.1 }, strategy: { kind: fixed, price: 0.6 } }
segments:
  - { name: all, agents: 1, price_sensitivity: 2, quality_weight: 1, base_volume_mtok: 1, choice: { mode: expected } }
"#,
    );
    let panels = run(&s);
    let dir = tempfile::tempdir().unwrap();
    sweep_fixture::write_run(dir.path(), &panels, 12.0, serde_json::json!({}));
    let r = report_of(dir.path());
    let per_round = pricewar::metrics::logit_consumer_surplus(0.5, 0.0, &[(1.0, 1.0), (0.5, 0.6)]);
    let by_hand = 0.5 * (1.0 + ((1.0 - 1.0) / 0.5f64).exp() + ((0.5 - 0.6) / 0.5f64).exp()).ln();
    assert!(close(per_round, by_hand));
    let cs = market_value(&r, market::CONSUMER_SURPLUS).unwrap();
    assert!(
        (cs - 3.0 * per_round).abs() < 1e-9,
        "analysed {cs}, closed form {}",
        3.0 * per_round
    );
    let ps = market_value(&r, market::PRODUCER_SURPLUS).unwrap();
    assert!(close(market_value(&r, market::WELFARE).unwrap(), cs + ps));
}

#[test]
fn lerner_index_is_volume_weighted_over_priced_vendors() {
    // Round 0: A sells 30 at p 2, mc 1 (L = 0.5); B sells 10 at p 4, mc 1 (L = 0.75); a free
    // vendor has no Lerner index and is left out: (30·0.5 + 10·0.75)/40 = 0.5625.
    // Round 1: only A, L = 0.5. Mean over rounds 0.53125; final round 0.5.
    let rows = [
        (0, "A", Some(2.0), 30.0, 1.0),
        (0, "B", Some(4.0), 10.0, 1.0),
        (0, "Free", Some(0.0), 50.0, 1.0),
        (1, "A", Some(2.0), 30.0, 1.0),
        (1, "B", None, 0.0, 1.0),
        (1, "Free", Some(0.0), 50.0, 1.0),
    ];
    let r = report_of_rows(&rows);
    assert!(close(market_value(&r, market::LERNER_FINAL).unwrap(), 0.5));
    assert!(close(
        market_value(&r, market::LERNER_MEAN).unwrap(),
        (0.5625 + 0.5) / 2.0
    ));
}

#[test]
fn vendor_metrics_follow_their_definitions() {
    let rows = [
        (0, "A", Some(2.0), 30.0, 1.0),
        (0, "B", Some(4.0), 10.0, 1.0),
        (1, "A", Some(3.0), 20.0, 1.0),
        (1, "B", None, 0.0, 1.0),
    ];
    let r = report_of_rows(&rows);
    let g = &r.groups[0];
    let names: Vec<&str> = g.vendors.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["A", "B"], "scenario order");
    let v = |name: &str, m| g.vendor(name, m).and_then(|s| s.mean);
    assert_eq!(v("A", vendor::MEAN_PRICE), Some(2.5));
    assert_eq!(v("A", vendor::FINAL_PRICE), Some(3.0));
    assert_eq!(v("A", vendor::FINAL_SHARE), Some(1.0));
    assert_eq!(v("A", vendor::CUMULATIVE_PROFIT), Some(30.0 + 40.0));
    assert_eq!(v("A", vendor::SURVIVED), Some(1.0));
    assert_eq!(v("A", vendor::FINAL_CASH), None, "unlimited cash");
    assert_eq!(
        v("B", vendor::MEAN_PRICE),
        Some(4.0),
        "over rounds in the market"
    );
    assert_eq!(v("B", vendor::FINAL_PRICE), None, "out of the market");
    assert_eq!(v("B", vendor::SURVIVED), Some(0.0));
    assert_eq!(market_value(&r, market::SURVIVORS), Some(1.0));
    let table = analysis::format::render(&r, Format::Table);
    assert!(table.contains("unlimited"));
    assert!(!table.contains("NaN"));
}

#[test]
fn edgeworth_statistics_count_cuts_rises_and_skew() {
    // A: a sawtooth of three 10% cuts and one restoring rise, twice; B: a constant price;
    // C: in, out for a round, back in at another price (no change across the gap).
    let mut rows: Vec<Row> = Vec::new();
    let mut p = 1.0;
    let mut path = vec![p];
    for t in 1..9u32 {
        p = if t % 4 == 0 { 1.0 } else { p * 0.9 };
        path.push(p);
    }
    for (t, &price) in path.iter().enumerate() {
        let t = t as u32;
        rows.push((t, "A", Some(price), 10.0, 0.1));
        rows.push((t, "B", Some(0.5), 10.0, 0.1));
        let c = match t {
            3 => None,
            t if t < 3 => Some(0.8),
            _ => Some(0.4),
        };
        rows.push((t, "C", c, if c.is_some() { 5.0 } else { 0.0 }, 0.1));
    }
    let r = report_of_rows(&rows);
    let g = &r.groups[0];
    let c = |name: &str, m| g.change(name, m).and_then(|s| s.mean);
    let rel: Vec<f64> = path.windows(2).map(|w| (w[1] - w[0]) / w[0]).collect();
    let expected = pricewar::analysis::stats::ChangeSums::of(&rel);
    assert_eq!(c("A", changes::CHANGES), Some(8.0));
    assert_eq!(c("A", changes::CUT_SHARE), Some(0.75));
    assert!(close(c("A", changes::MEAN_CUT).unwrap(), 0.1));
    assert!(close(
        c("A", changes::MEAN_RISE).unwrap(),
        1.0 / 0.729 - 1.0
    ));
    assert!(close(
        c("A", changes::SKEWNESS).unwrap(),
        expected.skewness().unwrap()
    ));
    assert!(c("A", changes::SKEWNESS).unwrap() > 0.0);
    assert_eq!(c("B", changes::CHANGES), Some(0.0));
    assert_eq!(c("B", changes::CUT_SHARE), None);
    assert_eq!(
        c("C", changes::CHANGES),
        Some(0.0),
        "no change across a gap"
    );
    // Pooled: A's eight changes and nothing else.
    assert_eq!(c("all vendors", changes::CHANGES), Some(8.0));
    assert_eq!(c("all vendors", changes::CUT_SHARE), Some(0.75));
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

#[test]
fn sweep_groups_by_parameters_with_mean_sd_and_t_interval() {
    let dir = tempfile::tempdir().unwrap();
    known_sweep(dir.path());
    let r = report_of(dir.path());
    assert_eq!(r.runs, 6);
    assert_eq!(r.groups.len(), 2);
    let g = &r.groups[0];
    assert_eq!(g.runs, 3);
    assert_eq!(
        g.parameters,
        vec![
            analysis::report::ParamValue::Number(0.1),
            analysis::report::ParamValue::Text("undercut".into())
        ]
    );
    let s = g.vendor("A", vendor::FINAL_PRICE).unwrap();
    assert_eq!((s.n, s.mean), (3, Some(2.0)));
    assert!(close(s.sd.unwrap(), 1.0));
    // t(0.975, 2) = 4.302653.
    let half = 4.302_652_729_911_275 / 3f64.sqrt();
    assert!((s.ci95_low.unwrap() - (2.0 - half)).abs() < 1e-6);
    assert!((s.ci95_high.unwrap() - (2.0 + half)).abs() < 1e-6);
    let s = r.groups[1].vendor("A", vendor::FINAL_PRICE).unwrap();
    assert_eq!(
        (s.mean, s.sd, s.ci95_low, s.ci95_high),
        (Some(10.0), Some(0.0), Some(10.0), Some(10.0))
    );
    // Δ from the runs table's benchmark columns.
    let d = g.market(market::COLLUSION_INDEX).unwrap();
    assert_eq!(d.n, 3);
    assert!(close(d.mean.unwrap(), 0.5));
    // Survival becomes a share of runs; consumer surplus sums 2 rounds of 1.
    assert_eq!(g.vendor("A", vendor::SURVIVED).unwrap().mean, Some(1.0));
    assert_eq!(g.market(market::CONSUMER_SURPLUS).unwrap().mean, Some(2.0));

    // The same numbers through the command line.
    let out = pricewar()
        .args(["analyze", dir.path().to_str().unwrap(), "--format", "json"])
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["kind"], "sweep");
    assert_eq!(json["parameters"][0], "vendors[0].strategy.step");
    let g0 = &json["groups"][0];
    assert_eq!(g0["parameters"]["vendors[0].strategy.step"], 0.1);
    assert_eq!(g0["parameters"]["vendors[0].strategy.kind"], "undercut");
    let fp = &g0["vendors"][0]["final_price"];
    assert_eq!(fp["n"], 3);
    assert_eq!(fp["mean"], 2.0);
    assert!((fp["ci95_high"].as_f64().unwrap() - (2.0 + half)).abs() < 1e-6);
    let csv = pricewar()
        .args(["analyze", dir.path().to_str().unwrap(), "--format", "csv"])
        .assert()
        .success();
    let csv = String::from_utf8_lossy(&csv.get_output().stdout).to_string();
    assert!(csv.starts_with(
        "table,vendors[0].strategy.step,vendors[0].strategy.kind,runs,vendor,metric,unit,n,mean,sd,ci95_low,ci95_high,text\n"
    ));
    assert!(csv.contains("vendors,0.1,undercut,3,A,final_price,USD/Mtok,3,2,1,"));
    let table = pricewar()
        .args(["analyze", dir.path().to_str().unwrap()])
        .assert()
        .success();
    let table = String::from_utf8_lossy(&table.get_output().stdout).to_string();
    assert_fits(&table);
    assert!(
        table.contains(
            "vendors[0].strategy.step = 0.1, vendors[0].strategy.kind = undercut (3 runs)"
        )
    );
}

#[test]
fn a_real_sweep_reads_as_one_dataset_across_shards() {
    let dir = tempfile::tempdir().unwrap();
    // Brackets and `=` in the path are not read as a glob or a partition.
    let sweep = dir.path().join("odd [name] a=1");
    sweep_fixture::china_sweep(&sweep);
    let r = report_of(&sweep);
    assert_eq!(r.runs, 6);
    assert_eq!(r.groups.len(), 2);
    assert!(r.groups.iter().all(|g| g.runs == 3 && g.vendors.len() == 5));
    for g in &r.groups {
        let decline = g.market(market::DECLINE).unwrap();
        assert_eq!(decline.n, 3);
        assert!(decline.mean.unwrap() > 1.0, "prices fall in the price war");
    }
    let table = analysis::format::render(&r, Format::Table);
    assert_fits(&table);
    assert!(!table.contains("NaN"));
}

fn assert_fits(table: &str) {
    for line in table.lines() {
        assert!(
            line.chars().count() <= analysis::format::TABLE_WIDTH,
            "line wider than 100 columns:\n{line}"
        );
    }
}

#[test]
fn every_format_on_a_real_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    pricewar()
        .args([
            "run",
            "scenarios/china-2024.yaml",
            "--quiet",
            "--rounds",
            "10",
            "--out",
        ])
        .arg(&out)
        .current_dir(root())
        .assert()
        .success();
    let analyze = |format: &str| {
        let a = pricewar()
            .args(["analyze", out.to_str().unwrap(), "--format", format])
            .assert()
            .success();
        let s = String::from_utf8(a.get_output().stdout.clone()).unwrap();
        assert!(!s.contains("NaN") && !s.contains("inf"), "{format}:\n{s}");
        s
    };
    let table = analyze("table");
    assert_fits(&table);
    for needle in [
        "Vendors",
        "Market",
        "DeepSeek",
        "annualised price decline",
        "HHI at end",
        "Notes",
    ] {
        assert!(table.contains(needle), "table lacks {needle}:\n{table}");
    }
    // The default format is the table.
    let default = pricewar()
        .args(["analyze", out.to_str().unwrap()])
        .assert()
        .success();
    assert_eq!(String::from_utf8_lossy(&default.get_output().stdout), table);

    let csv = analyze("csv");
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("table,vendor,metric,unit,value"));
    let rows: Vec<&str> = lines.collect();
    assert!(
        rows.iter()
            .any(|l| l.starts_with("market,,price_index_start,USD/Mtok,"))
    );
    assert!(
        rows.iter()
            .any(|l| l.starts_with("vendors,Baidu,final_share,fraction,"))
    );
    assert!(
        rows.iter()
            .any(|l| l.starts_with("price_changes,all vendors,cut_share,"))
    );

    let json: serde_json::Value = serde_json::from_str(&analyze("json")).unwrap();
    assert_eq!(json["kind"], "run");
    assert_eq!(json["scenario"], "china-2024");
    assert_eq!(json["rounds"], 10);
    assert_eq!(json["rounds_per_year"], 52.0);
    assert_eq!(json["vendors"].as_array().unwrap().len(), 5);
    for key in [
        "mean_price",
        "final_price",
        "final_share",
        "cumulative_profit",
        "final_cash",
        "survived",
    ] {
        assert!(json["vendors"][0].get(key).is_some(), "vendors lack {key}");
    }
    for key in [
        "price_index_start",
        "price_index_end",
        "annualised_price_decline",
        "hhi_start",
        "hhi_end",
        "hhi_end_class_2023",
        "hhi_end_class_2010",
        "lerner_final",
        "lerner_mean",
        "consumer_surplus",
        "producer_surplus",
        "welfare",
        "survivors",
    ] {
        assert!(json["market"].get(key).is_some(), "market lacks {key}");
    }
    assert_eq!(json["price_changes"][0]["vendor"], "all vendors");

    let md = analyze("markdown");
    assert!(md.contains("## Vendors"));
    assert!(md.contains("| vendor | mean price (USD/Mtok) |"));
    assert!(md.contains("| --- |"));
}

/// `pricewar analyze DIR` fails with one clear line mentioning every fragment, and no panic.
fn fails(dir: &Path, fragments: &[&str]) {
    for cmd in ["analyze", "plot"] {
        let a = pricewar()
            .args([cmd, dir.to_str().unwrap()])
            .assert()
            .failure();
        let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "one clear line:\n{err}");
        for f in fragments {
            assert!(err.contains(f), "`{cmd}`: message lacks {f:?}:\n{err}");
        }
    }
}

#[test]
fn directories_that_are_not_output_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    fails(&dir.path().join("nope"), &["no such directory"]);
    fails(
        dir.path(),
        &["holds neither a run (vendors.parquet) nor a sweep (sweep.json)"],
    );
    // A parent of run directories suggests them.
    let run_dir = dir.path().join("myrun");
    let rows = [(0, "A", Some(1.0), 1.0, 0.5)];
    sweep_fixture::write_run(
        &run_dir,
        &handmade(0, &rows, 0.0),
        12.0,
        serde_json::json!({}),
    );
    fails(dir.path(), &["did you mean", "myrun"]);
    assert!(
        !run_dir.join("plots").exists(),
        "nothing written on failure"
    );

    // A run without its market panel.
    let broken = dir.path().join("broken");
    sweep_fixture::write_run(
        &broken,
        &handmade(0, &rows, 0.0),
        12.0,
        serde_json::json!({}),
    );
    std::fs::remove_file(broken.join("market.parquet")).unwrap();
    fails(&broken, &["market.parquet: missing", "pricewar run"]);

    // A panel that is not Parquet.
    let garbage = dir.path().join("garbage");
    sweep_fixture::write_run(
        &garbage,
        &handmade(0, &rows, 0.0),
        12.0,
        serde_json::json!({}),
    );
    std::fs::write(garbage.join("vendors.parquet"), b"not parquet at all").unwrap();
    fails(&garbage, &["vendors.parquet"]);

    // A panel without a documented column.
    let renamed = dir.path().join("renamed");
    sweep_fixture::write_run(
        &renamed,
        &handmade(0, &rows, 0.0),
        12.0,
        serde_json::json!({}),
    );
    let mut df = pricewar::output::vendors_frame(&handmade(0, &rows, 0.0).vendors)
        .unwrap()
        .drop("price")
        .unwrap();
    pricewar::output::write_parquet(&mut df, &renamed.join("vendors.parquet")).unwrap();
    fails(&renamed, &["vendors.parquet", "no column `price`"]);

    // A run without rounds.
    let empty = dir.path().join("empty");
    sweep_fixture::write_run(&empty, &Panels::default(), 12.0, serde_json::json!({}));
    fails(&empty, &["holds no rounds"]);

    // Malformed benchmarks in a manifest.
    let bad = dir.path().join("badbench");
    sweep_fixture::write_run(
        &bad,
        &handmade(0, &rows, 0.0),
        12.0,
        serde_json::json!({"benchmarks": [{"vendors": ["A"], "nash": {"prices": [1.0]}, "joint": {"prices": [1.0]}}]}),
    );
    fails(&bad, &["manifest.json", "benchmarks[].nash.profits"]);

    // A sweep directory without tables, and one whose sweep.json is not JSON.
    let sweep = dir.path().join("sweep");
    std::fs::create_dir_all(&sweep).unwrap();
    std::fs::write(sweep.join("sweep.json"), r#"{"parameters": []}"#).unwrap();
    fails(&sweep, &["runs: missing", "sweep directory has sweep.json"]);
    std::fs::write(sweep.join("sweep.json"), "{").unwrap();
    fails(&sweep, &["sweep.json: not valid JSON"]);

    // A sweep.json that lists a parameter runs/ lacks.
    let swept = dir.path().join("swept");
    known_sweep(&swept);
    let meta = std::fs::read_to_string(swept.join("sweep.json"))
        .unwrap()
        .replace("vendors[0].strategy.kind", "vendors[0].strategy.floor");
    std::fs::write(swept.join("sweep.json"), meta).unwrap();
    fails(&swept, &["vendors[0].strategy.floor", "no such column"]);
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

const LONG_PATHS: [&str; 4] = [
    "segments[enterprise buyers with long procurement cycles].volume.elasticity",
    "vendors[Frontier Laboratory With A Long Name].strategy.floor.markup",
    "vendors[Open Weight Host Number Two].cost.serving_utilisation",
    "vendors[Frontier Laboratory With A Long Name].strategy.kind",
];

#[test]
fn tables_fit_100_columns_with_four_long_swept_paths() {
    // Hand-made: four long paths, a long text value and long vendor names.
    let dir = tempfile::tempdir().unwrap();
    let mut runs = Vec::new();
    for elasticity in [0.8, 1.1] {
        for markup in [0.5, 1.0] {
            for replicate in 0..2u32 {
                let run_id = runs.len() as u64;
                let rows = [
                    (
                        0,
                        "Frontier Laboratory With A Long Name",
                        Some(3.0),
                        2.0,
                        0.5,
                    ),
                    (0, "Open Weight Host Number Two", Some(1.0), 1.0, 0.5),
                    (
                        1,
                        "Frontier Laboratory With A Long Name",
                        Some(2.5),
                        2.0,
                        0.5,
                    ),
                    (1, "Open Weight Host Number Two", Some(1.0), 1.5, 0.5),
                ];
                runs.push(SweepRun {
                    run_id,
                    replicate,
                    seed: run_id,
                    params: vec![
                        Param::Number(elasticity),
                        Param::Number(markup),
                        Param::Number(0.123456789),
                        Param::Text("undercut_with_an_exceedingly_long_strategy_name".into()),
                    ],
                    panels: handmade(run_id, &rows, 1.0),
                    benchmarks: None,
                });
            }
        }
    }
    sweep_fixture::write_sweep(
        dir.path(),
        "long",
        "name: long\nrounds_per_year: 12\n",
        &LONG_PATHS,
        2,
        12.0,
        &runs,
        1,
    );
    let r = report_of(dir.path());
    assert_eq!(r.groups.len(), 4);
    let table = analysis::format::render(&r, Format::Table);
    assert_fits(&table);
    // Parameter columns are p1..p4, with a legend naming the paths in full.
    for (i, p) in LONG_PATHS.iter().enumerate() {
        assert!(
            table.contains(&format!("p{} = {p}", i + 1)),
            "legend lacks {p}:\n{table}"
        );
    }
    assert!(table.contains("\np1"), "{table}");
    // Group titles wrap and keep every value; values print with 4 significant digits.
    assert!(
        table.contains(&format!("{} = 0.1235,", LONG_PATHS[2])),
        "{table}"
    );
    assert!(!table.contains("0.123456789"), "{table}");
    let md = analysis::format::render(&r, Format::Markdown);
    assert!(md.contains(&format!("- p1 = `{}`", LONG_PATHS[0])), "{md}");
    // CSV keeps full precision.
    let csv = analysis::format::render(&r, Format::Csv);
    assert!(csv.contains(",0.123456789,"), "{csv}");

    // The same with a real sweep over four paths of undercut-sweep.yaml.
    let real = dir.path().join("real");
    real_sweep(
        &real,
        &[
            "--replicates",
            "1",
            "--grid",
            "vendors[Incumbent].cost.serving_utilisation=0.1,0.15",
            "--grid",
            "vendors[Challenger].finances.operating_cost=1e7,2e7",
        ],
    );
    let (table, _) = analyze_cli(&real, "table");
    assert_fits(&table);
    assert!(table.contains("p4 = vendors[Challenger].finances.operating_cost"));
    assert!(table.contains("36 parameter combinations"), "{table}");
}

#[test]
fn incomplete_sweeps_say_which_runs_and_shards_are_missing() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = dir.path().join("sharded");
    // 9 design points × 2 replicates = 18 runs; shard 0 of 3 holds runs 0, 3, ..., 15.
    real_sweep(&sweep, &["--replicates", "2", "--shard", "0/3"]);
    let (table, err) = analyze_cli(&sweep, "table");
    assert_fits(&table);
    let said = "6 of 18 planned runs present (12 missing); missing shards 1, 2 of 3";
    assert!(
        table.contains("Note: Incomplete sweep: 6 of 18 planned runs"),
        "{table}"
    );
    assert!(table.replace("\n      ", " ").contains(said), "{table}");
    assert!(err.contains(said), "stderr: {err}");
    let (md, _) = analyze_cli(&sweep, "markdown");
    assert!(md.contains(said), "{md}");
    let (json, _) = analyze_cli(&sweep, "json");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let c = &json["completeness"];
    assert_eq!(c["complete"], false);
    assert_eq!(c["planned_runs"], 18);
    assert_eq!(c["runs_present"], 6);
    assert_eq!(c["missing_shards"], serde_json::json!([1, 2]));
    assert!(json["warnings"][0].as_str().unwrap().contains(said));
    let (csv, _) = analyze_cli(&sweep, "csv");
    let pre = "sweep,,,6,,";
    for row in [
        "planned_runs,count,,18,",
        "runs_present,count,,6,",
        "missing_shard,shard,,1,",
        "missing_shard,shard,,2,",
    ] {
        assert!(
            csv.contains(&format!("{pre}{row}")),
            "CSV lacks {row}:\n{csv}"
        );
    }
    // plot says so on stderr and in the charts' subtitles.
    let charts = dir.path().join("charts");
    let a = pricewar()
        .args(["plot", sweep.to_str().unwrap(), "--quiet", "--out"])
        .arg(&charts)
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&a.get_output().stderr).contains(said));
    let first = std::fs::read_dir(&charts)
        .unwrap()
        .map(|e| e.unwrap().path())
        .min()
        .unwrap();
    let svg = std::fs::read_to_string(first.join("prices.svg")).unwrap();
    assert!(svg.contains("incomplete sweep: 6 of 18 planned runs"));

    // The command the note gives completes the sweep, and the note goes.
    for k in ["1/3", "2/3"] {
        pricewar()
            .args(["sweep", "--quiet", "--shard", k, "--out"])
            .arg(&sweep)
            .arg(sweep.join("scenario.yaml"))
            .assert()
            .success();
    }
    let (table, err) = analyze_cli(&sweep, "table");
    assert!(
        !table.contains("Incomplete") && !err.contains("planned runs"),
        "{table}"
    );
    let (json, _) = analyze_cli(&sweep, "json");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["completeness"]["complete"], true);
    assert_eq!(json["completeness"]["runs_present"], 18);

    // An unsharded sweep that stopped before its last parts: finish it with --resume.
    let cut = dir.path().join("cut");
    real_sweep(&cut, &["--replicates", "2", "--runs-per-part", "4"]);
    for table in ["runs", "vendors", "segments", "market"] {
        std::fs::remove_file(cut.join(table).join("shard=0000/part-00004.parquet")).unwrap();
    }
    let (table, _) = analyze_cli(&cut, "table");
    let table = table.replace("\n      ", " ");
    assert!(
        table.contains("16 of 18 planned runs present (2 missing): the sweep was interrupted"),
        "{table}"
    );
    assert!(table.contains("--resume"), "{table}");
}

/// A sweep whose market goes from HHI 3,000 (shares 40/30/20/10) in round 0 to 1,000 (ten
/// equal vendors) in round 1.
fn concentration_sweep(dir: &Path) {
    let names = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"];
    let mut runs = Vec::new();
    for replicate in 0..2u32 {
        let run_id = replicate as u64;
        let mut rows: Vec<Row> = [40.0, 30.0, 20.0, 10.0]
            .iter()
            .zip(names)
            .map(|(q, n)| (0, n, Some(1.0), *q, 0.5))
            .collect();
        rows.extend(names.iter().map(|n| (1, *n, Some(1.0), 10.0, 0.5)));
        runs.push(SweepRun {
            run_id,
            replicate,
            seed: run_id,
            params: vec![Param::Number(0.1)],
            panels: handmade(run_id, &rows, 1.0),
            benchmarks: None,
        });
    }
    sweep_fixture::write_sweep(
        dir,
        "concentration",
        "name: concentration\nrounds_per_year: 12\n",
        &["vendors[0].strategy.step"],
        2,
        12.0,
        &runs,
        1,
    );
}

#[test]
fn sweeps_report_start_and_end_concentration_classes() {
    let dir = tempfile::tempdir().unwrap();
    concentration_sweep(dir.path());
    let (table, _) = analyze_cli(dir.path(), "table");
    assert!(
        table.contains(
            "Mean HHI at start 3,000: highly concentrated under the 2023 and the 2010 guidelines."
        ),
        "{table}"
    );
    assert!(
        table.contains(
            "Mean HHI at end 1,000: not highly concentrated (2023 guidelines), unconcentrated (2010 guidelines)."
        ),
        "{table}"
    );
    let (md, _) = analyze_cli(dir.path(), "markdown");
    assert!(md.contains("Mean HHI at start 3,000"), "{md}");
    let (csv, _) = analyze_cli(dir.path(), "csv");
    for row in [
        "market,0.1,2,,hhi_start_class_2023,class,2,,,,,highly concentrated",
        "market,0.1,2,,hhi_start_class_2010,class,2,,,,,highly concentrated",
        "market,0.1,2,,hhi_end_class_2023,class,2,,,,,not highly concentrated",
        "market,0.1,2,,hhi_end_class_2010,class,2,,,,,unconcentrated",
    ] {
        assert!(csv.lines().any(|l| l == row), "CSV lacks {row}:\n{csv}");
    }
    let (json, _) = analyze_cli(dir.path(), "json");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let m = &json["groups"][0]["market"];
    assert_eq!(m["hhi_start_class_2023"], "highly concentrated");
    assert_eq!(m["hhi_end_class_2023"], "not highly concentrated");
    assert_eq!(m["hhi_end_class_2010"], "unconcentrated");
}

#[test]
fn sampled_sweeps_pool_ranges_and_group_by_the_grid() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = dir.path().join("lhs");
    // 2 grid cells × 8 Latin-hypercube points × 2 replicates.
    real_sweep(
        &sweep,
        &[
            "--replicates",
            "2",
            "--grid",
            "vendors[Challenger].strategy.step=0.02,0.1",
            "--grid",
            "segments[api buyers].volume.elasticity=1.1",
            "--range",
            "vendors[Incumbent].initial_price=5..10",
            "--points",
            "8",
            "--sample-method",
            "latin_hypercube",
        ],
    );
    let r = report_of(&sweep);
    assert_eq!(
        r.parameters,
        [
            "vendors[Challenger].strategy.step",
            "segments[api buyers].volume.elasticity"
        ]
    );
    assert_eq!(r.sampled.len(), 1);
    assert_eq!(r.sampled[0].path, "vendors[Incumbent].initial_price");
    assert_eq!(r.sampled[0].range, Some((5.0, 10.0)));
    assert_eq!(r.runs, 32);
    assert_eq!(r.groups.len(), 2);
    assert!(r.groups.iter().all(|g| g.runs == 16));

    let (table, _) = analyze_cli(&sweep, "table");
    assert_fits(&table);
    let flat = table.replace("\n      ", " ");
    assert!(
        flat.contains("32 runs of 16 design points × 2 replicates"),
        "{table}"
    );
    assert!(
        flat.contains("Sampled parameters are pooled: vendors[Incumbent].initial_price (5 to 10)"),
        "{table}"
    );
    assert!(
        flat.contains(&format!("{}/runs/", sweep.display())),
        "{table}"
    );
    assert!(
        !table.contains("initial_price ="),
        "not grouped by the range:\n{table}"
    );
    // No number in the table carries more than 4 significant digits' worth of decimals.
    let long_number = table
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .any(|w| {
            w.split_once('.')
                .is_some_and(|(_, decimals)| decimals.len() > 6)
        });
    assert!(!long_number, "{table}");

    let (json, _) = analyze_cli(&sweep, "json");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["groups"].as_array().unwrap().len(), 2);
    assert_eq!(
        json["sampled_parameters"][0]["path"],
        "vendors[Incumbent].initial_price"
    );
    assert_eq!(json["sampled_parameters"][0]["low"], 5.0);
    assert!(json["warnings"][0].as_str().unwrap().contains("pooled"));
    let (csv, _) = analyze_cli(&sweep, "csv");
    assert!(csv.starts_with(
        "table,vendors[Challenger].strategy.step,segments[api buyers].volume.elasticity,runs,"
    ));
    assert!(
        csv.contains("sweep,,,32,,sampled_parameter_low,,,5,,,,vendors[Incumbent].initial_price\n")
    );

    // Charts: one directory per grid cell, none per sampled point.
    let charts = dir.path().join("charts");
    pricewar()
        .args(["plot", sweep.to_str().unwrap(), "--quiet", "--out"])
        .arg(&charts)
        .assert()
        .success();
    let mut dirs: Vec<String> = std::fs::read_dir(&charts)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    assert_eq!(dirs.len(), 2, "{dirs:?}");
    assert!(dirs[0].starts_with("01_vendors_Challenger_.strategy.step=0.02__"));
    let svg = std::fs::read_to_string(charts.join(&dirs[0]).join("prices.svg")).unwrap();
    assert!(svg.contains("pooled over sampled vendors[Incumbent].initial_price"));

    // Ranges only: one group, charts straight into the output directory.
    let only = dir.path().join("ranges");
    real_sweep(
        &only,
        &[
            "--replicates",
            "1",
            "--range",
            "vendors[Challenger].strategy.step=0.01..0.1",
            "--range",
            "segments[api buyers].volume.elasticity=0.8..1.5",
            "--points",
            "6",
        ],
    );
    let r = report_of(&only);
    assert!(r.parameters.is_empty());
    assert_eq!((r.groups.len(), r.groups[0].runs), (1, 6));
    let (table, _) = analyze_cli(&only, "table");
    assert_fits(&table);
    assert!(table.contains("all runs (6 runs)"), "{table}");
    let charts = dir.path().join("charts-ranges");
    pricewar()
        .args(["plot", only.to_str().unwrap(), "--quiet", "--out"])
        .arg(&charts)
        .assert()
        .success();
    assert!(charts.join("prices.png").is_file());
    assert_eq!(std::fs::read_dir(&charts).unwrap().count(), 8);
}

#[test]
fn no_collusion_index_when_the_benchmarks_nearly_coincide() {
    // Buyers who barely value the model barely buy: the Bertrand-Nash and joint-profit
    // benchmarks are then within 0.1% of each other.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    pricewar()
        .args([
            "run",
            "scenarios/edgeworth.yaml",
            "--quiet",
            "--rounds",
            "10",
            "--set",
            "segments[developers].quality_weight=1",
            "--out",
        ])
        .arg(&out)
        .current_dir(root())
        .assert()
        .success();
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let b = manifest["benchmarks"].as_array().unwrap().last().unwrap();
    let sum = |k: &str| -> f64 {
        b[k]["profits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .sum()
    };
    let (nash, joint) = (sum("nash"), sum("joint"));
    assert!(
        nash > 0.0 && (joint - nash).abs() < 1e-3 * joint.abs(),
        "benchmarks {nash} and {joint} are meant to nearly coincide"
    );

    let (json, _) = analyze_cli(&out, "json");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(json["market"]["collusion_index"].is_null(), "{json}");
    assert!(json["market"]["nash_profit"].as_f64().is_some());
    assert!(json["market"]["joint_profit"].as_f64().is_some());
    let (table, _) = analyze_cli(&out, "table");
    let row = table
        .lines()
        .find(|l| l.starts_with("collusion index Δ"))
        .unwrap_or_else(|| panic!("no Δ row:\n{table}"));
    assert_eq!(row.split_whitespace().last(), Some("-"), "{row}");
    assert!(
        table
            .replace('\n', " ")
            .contains("within 0.1% of each other"),
        "{table}"
    );
    let (csv, _) = analyze_cli(&out, "csv");
    assert!(csv.contains("market,,collusion_index,,\n"), "{csv}");

    // Hand-made benchmarks 20 and 20.01 per round: no index either, not 100 or -1,000.
    let rows: Vec<Row> = (0..10)
        .flat_map(|t| {
            [
                (t, "A", Some(2.0), 10.0, 1.0),
                (t, "B", Some(2.0), 10.0, 1.0),
            ]
        })
        .collect();
    let close_benchmarks = serde_json::json!({"benchmarks": [{
        "round": 9,
        "vendors": ["A", "B"],
        "nash": {"prices": [2.0, 2.0], "profits": [10.0, 10.0]},
        "joint": {"prices": [2.01, 2.01], "profits": [10.005, 10.005]},
    }]});
    let hand = dir.path().join("hand");
    sweep_fixture::write_run(&hand, &handmade(0, &rows, 0.0), 12.0, close_benchmarks);
    let r = report_of(&hand);
    let d = r.groups[0].market(market::COLLUSION_INDEX).unwrap();
    assert_eq!((d.n, d.mean), (0, None));
}

#[test]
fn huge_replicate_values_give_finite_means_and_no_inf_in_any_format() {
    // Final prices per replicate: 1.7e308 and 1e-10 (mean and sd fit in f64, the interval does
    // not); 1e308 twice (a plain sum overflows).
    let values = [(0.1, [1.7e308, 1e-10]), (0.2, [1e308, 1e308])];
    let mut runs = Vec::new();
    for replicate in 0..2u32 {
        for (step, prices) in &values {
            let run_id = runs.len() as u64;
            let price = prices[replicate as usize];
            let rows = [
                (0, "A", Some(1.0), 2.0, 0.5),
                (1, "A", Some(price), 2.0, 0.5),
            ];
            runs.push(SweepRun {
                run_id,
                replicate,
                seed: run_id,
                params: vec![Param::Number(*step)],
                panels: handmade(run_id, &rows, 1.0),
                benchmarks: None,
            });
        }
    }
    let dir = tempfile::tempdir().unwrap();
    sweep_fixture::write_sweep(
        dir.path(),
        "huge",
        "name: huge\nrounds_per_year: 12\n",
        &["vendors[0].strategy.step"],
        2,
        12.0,
        &runs,
        1,
    );
    let r = report_of(dir.path());
    let final_price = |g: usize| *r.groups[g].vendor("A", vendor::FINAL_PRICE).unwrap();
    let wide = final_price(0);
    assert_eq!(wide.n, 2);
    assert!(close(wide.mean.unwrap(), 0.85e308));
    assert!(close(wide.sd.unwrap(), 1.7e308 / 2f64.sqrt()));
    assert_eq!((wide.ci95_low, wide.ci95_high), (None, None));
    let same = final_price(1);
    assert_eq!((same.mean, same.sd), (Some(1e308), Some(0.0)));
    assert_eq!((same.ci95_low, same.ci95_high), (Some(1e308), Some(1e308)));
    for format in ["table", "markdown", "csv", "json"] {
        let (out, _) = analyze_cli(dir.path(), format);
        for word in out.split(|c: char| !c.is_ascii_alphanumeric()) {
            assert!(
                !["inf", "nan"].contains(&word.to_ascii_lowercase().as_str()),
                "{format}: {word} in\n{out}"
            );
        }
    }
    let (table, _) = analyze_cli(dir.path(), "table");
    let row = table
        .lines()
        .find(|l| l.starts_with("A ") && l.contains("final price") && l.contains("8.500e307"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(row.trim_end().ends_with(" -"), "no interval: {row}");
}

#[test]
fn price_changes_that_overflow_leave_the_edgeworth_statistics_undefined() {
    // A alternates 1e300 and 1e-300: each rise is (1e300 - 1e-300) / 1e-300, beyond f64. B cuts
    // by 10% each round.
    let mut rows: Vec<Row> = Vec::new();
    for t in 0..6u32 {
        let a = if t % 2 == 0 { 1e300 } else { 1e-300 };
        rows.push((t, "A", Some(a), 1.0, 0.0));
        rows.push((t, "B", Some(0.9f64.powi(t as i32)), 1.0, 0.0));
    }
    let dir = tempfile::tempdir().unwrap();
    sweep_fixture::write_run(
        dir.path(),
        &handmade(0, &rows, 0.0),
        12.0,
        serde_json::json!({}),
    );
    let r = report_of(dir.path());
    let g = &r.groups[0];
    let c = |name: &str, m| g.change(name, m).and_then(|s| s.mean);
    for name in ["A", "all vendors"] {
        assert_eq!(
            c(name, changes::CHANGES),
            Some(if name == "A" { 5.0 } else { 10.0 })
        );
        for m in [
            changes::CUT_SHARE,
            changes::MEAN_RISE,
            changes::MEAN_CUT,
            changes::SKEWNESS,
        ] {
            assert_eq!(c(name, m), None, "{name} {}", m.label);
        }
    }
    assert_eq!(c("B", changes::CUT_SHARE), Some(1.0));
    assert!(close(c("B", changes::MEAN_CUT).unwrap(), 0.1));
    let (table, _) = analyze_cli(dir.path(), "table");
    let row = table
        .lines()
        .find(|l| l.starts_with("A ") && l.contains(" 5 "))
        .unwrap_or_else(|| panic!("{table}"));
    assert_eq!(
        row.split_whitespace().collect::<Vec<_>>(),
        ["A", "5", "-", "-", "-", "-"],
        "{table}"
    );
}

#[test]
fn vendor_names_with_line_breaks_and_pipes_stay_in_their_cells() {
    let names = ["Pipe|Co", "Line\nBreak", "Tab\tand\r\nreturn"];
    let rows: Vec<Row> = (0..3u32)
        .flat_map(|t| {
            names
                .iter()
                .map(move |&n| (t, n, Some(1.0 + t as f64), 1.0, 0.1))
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    sweep_fixture::write_run(
        dir.path(),
        &handmade(0, &rows, 0.0),
        12.0,
        serde_json::json!({}),
    );
    let (md, _) = analyze_cli(dir.path(), "markdown");
    // Every table line has as many unescaped cell separators as its table's header.
    let mut columns = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            columns = None;
            continue;
        }
        let bars = line.replace("\\|", "").matches('|').count();
        assert_eq!(*columns.get_or_insert(bars), bars, "{line}\n{md}");
    }
    assert!(md.contains("| Pipe\\|Co |"), "{md}");
    assert!(md.contains("| Line Break |"), "{md}");
    assert!(md.contains("| Tab and  return |"), "{md}");
    // Plain tables: each vendor row on one line.
    let (table, _) = analyze_cli(dir.path(), "table");
    for name in ["Pipe|Co", "Line Break", "Tab and  return"] {
        assert!(
            table.lines().any(|l| l.starts_with(name)),
            "{name}:\n{table}"
        );
    }
    assert!(
        !table
            .lines()
            .any(|l| l.starts_with("Break") || l.starts_with("return")),
        "{table}"
    );
}

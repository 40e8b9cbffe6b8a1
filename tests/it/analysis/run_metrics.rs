//! Each metric of a run against its definition, on hand-made panels.

use super::{Row, analyze_cli, close, handmade, market_value, report_of, report_of_rows};
use crate::common::*;
use crate::sweep_fixture;
use pricewar::analysis::metric::{changes, market, vendor};
use pricewar::analysis::{self, Format, Report};

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
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
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

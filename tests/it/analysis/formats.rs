//! Every format on a real run, tables within 100 columns whatever the swept paths, and names
//! that would break a table.

use super::{Row, analyze_cli, assert_fits, handmade, real_sweep, report_of};
use crate::common::*;
use crate::sweep_fixture::{self, Param, SweepRun};
use pricewar::analysis::{self, Format};

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
        "DeepSeek-V2",
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
            .any(|l| l.starts_with("vendors,ERNIE Speed,final_share,fraction,"))
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
    assert_eq!(json["vendors"].as_array().unwrap().len(), 9);
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
    // Firms: the five labs, Baidu holding the cash of both its products.
    let firms = json["firms"].as_array().unwrap();
    assert_eq!(firms.len(), 5);
    let baidu = firms.iter().find(|f| f["firm"] == "Baidu").unwrap();
    assert_eq!(baidu["products"], 2.0);
    assert!(baidu["final_cash"].as_f64().unwrap() > 2.8e10);
    let share: f64 = firms
        .iter()
        .map(|f| f["final_share"].as_f64().unwrap())
        .sum();
    assert!(
        (share - 1.0).abs() < 1e-9,
        "firms' shares sum to one: {share}"
    );
    assert!(table.contains("Firms") && table.contains("products at end"));
    assert!(csv.contains("\nfirms,Baidu,final_cash,USD,"));

    let md = analyze("markdown");
    assert!(md.contains("## Vendors"));
    assert!(md.contains("| vendor | mean price (USD/Mtok) |"));
    assert!(md.contains("| --- |"));
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

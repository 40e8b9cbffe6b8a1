//! Sweeps: runs grouped by their parameters and summarised across replicates, shards read as
//! one dataset, incomplete and sampled sweeps.

use super::{Row, analyze_cli, assert_fits, close, handmade, known_sweep, real_sweep, report_of};
use crate::common::*;
use crate::sweep_fixture::{self, Param, SweepRun};
use pricewar::analysis::metric::{market, vendor};
use pricewar::analysis::{self, Format};
use std::path::Path;

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
    assert!(r.groups.iter().all(|g| g.runs == 3 && g.vendors.len() == 9));
    for g in &r.groups {
        let decline = g.market(market::DECLINE).unwrap();
        assert_eq!(decline.n, 3);
        assert!(decline.mean.unwrap() > 1.0, "prices fall in the price war");
    }
    let table = analysis::format::render(&r, Format::Table);
    assert_fits(&table);
    assert!(!table.contains("NaN"));
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

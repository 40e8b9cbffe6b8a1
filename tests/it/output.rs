//! The Parquet panels read back with Polars: documented schema, one row per (round, entity).

use crate::common::*;
use polars::prelude::*;

fn read(path: &std::path::Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(path).unwrap())
        .finish()
        .unwrap()
}

fn schema_of(df: &DataFrame) -> Vec<(String, DataType)> {
    df.schema()
        .iter()
        .map(|(n, t)| (n.to_string(), t.clone()))
        .collect()
}

#[test]
fn panels_have_the_documented_schema_and_row_counts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    pricewar()
        .args([
            "run",
            "scenarios/china-2024.yaml",
            "--quiet",
            "--rounds",
            "6",
            "--out",
            out.to_str().unwrap(),
        ])
        .current_dir(root())
        .assert()
        .success();
    let spec = pricewar::scenario::load(&root().join("scenarios/china-2024.yaml"), &[]).unwrap();
    let (vendors, segments) = (spec.spec().vendors.len(), spec.spec().segments.len());
    use DataType::*;
    let v = read(&out.join("vendors.parquet"));
    let expect_v: Vec<(&str, DataType)> = vec![
        ("run_id", UInt64),
        ("round", UInt32),
        ("vendor", String),
        ("owner", String),
        ("price", Float64),
        ("price_input", Float64),
        ("price_output", Float64),
        ("marginal_cost", Float64),
        ("quality", Float64),
        ("quantity_mtok", Float64),
        ("demand_mtok", Float64),
        ("share", Float64),
        ("revenue", Float64),
        ("variable_cost", Float64),
        ("fixed_cost", Float64),
        ("training_cost", Float64),
        ("subsidy", Float64),
        ("compute_subsidy", Float64),
        ("profit", Float64),
        ("cash", Float64),
        ("active", Boolean),
        ("capacity_mtok", Float64),
    ];
    assert_eq!(
        schema_of(&v),
        expect_v
            .iter()
            .map(|(n, t)| (n.to_string(), t.clone()))
            .collect::<Vec<_>>()
    );
    assert_eq!(v.height(), 6 * vendors);
    let s = read(&out.join("segments.parquet"));
    let expect_s = [
        ("run_id", UInt64),
        ("round", UInt32),
        ("segment", String),
        ("agents", UInt64),
        ("customers", Float64),
        ("volume_mtok", Float64),
        ("avg_price_paid", Float64),
        ("outside_share", Float64),
        ("consumer_surplus", Float64),
        ("switches", Float64),
    ];
    assert_eq!(
        schema_of(&s),
        expect_s
            .iter()
            .map(|(n, t)| (n.to_string(), t.clone()))
            .collect::<Vec<_>>()
    );
    assert_eq!(s.height(), 6 * segments);
    let m = read(&out.join("market.parquet"));
    let expect_m = [
        ("run_id", UInt64),
        ("round", UInt32),
        ("price_index", Float64),
        ("min_price", Float64),
        ("hhi", Float64),
        ("hhi_products", Float64),
        ("active_vendors", UInt32),
        ("volume_mtok", Float64),
        ("consumer_surplus", Float64),
        ("producer_surplus", Float64),
        ("public_spending", Float64),
        ("welfare", Float64),
        ("fixed_costs", Float64),
        ("welfare_net_of_fixed_costs", Float64),
    ];
    assert_eq!(
        schema_of(&m),
        expect_m
            .iter()
            .map(|(n, t)| (n.to_string(), t.clone()))
            .collect::<Vec<_>>()
    );
    assert_eq!(m.height(), 6);
    // One firm row per firm (a lab and its model family) and round.
    let f = read(&out.join("firms.parquet"));
    let expect_f = [
        ("run_id", UInt64),
        ("round", UInt32),
        ("firm", String),
        ("products_active", UInt32),
        ("share", Float64),
        ("quantity_mtok", Float64),
        ("revenue", Float64),
        ("costs", Float64),
        ("profit", Float64),
        ("cash", Float64),
    ];
    assert_eq!(
        schema_of(&f),
        expect_f
            .iter()
            .map(|(n, t)| (n.to_string(), t.clone()))
            .collect::<Vec<_>>()
    );
    let firms = spec.spec().firms.len();
    assert!(firms < vendors, "china-2024's labs sell model families");
    assert_eq!(f.height(), 6 * firms);
    // A firm's products pooled: HHI over firms is at least HHI over products.
    let hhi = m.column("hhi").unwrap().f64().unwrap().to_vec();
    let products = m.column("hhi_products").unwrap().f64().unwrap().to_vec();
    for (a, b) in hhi.iter().zip(&products) {
        if let (Some(a), Some(b)) = (a, b) {
            assert!(*a >= *b - 1e-9, "{a} < {b}");
        }
    }
    // Rounds 0..6 for every vendor; shares of active vendors sum to one in rounds with volume.
    let rounds = v.column("round").unwrap().u32().unwrap();
    assert_eq!(rounds.min(), Some(0));
    assert_eq!(rounds.max(), Some(5));
    let by_round = v
        .clone()
        .lazy()
        .group_by([col("round")])
        .agg([col("share").sum().alias("total")])
        .collect()
        .unwrap();
    for t in by_round
        .column("total")
        .unwrap()
        .f64()
        .unwrap()
        .into_no_null_iter()
    {
        assert!((t - 1.0).abs() < 1e-9, "shares sum to {t}");
    }
    // The resolved scenario reloads and the manifest counts the rows.
    let resolved = out.join("scenario.yaml");
    pricewar::scenario::load(&resolved, &[]).expect("resolved scenario is valid");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["rows"]["vendors"], 6 * vendors);
    assert_eq!(manifest["rounds"], 6);
}

#[test]
fn hhi_and_price_index_follow_their_definitions() {
    let s = scenario(
        r#"
name: hhi
rounds: 1
vendors:
  - { name: A, model: { quality: 0 }, cost: { kind: linear, marginal: 0.1 }, strategy: { kind: fixed, price: 1.0 } }
  - { name: B, model: { quality: 0 }, cost: { kind: linear, marginal: 0.1 }, strategy: { kind: fixed, price: 2.0 } }
segments:
  - { name: all, agents: 2, price_sensitivity: 1.0, choice: { mode: expected } }
"#,
    );
    let p = run(&s);
    let (qa, qb) = (p.vendors.quantity_mtok[0], p.vendors.quantity_mtok[1]);
    let (sa, sb) = (qa / (qa + qb), qb / (qa + qb));
    assert!((p.market.hhi[0].unwrap() - 10_000.0 * (sa * sa + sb * sb)).abs() < 1e-9);
    assert!((p.market.price_index[0].unwrap() - (qa * 1.0 + qb * 2.0) / (qa + qb)).abs() < 1e-12);
    assert_eq!(p.market.min_price[0], Some(1.0));
    let ps = (1.0 - 0.1) * qa + (2.0 - 0.1) * qb;
    assert!((p.market.producer_surplus[0] - ps).abs() < 1e-12);
    assert!((p.market.welfare[0] - ps - p.market.consumer_surplus[0]).abs() < 1e-12);
}

/// A run longer than the panel buffers streams its panels to Parquet in row groups as it goes:
/// the files hold exactly the rows the run records in memory, the manifest counts them, and no
/// temporary file is left behind.
#[test]
fn a_long_run_streams_its_panels_and_writes_what_it_recorded() {
    let rounds = pricewar::output::STREAM_ROWS / 3 + 5_000;
    let yaml = format!(
        "name: long
seed: 3
rounds: {rounds}
vendors:
  - {{ name: A, model: {{ quality: 2.0 }}, cost: {{ kind: linear, marginal: 0.5 }}, initial_price: 1.5, strategy: {{ kind: undercut, step: 0.01, floor: {{ markup: 0.1 }} }} }}
segments:
  - {{ name: s, agents: 10, price_sensitivity: 1, quality_weight: 1, choice: {{ mode: expected }} }}
"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("long.yaml");
    std::fs::write(&file, &yaml).unwrap();
    let out = dir.path().join("out");
    pricewar()
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .arg(&file)
        .assert()
        .success();
    let memory = run(&scenario(&yaml));
    let frames = [
        (
            "vendors.parquet",
            pricewar::output::vendors_frame(&memory.vendors).unwrap(),
        ),
        (
            "segments.parquet",
            pricewar::output::segments_frame(&memory.segments).unwrap(),
        ),
        (
            "market.parquet",
            pricewar::output::market_frame(&memory.market).unwrap(),
        ),
    ];
    for (name, expected) in &frames {
        let written = read(&out.join(name));
        assert_eq!(written.height(), rounds, "{name}");
        assert!(
            written.equals_missing(expected),
            "{name} differs from the run in memory"
        );
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    for panel in ["vendors", "segments", "market"] {
        assert_eq!(manifest["rows"][panel], rounds as u64, "{panel}");
    }
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

/// A streamed run that overflows after some of its rows are written fails with the error that
/// names the round, and leaves nothing behind: no temporary file, no directory of its own.
#[test]
fn a_streamed_run_that_fails_late_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("late.yaml");
    // Volume doubling every 1,000 rounds from 1e250 Mtok overflows near round 195,600, after
    // the first row groups have been written.
    std::fs::write(
        &file,
        "name: late
rounds: 400000
rounds_per_year: 1000
vendors:
  - { name: A, model: { quality: 1 }, cost: { kind: linear, marginal: 1 }, strategy: { kind: fixed, price: 2 } }
segments:
  - { name: all, agents: 2, price_sensitivity: 1, base_volume_mtok: 1e250, growth: { volume_per_year: 1.0 }, choice: { mode: expected } }
",
    )
    .unwrap();
    let out = dir.path().join("out");
    let stderr = failure_stderr(
        pricewar()
            .args(["run", "--quiet", "--out"])
            .arg(&out)
            .arg(&file),
    );
    assert!(
        stderr.contains("overflowed") && stderr.contains("round 19"),
        "{stderr}"
    );
    assert!(!out.exists(), "the failed run left {out:?}");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("late.yaml")]);
}

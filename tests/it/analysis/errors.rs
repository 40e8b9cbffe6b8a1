//! Directories that are not output: one clear line, no panic, nothing written.

use super::{handmade, known_sweep};
use crate::common::*;
use crate::sweep_fixture;
use pricewar::output::Panels;
use std::path::Path;

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

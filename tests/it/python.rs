//! The outputs are for Python and SQL users: a run and a sweep directory read with Python
//! Polars, pandas (pyarrow engine) and DuckDB, checked against the columns and types README.md
//! documents, and README's analysis snippets run against them (`tests/python/test_outputs.py`).
//!
//! CI installs the Python packages (`.ci/run`), and there (CI set) or with
//! PRICEWAR_PYTHON_TESTS=1 a missing package fails the test; elsewhere it is skipped with a
//! message saying how to install them.

use crate::common::*;
use std::process::Command;

#[test]
fn a_run_and_a_sweep_read_with_polars_pandas_and_duckdb() {
    let required = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false")
        || std::env::var_os("PRICEWAR_PYTHON_TESTS").is_some();
    let probe = Command::new("python3")
        .args(["-c", "import polars, pandas, pyarrow, duckdb, SALib"])
        .output();
    let available = probe.as_ref().is_ok_and(|o| o.status.success());
    if !available {
        let why = match &probe {
            Ok(o) => String::from_utf8_lossy(&o.stderr).trim().to_string(),
            Err(e) => e.to_string(),
        };
        let fix = "install them with `python3 -m pip install -r tests/python/requirements.txt`";
        assert!(!required, "Python packages missing ({why}); {fix}");
        eprintln!("skipped: Python packages missing ({why}); {fix}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let run_dir = dir.path().join("run");
    pricewar()
        .args([
            "run",
            "scenarios/china-2024.yaml",
            "--quiet",
            "--rounds",
            "6",
            "--out",
        ])
        .arg(&run_dir)
        .current_dir(root())
        .assert()
        .success();
    // A real sweep, in two shards written into one directory.
    let sweep_dir = dir.path().join("sweep");
    for shard in ["0/2", "1/2"] {
        pricewar()
            .args([
                "sweep",
                "scenarios/undercut-sweep.yaml",
                "--quiet",
                "--replicates",
                "2",
                "--rounds",
                "6",
            ])
            .args(["--shard", shard, "--out"])
            .arg(&sweep_dir)
            .current_dir(root())
            .assert()
            .success();
    }
    // A Sobol design (the textbook monopolist, whose price is additive in the two ranges) and
    // pricewar's indices of it, for SALib to recompute from the same design and outputs.
    let sobol_dir = dir.path().join("sobol");
    pricewar()
        .args([
            "sweep",
            "scenarios/textbook.yaml",
            "--quiet",
            "--rounds",
            "3",
            "--replicates",
            "2",
            "--set",
            "vendors[0].strategy={kind: best_response}",
            "--set",
            "benchmarks=false",
            "--sample-method",
            "sobol",
            "--points",
            "64",
            "--range",
            "segments[0].volume.choke_price=100..300",
            "--range",
            "vendors[0].cost.marginal=0..40",
            "--out",
        ])
        .arg(&sobol_dir)
        .current_dir(root())
        .assert()
        .success();
    let analysis = pricewar()
        .args(["analyze", sobol_dir.to_str().unwrap(), "--format", "json"])
        .assert()
        .success();
    std::fs::write(
        dir.path().join("sobol-analysis.json"),
        &analysis.get_output().stdout,
    )
    .unwrap();
    let out = Command::new("python3")
        .arg(root().join("tests/python/test_outputs.py"))
        .arg(&run_dir)
        .arg(&sweep_dir)
        .arg(&sobol_dir)
        .arg(dir.path().join("sobol-analysis.json"))
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "Python checks failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

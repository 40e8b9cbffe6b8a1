//! Monte Carlo sweeps: the same dataset on any number of jobs, for any sharding and after a
//! kill and resume; the documented layout and `runs` columns; bad sweep settings refused with
//! one message and nothing written.

use crate::common::*;
use polars::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A small market: a challenger with finite cash undercuts an incumbent that matches.
const MARKET: &str = r#"name: sweep-test
seed: 11
rounds: 12
vendors:
  - name: Incumbent
    model: { quality: 2.0 }
    cost: { kind: linear, marginal: 0.5 }
    initial_price: 2.0
    strategy: { kind: match_lowest, floor: { markup: 0.5 } }
  - name: Challenger
    model: { quality: 1.8 }
    cost: { kind: linear, marginal: 0.3 }
    initial_price: 2.0
    strategy: { kind: undercut, step: 0.05 }
    finances: { cash: 400, operating_cost: 60 }
segments:
  - name: buyers
    agents: 300
    represents: 2
    price_sensitivity: { dist: lognormal, mu: 0.0, sigma: 0.4 }
    quality_weight: { dist: uniform, low: 0.5, high: 1.5 }
    base_volume_mtok: { dist: lognormal, mu: 1, sigma: 1 }
    volume: { kind: isoelastic, elasticity: 1.1, reference_price: 1.0, saturation_price: 0.01 }
    choice: { mode: sample, switching_cost: 0.2, review_probability: 0.5 }
sweep:
  replicates: 3
  grid:
    vendors[Challenger].strategy.step: [0.02, 0.1]
    segments[0].volume.elasticity: [0.8, 1.5]
  sample:
    method: latin_hypercube
    points: 2
    ranges:
      vendors[Incumbent].initial_price: { low: 1.5, high: 3.0 }
"#;

/// 2 × 2 grid cells × 2 sample points × 3 replicates.
const RUNS: u64 = 24;

fn write_market(dir: &Path, yaml: &str) -> PathBuf {
    let file = dir.join("market.yaml");
    std::fs::write(&file, yaml).unwrap();
    file
}

fn sweep(file: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "sweep",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--runs-per-part",
        "5",
    ];
    args.extend_from_slice(extra);
    pricewar().args(&args).assert().success();
}

/// Every file under `dir`, by relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// The finished part files under `dir` (a running sweep's temporary files, whose names start
/// with a dot, come and go and are left out).
fn part_names(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if p.is_dir() {
                stack.push(p);
            } else if !name.starts_with('.') {
                out.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

fn read(path: &Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(path).unwrap())
        .finish()
        .unwrap()
}

/// All part files of a table, stacked and sorted by its key.
pub(crate) fn table(dir: &Path, name: &str) -> DataFrame {
    let mut parts: Vec<PathBuf> = files(&dir.join(name))
        .keys()
        .filter(|k| k.ends_with(".parquet"))
        .map(|k| dir.join(name).join(k))
        .collect();
    parts.sort();
    let mut df = read(&parts[0]);
    for p in &parts[1..] {
        df.vstack_mut(&read(p)).unwrap();
    }
    sorted(df, name)
}

/// A table sorted by its key.
fn sorted(df: DataFrame, name: &str) -> DataFrame {
    let keys: Vec<&str> = match name {
        "vendors" => vec!["run_id", "round", "vendor"],
        "segments" => vec!["run_id", "round", "segment"],
        "market" => vec!["run_id", "round"],
        _ => vec!["run_id"],
    };
    df.sort(keys, SortMultipleOptions::default()).unwrap()
}

fn assert_same_dataset(a: &Path, b: &Path) {
    for name in ["runs", "vendors", "segments", "market"] {
        let (x, y) = (table(a, name), table(b, name));
        assert!(x.height() > 0, "{name} is empty");
        assert!(x.equals_missing(&y), "{name} differs:\n{x}\n{y}");
    }
}

#[test]
fn one_and_two_jobs_write_identical_datasets() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_market(dir.path(), MARKET);
    let (a, b) = (dir.path().join("j1"), dir.path().join("j2"));
    sweep(&file, &a, &["--jobs", "1"]);
    sweep(&file, &b, &["--jobs", "2"]);
    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (k, bytes) in &fa {
        assert!(*bytes == fb[k], "{k} differs between --jobs 1 and --jobs 2");
    }
    // 24 runs in parts of 5: parts 0–4 of shard 0 in each of the four tables.
    assert!(fa.contains_key("runs/shard=0000/part-00004.parquet"));
    assert!(fa.contains_key("vendors/shard=0000/part-00000.parquet"));
    assert_eq!(table(&a, "runs").height() as u64, RUNS);
}

#[test]
fn the_union_of_three_shards_equals_the_unsharded_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_market(dir.path(), MARKET);
    let whole = dir.path().join("whole");
    let sharded = dir.path().join("sharded");
    sweep(&file, &whole, &["--jobs", "2"]);
    for k in 0..3 {
        sweep(
            &file,
            &sharded,
            &["--jobs", "1", "--shard", &format!("{k}/3")],
        );
    }
    assert!(
        sharded
            .join("vendors/shard=0002/part-00000.parquet")
            .exists()
    );
    assert_same_dataset(&whole, &sharded);
    // The shard defaults from the Slurm job-array variables.
    let slurm = dir.path().join("slurm");
    for k in 0..3 {
        pricewar()
            .args([
                "sweep",
                file.to_str().unwrap(),
                "--out",
                slurm.to_str().unwrap(),
                "--quiet",
                "--runs-per-part",
                "5",
            ])
            .env("SLURM_ARRAY_TASK_ID", (k + 10).to_string())
            .env("SLURM_ARRAY_TASK_MIN", "10")
            .env("SLURM_ARRAY_TASK_COUNT", "3")
            .assert()
            .success();
    }
    assert_eq!(files(&slurm), files(&sharded));
}

#[test]
fn a_sweep_killed_and_resumed_equals_an_uninterrupted_one() {
    let dir = tempfile::tempdir().unwrap();
    // Enough work that the kill comes long before the end: 40 design points × 20 replicates.
    let yaml = MARKET
        .replace("replicates: 3", "replicates: 20")
        .replace("points: 2", "points: 10")
        .replace("agents: 300", "agents: 2000")
        .replace("rounds: 12", "rounds: 24");
    let file = write_market(dir.path(), &yaml);
    let reference = dir.path().join("reference");
    let killed = dir.path().join("killed");
    sweep(&file, &reference, &["--jobs", "2"]);

    let bin = assert_cmd::cargo::cargo_bin("pricewar");
    let mut child = std::process::Command::new(bin)
        .args([
            "sweep",
            file.to_str().unwrap(),
            "--out",
            killed.to_str().unwrap(),
            "--quiet",
            "--runs-per-part",
            "5",
            "--jobs",
            "2",
        ])
        .spawn()
        .unwrap();
    let runs_dir = killed.join("runs/shard=0000");
    let started = Instant::now();
    loop {
        let finished = std::fs::read_dir(&runs_dir)
            .map(|d| {
                d.flatten()
                    .filter(|e| e.file_name().to_string_lossy().starts_with("part-"))
                    .count()
            })
            .unwrap_or(0);
        if finished >= 3 {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the sweep ended before it could be killed"
        );
        assert!(started.elapsed() < Duration::from_secs(120));
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let parts_at_kill = std::fs::read_dir(&runs_dir).unwrap().count();
    assert!(
        parts_at_kill < 160,
        "the sweep had finished: {parts_at_kill} parts"
    );

    // Without --resume the directory is refused and left alone.
    let before = files(&killed);
    let stderr = failure_stderr(
        pricewar()
            .args([
                "sweep",
                file.to_str().unwrap(),
                "--out",
                killed.to_str().unwrap(),
            ])
            .args(["--quiet", "--runs-per-part", "5"]),
    );
    assert!(stderr.contains("--resume"), "{stderr}");
    assert_eq!(files(&killed), before);

    sweep(&file, &killed, &["--jobs", "2", "--resume"]);
    assert_same_dataset(&reference, &killed);
    // Each part holds a planned group of runs, so even the bytes agree, and no temporary
    // file is left behind.
    assert_eq!(files(&reference), files(&killed));
}

/// Kills a child process when dropped, so a failing assertion leaves nothing running.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A second process on a shard that is running (a resubmitted array task, a `--resume` typed
/// too early) is refused with the first one's process id, and changes nothing; a finished
/// shard leaves no lock file behind.
#[test]
fn a_shard_that_is_running_is_not_run_twice() {
    let dir = tempfile::tempdir().unwrap();
    // Long enough to still be running when the second process starts: 16,000 runs.
    let file = write_market(
        dir.path(),
        &MARKET.replace("replicates: 3", "replicates: 2000"),
    );
    let out = dir.path().join("out");
    let bin = assert_cmd::cargo::cargo_bin("pricewar");
    let child = std::process::Command::new(bin)
        .args(["sweep", file.to_str().unwrap(), "--out"])
        .arg(&out)
        .args([
            "--quiet",
            "--runs-per-part",
            "5",
            "--jobs",
            "1",
            "--shard",
            "0/2",
        ])
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut child = KillOnDrop(child);
    let first_part = out.join("runs/shard=0000/part-00000.parquet");
    let started = Instant::now();
    while !first_part.exists() {
        assert!(
            child.0.try_wait().unwrap().is_none(),
            "the sweep ended early"
        );
        assert!(started.elapsed() < Duration::from_secs(120));
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(out.join(".shard=0000.lock").exists());

    for resume in [true, false] {
        let before = part_names(&out.join("runs"));
        let mut cmd = pricewar();
        cmd.args(["sweep", file.to_str().unwrap(), "--out"])
            .arg(&out)
            .args(["--quiet", "--runs-per-part", "5", "--shard", "0/2"]);
        if resume {
            cmd.arg("--resume");
        }
        let stderr = failure_stderr(&mut cmd);
        for fragment in [
            "shard 0/2 is being run by another pricewar process",
            &format!("process {pid} on host"),
        ] {
            assert!(stderr.contains(fragment), "lacks {fragment:?}: {stderr}");
        }
        // The first process is untouched: still running, its parts only growing.
        assert!(child.0.try_wait().unwrap().is_none());
        let after = part_names(&out.join("runs"));
        assert!(
            before.iter().all(|f| after.contains(f)),
            "parts disappeared: {before:?} -> {after:?}"
        );
    }
    drop(child);

    // A sweep that finishes removes its lock file.
    let small = write_market(dir.path(), MARKET);
    let done = dir.path().join("done");
    sweep(&small, &done, &[]);
    assert!(!done.join(".shard=0000.lock").exists());
    assert!(files(&done).keys().all(|f| !f.contains(".lock")));
}

#[test]
fn a_part_whose_runs_file_is_missing_is_redone_not_doubled() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_market(dir.path(), MARKET);
    let out = dir.path().join("out");
    sweep(&file, &out, &["--jobs", "2"]);
    let complete = files(&out);
    // As if killed between writing part 2's panels and its runs rows, mid-way through writing
    // part 3's vendors.
    std::fs::remove_file(out.join("runs/shard=0000/part-00002.parquet")).unwrap();
    for t in ["runs", "market", "segments"] {
        std::fs::remove_file(out.join(format!("{t}/shard=0000/part-00003.parquet"))).unwrap();
    }
    std::fs::write(
        out.join("vendors/shard=0000/.part-00003.parquet.s0.p1.tmp"),
        b"half",
    )
    .unwrap();
    // As if the machine crashed after part 1 was renamed into place but before its segments
    // reached the disk: a torn file.
    std::fs::write(out.join("segments/shard=0000/part-00001.parquet"), b"PAR1").unwrap();
    sweep(&file, &out, &["--resume"]);
    assert_eq!(files(&out), complete);
    // Resuming a finished sweep does nothing.
    sweep(&file, &out, &["--resume"]);
    assert_eq!(files(&out), complete);
}

#[test]
fn layout_manifest_and_runs_columns_are_as_documented() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_market(dir.path(), MARKET);
    let out = dir.path().join("out");
    sweep(&file, &out, &["--jobs", "2"]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(manifest["scenario"], "sweep-test");
    assert_eq!(manifest["master_seed"], 11);
    assert_eq!(manifest["runs"], RUNS);
    assert_eq!(manifest["replicates"], 3);
    assert_eq!(manifest["rounds_per_year"], 12.0);
    assert_eq!(
        manifest["parameters"],
        serde_json::json!([
            "vendors[Challenger].strategy.step",
            "segments[0].volume.elasticity",
            "vendors[Incumbent].initial_price"
        ])
    );
    assert!(manifest["pricewar_version"].is_string());
    // The resolved base scenario, sweep block included, sweeps the same plan.
    let resolved = std::fs::read_to_string(out.join("scenario.yaml")).unwrap();
    assert!(resolved.contains("sweep:"), "{resolved}");
    let again = dir.path().join("again");
    sweep(&out.join("scenario.yaml"), &again, &[]);
    assert_same_dataset(&out, &again);

    let runs = table(&out, "runs");
    let schema: Vec<(String, DataType)> = runs
        .schema()
        .iter()
        .map(|(n, t)| (n.to_string(), t.clone()))
        .collect();
    let expected: Vec<(&str, DataType)> = vec![
        ("run_id", DataType::UInt64),
        ("replicate", DataType::UInt32),
        ("seed", DataType::UInt64),
        ("vendors[Challenger].strategy.step", DataType::Float64),
        ("segments[0].volume.elasticity", DataType::Float64),
        ("vendors[Incumbent].initial_price", DataType::Float64),
        ("final_price_index", DataType::Float64),
        ("annualised_price_decline", DataType::Float64),
        ("final_hhi", DataType::Float64),
        ("survivors", DataType::UInt32),
        ("cumulative_consumer_surplus", DataType::Float64),
        ("cumulative_profit:Incumbent", DataType::Float64),
        ("cumulative_profit:Challenger", DataType::Float64),
        ("nash_profit", DataType::Float64),
        ("joint_profit", DataType::Float64),
        ("final_hhi_products", DataType::Float64),
        ("cumulative_profit_firm:Incumbent", DataType::Float64),
        ("cumulative_profit_firm:Challenger", DataType::Float64),
    ];
    assert_eq!(
        schema,
        expected
            .iter()
            .map(|(n, t)| (n.to_string(), t.clone()))
            .collect::<Vec<_>>()
    );
    let ids: Vec<u64> = runs
        .column("run_id")
        .unwrap()
        .u64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    assert_eq!(ids, (0..RUNS).collect::<Vec<_>>());
    for (name, col) in runs.schema().iter() {
        if *col == DataType::Float64 {
            let c = runs.column(name).unwrap().f64().unwrap();
            assert!(c.iter().flatten().all(f64::is_finite), "{name} has NaN");
        }
    }
    // Seeds are run_seed(master, run_id); the swept step takes its grid values.
    let seeds = runs.column("seed").unwrap().u64().unwrap();
    for (i, s) in seeds.into_no_null_iter().enumerate() {
        assert_eq!(s, pricewar::rng::run_seed(11, i as u64));
    }

    // The panels have exactly the columns of a single run's files, and a sweep's run is the
    // run `pricewar run` makes with the same seed and values.
    let run3 = runs
        .filter(
            &runs
                .column("run_id")
                .unwrap()
                .as_materialized_series()
                .equal(3u64)
                .unwrap(),
        )
        .unwrap();
    let get = |c: &str| run3.column(c).unwrap().f64().unwrap().get(0).unwrap();
    let single = dir.path().join("single");
    pricewar()
        .args([
            "run",
            file.to_str().unwrap(),
            "--quiet",
            "--out",
            single.to_str().unwrap(),
            "--seed",
            &pricewar::rng::run_seed(11, 3).to_string(),
            "--set",
            &format!(
                "vendors[Challenger].strategy.step={}",
                get("vendors[Challenger].strategy.step")
            ),
            "--set",
            &format!(
                "segments[0].volume.elasticity={}",
                get("segments[0].volume.elasticity")
            ),
            "--set",
            &format!(
                "vendors[Incumbent].initial_price={}",
                get("vendors[Incumbent].initial_price")
            ),
        ])
        .assert()
        .success();
    for name in ["vendors", "segments", "market"] {
        let mut one = sorted(read(&single.join(format!("{name}.parquet"))), name);
        let all = table(&out, name);
        assert_eq!(one.get_column_names(), all.get_column_names(), "{name}");
        let mask = all
            .column("run_id")
            .unwrap()
            .as_materialized_series()
            .equal(3u64)
            .unwrap();
        let mut of_sweep = all.filter(&mask).unwrap();
        one.drop_in_place("run_id").unwrap();
        of_sweep.drop_in_place("run_id").unwrap();
        assert!(one.equals_missing(&of_sweep), "{name}:\n{one}\n{of_sweep}");
    }
}

#[test]
fn plan_lists_the_runs_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_market(dir.path(), MARKET);
    let out = dir.path().join("out");
    let assert = pricewar()
        .args([
            "sweep",
            file.to_str().unwrap(),
            "--plan",
            "--out",
            out.to_str().unwrap(),
        ])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].contains("24 runs = 8 design points × 3 replicates"),
        "{stdout}"
    );
    assert!(lines[2].starts_with("run_id\treplicate\tseed\tvendors[Challenger].strategy.step"));
    assert_eq!(lines.len(), 3 + RUNS as usize);
    assert!(lines[3].starts_with(&format!(
        "0\t0\t{}\t0.02\t0.8\t",
        pricewar::rng::run_seed(11, 0)
    )));
    assert!(!out.exists());
    // Flags alone make a sweep of a scenario without a `sweep:` block; a shard lists its runs.
    let plain = MARKET.split("sweep:").next().unwrap();
    let file = write_market(dir.path(), plain);
    let assert = pricewar()
        .args([
            "sweep",
            file.to_str().unwrap(),
            "--plan",
            "--replicates",
            "2",
        ])
        .args([
            "--grid",
            "vendors[1].strategy.step=0.02,0.05,0.1",
            "--shard",
            "1/2",
        ])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(
        stdout.contains("6 runs = 3 design points × 2 replicates"),
        "{stdout}"
    );
    let ids: Vec<&str> = stdout
        .lines()
        .skip(3)
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(ids, ["1", "3", "5"]);
}

/// `pricewar sweep` with `args` must fail with one message holding every `expected` fragment,
/// and write nothing.
fn refuses(yaml: &str, args: &[&str], expected: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let file = write_market(dir.path(), yaml);
    let out = dir.path().join("out");
    let stderr = failure_stderr(
        pricewar()
            .args([
                "sweep",
                file.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ])
            .args(args),
    );
    for e in expected {
        assert!(stderr.contains(e), "message lacks {e:?}:\n{stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one message:\n{stderr}");
    assert!(!out.exists(), "output was written for a bad sweep");
    if args.is_empty() {
        // `validate` plans the sweep block too.
        let stderr = failure_stderr(pricewar().args(["validate", file.to_str().unwrap()]));
        for e in expected {
            assert!(
                stderr.contains(e),
                "validate: message lacks {e:?}:\n{stderr}"
            );
        }
    }
}

#[test]
fn bad_sweep_settings_are_refused_with_one_clear_message_and_nothing_written() {
    // Unknown path, in the file (named with its line) and in a flag.
    refuses(
        &MARKET.replace("strategy.step:", "strategy.stepp:"),
        &[],
        &[
            "market.yaml:28:",
            "unknown path `vendors[Challenger].strategy.stepp`",
            "allowed",
        ],
    );
    refuses(
        MARKET,
        &["--grid", "vendors[Nobody].initial_price=1,2"],
        &[
            "--grid vendors[Nobody].initial_price=1,2",
            "no item named `Nobody`",
        ],
    );
    // Empty grid.
    refuses(
        &MARKET.replace("[0.8, 1.5]", "[]"),
        &[],
        &[
            "market.yaml:29:",
            "segments[0].volume.elasticity",
            "no values",
        ],
    );
    refuses(
        MARKET,
        &["--grid", "rounds="],
        &["--grid rounds=", "no values"],
    );
    // A range with low > high.
    refuses(
        &MARKET.replace("low: 1.5, high: 3.0", "low: 3.0, high: 1.5"),
        &[],
        &["market.yaml:34:", "low 3 is above high 1.5"],
    );
    refuses(
        MARKET,
        &["--range", "vendors[0].initial_price=4..2"],
        &["--range", "low 4 is above high 2"],
    );
    // Shard K >= N.
    refuses(
        MARKET,
        &["--shard", "3/3"],
        &["--shard 3/3", "K must be below N"],
    );
    // The same path twice on the command line.
    refuses(
        MARKET,
        &[
            "--grid",
            "vendors[0].initial_price=1,2",
            "--grid",
            "vendors[0].initial_price=3",
        ],
        &["`vendors[0].initial_price` is given to --grid twice"],
    );
}

#[test]
fn a_grid_flag_takes_one_map_value_whole() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("market.yaml");
    std::fs::write(&file, MARKET).unwrap();
    let assert = pricewar()
        .args(["sweep", file.to_str().unwrap(), "--plan", "--grid"])
        .arg("vendors[0].strategy={kind: fixed, price: 1.5}")
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(stdout.contains("vendors[0].strategy"), "{stdout}");
    assert!(
        stdout.contains(r#"{"kind":"fixed","price":1.5}"#),
        "{stdout}"
    );
}

#[test]
fn a_grid_value_that_makes_the_scenario_invalid_names_its_path() {
    refuses(
        &MARKET.replace("[0.02, 0.1]", "[0.02, 1.5]"),
        &[],
        &[
            "market.yaml:28:",
            "sweep.grid.vendors[Challenger].strategy.step",
            "the value 1.5",
            "(0, 1)",
        ],
    );
    refuses(
        MARKET,
        &["--grid", "seed=1,2"],
        &["--grid seed=1,2", "sweep.seed"],
    );
    refuses(
        &MARKET.replace("replicates: 3", "replicates: 0"),
        &[],
        &["market.yaml:26:", "sweep.replicates", "at least 1"],
    );
    refuses(
        &MARKET.replace("method: latin_hypercube", "method: halton"),
        &[],
        &[
            "sweep.sample.method",
            "unknown kind `halton`",
            "latin_hypercube",
            "sobol",
            "morris",
        ],
    );
    refuses(
        &MARKET.replace("  replicates: 3", "  replicates: 3\n  repeats: 2"),
        &[],
        &["sweep.repeats", "unknown key", "replicates"],
    );
}

#[test]
fn an_output_directory_of_another_sweep_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_market(dir.path(), MARKET);
    let out = dir.path().join("out");
    sweep(&file, &out, &[]);
    let before = files(&out);
    for extra in [
        vec!["--resume", "--replicates", "4"],
        vec!["--resume", "--shard", "0/2"],
        vec!["--resume", "--seed", "12"],
    ] {
        let stderr = failure_stderr(
            pricewar()
                .args([
                    "sweep",
                    file.to_str().unwrap(),
                    "--out",
                    out.to_str().unwrap(),
                ])
                .args(["--quiet", "--runs-per-part", "5"])
                .args(&extra),
        );
        assert!(
            stderr.contains("holds a different sweep"),
            "{extra:?}: {stderr}"
        );
    }
    assert_eq!(files(&out), before);
    // A directory that is not a sweep (a single run's output) is refused too.
    let single = dir.path().join("single");
    pricewar()
        .args([
            "run",
            file.to_str().unwrap(),
            "--quiet",
            "--out",
            single.to_str().unwrap(),
        ])
        .assert()
        .success();
    let stderr = failure_stderr(pricewar().args([
        "sweep",
        file.to_str().unwrap(),
        "--out",
        single.to_str().unwrap(),
    ]));
    assert!(
        stderr.contains("does not hold a pricewar sweep"),
        "{stderr}"
    );
}

#[test]
fn sampling_flags_without_ranges_ask_for_ranges() {
    // undercut-sweep.yaml has a grid and no `sample:` block.
    for flags in [["--sample-method", "latin_hypercube"], ["--points", "4"]] {
        let stderr = failure_stderr(
            pricewar()
                .args(["sweep", "scenarios/undercut-sweep.yaml", "--plan"])
                .args(flags)
                .current_dir(root()),
        );
        assert!(
            stderr.contains(flags[0])
                && stderr.contains("needs ranges")
                && stderr.contains("--range"),
            "{stderr}"
        );
    }
}

/// A sweep written by a binary built from other source is not resumed: its runs and this
/// binary's could differ, and one dataset must not mix them.
#[test]
fn a_sweep_of_another_build_is_not_resumed() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_market(dir.path(), MARKET);
    let out = dir.path().join("out");
    sweep(&file, &out, &["--shard", "0/2"]);
    let manifest_path = out.join("sweep.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    assert_eq!(manifest["source_hash"].as_str().unwrap().len(), 16);
    // As another build would have written it.
    manifest["source_hash"] = "0123456789abcdef".into();
    manifest["fingerprint"] = "0000000000000000".into();
    std::fs::write(&manifest_path, manifest.to_string()).unwrap();
    let before = files(&out);
    let stderr = failure_stderr(
        pricewar()
            .args([
                "sweep",
                file.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ])
            .args([
                "--quiet",
                "--runs-per-part",
                "5",
                "--shard",
                "1/2",
                "--resume",
            ]),
    );
    assert!(
        stderr.contains("built from other source") && stderr.contains("0123456789abcdef"),
        "{stderr}"
    );
    assert_eq!(files(&out), before, "the directory was changed");
}

/// A scenario without a `sweep:` block sweeps with flags alone: one replicate per design point.
#[test]
fn a_scenario_without_a_sweep_block_sweeps_from_flags() {
    let assert = pricewar()
        .args(["sweep", "scenarios/textbook.yaml", "--plan", "--grid"])
        .arg("vendors[0].initial_price=40,60,80")
        .current_dir(root())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(
        stdout.contains("3 runs = 3 design points × 1 replicates"),
        "{stdout}"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    pricewar()
        .args([
            "sweep",
            "scenarios/textbook.yaml",
            "--quiet",
            "--replicates",
            "2",
        ])
        .args(["--grid", "vendors[0].initial_price=40,60", "--out"])
        .arg(&out)
        .current_dir(root())
        .assert()
        .success();
    assert!(out.join("runs/shard=0000").read_dir().unwrap().count() > 0);
}

/// A flag replaces the file's setting of the same value however either spells it; a value and a
/// part of it cannot both be swept.
#[test]
fn swept_paths_are_compared_by_the_value_they_name() {
    let plan = |grid: &str| {
        pricewar()
            .args([
                "sweep",
                "scenarios/undercut-sweep.yaml",
                "--plan",
                "--grid",
                grid,
            ])
            .current_dir(root())
            .assert()
    };
    // The file sweeps vendors[Challenger].strategy.step; vendors[1] is the Challenger.
    let out = plan("vendors[1].strategy.step=0.3").success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(stdout.contains("60 runs = 3 design points"), "{stdout}");
    assert!(
        !stdout.contains("vendors[Challenger].strategy.step"),
        "{stdout}"
    );
    let out = plan("vendors[Challenger].strategy={kind: fixed, price: 1}").failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stderr.contains("overlap") && stderr.contains("vendors[Challenger].strategy.step"),
        "{stderr}"
    );
}

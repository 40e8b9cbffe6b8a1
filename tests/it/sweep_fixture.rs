//! Output directories for the analysis, plot and Python tests, written in the documented
//! layouts: a run directory from hand-made panels, and sweep directories in the layout
//! `pricewar sweep` writes (`sweep.json`, `scenario.yaml`, and the hive-partitioned tables
//! `runs/`, `vendors/`, `segments/`, `market/`, `firms/` as `<table>/shard=KKKK/part-NNNNN.parquet`).
//!
//! Until `pricewar sweep` is integrated, [`engine_sweep`] plays the sweep's runs with the
//! library and writes that layout here; this module is the one place to switch to the real
//! command.

use polars::prelude::*;
use pricewar::output::{self, Panels};
use pricewar::scenario;
use pricewar::sim::Simulation;
use std::path::Path;

/// A swept parameter's value in `runs/`.
#[derive(Clone, Debug)]
pub enum Param {
    /// A number (f64 column).
    Number(f64),
    /// Text (string column).
    Text(String),
}

impl Param {
    /// Parses a `--set` value: a number if it is one, else text.
    pub fn parse(s: &str) -> Param {
        s.parse::<f64>()
            .map(Param::Number)
            .unwrap_or_else(|_| Param::Text(s.to_string()))
    }
}

/// One run of a sweep.
pub struct SweepRun {
    /// run_id.
    pub run_id: u64,
    /// Replicate index within its parameter combination.
    pub replicate: u32,
    /// Seed of the run.
    pub seed: u64,
    /// Swept parameter values, in `sweep.json` order.
    pub params: Vec<Param>,
    /// The run's panels (their run_id columns set to `run_id`).
    pub panels: Panels,
    /// Industry profit per round at the Bertrand-Nash and joint-profit benchmarks, if known.
    pub benchmarks: Option<(f64, f64)>,
}

/// Writes a sweep directory from `runs`, split into `shards` shards by run_id.
#[allow(clippy::too_many_arguments)] // a fixture: every field of the layout, spelled out
pub fn write_sweep(
    dir: &Path,
    scenario_name: &str,
    scenario_yaml: &str,
    parameters: &[&str],
    replicates: u32,
    rounds_per_year: f64,
    runs: &[SweepRun],
    shards: u64,
) {
    std::fs::create_dir_all(dir).unwrap();
    let meta = serde_json::json!({
        "pricewar_version": env!("CARGO_PKG_VERSION"),
        "scenario": scenario_name,
        "master_seed": 7,
        "runs": runs.len(),
        "replicates": replicates,
        "rounds_per_year": rounds_per_year,
        "parameters": parameters,
    });
    std::fs::write(
        dir.join("sweep.json"),
        serde_json::to_string_pretty(&meta).unwrap(),
    )
    .unwrap();
    std::fs::write(dir.join("scenario.yaml"), scenario_yaml).unwrap();
    for shard in 0..shards {
        let mine: Vec<&SweepRun> = runs.iter().filter(|r| r.run_id % shards == shard).collect();
        if mine.is_empty() {
            continue;
        }
        let mut panels = Panels::default();
        for r in &mine {
            panels.append(&mut r.panels.clone());
        }
        let part = |table: &str| {
            let d = dir.join(table).join(format!("shard={shard:04}"));
            std::fs::create_dir_all(&d).unwrap();
            d.join("part-00000.parquet")
        };
        output::write_parquet(
            &mut output::vendors_frame(&panels.vendors).unwrap(),
            &part("vendors"),
        )
        .unwrap();
        output::write_parquet(
            &mut output::segments_frame(&panels.segments).unwrap(),
            &part("segments"),
        )
        .unwrap();
        output::write_parquet(
            &mut output::market_frame(&panels.market).unwrap(),
            &part("market"),
        )
        .unwrap();
        output::write_parquet(
            &mut output::firms_frame(&panels.firms).unwrap(),
            &part("firms"),
        )
        .unwrap();
        output::write_parquet(
            &mut runs_frame(parameters, rounds_per_year, &mine),
            &part("runs"),
        )
        .unwrap();
    }
}

/// The `runs/` table: run_id, replicate, seed, one column per parameter, the per-run summary
/// metrics, and the benchmark columns when every run has them.
fn runs_frame(parameters: &[&str], rounds_per_year: f64, runs: &[&SweepRun]) -> DataFrame {
    let n = runs.len();
    let mut cols = vec![
        Column::new(
            "run_id".into(),
            runs.iter().map(|r| r.run_id).collect::<Vec<u64>>(),
        ),
        Column::new(
            "replicate".into(),
            runs.iter().map(|r| r.replicate).collect::<Vec<u32>>(),
        ),
        Column::new(
            "seed".into(),
            runs.iter().map(|r| r.seed).collect::<Vec<u64>>(),
        ),
    ];
    for (k, p) in parameters.iter().enumerate() {
        let col = match runs[0].params[k] {
            Param::Number(_) => Column::new(
                (*p).into(),
                runs.iter()
                    .map(|r| match &r.params[k] {
                        Param::Number(x) => *x,
                        Param::Text(_) => f64::NAN,
                    })
                    .collect::<Vec<f64>>(),
            ),
            Param::Text(_) => Column::new(
                (*p).into(),
                runs.iter()
                    .map(|r| match &r.params[k] {
                        Param::Text(s) => s.clone(),
                        Param::Number(x) => x.to_string(),
                    })
                    .collect::<Vec<String>>(),
            ),
        };
        cols.push(col);
    }
    let last = |r: &SweepRun| r.panels.market.len().checked_sub(1);
    let final_index: Vec<Option<f64>> = runs
        .iter()
        .map(|r| last(r).and_then(|i| r.panels.market.price_index[i]))
        .collect();
    let decline: Vec<Option<f64>> = runs
        .iter()
        .map(|r| {
            let m = &r.panels.market;
            let with: Vec<(u32, f64)> = (0..m.len())
                .filter_map(|i| m.price_index[i].map(|p| (m.round[i], p)))
                .collect();
            match (with.first(), with.last()) {
                (Some(a), Some(b)) => pricewar::metrics::annualised_decline(
                    a.1,
                    b.1,
                    (b.0 - a.0) as f64,
                    rounds_per_year,
                ),
                _ => None,
            }
        })
        .collect();
    cols.push(Column::new("final_price_index".into(), final_index));
    cols.push(Column::new("annualised_price_decline".into(), decline));
    cols.push(Column::new(
        "final_hhi".into(),
        runs.iter()
            .map(|r| last(r).and_then(|i| r.panels.market.hhi[i]))
            .collect::<Vec<Option<f64>>>(),
    ));
    cols.push(Column::new(
        "survivors".into(),
        runs.iter()
            .map(|r| last(r).map_or(0, |i| r.panels.market.active_vendors[i]))
            .collect::<Vec<u32>>(),
    ));
    cols.push(Column::new(
        "cumulative_consumer_surplus".into(),
        runs.iter()
            .map(|r| r.panels.market.consumer_surplus.iter().sum::<f64>())
            .collect::<Vec<f64>>(),
    ));
    let mut vendors: Vec<String> = Vec::new();
    for r in runs {
        for v in &r.panels.vendors.vendor {
            if !vendors.contains(v) {
                vendors.push(v.clone());
            }
        }
    }
    for v in &vendors {
        cols.push(Column::new(
            format!("cumulative_profit:{v}").into(),
            runs.iter()
                .map(|r| {
                    let p = &r.panels.vendors;
                    (0..p.len())
                        .filter(|&i| &p.vendor[i] == v)
                        .map(|i| p.profit[i])
                        .sum::<f64>()
                })
                .collect::<Vec<f64>>(),
        ));
    }
    if runs.iter().all(|r| r.benchmarks.is_some()) {
        cols.push(Column::new(
            "nash_profit".into(),
            runs.iter()
                .map(|r| r.benchmarks.unwrap().0)
                .collect::<Vec<f64>>(),
        ));
        cols.push(Column::new(
            "joint_profit".into(),
            runs.iter()
                .map(|r| r.benchmarks.unwrap().1)
                .collect::<Vec<f64>>(),
        ));
    }
    cols.push(Column::new(
        "final_hhi_products".into(),
        runs.iter()
            .map(|r| last(r).and_then(|i| r.panels.market.hhi_products[i]))
            .collect::<Vec<Option<f64>>>(),
    ));
    let mut firms: Vec<String> = Vec::new();
    for r in runs {
        for f in &r.panels.firms.firm {
            if !firms.contains(f) {
                firms.push(f.clone());
            }
        }
    }
    for f in &firms {
        cols.push(Column::new(
            format!("cumulative_profit_firm:{f}").into(),
            runs.iter()
                .map(|r| {
                    let p = &r.panels.firms;
                    (0..p.len())
                        .filter(|&i| &p.firm[i] == f)
                        .map(|i| p.profit[i])
                        .sum::<f64>()
                })
                .collect::<Vec<f64>>(),
        ));
    }
    DataFrame::new(n, cols).unwrap()
}

/// Plays a sweep of `scenario_file` with the engine: every combination of `grid` values (paths
/// and `--set` values) × `replicates`, each with its own seed, written as a sweep directory.
pub fn engine_sweep(
    dir: &Path,
    scenario_file: &Path,
    base: &[&str],
    grid: &[(&str, &[&str])],
    replicates: u32,
    shards: u64,
) {
    let mut combos: Vec<Vec<(&str, &str)>> = vec![Vec::new()];
    for (path, values) in grid {
        combos = combos
            .into_iter()
            .flat_map(|c| {
                values.iter().map(move |v| {
                    let mut c = c.clone();
                    c.push((*path, *v));
                    c
                })
            })
            .collect();
    }
    let base_overrides: Vec<String> = base.iter().map(|s| s.to_string()).collect();
    let resolved = scenario::load(scenario_file, &base_overrides).unwrap();
    let mut runs = Vec::new();
    for combo in &combos {
        for replicate in 0..replicates {
            let run_id = runs.len() as u64;
            let seed = 1000 + run_id;
            let mut overrides = base_overrides.clone();
            overrides.extend(combo.iter().map(|(p, v)| format!("{p}={v}")));
            overrides.push(format!("seed={seed}"));
            let s = scenario::load(scenario_file, &overrides).unwrap();
            let panels = Simulation::new(&s, run_id).run(|_| {}).panels;
            runs.push(SweepRun {
                run_id,
                replicate,
                seed,
                params: combo.iter().map(|(_, v)| Param::parse(v)).collect(),
                panels,
                benchmarks: None,
            });
        }
    }
    let params: Vec<&str> = grid.iter().map(|(p, _)| *p).collect();
    write_sweep(
        dir,
        &resolved.spec().name,
        &resolved.to_yaml(),
        &params,
        replicates,
        resolved.spec().rounds_per_year,
        &runs,
        shards,
    );
}

/// The sweep the Python and plot tests read: china-2024 for 8 rounds, Qwen-Long's strategy
/// swept over two undercut steps, 3 replicates, 2 shards.
pub fn china_sweep(dir: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    engine_sweep(
        dir,
        &root.join("scenarios/china-2024.yaml"),
        &[
            "rounds=8",
            "vendors[Qwen-Long].strategy={kind: undercut, step: 0.1}",
        ],
        &[("vendors[Qwen-Long].strategy.step", &["0.05", "0.2"])],
        3,
        2,
    );
}

/// Writes a run directory from hand-made panels: the three panels, a `scenario.yaml` with
/// `rounds_per_year`, and a `manifest.json` extended by `manifest_extra` (benchmarks, say).
pub fn write_run(
    dir: &Path,
    panels: &Panels,
    rounds_per_year: f64,
    manifest_extra: serde_json::Value,
) {
    std::fs::create_dir_all(dir).unwrap();
    output::write_parquet(
        &mut output::vendors_frame(&panels.vendors).unwrap(),
        &dir.join("vendors.parquet"),
    )
    .unwrap();
    output::write_parquet(
        &mut output::segments_frame(&panels.segments).unwrap(),
        &dir.join("segments.parquet"),
    )
    .unwrap();
    output::write_parquet(
        &mut output::market_frame(&panels.market).unwrap(),
        &dir.join("market.parquet"),
    )
    .unwrap();
    std::fs::write(
        dir.join("scenario.yaml"),
        format!("name: handmade\nrounds_per_year: {rounds_per_year}\n"),
    )
    .unwrap();
    let mut manifest = serde_json::json!({
        "pricewar_version": env!("CARGO_PKG_VERSION"),
        "scenario": "handmade",
        "seed": 0,
        "rounds": panels.market.len(),
    });
    if let (Some(m), serde_json::Value::Object(extra)) = (manifest.as_object_mut(), manifest_extra)
    {
        m.extend(extra);
    }
    std::fs::write(
        dir.join("manifest.json"),
        serde_json::to_string_pretty(&manifest).unwrap(),
    )
    .unwrap();
}

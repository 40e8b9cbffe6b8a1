//! Same scenario and seed → identical Parquet contents on one thread and on many.

use crate::common::*;
use polars::prelude::*;
use std::path::Path;

const MARKET: &str = r#"
name: determinism
seed: 2024
rounds: 12
vendors:
  - { name: A, model: { quality: 2.0 }, cost: { kind: linear, marginal: 0.5 }, strategy: { kind: undercut, step: 0.05 }, initial_price: 2.0, capacity: { mtok_per_round: 40000 } }
  - { name: B, model: { quality: 1.6 }, cost: { kind: linear, marginal: 0.4 }, strategy: { kind: value_based }, initial_price: 1.5 }
  - { name: C, model: { quality: 1.0 }, cost: { kind: linear, marginal: 0.2 }, strategy: { kind: cost_plus, markup: 0.5 } }
segments:
  - name: enterprise
    agents: 30000
    represents: 10
    price_sensitivity: { dist: lognormal, mu: 0.0, sigma: 0.4 }
    quality_weight: { dist: uniform, low: 0.5, high: 1.5 }
    reservation_price: { dist: gamma, shape: 4, scale: 0.6 }
    base_volume_mtok: { dist: lognormal, mu: 0, sigma: 1 }
    volume: { kind: isoelastic, elasticity: 1.1, reference_price: 1.0, saturation_price: 0.01 }
    choice: { mode: sample, switching_cost: 0.3, review_probability: 0.5 }
    growth: { agents_per_round: 250.5, volume_per_year: 0.5 }
  - name: developers
    agents: 20001
    price_sensitivity: { dist: gamma, shape: 3, scale: 1 }
    quality_weight: 0.8
    choice: { mode: expected, switching_cost: 0.2, review_probability: 0.3 }
events:
  - { kind: open_weight_release, round: 4, quality: 1.5, price: 0.4 }
  - { kind: price_floor, round: 6, until: 9, price: 0.6 }
"#;

fn read(path: &Path) -> DataFrame {
    let f = std::fs::File::open(path).unwrap();
    ParquetReader::new(f).finish().unwrap()
}

#[test]
fn parquet_contents_are_identical_on_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("market.yaml");
    std::fs::write(&file, MARKET).unwrap();
    let mut outs = Vec::new();
    for threads in ["1", "2", "3"] {
        let out = dir.path().join(format!("out{threads}"));
        pricewar()
            .args([
                "run",
                file.to_str().unwrap(),
                "--quiet",
                "--threads",
                threads,
                "--out",
                out.to_str().unwrap(),
            ])
            .assert()
            .success();
        outs.push(out);
    }
    for name in ["vendors.parquet", "segments.parquet", "market.parquet"] {
        let a = read(&outs[0].join(name));
        assert!(a.height() > 0);
        for other in &outs[1..] {
            let b = read(&other.join(name));
            assert!(
                a.equals_missing(&b),
                "{name} differs between thread counts:\n{a}\n{b}"
            );
            assert_eq!(
                std::fs::read(outs[0].join(name)).unwrap(),
                std::fs::read(other.join(name)).unwrap(),
                "{name} bytes differ"
            );
        }
    }
}

#[test]
fn a_different_seed_gives_a_different_run_and_the_same_seed_the_same() {
    let base = scenario(MARKET);
    let again = scenario(MARKET);
    let other =
        pricewar::scenario::from_text(MARKET, Path::new("m.yaml"), &["seed=7".into()]).unwrap();
    let (a, b, c) = (run(&base), run(&again), run(&other));
    assert_eq!(a, b);
    assert_ne!(a.vendors.quantity_mtok, c.vendors.quantity_mtok);
}

use super::*;
use crate::scenario::SampleMethod;
use std::path::Path;

const BASE: &str = "name: t
seed: 5
rounds: 2
vendors:
  - {name: A, model: {quality: 1}, cost: {kind: linear, marginal: 1}, strategy: {kind: undercut, step: 0.1}}
  - {name: B, model: {quality: 1}, cost: {kind: linear, marginal: 1}}
segments:
  - {name: s, agents: 5, price_sensitivity: 1, volume: {kind: isoelastic, elasticity: 1.1, reference_price: 1, saturation_price: 0.01}}
";

fn plan(extra: &str, flags: &SweepOverrides) -> Result<Plan, SweepError> {
    let text = format!("{BASE}{extra}");
    let source = ScenarioSource::from_text(&text, Path::new("t.yaml"), &[]).unwrap();
    Plan::new(source, flags)
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

#[test]
fn grid_times_replicates_in_a_fixed_order_with_the_last_path_fastest() {
    let p = plan(
            "sweep:\n  replicates: 2\n  grid:\n    vendors[A].strategy.step: [0.1, 0.2]\n    segments[0].volume.elasticity: [0.8, 1.1, 1.5]\n",
            &SweepOverrides::default(),
        )
        .unwrap();
    assert_eq!(p.points(), 6);
    assert_eq!(p.runs(), 12);
    let cols: Vec<_> = p.params().iter().map(|x| x.path.as_str()).collect();
    assert_eq!(
        cols,
        ["vendors[A].strategy.step", "segments[0].volume.elasticity"]
    );
    let r = p.run(7); // point 3 = (step 0.2, elasticity 0.8), replicate 1
    assert_eq!((r.point, r.replicate), (3, 1));
    assert_eq!(num(&r.values[0]), 0.2);
    assert_eq!(num(&r.values[1]), 0.8);
    assert_eq!(r.seed, rng::run_seed(5, 7));
    let s = p.scenario_of(&r).unwrap();
    assert_eq!(s.spec().seed, r.seed);
    assert!(s.spec().sweep.is_none());
    match &s.spec().segments[0].volume {
        crate::scenario::VolumeSpec::Isoelastic(v) => assert_eq!(v.elasticity, 0.8),
        other => panic!("{other:?}"),
    }
}

#[test]
fn seeds_come_from_the_master_seed_and_the_run_id_only() {
    let a = plan(
        "sweep: {replicates: 4, seed: 99}\n",
        &SweepOverrides::default(),
    )
    .unwrap();
    let b = plan(
        "sweep: {replicates: 4, seed: 99, grid: {rounds: [3]}}\n",
        &SweepOverrides::default(),
    )
    .unwrap();
    for id in 0..4 {
        assert_eq!(a.run(id).seed, rng::run_seed(99, id));
        assert_eq!(a.run(id).seed, b.run(id).seed);
    }
    let seeds: std::collections::HashSet<u64> = (0..4).map(|i| a.run(i).seed).collect();
    assert_eq!(seeds.len(), 4);
    // Without `sweep.seed`, the scenario's seed is the master seed.
    let c = plan("sweep: {replicates: 2}\n", &SweepOverrides::default()).unwrap();
    assert_eq!(c.master_seed(), 5);
}

#[test]
fn latin_hypercube_puts_one_point_in_every_stratum() {
    let p = plan(
            "sweep:\n  sample:\n    points: 20\n    ranges:\n      vendors[0].initial_price: {low: 1, high: 3}\n      segments[0].volume.elasticity: {low: 0.5, high: 2}\n",
            &SweepOverrides::default(),
        )
        .unwrap();
    assert_eq!(p.runs(), 20);
    for (k, (lo, hi)) in [(1.0, 3.0), (0.5, 2.0)].into_iter().enumerate() {
        let mut strata: Vec<usize> = (0..20)
            .map(|i| {
                let v = num(&p.run(i).values[k]);
                assert!((lo..=hi).contains(&v));
                ((v - lo) / (hi - lo) * 20.0) as usize
            })
            .collect();
        strata.sort();
        assert_eq!(strata, (0..20).collect::<Vec<_>>());
    }
    // The same seed gives the same points.
    let q = plan(
            "sweep:\n  sample:\n    points: 20\n    ranges:\n      vendors[0].initial_price: {low: 1, high: 3}\n      segments[0].volume.elasticity: {low: 0.5, high: 2}\n",
            &SweepOverrides::default(),
        )
        .unwrap();
    assert_eq!(p.run(13), q.run(13));
}

#[test]
fn grid_and_samples_cross() {
    let flags = SweepOverrides {
        grid: vec!["vendors[B].cost.marginal=0.5,1".into()],
        ranges: vec!["vendors[A].initial_price=1..2".into()],
        points: Some(3),
        method: Some(SampleMethod::Random),
        replicates: Some(2),
        ..Default::default()
    };
    let p = plan("", &flags).unwrap();
    assert_eq!((p.points(), p.runs()), (6, 12));
    assert_eq!(num(&p.run(0).values[0]), 0.5);
    assert_eq!(num(&p.run(6).values[0]), 1.0);
    // The same sample points under every grid cell.
    assert_eq!(p.run(1).values[1], p.run(7).values[1]);
}

fn message(extra: &str, flags: &SweepOverrides) -> String {
    match plan(extra, flags) {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    }
}

/// A `sweep:` block with one grid axis (block style: flow maps cannot hold `[` in keys).
fn grid(path: &str, values: &str) -> String {
    format!("sweep:\n  grid:\n    {path}: {values}\n")
}

#[test]
fn bad_settings_say_what_is_wrong() {
    let d = SweepOverrides::default();
    let m = message(&grid("vendors[0].strategy.stpe", "[0.1]"), &d);
    assert!(m.contains("unknown path `vendors[0].strategy.stpe`"), "{m}");
    assert!(m.contains("t.yaml:11"), "{m}");
    let m = message(&grid("vendors[Z].cost.marginal", "[0.1]"), &d);
    assert!(m.contains("no item named `Z`"), "{m}");
    let m = message(&grid("rounds", "[]"), &d);
    assert!(m.contains("no values"), "{m}");
    let m = message(
        "sweep: {sample: {points: 3, ranges: {rounds: {low: 5, high: 2}}}}\n",
        &d,
    );
    assert!(m.contains("low 5 is above high 2"), "{m}");
    let m = message(&grid("vendors[0].strategy.step", "[0.1, 1.5]"), &d);
    assert!(m.contains("1.5"), "{m}");
    assert!(m.contains("(0, 1)"), "{m}");
    let m = message(&grid("vendors[0].initial_price", "[1, .nan]"), &d);
    assert!(m.contains("not a finite number"), "{m}");
    let m = message(&grid("seed", "[1, 2]"), &d);
    assert!(m.contains("sweep.seed"), "{m}");
    let m = message(&grid("vendors[1].name", "[X]"), &d);
    assert!(m.contains("keeps the scenario's vendors"), "{m}");
    let m = message(
        "",
        &SweepOverrides {
            ranges: vec!["rounds=3..1".into()],
            points: Some(2),
            ..Default::default()
        },
    );
    assert!(
        m.starts_with("--range rounds=3..1: low 3 is above high 1"),
        "{m}"
    );
    let m = message(
        "",
        &SweepOverrides {
            grid: vec!["rounds=".into()],
            ..Default::default()
        },
    );
    assert!(m.contains("no values"), "{m}");
}

#[test]
fn optional_keys_left_out_of_the_file_can_be_swept() {
    // `initial_price` of B is not written (its default is twice marginal cost).
    let p = plan(
        &grid("vendors[B].initial_price", "[1, 2]"),
        &SweepOverrides::default(),
    )
    .unwrap();
    assert_eq!(p.runs(), 2);
    assert_eq!(p.params()[0].kind, ParamKind::Number);
    let p = plan(
        &grid(
            "vendors[B].strategy",
            "[{kind: at_cost}, {kind: fixed, price: 2}]",
        ),
        &SweepOverrides::default(),
    )
    .unwrap();
    assert_eq!(p.params()[0].kind, ParamKind::Text);
    assert_eq!(
        Plan::value_text(&p.run(1).values[0]),
        r#"{"kind":"fixed","price":2}"#
    );
}

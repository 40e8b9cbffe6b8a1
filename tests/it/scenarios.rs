//! Every shipped scenario validates and runs, and cites its sources.

use crate::common::*;

fn shipped() -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_shipped_scenario_validates_and_runs_without_nan() {
    let files = shipped();
    assert!(files.len() >= 3, "{files:?}");
    for f in files {
        let full = pricewar::scenario::load(&f, &[]).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            full.warnings().is_empty(),
            "{}: {:?}",
            f.display(),
            full.warnings()
        );
        let s =
            pricewar::scenario::load(&f, &["rounds=4".into()]).unwrap_or_else(|e| panic!("{e}"));
        let p = run(&s);
        assert_all_finite(&p);
        assert_eq!(p.market.len(), 4);
    }
}

#[test]
fn shipped_scenarios_cite_their_sources() {
    for f in shipped() {
        let text = std::fs::read_to_string(&f).unwrap();
        let comments = text
            .lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .count();
        assert!(comments >= 5, "{} explains itself in comments", f.display());
    }
}

//! Helpers shared by the integration tests.

use pricewar::output::Panels;
use pricewar::scenario::{self, Scenario};
use pricewar::sim::Simulation;
use std::path::Path;

/// A checked scenario from YAML text (panics with the error message if it is invalid).
pub fn scenario(yaml: &str) -> Scenario {
    scenario::from_text(yaml, Path::new("test.yaml"), &[]).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs a scenario and returns its panels.
pub fn run(s: &Scenario) -> Panels {
    Simulation::new(s, 0).run(|_| {}).panels
}

/// Every f64 in the panels is finite (nulls are allowed, NaN and infinity are not).
pub fn assert_all_finite(p: &Panels) {
    let v = &p.vendors;
    for col in [
        &v.marginal_cost,
        &v.quality,
        &v.quantity_mtok,
        &v.share,
        &v.revenue,
        &v.variable_cost,
        &v.fixed_cost,
        &v.training_cost,
        &v.profit,
    ] {
        assert!(
            col.iter().all(|x| x.is_finite()),
            "non-finite value in vendors: {col:?}"
        );
    }
    for col in [&v.price, &v.cash, &v.capacity_mtok] {
        assert!(
            col.iter().flatten().all(|x| x.is_finite()),
            "non-finite value in vendors: {col:?}"
        );
    }
    let s = &p.segments;
    for col in [
        &s.customers,
        &s.volume_mtok,
        &s.outside_share,
        &s.consumer_surplus,
        &s.switches,
    ] {
        assert!(
            col.iter().all(|x| x.is_finite()),
            "non-finite value in segments: {col:?}"
        );
    }
    assert!(s.avg_price_paid.iter().flatten().all(|x| x.is_finite()));
    let m = &p.market;
    for col in [
        &m.volume_mtok,
        &m.consumer_surplus,
        &m.producer_surplus,
        &m.welfare,
    ] {
        assert!(
            col.iter().all(|x| x.is_finite()),
            "non-finite value in market: {col:?}"
        );
    }
    for col in [&m.price_index, &m.min_price, &m.hhi] {
        assert!(
            col.iter().flatten().all(|x| x.is_finite()),
            "non-finite value in market: {col:?}"
        );
    }
}

/// The `pricewar` binary.
pub fn pricewar() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("pricewar").expect("the pricewar binary is built")
}

/// The repository root (scenarios live there).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `cmd`, which must fail without panicking, and returns what it printed on stderr.
pub fn failure_stderr(cmd: &mut assert_cmd::Command) -> String {
    let assert = cmd.assert().failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

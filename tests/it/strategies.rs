//! Reactive strategies show their signatures in full runs.

use crate::common::*;

fn price_changes(p: &pricewar::output::Panels, vendor: &str) -> Vec<f64> {
    let v = &p.vendors;
    let prices: Vec<f64> = (0..v.len())
        .filter(|&i| v.vendor[i] == vendor)
        .filter_map(|i| v.price[i])
        .collect();
    prices
        .windows(2)
        .map(|w| w[1] / w[0] - 1.0)
        .filter(|c| c.abs() > 1e-12)
        .collect()
}

/// Edgeworth cycles: most price changes are small cuts, rises are rare and large, and the mean
/// price stays above cost.
#[test]
fn edgeworth_shows_the_cycle_signature() {
    let s = pricewar::scenario::load(
        &root().join("scenarios/edgeworth.yaml"),
        &["rounds=400".into()],
    )
    .unwrap();
    let p = run(&s);
    assert_all_finite(&p);
    for vendor in ["Station A", "Station B"] {
        let ch = price_changes(&p, vendor);
        let cuts: Vec<f64> = ch.iter().filter(|c| **c < 0.0).map(|c| -c).collect();
        let rises: Vec<f64> = ch.iter().filter(|c| **c > 0.0).copied().collect();
        let share_cuts = cuts.len() as f64 / ch.len() as f64;
        let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
        assert!(
            share_cuts > 0.7,
            "{vendor}: {share_cuts} of changes are cuts"
        );
        assert!(!rises.is_empty(), "{vendor}: no relenting");
        assert!(
            mean(&rises) > 4.0 * mean(&cuts),
            "{vendor}: rises {} vs cuts {}",
            mean(&rises),
            mean(&cuts)
        );
    }
    let v = &p.vendors;
    let mean_margin: f64 = (0..v.len())
        .map(|i| v.price[i].unwrap() - v.marginal_cost[i])
        .sum::<f64>()
        / v.len() as f64;
    assert!(mean_margin > 0.0, "mean price above cost");
}

/// Undercutting with ample capacity drives prices to cost; with scarce capacity vendors sell out
/// and prices stay above cost.
#[test]
fn capacity_decides_whether_undercutting_reaches_cost() {
    let market = |cap: &str| {
        scenario(&format!(
            r#"
name: cap
rounds: 80
vendors:
  - {{ name: A, model: {{ quality: 1 }}, cost: {{ kind: linear, marginal: 1 }}, initial_price: 3, strategy: {{ kind: undercut, step: 0.05 }}, capacity: {{ mtok_per_round: {cap} }} }}
  - {{ name: B, model: {{ quality: 1 }}, cost: {{ kind: linear, marginal: 1 }}, initial_price: 3.2, strategy: {{ kind: undercut, step: 0.05 }}, capacity: {{ mtok_per_round: {cap} }} }}
segments:
  - {{ name: all, agents: 100, base_volume_mtok: 10, price_sensitivity: 2, reservation_price: 6, outside_option: false, choice: {{ mode: expected }} }}
"#
        ))
    };
    let ample = run(&market("10000"));
    let scarce = run(&market("300"));
    assert_all_finite(&ample);
    assert_all_finite(&scarce);
    let last = |p: &pricewar::output::Panels| {
        let v = &p.vendors;
        (v.price[v.len() - 2].unwrap(), v.price[v.len() - 1].unwrap())
    };
    let (a, b) = last(&ample);
    assert!(
        (a - 1.0).abs() < 1e-9 && (b - 1.0).abs() < 1e-9,
        "ample: {a}, {b}"
    );
    let (a, b) = last(&scarce);
    assert!(a > 1.5 && b > 1.5, "scarce: {a}, {b}");
    // Demand of 1,000 Mtok meets 600 of capacity: both sell exactly their capacity.
    let v = &scarce.vendors;
    for i in v.len() - 2..v.len() {
        assert!(v.quantity_mtok[i] <= 300.0 * (1.0 + 1e-9));
        assert!(v.demand_mtok[i] >= v.quantity_mtok[i]);
        assert_eq!(v.capacity_mtok[i], Some(300.0));
    }
}

/// Rationed buyers fall back to their next choice: total sales equal demand while the other
/// vendor has room.
#[test]
fn rationed_demand_spills_to_the_next_choice() {
    for mode in ["expected", "sample"] {
        let s = scenario(&format!(
            r#"
name: spill
rounds: 2
vendors:
  - {{ name: Cheap, model: {{ quality: 1 }}, cost: {{ kind: linear, marginal: 0.1 }}, strategy: {{ kind: fixed, price: 0.5 }}, capacity: {{ mtok_per_round: 200 }} }}
  - {{ name: Dear, model: {{ quality: 1 }}, cost: {{ kind: linear, marginal: 0.1 }}, strategy: {{ kind: fixed, price: 1.0 }} }}
segments:
  - {{ name: all, agents: 2000, price_sensitivity: 3, outside_option: false, choice: {{ mode: {mode} }} }}
"#
        ));
        let p = run(&s);
        let v = &p.vendors;
        assert!(
            (v.quantity_mtok[0] - 200.0).abs() < 1e-6,
            "{mode}: Cheap sold {}",
            v.quantity_mtok[0]
        );
        assert!(
            v.demand_mtok[0] > 1000.0,
            "{mode}: demand {}",
            v.demand_mtok[0]
        );
        assert!(
            (v.quantity_mtok[0] + v.quantity_mtok[1] - 2000.0).abs() < 1e-6,
            "{mode}: everyone is served"
        );
    }
}

/// Penetration pricing below cost burns cash; a vendor that runs out exits.
#[test]
fn penetration_below_cost_until_the_cash_runs_out() {
    let s = scenario(
        r#"
name: pen
rounds: 12
vendors:
  - name: Entrant
    model: { quality: 1 }
    cost: { kind: linear, marginal: 1 }
    strategy: { kind: penetration, rounds: 6, markup: -0.5, then: { kind: cost_plus, markup: 0.2 } }
    finances: { cash: 50 }
  - { name: Incumbent, model: { quality: 1 }, cost: { kind: linear, marginal: 1 }, strategy: { kind: fixed, price: 1.5 } }
segments:
  - { name: all, agents: 100, base_volume_mtok: 1, price_sensitivity: 2, choice: { mode: expected } }
"#,
    );
    let p = run(&s);
    let v = &p.vendors;
    let entrant: Vec<usize> = (0..v.len()).filter(|&i| v.vendor[i] == "Entrant").collect();
    assert!((v.price[entrant[0]].unwrap() - 0.5).abs() < 1e-12);
    assert!(v.profit[entrant[0]] < 0.0);
    let exit = entrant
        .iter()
        .position(|&i| !v.active[i])
        .expect("the entrant runs out of cash");
    assert!(exit <= 6, "exits during penetration, round {exit}");
}

/// Tit for tat copies the rival's last price, up and down.
#[test]
fn tit_for_tat_follows_its_rival() {
    let s = scenario(
        r#"
name: tft
rounds: 6
vendors:
  - { name: Copier, model: { quality: 1 }, cost: { kind: linear, marginal: 1 }, initial_price: 5, strategy: { kind: tit_for_tat } }
  - name: Leader
    model: { quality: 1 }
    cost: { kind: linear, marginal: 1 }
    strategy: { kind: scripted, steps: [{ round: 0, price: 3 }, { round: 2, price: 2 }, { round: 4, price: 4 }] }
segments:
  - { name: all, agents: 10, price_sensitivity: 1, choice: { mode: expected } }
"#,
    );
    let p = run(&s);
    let copier: Vec<f64> = (0..p.vendors.len())
        .filter(|&i| p.vendors.vendor[i] == "Copier")
        .map(|i| p.vendors.price[i].unwrap())
        .collect();
    // Round 0 copies the leader's initial price (twice its cost: 2), then lags it by a round.
    assert_eq!(copier, vec![2.0, 3.0, 3.0, 2.0, 2.0, 4.0]);
}

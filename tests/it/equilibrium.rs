//! Benchmarks computed by the engine reproduce the closed forms of theory.

use crate::common::*;
use pricewar::equilibrium::{
    DemandModel, LinearSystem, Owners, monopoly_price, nash_prices, solve_benchmarks,
};

/// Three vendors with different costs and qualities, one representative buyer (μ = 1/α = 0.25).
const LOGIT: &str = r#"
name: logit3
rounds: 1
vendors:
  - { name: A, model: { quality: 2.0 }, cost: { kind: linear, marginal: 1.0 } }
  - { name: B, model: { quality: 1.8 }, cost: { kind: linear, marginal: 0.8 } }
  - { name: C, model: { quality: 1.5 }, cost: { kind: linear, marginal: 0.5 } }
segments:
  - { name: market, agents: 1, price_sensitivity: 4, quality_weight: 4, choice: { mode: expected } }
"#;

fn logit_benchmarks() -> (pricewar::equilibrium::Benchmarks, Vec<f64>) {
    let s = scenario(LOGIT);
    let oracle = pricewar::sim::Simulation::new(&s, 0).demand_oracle();
    let costs = vec![1.0, 0.8, 0.5];
    let b = solve_benchmarks(
        &oracle,
        0,
        vec!["A".into(), "B".into(), "C".into()],
        1,
        &costs,
        &[true; 3],
        &[false; 3],
        &[None; 3],
        &[],
        &Owners::separate(3),
        None,
    );
    (b, costs)
}

#[test]
fn logit_nash_prices_satisfy_p_equals_c_plus_mu_over_one_minus_s() {
    let (b, costs) = logit_benchmarks();
    let nash = b.nash.expect("Nash exists");
    assert!(nash.converged);
    let mu = 0.25;
    for (j, &c) in costs.iter().enumerate() {
        let p = nash.prices[j].unwrap();
        let s = nash.quantities[j];
        let gap = p - (c + mu / (1.0 - s));
        assert!(
            gap.abs() < 1e-9,
            "vendor {j}: p = {p}, c + μ/(1 − s) = {}",
            c + mu / (1.0 - s)
        );
    }
}

#[test]
fn joint_profit_prices_have_markup_mu_over_s0() {
    let (b, costs) = logit_benchmarks();
    let joint = b.joint.expect("joint optimum exists");
    assert!(joint.converged);
    let s0 = 1.0 - joint.quantities.iter().sum::<f64>();
    for (j, &c) in costs.iter().enumerate() {
        let markup = joint.prices[j].unwrap() - c;
        assert!(
            (markup - 0.25 / s0).abs() < 1e-9,
            "vendor {j}: markup {markup}, μ/s0 = {}",
            0.25 / s0
        );
    }
    // Joint profit beats Nash profit, which beats nothing.
    assert!(joint.industry_profit > b.nash.unwrap().industry_profit);
}

#[test]
fn linear_monopoly_price_is_a_plus_bc_over_2b() {
    // The textbook scenario's demand D = 1000 − 5p, c = 10, computed from its simulated buyer.
    let s = pricewar::scenario::load(&root().join("scenarios/textbook.yaml"), &[]).unwrap();
    let p = monopoly_price(
        &pricewar::sim::Simulation::new(&s, 0).demand_oracle(),
        0,
        10.0,
    )
    .unwrap();
    assert!(
        (p - (1000.0 + 5.0 * 10.0) / (2.0 * 5.0)).abs() < 1e-9,
        "{p}"
    );
}

#[test]
fn differentiated_linear_bertrand_nash_is_a_plus_bc_over_2b_minus_d() {
    for (a, b, d, c) in [
        (100.0, 2.0, 1.0, 10.0),
        (50.0, 1.0, 0.4, 3.0),
        (10.0, 3.0, 2.5, 0.0),
    ] {
        let m = LinearSystem {
            vendors: 2,
            intercept: a,
            own_slope: b,
            cross_slope: d,
        };
        let sol = nash_prices(
            &m,
            &[c, c],
            &[true, true],
            &[true, true],
            &[None, None],
            &[c, c],
        )
        .unwrap();
        let closed = (a + b * c) / (2.0 * b - d);
        for p in sol.prices {
            assert!(
                (p - closed).abs() < 1e-9 * closed.max(1.0),
                "{p} vs {closed}"
            );
        }
        assert_eq!(m.vendors(), 2);
    }
}

#[test]
fn isoelastic_monopoly_markup_is_c_epsilon_over_epsilon_minus_one() {
    for eps in [1.1, 1.5, 2.5, 4.0] {
        let s = scenario(&format!(
            r#"
name: iso
rounds: 1
vendors:
  - {{ name: M, model: {{ quality: 0 }}, cost: {{ kind: linear, marginal: 2.0 }} }}
segments:
  - name: market
    agents: 1
    price_sensitivity: 1
    base_volume_mtok: 1000
    outside_option: false
    volume: {{ kind: isoelastic, elasticity: {eps}, reference_price: 1.0, saturation_price: 0.01 }}
    choice: {{ mode: expected }}
"#
        ));
        let p = monopoly_price(
            &pricewar::sim::Simulation::new(&s, 0).demand_oracle(),
            0,
            2.0,
        )
        .unwrap();
        let closed = 2.0 * eps / (eps - 1.0);
        assert!(
            (p / closed - 1.0).abs() < 1e-9,
            "ε = {eps}: {p} vs {closed}"
        );
    }
}

#[test]
fn inelastic_monopoly_has_no_finite_price() {
    let s = scenario(
        r#"
name: inelastic
rounds: 1
vendors:
  - { name: M, model: { quality: 0 }, cost: { kind: linear, marginal: 2.0 } }
segments:
  - name: market
    agents: 1
    price_sensitivity: 1
    outside_option: false
    volume: { kind: isoelastic, elasticity: 0.8, reference_price: 1.0, saturation_price: 0.01 }
    choice: { mode: expected }
"#,
    );
    assert_eq!(
        monopoly_price(
            &pricewar::sim::Simulation::new(&s, 0).demand_oracle(),
            0,
            2.0
        ),
        None
    );
    // A run still works and its manifest benchmark is simply absent.
    let p = run(&s);
    assert_all_finite(&p);
}

#[test]
fn best_response_dynamics_converge_to_the_computed_nash_prices() {
    let yaml = LOGIT.replace("rounds: 1", "rounds: 40").replace(
        "cost: { kind: linear, marginal: 1.0 } }",
        "cost: { kind: linear, marginal: 1.0 }, strategy: { kind: best_response }, initial_price: 3 }",
    );
    let yaml = yaml
        .replace("marginal: 0.8 } }", "marginal: 0.8 }, strategy: { kind: best_response }, initial_price: 1 }")
        .replace("marginal: 0.5 } }", "marginal: 0.5 }, strategy: { kind: best_response, smoothing: 0.7 }, initial_price: 2 }");
    let s = scenario(&yaml);
    let result = pricewar::sim::Simulation::new(&s, 0).run(|_| {});
    let nash = result.benchmarks.last().unwrap().nash.clone().unwrap();
    let v = &result.panels.vendors;
    for j in 0..3 {
        let last = v.price[v.len() - 3 + j].unwrap();
        let target = nash.prices[j].unwrap();
        assert!(
            (last - target).abs() < 1e-9,
            "vendor {j}: {last} vs Nash {target}"
        );
    }
    // It got there by responding: round 0 is the best response to the initial prices, not Nash.
    assert!((v.price[0].unwrap() - nash.prices[0].unwrap()).abs() > 1e-6);
}

fn benchmarks_of(yaml: &str) -> Vec<pricewar::equilibrium::Benchmarks> {
    pricewar::sim::Simulation::new(&scenario(yaml), 0)
        .run(|_| {})
        .benchmarks
}

/// Buyers who pay at most 10 and no outside option: the logit Nash markup μ/(1 − s) = 20 would
/// price everyone out, so every benchmark sits at the reservation price itself (where buyers
/// still buy), and best-responding vendors post it and sell.
#[test]
fn a_reservation_price_below_the_smooth_optimum_is_the_benchmark() {
    let yaml = r#"
name: cutoff
rounds: 4
vendors:
  - { name: A, model: { quality: 1 }, cost: { kind: linear, marginal: 1 }, initial_price: 2, strategy: { kind: best_response } }
  - { name: B, model: { quality: 1 }, cost: { kind: linear, marginal: 1 }, initial_price: 2, strategy: { kind: best_response } }
segments:
  - { name: s, agents: 100, price_sensitivity: 0.1, reservation_price: 10, outside_option: false, choice: { mode: expected } }
"#;
    for b in benchmarks_of(yaml) {
        assert_eq!(b.nash.as_ref().unwrap().prices, vec![Some(10.0); 2]);
        assert_eq!(b.joint.as_ref().unwrap().prices, vec![Some(10.0); 2]);
        assert_eq!(b.monopoly_prices, vec![Some(10.0), Some(10.0)]);
        assert!(
            b.nash
                .as_ref()
                .unwrap()
                .quantities
                .iter()
                .all(|&q| (q - 50.0).abs() < 1e-9)
        );
    }
    let p = run(&scenario(yaml));
    let last = p.vendors.len() - 2;
    for i in last..last + 2 {
        assert_eq!(p.vendors.price[i], Some(10.0));
        assert!((p.vendors.quantity_mtok[i] - 50.0).abs() < 1e-9);
    }
}

/// Tight capacities and buyers who must buy: every vendor can always raise its price, so no
/// equilibrium exists. The solver says so (null) instead of iterating for minutes.
#[test]
fn no_nash_equilibrium_with_tight_capacities_and_captive_buyers_is_null() {
    let yaml = r#"
name: captive
rounds: 2
vendors:
  - { name: A, model: { quality: 1 }, cost: { kind: linear, marginal: 0.1 }, capacity: { mtok_per_round: 0.001 } }
  - { name: B, model: { quality: 1 }, cost: { kind: linear, marginal: 0.1 }, capacity: { mtok_per_round: 0.001 } }
  - { name: C, model: { quality: 1 }, cost: { kind: linear, marginal: 0.1 }, capacity: { mtok_per_round: 0.001 } }
segments:
  - { name: s, agents: 10, price_sensitivity: 1, outside_option: false, choice: { mode: expected } }
"#;
    let b = benchmarks_of(yaml);
    assert_eq!(b.len(), 2);
    assert!(b.iter().all(|b| b.nash.is_none()), "{b:?}");
}

/// The first round's benchmarks are those of round 0 as played: with the capacity of 20 Mtok a
/// round-0 event gives it, a monopolist facing q = 100 − 2p prices at 40 (where q = 20), not at
/// the unconstrained 30.
#[test]
fn first_round_benchmarks_see_the_market_of_round_zero() {
    let yaml = r#"
name: capped
rounds: 3
vendors:
  - { name: M, model: { quality: 1 }, cost: { kind: linear, marginal: 10 }, strategy: { kind: best_response } }
segments:
  - { name: s, agents: 1, price_sensitivity: 1, base_volume_mtok: 100, volume: { kind: linear, choke_price: 50 }, outside_option: false, choice: { mode: expected } }
events:
  - { kind: capacity, round: 0, vendor: M, mtok_per_round: 20 }
"#;
    let b = benchmarks_of(yaml);
    assert_eq!((b[0].round, b[1].round), (0, 2));
    for b in &b {
        let nash = b.nash.as_ref().unwrap();
        assert!((nash.prices[0].unwrap() - 40.0).abs() < 1e-9, "{nash:?}");
        assert!((nash.quantities[0] - 20.0).abs() < 1e-9);
    }
}

/// The oracle's own-price curve (what every best response and joint-profit step solves on)
/// agrees with its quantities, computed separately, and with their numerical derivatives: in a
/// market with two segments, linear and isoelastic volume demand,
/// a captive segment, a self-hosting alternative and reservation prices.
#[test]
fn the_oracles_own_price_curve_agrees_with_its_quantities_and_their_slopes() {
    let yaml = r#"
name: mixed
rounds: 1
outside_option: { self_host: { quality: 1.2, price: 0.9 } }
vendors:
  - { name: A, model: { quality: 2.0 }, cost: { kind: linear, marginal: 0.6 } }
  - { name: B, model: { quality: 1.7 }, cost: { kind: linear, marginal: 0.4 } }
  - { name: C, model: { quality: 1.4 }, cost: { kind: linear, marginal: 0.3 } }
segments:
  - name: devs
    agents: 37
    price_sensitivity: { dist: lognormal, mu: 0.3, sigma: 0.5 }
    quality_weight: { dist: uniform, low: 0.5, high: 2.5 }
    base_volume_mtok: { dist: lognormal, mu: 0, sigma: 1 }
    reservation_price: { dist: uniform, low: 1.5, high: 4.0 }
    volume: { kind: linear, choke_price: 5.0 }
  - name: firms
    agents: 29
    represents: 3
    price_sensitivity: { dist: lognormal, mu: -0.5, sigma: 0.3 }
    quality_weight: 1.5
    volume: { kind: isoelastic, elasticity: 1.3, reference_price: 1.0, saturation_price: 0.05 }
    outside_option: false
"#;
    let oracle = pricewar::sim::Simulation::new(&scenario(yaml), 0).demand_oracle();
    let costs = [0.6, 0.4, 0.3];
    let offered = [true; 3];
    let base = [1.3, 1.1, 0.8];
    let rivals_margin = |prices: &[f64], i: usize| -> f64 {
        let q = oracle.quantities(prices, &offered);
        (0..3)
            .filter(|&j| j != i)
            .map(|j| (prices[j] - costs[j]) * q[j])
            .sum()
    };
    let mut skipped = 0;
    for i in 0..3 {
        let curve = oracle.curve(i, &base, &costs, &offered);
        for p in [0.35, 0.9, 1.45, 2.2, 3.3] {
            let at = |x: f64| {
                let mut prices = base;
                prices[i] = x;
                prices
            };
            let point = pricewar::equilibrium::OwnPriceCurve::at(&curve, p);
            let q = oracle.quantities(&at(p), &offered)[i];
            assert!(
                (point.q - q).abs() <= 1e-12 * q.abs().max(1e-12),
                "{i} {p}: {} vs {q}",
                point.q
            );
            // Central differences, away from the reservation prices' jumps.
            let h = 1e-6;
            let dq = (oracle.quantities(&at(p + h), &offered)[i]
                - oracle.quantities(&at(p - h), &offered)[i])
                / (2.0 * h);
            let dm = (rivals_margin(&at(p + h), i) - rivals_margin(&at(p - h), i)) / (2.0 * h);
            let crosses_a_kink = (oracle.quantities(&at(p + h), &offered)[i] - q).abs()
                > 1e3 * h * (point.dq.abs() + 1.0);
            if crosses_a_kink {
                skipped += 1;
                continue;
            }
            assert!(
                (point.dq - dq).abs() <= 1e-5 * dq.abs().max(1.0),
                "{i} {p}: dq {} vs {dq}",
                point.dq
            );
            assert!(
                (point.rivals_margin_slope - dm).abs() <= 1e-5 * dm.abs().max(1.0),
                "{i} {p}: rivals {} vs {dm}",
                point.rivals_margin_slope
            );
        }
    }
    assert!(skipped <= 2, "{skipped} of 15 points skipped");
}

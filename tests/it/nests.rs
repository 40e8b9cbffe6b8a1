//! Nested logit: shares, surplus and the Bertrand-Nash prices against closed forms; λ = 1 is
//! plain logit to the bit; nests work in both choice modes, with switching costs, and in the
//! merger simulation.

use crate::common::*;
use pricewar::sim::Simulation;

/// Two closed models A and B nested (λ given), an open host C alone, the outside option alone;
/// one buyer type (α = 0.8, θ = 1), fixed volume, fixed prices.
fn market(nests: &str, mode: &str, extra_segment: &str) -> String {
    format!(
        r#"
name: nested
rounds: 3
seed: 5
vendors:
  - {{ name: A, model: {{ quality: 2.0 }}, cost: {{ kind: linear, marginal: 0.5 }}, strategy: {{ kind: fixed, price: 1.2 }} }}
  - {{ name: B, model: {{ quality: 1.7 }}, cost: {{ kind: linear, marginal: 0.5 }}, strategy: {{ kind: fixed, price: 0.9 }} }}
  - {{ name: C, model: {{ quality: 1.1 }}, cost: {{ kind: linear, marginal: 0.2 }}, strategy: {{ kind: fixed, price: 0.4 }} }}
segments:
  - {{ name: all, agents: 4, price_sensitivity: 0.8, quality_weight: 1, choice: {{ mode: {mode} {extra_segment} }} }}
{nests}
"#
    )
}

/// Nested-logit shares (A, B in one nest of λ; C and the outside option alone) and log-sum.
fn closed_form(lambda: f64) -> ([f64; 3], f64) {
    let u = [2.0 - 0.8 * 1.2, 1.7 - 0.8 * 0.9, 1.1 - 0.8 * 0.4];
    let s_ab = (u[0] / lambda).exp() + (u[1] / lambda).exp();
    let v_ab = lambda * s_ab.ln();
    let total = v_ab.exp() + u[2].exp() + 1.0;
    let p_ab = v_ab.exp() / total;
    (
        [
            p_ab * (u[0] / lambda).exp() / s_ab,
            p_ab * (u[1] / lambda).exp() / s_ab,
            u[2].exp() / total,
        ],
        total.ln(),
    )
}

#[test]
fn expected_mode_shares_and_surplus_meet_the_nested_logit_closed_form() {
    let s = scenario(&market(
        "nests:\n  - { name: closed, lambda: 0.45, members: [A, B] }",
        "expected",
        "",
    ));
    let p = run(&s);
    let (shares, logsum) = closed_form(0.45);
    for (j, &share) in shares.iter().enumerate() {
        let q = p.vendors.quantity_mtok[j] / 4.0;
        assert!((q - share).abs() < 1e-12, "{j}: {q} vs {share}");
    }
    let outside = p.segments.outside_share[0];
    assert!((outside + shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    // Surplus per customer: (1/α)·ln Σ_g exp(λ_g·I_g).
    let cs = p.segments.consumer_surplus[0] / 4.0;
    assert!(
        (cs - logsum / 0.8).abs() < 1e-12,
        "{cs} vs {}",
        logsum / 0.8
    );
    // A nest of close substitutes takes less from the outside option than plain logit would.
    let plain = run(&scenario(&market("", "expected", "")));
    assert!(p.segments.outside_share[0] > plain.segments.outside_share[0]);
}

#[test]
fn unit_lambda_is_plain_logit_to_the_bit() {
    for (mode, extra) in [
        ("expected", ""),
        ("sample", ""),
        ("expected", ", switching_cost: 0.4, review_probability: 0.7"),
        ("sample", ", switching_cost: 0.4, review_probability: 0.7"),
    ] {
        let plain = run(&scenario(&market("", mode, extra)));
        let nested = run(&scenario(&market(
            "nests:\n  - { name: closed, lambda: 1, members: [A, B] }\n  - { name: rest, lambda: 1.0, members: [C, outside] }",
            mode,
            extra,
        )));
        assert_eq!(plain.vendors.quantity_mtok, nested.vendors.quantity_mtok);
        assert_eq!(
            plain.market.consumer_surplus,
            nested.market.consumer_surplus
        );
        assert_eq!(plain.segments.switches, nested.segments.switches);
    }
}

/// Sampled nested choices converge to the expected ones; with switching costs and inertia both
/// modes follow the same process.
#[test]
fn sample_mode_follows_the_nested_shares_with_and_without_frictions() {
    let nests = "nests:\n  - { name: closed, lambda: 0.4, members: [A, B] }";
    for extra in ["", ", switching_cost: 0.5, review_probability: 0.6"] {
        let big = |mode: &str| market(nests, mode, extra).replace("agents: 4", "agents: 200000");
        let e = run(&scenario(&big("expected")));
        let s = run(&scenario(&big("sample")));
        for (k, (a, b)) in e.vendors.share.iter().zip(&s.vendors.share).enumerate() {
            assert!(
                (a - b).abs() < 6e-3,
                "row {k} ({extra}): expected {a}, sampled {b}"
            );
        }
        let (ce, cs) = (&e.market.consumer_surplus, &s.market.consumer_surplus);
        for r in 0..ce.len() {
            assert!(
                (ce[r] - cs[r]).abs() < 5e-3 * ce[r].abs(),
                "{extra}: {ce:?} vs {cs:?}"
            );
        }
    }
}

/// Symmetric single-product firms, two nested (λ), a third alone, homogeneous α: the engine's
/// Nash prices satisfy p_j − c = 1/(α·(1/λ − (1 − λ)/λ·s_{j|g} − s_j)) for the nested pair and
/// p − c = 1/(α(1 − s)) for the one alone.
#[test]
fn the_nash_benchmark_meets_the_nested_logit_first_order_conditions() {
    let lambda = 0.5;
    let yaml = format!(
        r#"
name: nested-nash
rounds: 40
vendors:
  - {{ name: A, model: {{ quality: 2.0 }}, cost: {{ kind: linear, marginal: 1.0 }}, initial_price: 3, strategy: {{ kind: best_response, smoothing: 0.5 }} }}
  - {{ name: B, model: {{ quality: 2.0 }}, cost: {{ kind: linear, marginal: 1.0 }}, initial_price: 3, strategy: {{ kind: best_response, smoothing: 0.5 }} }}
  - {{ name: C, model: {{ quality: 2.0 }}, cost: {{ kind: linear, marginal: 1.0 }}, initial_price: 3, strategy: {{ kind: best_response, smoothing: 0.5 }} }}
segments:
  - {{ name: all, agents: 10, price_sensitivity: 0.7, quality_weight: 1, choice: {{ mode: expected }} }}
nests:
  - {{ name: pair, lambda: {lambda}, members: [A, B] }}
"#
    );
    let result = Simulation::new(&scenario(&yaml), 0).run(|_| {});
    let nash = result.benchmarks.last().unwrap().nash.clone().unwrap();
    let p: Vec<f64> = nash.prices.iter().map(|p| p.unwrap()).collect();
    let alpha = 0.7;
    let u: Vec<f64> = p.iter().map(|&x| 2.0 - alpha * x).collect();
    let s_g = (u[0] / lambda).exp() + (u[1] / lambda).exp();
    let v_g = lambda * s_g.ln();
    let total = v_g.exp() + u[2].exp() + 1.0;
    let within = (u[0] / lambda).exp() / s_g;
    let s_a = v_g.exp() / total * within;
    let s_c = u[2].exp() / total;
    let nested = 1.0 / (alpha * (1.0 / lambda - (1.0 - lambda) / lambda * within - s_a));
    let alone = 1.0 / (alpha * (1.0 - s_c));
    assert!((p[0] - p[1]).abs() < 1e-6, "symmetric pair: {p:?}");
    assert!(
        (p[0] - 1.0 - nested).abs() < 1e-6 * nested,
        "{} vs {nested}",
        p[0] - 1.0
    );
    assert!(
        (p[2] - 1.0 - alone).abs() < 1e-6 * alone,
        "{} vs {alone}",
        p[2] - 1.0
    );
    // Close substitutes compete harder: the nested pair prices below the product alone.
    assert!(p[0] < p[2]);
    // Best responses against the nested demand converge to these prices.
    let v = &result.panels.vendors;
    let last = v.round.iter().copied().max().unwrap();
    for (j, name) in ["A", "B", "C"].iter().enumerate() {
        let i = (0..v.len())
            .find(|&i| v.round[i] == last && v.vendor[i] == *name)
            .unwrap();
        let got = v.price[i].unwrap();
        assert!(
            (got - p[j]).abs() < 1e-5 * p[j],
            "{name}: {got} vs {}",
            p[j]
        );
    }
}

/// A merger of the two nested products raises their prices more than it would if they were
/// distant substitutes (plain logit), and more than the rival's.
#[test]
fn a_merger_within_a_nest_raises_prices_more_than_across_nests() {
    let yaml = |nests: &str| {
        format!(
            r#"
name: nested-merger
rounds: 6
vendors:
  - {{ name: A, model: {{ quality: 2.0 }}, cost: {{ kind: linear, marginal: 1.0 }}, initial_price: 3, strategy: {{ kind: best_response }} }}
  - {{ name: B, model: {{ quality: 2.0 }}, cost: {{ kind: linear, marginal: 1.0 }}, initial_price: 3, strategy: {{ kind: best_response }} }}
  - {{ name: C, model: {{ quality: 2.0 }}, cost: {{ kind: linear, marginal: 1.0 }}, initial_price: 3, strategy: {{ kind: best_response }} }}
segments:
  - {{ name: all, agents: 10, price_sensitivity: 0.7, quality_weight: 1, choice: {{ mode: expected }} }}
events:
  - {{ kind: merger, round: 3, vendors: [A, B], owner: AB }}
{nests}
"#
        )
    };
    let effect = |nests: &str| {
        let r = Simulation::new(&scenario(&yaml(nests)), 0).run(|_| {});
        let m = r.mergers.first().expect("a merger simulation").clone();
        let pre: Vec<f64> = m
            .before
            .unwrap()
            .prices
            .iter()
            .map(|p| p.unwrap())
            .collect();
        let post: Vec<f64> = m.after.unwrap().prices.iter().map(|p| p.unwrap()).collect();
        assert!(m.consumer_surplus_after.unwrap() < m.consumer_surplus_before.unwrap());
        (post[0] / pre[0] - 1.0, post[2] / pre[2] - 1.0)
    };
    let (nested_a, nested_c) = effect("nests:\n  - { name: pair, lambda: 0.5, members: [A, B] }");
    let (plain_a, plain_c) = effect("");
    assert!(nested_a > plain_a, "{nested_a} vs {plain_a}");
    assert!(nested_a > nested_c && plain_a > plain_c);
    assert!(nested_c > 0.0);
}

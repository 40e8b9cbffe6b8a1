//! Closed forms the engine must reproduce.

use crate::common::*;
use pricewar::cost::CostDrivers;
use pricewar::equilibrium::monopoly_price;
use pricewar::scenario::{self, CostSpec};

/// DeepSeek-V3 (technical report): 37B active parameters, 14.8T tokens, 2.788M H800 GPU-hours,
/// about $5.6M at $2 per GPU-hour. With 6·N·D FLOPs and 989 TFLOP/s per GPU the reported hours
/// pin the MFU at 33.1%; the engine's compute curve must give the same hours and cost.
#[test]
fn compute_costs_reproduce_deepseek_v3_training_by_hand() {
    let s = scenario(
        r#"
name: dsv3
rounds: 1
vendors:
  - name: DeepSeek
    model: { quality: 1, total_params: 671e9, active_params: 37e9, training_tokens: 14.8e12 }
    cost: { kind: compute, gpu_hour_usd: 2.0, peak_flops: 989e12, training_mfu: 0.331, serving_utilisation: 0.4 }
segments:
  - { name: all, agents: 1, price_sensitivity: 1 }
"#,
    );
    let v = &s.spec().vendors[0];
    let curve = v.cost.build(&v.model, 12.0, 0);
    let d = CostDrivers::default();
    let flops: f64 = 6.0 * 37e9 * 14.8e12;
    let hours = flops / (989e12 * 0.331 * 3600.0);
    assert!((hours / 2.788e6 - 1.0).abs() < 0.005, "{hours} GPU-hours");
    assert!((curve.training_cost(&d) - hours * 2.0).abs() < 1e-6);
    assert!((curve.training_cost(&d) / 5.576e6 - 1.0).abs() < 0.005);
    // Serving: 0.4 × 989e12 / (2 × 37e9) tokens/s per GPU; $2/h over that, per Mtok.
    let tps = 0.4 * 989e12 / (2.0 * 37e9);
    assert!((curve.marginal_cost(&d, 0.0) - 2.0 * 1e6 / (3600.0 * tps)).abs() < 1e-12);
    assert!(matches!(v.cost, CostSpec::Compute(_)));
}

/// The textbook market D = 1000 − 5p, C = 10q: monopoly price (a + b·c)/(2b) = 105. The engine's
/// own monopoly benchmark (maximising profit against the simulated buyers' demand) and the
/// `value_based` vendor's learned price must both find it within 0.1%.
#[test]
fn value_based_finds_the_monopoly_price_of_linear_demand() {
    let s = scenario::load(&root().join("scenarios/textbook.yaml"), &[]).unwrap();
    let (a, b, c) = (1000.0, 5.0, 10.0);
    let closed_form = (a + b * c) / (2.0 * b);
    let benchmark = monopoly_price(&pricewar::sim::Simulation::new(&s, 0).demand_oracle(), 0, c)
        .expect("bounded");
    assert!(
        (benchmark / closed_form - 1.0).abs() < 1e-6,
        "engine benchmark {benchmark} vs {closed_form}"
    );
    let p = run(&s);
    let last = *p.vendors.price.last().unwrap();
    let last = last.expect("the vendor is in the market");
    assert!(
        (last / benchmark - 1.0).abs() < 1e-3,
        "value_based settled at {last}, monopoly price {benchmark}"
    );
    // And its profit is the monopoly profit (105 − 10)(1000 − 525) = 45,125 USD per round.
    let profit = *p.vendors.profit.last().unwrap();
    assert!((profit / 45_125.0 - 1.0).abs() < 1e-3, "profit {profit}");
}

/// A logit market in expected mode: each vendor's share is the analytic logit probability,
/// and shares with the outside option sum to one.
#[test]
fn expected_mode_run_gives_analytic_logit_shares() {
    let s = scenario(
        r#"
name: logit
rounds: 2
vendors:
  - { name: A, model: { quality: 2.0 }, cost: { kind: linear, marginal: 0.5 }, strategy: { kind: fixed, price: 1.0 } }
  - { name: B, model: { quality: 1.5 }, cost: { kind: linear, marginal: 0.5 }, strategy: { kind: fixed, price: 0.6 } }
segments:
  - name: all
    agents: 3
    price_sensitivity: 2.0
    quality_weight: 1.2
    choice: { mode: expected }
"#,
    );
    let p = run(&s);
    let ea = (1.2f64 * 2.0 - 2.0 * 1.0).exp();
    let eb = (1.2f64 * 1.5 - 2.0 * 0.6).exp();
    let total = ea + eb + 1.0;
    let qa = p.vendors.quantity_mtok[0] / 3.0;
    let qb = p.vendors.quantity_mtok[1] / 3.0;
    assert!((qa - ea / total).abs() < 1e-12, "{qa} vs {}", ea / total);
    assert!((qb - eb / total).abs() < 1e-12);
    let outside = p.segments.outside_share[0];
    assert!((qa + qb + outside - 1.0).abs() < 1e-12);
    // Consumer surplus per customer: (1/α) ln Σ exp(u), outside option included.
    let cs = p.segments.consumer_surplus[0] / 3.0;
    assert!((cs - total.ln() / 2.0).abs() < 1e-12);
}

/// Sampled choices converge to the expected ones as the population grows.
#[test]
fn sample_mode_converges_to_expected_shares() {
    let yaml = |agents: u32, mode: &str| {
        format!(
            r#"
name: conv
rounds: 1
seed: 11
vendors:
  - {{ name: A, model: {{ quality: 2.0 }}, cost: {{ kind: linear, marginal: 0.5 }}, strategy: {{ kind: fixed, price: 1.0 }} }}
  - {{ name: B, model: {{ quality: 1.5 }}, cost: {{ kind: linear, marginal: 0.5 }}, strategy: {{ kind: fixed, price: 0.6 }} }}
segments:
  - name: all
    agents: {agents}
    price_sensitivity: {{ dist: lognormal, mu: 0.5, sigma: 0.3 }}
    quality_weight: 1.2
    choice: {{ mode: {mode} }}
"#
        )
    };
    let expected = run(&scenario(&yaml(400_000, "expected")));
    let big = run(&scenario(&yaml(400_000, "sample")));
    let small = run(&scenario(&yaml(400, "sample")));
    let small_x = run(&scenario(&yaml(400, "expected")));
    for j in 0..2 {
        let e = expected.vendors.share[j];
        let err_big = (big.vendors.share[j] - e).abs();
        // Binomial standard error of a share with 400,000 draws is below 8e-4.
        assert!(
            err_big < 4e-3,
            "vendor {j}: sampled {} vs expected {e}",
            big.vendors.share[j]
        );
        let err_small = (small.vendors.share[j] - small_x.vendors.share[j]).abs();
        assert!(
            err_big <= err_small.max(2e-3),
            "error does not shrink: {err_big} vs {err_small}"
        );
    }
}

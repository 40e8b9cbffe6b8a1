//! Each event kind changes what it should, at the round it names, and nothing else.

use crate::common::*;
use pricewar::output::Panels;

/// Fixed prices and noise-free buyers, so that any difference between two runs is the event's.
const BASE: &str = r#"
name: events
rounds: 6
vendors:
  - name: Compute
    model: { quality: 2, active_params: 37e9, training_tokens: 14.8e12 }
    cost: { kind: compute, gpu_hour_usd: 2, peak_flops: 989e12, training_mfu: 0.331, serving_utilisation: 0.4 }
    strategy: { kind: cost_plus, markup: 1.0 }
    finances: { cash: 1e6 }
  - { name: Linear, model: { quality: 2 }, cost: { kind: linear, marginal: 0.1 }, strategy: { kind: fixed, price: 0.3 }, finances: { cash: 1e6 } }
  - { name: Late, model: { quality: 2 }, cost: { kind: linear, marginal: 0.1 }, strategy: { kind: fixed, price: 0.25 } }
segments:
  - { name: firms, agents: 50, base_volume_mtok: 100, price_sensitivity: 5, quality_weight: 1, choice: { mode: expected } }
  - { name: devs, agents: 50, base_volume_mtok: 10, price_sensitivity: 10, quality_weight: 1, choice: { mode: expected } }
"#;

const R: u32 = 3;

fn with_event(event: &str) -> (Panels, Panels) {
    let base = run(&scenario(BASE));
    let yaml = format!("{BASE}events:\n  - {event}\n");
    let changed = run(&scenario(&yaml));
    assert_all_finite(&changed);
    (base, changed)
}

/// Row of `vendor` in `round`.
fn row(p: &Panels, vendor: &str, round: u32) -> usize {
    (0..p.vendors.len())
        .find(|&i| p.vendors.vendor[i] == vendor && p.vendors.round[i] == round)
        .unwrap()
}

/// Rounds before R are identical in every panel.
fn same_before(a: &Panels, b: &Panels) {
    let n = |p: &Panels| {
        (0..p.vendors.len())
            .filter(|&i| p.vendors.round[i] < R)
            .count()
    };
    assert_eq!(n(a), n(b));
    for i in 0..n(a) {
        assert_eq!(a.vendors.price[i], b.vendors.price[i]);
        assert_eq!(a.vendors.quantity_mtok[i], b.vendors.quantity_mtok[i]);
        assert_eq!(a.vendors.cash[i], b.vendors.cash[i]);
        assert_eq!(a.vendors.marginal_cost[i], b.vendors.marginal_cost[i]);
    }
    for i in 0..R as usize {
        assert_eq!(a.market.price_index[i], b.market.price_index[i]);
        assert_eq!(a.market.consumer_surplus[i], b.market.consumer_surplus[i]);
    }
}

#[test]
fn entry_puts_the_vendor_in_the_market_at_its_round() {
    let (a, b) = with_event(&format!("{{ kind: entry, round: {R}, vendor: Late }}"));
    assert!(a.vendors.active[row(&a, "Late", 0)]);
    for r in 0..R {
        assert!(!b.vendors.active[row(&b, "Late", r)]);
        assert_eq!(b.vendors.price[row(&b, "Late", r)], None);
    }
    assert!(b.vendors.active[row(&b, "Late", R)]);
    assert!(b.vendors.quantity_mtok[row(&b, "Late", R)] > 0.0);
}

#[test]
fn exit_takes_the_vendor_out_and_its_buyers_go_elsewhere() {
    let (a, b) = with_event(&format!("{{ kind: exit, round: {R}, vendor: Linear }}"));
    same_before(&a, &b);
    let i = row(&b, "Linear", R);
    assert!(!b.vendors.active[i]);
    assert_eq!(b.vendors.quantity_mtok[i], 0.0);
    assert!(
        b.vendors.quantity_mtok[row(&b, "Late", R)] > a.vendors.quantity_mtok[row(&a, "Late", R)]
    );
}

#[test]
fn model_release_changes_quality_and_costs_and_charges_training() {
    let (a, b) = with_event(&format!(
        "{{ kind: model_release, round: {R}, vendor: Compute, model: {{ quality: 3, active_params: 20e9, training_tokens: 10e12 }} }}"
    ));
    same_before(&a, &b);
    let (i, j) = (row(&a, "Compute", R), row(&b, "Compute", R));
    assert_eq!(b.vendors.quality[j], 3.0);
    assert!((b.vendors.marginal_cost[j] / a.vendors.marginal_cost[i] - 20.0 / 37.0).abs() < 1e-12);
    // Training cost: 6 × 20e9 × 10e12 / (989e12 × 0.331 × 3600) GPU-hours at $2.
    let hours = 6.0 * 20e9 * 10e12 / (989e12 * 0.331 * 3600.0);
    assert!((b.vendors.training_cost[j] - 2.0 * hours).abs() < 1e-6 * hours);
    assert_eq!(b.vendors.training_cost[row(&b, "Compute", R + 1)], 0.0);
    assert!(
        b.vendors.quantity_mtok[j] > a.vendors.quantity_mtok[i],
        "a better, cheaper model sells more"
    );
}

#[test]
fn gpu_price_shock_scales_compute_costs_only() {
    let (a, b) = with_event(&format!(
        "{{ kind: gpu_price_shock, round: {R}, multiplier: 1.5 }}"
    ));
    same_before(&a, &b);
    for r in R..6 {
        let (i, j) = (row(&a, "Compute", r), row(&b, "Compute", r));
        assert!((b.vendors.marginal_cost[j] / a.vendors.marginal_cost[i] - 1.5).abs() < 1e-12);
        assert_eq!(
            a.vendors.marginal_cost[row(&a, "Linear", r)],
            b.vendors.marginal_cost[row(&b, "Linear", r)]
        );
    }
}

#[test]
fn open_weight_release_improves_the_outside_option() {
    let (a, b) = with_event(&format!(
        "{{ kind: open_weight_release, round: {R}, quality: 3, price: 0.2 }}"
    ));
    same_before(&a, &b);
    let seg = |p: &Panels| p.segments.outside_share[2 * R as usize];
    assert!(seg(&b) > seg(&a) + 0.01, "{} vs {}", seg(&b), seg(&a));
    assert!(b.market.consumer_surplus[R as usize] > a.market.consumer_surplus[R as usize]);
    // Prices are the vendors' own decisions: unchanged.
    assert_eq!(
        a.vendors.price[row(&a, "Linear", R)],
        b.vendors.price[row(&b, "Linear", R)]
    );
}

#[test]
fn funding_adds_cash_and_nothing_else() {
    let (a, b) = with_event(&format!(
        "{{ kind: funding, round: {R}, vendor: Linear, amount_usd: 5e5 }}"
    ));
    same_before(&a, &b);
    let (i, j) = (row(&a, "Linear", R), row(&b, "Linear", R));
    assert_eq!(b.vendors.cash[j].unwrap() - a.vendors.cash[i].unwrap(), 5e5);
    assert_eq!(a.vendors.profit[i], b.vendors.profit[j]);
    assert_eq!(
        a.vendors.cash[row(&a, "Compute", R)],
        b.vendors.cash[row(&b, "Compute", R)]
    );
}

#[test]
fn subsidy_pays_per_token_while_in_force() {
    let (a, b) = with_event(&format!(
        "{{ kind: subsidy, round: {R}, until: {}, per_mtok_usd: 0.05, vendors: [Linear] }}",
        R + 2
    ));
    same_before(&a, &b);
    for r in 0..6 {
        let j = row(&b, "Linear", r);
        let expect = if (R..R + 2).contains(&r) {
            0.05 * b.vendors.quantity_mtok[j]
        } else {
            0.0
        };
        assert!((b.vendors.subsidy[j] - expect).abs() < 1e-9, "round {r}");
        let i = row(&a, "Linear", r);
        assert!((b.vendors.profit[j] - a.vendors.profit[i] - expect).abs() < 1e-6);
        assert_eq!(b.vendors.subsidy[row(&b, "Compute", r)], 0.0);
    }
}

#[test]
fn price_floor_binds_while_in_force() {
    let (a, b) = with_event(&format!(
        "{{ kind: price_floor, round: {R}, until: {}, price: 0.28 }}",
        R + 2
    ));
    same_before(&a, &b);
    for r in R..R + 2 {
        assert_eq!(b.vendors.price[row(&b, "Late", r)], Some(0.28));
        assert_eq!(b.vendors.price[row(&b, "Linear", r)], Some(0.3));
    }
    assert_eq!(b.vendors.price[row(&b, "Late", R + 2)], Some(0.25));
}

#[test]
fn compute_subsidy_lowers_gpu_costs_while_in_force() {
    let (a, b) = with_event(&format!(
        "{{ kind: compute_subsidy, round: {R}, until: {}, fraction: 0.25 }}",
        R + 1
    ));
    same_before(&a, &b);
    let (i, j) = (row(&a, "Compute", R), row(&b, "Compute", R));
    assert!((b.vendors.marginal_cost[j] / a.vendors.marginal_cost[i] - 0.75).abs() < 1e-12);
    assert_eq!(
        a.vendors.marginal_cost[row(&a, "Compute", R + 1)],
        b.vendors.marginal_cost[row(&b, "Compute", R + 1)]
    );
}

#[test]
fn demand_shock_scales_volume_of_the_named_segment() {
    let (a, b) = with_event(&format!(
        "{{ kind: demand_shock, round: {R}, multiplier: 0.5, segments: [devs] }}"
    ));
    same_before(&a, &b);
    let s = |p: &Panels, seg: usize| p.segments.volume_mtok[2 * R as usize + seg];
    assert!((s(&b, 1) / s(&a, 1) - 0.5).abs() < 1e-12);
    assert_eq!(s(&a, 0), s(&b, 0));
}

#[test]
fn capacity_event_limits_sales_from_its_round() {
    let (a, b) = with_event(&format!(
        "{{ kind: capacity, round: {R}, vendor: Late, mtok_per_round: 100 }}"
    ));
    same_before(&a, &b);
    let j = row(&b, "Late", R);
    assert_eq!(b.vendors.capacity_mtok[j], Some(100.0));
    assert!((b.vendors.quantity_mtok[j] - 100.0).abs() < 1e-9);
    assert!(b.vendors.demand_mtok[j] > 100.0);
    assert_eq!(a.vendors.capacity_mtok[row(&a, "Late", R)], None);
}

#[test]
fn events_with_unknown_targets_are_rejected() {
    let yaml = format!(
        "{BASE}events:\n  - {{ kind: funding, round: 1, vendor: Nobody, amount_usd: 1 }}\n"
    );
    let e = pricewar::scenario::from_text(&yaml, std::path::Path::new("e.yaml"), &[])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("events[0].vendor")
            && e.contains("Nobody")
            && e.contains("Compute, Linear, Late"),
        "{e}"
    );
    let yaml = format!("{BASE}events:\n  - {{ kind: meteor, round: 1 }}\n");
    let e = pricewar::scenario::from_text(&yaml, std::path::Path::new("e.yaml"), &[])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("unknown kind `meteor`") && e.contains("model_release"),
        "{e}"
    );
}

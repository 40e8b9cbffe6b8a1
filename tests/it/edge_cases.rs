//! Situations users hit: no panic, no NaN, no infinity.

use crate::common::*;

/// ERNIE Speed was made free in May 2024: price 0 under isoelastic demand must give a finite
/// volume (demand saturates below `saturation_price`).
#[test]
fn a_free_product_under_isoelastic_demand_has_finite_volume() {
    let s = scenario(
        r#"
name: free
rounds: 3
vendors:
  - { name: Free, model: { quality: 1 }, cost: { kind: linear, marginal: 0.05 }, strategy: { kind: fixed, price: 0 } }
  - { name: Paid, model: { quality: 1.2 }, cost: { kind: linear, marginal: 0.05 }, strategy: { kind: fixed, price: 0.5 } }
segments:
  - name: all
    agents: 500
    price_sensitivity: 2
    quality_weight: 1
    volume: { kind: isoelastic, elasticity: 1.1, reference_price: 0.5, saturation_price: 0.01 }
"#,
    );
    let p = run(&s);
    assert_all_finite(&p);
    let free_q = p.vendors.quantity_mtok[0];
    assert!(free_q > 0.0 && free_q.is_finite());
    assert_eq!(p.vendors.revenue[0], 0.0);
    assert!(p.vendors.profit[0] < 0.0, "giving tokens away costs money");
}

#[test]
fn a_vendor_without_buyers_reports_zeros() {
    let s = scenario(
        r#"
name: nobuyers
rounds: 3
vendors:
  - { name: Cheap, model: { quality: 1 }, cost: { kind: linear, marginal: 0.1 }, strategy: { kind: fixed, price: 0.2 } }
  - { name: Dear, model: { quality: 1 }, cost: { kind: linear, marginal: 0.1 }, strategy: { kind: fixed, price: 1000 } }
segments:
  - { name: all, agents: 200, price_sensitivity: 5, reservation_price: 10 }
"#,
    );
    let p = run(&s);
    assert_all_finite(&p);
    for i in (0..p.vendors.len()).filter(|&i| p.vendors.vendor[i] == "Dear") {
        assert_eq!(p.vendors.quantity_mtok[i], 0.0);
        assert_eq!(p.vendors.share[i], 0.0);
        assert_eq!(p.vendors.revenue[i], 0.0);
    }
}

#[test]
fn every_vendor_exiting_leaves_an_empty_market_without_nan() {
    for outside in ["true", "false"] {
        let s = scenario(&format!(
            r#"
name: exits
rounds: 6
vendors:
  - {{ name: A, model: {{ quality: 1 }}, cost: {{ kind: linear, marginal: 1 }}, strategy: {{ kind: fixed, price: 0.5 }}, finances: {{ cash: 100, operating_cost: 60 }} }}
  - {{ name: B, model: {{ quality: 1 }}, cost: {{ kind: linear, marginal: 1 }}, strategy: {{ kind: fixed, price: 0.4 }}, finances: {{ cash: 10, operating_cost: 60 }} }}
segments:
  - {{ name: all, agents: 100, price_sensitivity: 1, outside_option: {outside}, choice: {{ mode: expected }} }}
"#
        ));
        let p = run(&s);
        assert_all_finite(&p);
        let last = p.market.len() - 1;
        assert_eq!(
            p.market.active_vendors[last], 0,
            "outside_option: {outside}"
        );
        assert_eq!(p.market.price_index[last], None);
        assert_eq!(p.market.min_price[last], None);
        assert_eq!(p.market.hhi[last], None);
        assert_eq!(p.market.volume_mtok[last], 0.0);
        assert_eq!(p.segments.avg_price_paid[last], None);
        // The exit round still shows the vendor in the market; afterwards its price is null.
        let b_rows: Vec<usize> = (0..p.vendors.len())
            .filter(|&i| p.vendors.vendor[i] == "B")
            .collect();
        assert!(p.vendors.active[b_rows[0]]);
        assert!(p.vendors.cash[b_rows[0]].unwrap() < 0.0);
        assert!(!p.vendors.active[b_rows[1]]);
        assert_eq!(p.vendors.price[b_rows[1]], None);
    }
}

#[test]
fn buyers_of_an_exited_vendor_choose_again() {
    let s = scenario(
        r#"
name: rechoose
rounds: 4
vendors:
  - { name: A, model: { quality: 1 }, cost: { kind: linear, marginal: 0.1 }, strategy: { kind: fixed, price: 0.2 }, finances: { cash: 0, operating_cost: 1e9 } }
  - { name: B, model: { quality: 1 }, cost: { kind: linear, marginal: 0.1 }, strategy: { kind: fixed, price: 0.3 } }
segments:
  - { name: all, agents: 2000, price_sensitivity: 1, outside_option: false, choice: { review_probability: 0 } }
"#,
    );
    let p = run(&s);
    assert_all_finite(&p);
    // Round 0: agents split between A and B; A exits; from round 1 all buy from B although
    // none would review by choice.
    assert!(p.vendors.quantity_mtok[0] > 0.0);
    assert_eq!(p.vendors.quantity_mtok[3], 2000.0);
    assert_eq!(p.segments.switches[1], p.vendors.quantity_mtok[0]);
}

#[test]
fn a_segment_priced_out_of_every_vendor_takes_the_outside_option() {
    let s = scenario(
        r#"
name: pricedout
rounds: 3
vendors:
  - { name: A, model: { quality: 1 }, cost: { kind: linear, marginal: 0.1 }, strategy: { kind: fixed, price: 2 } }
  - { name: B, model: { quality: 1 }, cost: { kind: linear, marginal: 0.1 }, strategy: { kind: fixed, price: 3 } }
segments:
  - { name: thrifty, agents: 300, price_sensitivity: 1, reservation_price: 1.0 }
  - { name: thrifty_no_outside, agents: 300, price_sensitivity: 1, reservation_price: { dist: uniform, low: 0.1, high: 1.5 }, outside_option: false, choice: { mode: expected } }
"#,
    );
    let p = run(&s);
    assert_all_finite(&p);
    for i in 0..p.segments.len() {
        assert_eq!(p.segments.volume_mtok[i], 0.0);
        assert_eq!(p.segments.avg_price_paid[i], None);
        assert_eq!(p.segments.outside_share[i], 1.0);
    }
    assert!(p.market.volume_mtok.iter().all(|&v| v == 0.0));
}

/// Volumes near 1e300 overflow double precision: the run stops with a message saying where,
/// exits non-zero and writes nothing (never an infinity in a panel); a sweep stops the same way.
#[test]
fn magnitudes_beyond_double_precision_are_an_error_not_an_infinity() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("huge.yaml");
    std::fs::write(
        &file,
        "name: huge
rounds: 3
vendors:
  - { name: A, model: { quality: 1 }, cost: { kind: quadratic, a: 1, b: 1 } }
segments:
  - { name: all, agents: 10, price_sensitivity: 1, base_volume_mtok: { dist: lognormal, mu: 690, sigma: 1 } }
",
    )
    .unwrap();
    let out = dir.path().join("out");
    let stderr = failure_stderr(pricewar().args([
        "run",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]));
    for fragment in [
        "huge.yaml",
        "overflowed",
        "vendors.variable_cost",
        "round 0",
        "vendor `A`",
    ] {
        assert!(stderr.contains(fragment), "lacks {fragment:?}: {stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out.exists());

    let sweep_out = dir.path().join("sweep");
    let stderr = failure_stderr(
        pricewar()
            .args([
                "sweep",
                file.to_str().unwrap(),
                "--replicates",
                "2",
                "--out",
            ])
            .arg(&sweep_out),
    );
    assert!(
        stderr.contains("run 0") && stderr.contains("overflowed"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// When several runs of a sweep fail, the one reported is the lowest run, however the threads
/// are timed: here run 0 is long and run 1 short, both overflow, and two jobs report run 0.
#[test]
fn a_sweep_reports_the_failure_of_its_lowest_run() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("late.yaml");
    std::fs::write(
        &file,
        "name: late
rounds: 2
vendors:
  - { name: A, model: { quality: 1 }, cost: { kind: linear, marginal: 1 } }
segments:
  - { name: all, agents: 20000, price_sensitivity: 1, base_volume_mtok: 1.0e160 }
events:
  - { kind: demand_shock, round: 1, multiplier: 1.0e160 }
",
    )
    .unwrap();
    for _ in 0..3 {
        let out = dir.path().join("sweep");
        let stderr = failure_stderr(
            pricewar()
                .args(["sweep", file.to_str().unwrap(), "--jobs", "2", "--grid"])
                .arg("rounds=600,2")
                .arg("--out")
                .arg(&out),
        );
        assert!(
            stderr.contains("run 0:") && stderr.contains("round 1,"),
            "{stderr}"
        );
        let _ = std::fs::remove_dir_all(&out);
    }
}

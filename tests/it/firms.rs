//! Firms that sell several products, and mergers: ownership enters the first-order conditions
//! of the optimising strategies and the benchmarks, reactive strategies ignore their own
//! firm's products, firms hold cash and exit together, and a merger changes owners at its round
//! and reports its static merger simulation.

use crate::common::*;
use pricewar::sim::Simulation;

/// Firm A sells A1 and A2, firm B sells B; one buyer type (homogeneous α = 0.6), fixed volume,
/// with the outside option; every product priced by best response for its owner.
const FAMILY: &str = r#"
name: family
rounds: 60
vendors:
  - { name: A1, owner: A, model: { quality: 2.0 }, cost: { kind: linear, marginal: 1.0 }, initial_price: 3, strategy: { kind: best_response, smoothing: 0.5 } }
  - { name: A2, owner: A, model: { quality: 1.4 }, cost: { kind: linear, marginal: 0.4 }, initial_price: 3, strategy: { kind: best_response, smoothing: 0.5 } }
  - { name: B, model: { quality: 1.8 }, cost: { kind: linear, marginal: 0.9 }, initial_price: 3, strategy: { kind: best_response, smoothing: 0.5 } }
segments:
  - { name: all, agents: 10, price_sensitivity: 0.6, quality_weight: 1, choice: { mode: expected } }
"#;

/// Shares of all buyers at `prices` under plain logit with α = 0.6 and qualities of FAMILY.
fn logit_shares(prices: &[f64]) -> Vec<f64> {
    let q = [2.0, 1.4, 1.8];
    let e: Vec<f64> = (0..3).map(|j| (q[j] - 0.6 * prices[j]).exp()).collect();
    let total = 1.0 + e.iter().sum::<f64>();
    e.iter().map(|x| x / total).collect()
}

#[test]
fn the_nash_benchmark_of_a_multi_product_firm_meets_the_logit_closed_form() {
    let s = scenario(FAMILY);
    let result = Simulation::new(&s, 0).run(|_| {});
    let nash = result.benchmarks.last().unwrap().nash.clone().unwrap();
    let p: Vec<f64> = nash.prices.iter().map(|p| p.unwrap()).collect();
    let sh = logit_shares(&p);
    let costs = [1.0, 0.4, 0.9];
    // p_j − c_j = 1/(α(1 − Σ_{k∈F} s_k)) for every product j of firm F.
    let firm_a = 1.0 / (0.6 * (1.0 - sh[0] - sh[1]));
    let firm_b = 1.0 / (0.6 * (1.0 - sh[2]));
    for (j, want) in [(0, firm_a), (1, firm_a), (2, firm_b)] {
        assert!(
            (p[j] - costs[j] - want).abs() < 1e-9 * want,
            "{j}: markup {} vs {want}",
            p[j] - costs[j]
        );
    }
    // One firm, one markup: A1 and A2 carry the same margin.
    assert!(((p[0] - costs[0]) - (p[1] - costs[1])).abs() < 1e-9 * firm_a);
    // Best responses for the owner converge to these prices.
    let v = &result.panels.vendors;
    let last = v.round.iter().copied().max().unwrap();
    for (j, name) in ["A1", "A2", "B"].iter().enumerate() {
        let i = (0..v.len())
            .find(|&i| v.round[i] == last && v.vendor[i] == *name)
            .unwrap();
        let got = v.price[i].unwrap();
        assert!(
            (got - p[j]).abs() < 1e-6 * p[j],
            "{name}: {got} vs {}",
            p[j]
        );
        assert_eq!(v.owner[i], if j < 2 { "A" } else { "B" });
    }
}

#[test]
fn a_firm_prices_its_products_higher_than_separate_owners_would() {
    let joint = Simulation::new(&scenario(FAMILY), 0).run(|_| {});
    let apart = Simulation::new(&scenario(&FAMILY.replace("owner: A, ", "")), 0).run(|_| {});
    let price = |r: &pricewar::sim::RunResult, j: usize| {
        r.benchmarks.last().unwrap().nash.as_ref().unwrap().prices[j].unwrap()
    };
    for j in 0..2 {
        assert!(price(&joint, j) > price(&apart, j) + 1e-3, "{j}");
    }
    // The rival's best response to higher prices is higher too, by less.
    assert!(price(&joint, 2) > price(&apart, 2));
    assert!(price(&joint, 2) - price(&apart, 2) < price(&joint, 0) - price(&apart, 0));
}

#[test]
fn the_firms_panel_sums_its_products_and_hhi_is_over_firms() {
    let p = run(&scenario(FAMILY));
    let (v, f, m) = (&p.vendors, &p.firms, &p.market);
    assert_eq!(f.len(), 2 * m.len());
    for r in 0..m.len() {
        let round = m.round[r];
        let rows = |owner: &'static str| {
            (0..v.len()).filter(move |&i| v.round[i] == round && v.owner[i] == owner)
        };
        let mut hhi = 0.0;
        for firm in ["A", "B"] {
            let i = (0..f.len())
                .find(|&i| f.round[i] == round && f.firm[i] == firm)
                .unwrap();
            let share: f64 = rows(firm).map(|k| v.share[k]).sum();
            let profit: f64 = rows(firm).map(|k| v.profit[k]).sum();
            let revenue: f64 = rows(firm).map(|k| v.revenue[k]).sum();
            assert!((f.share[i] - share).abs() < 1e-15);
            assert!((f.profit[i] - profit).abs() <= 1e-12 * profit.abs());
            assert!((f.revenue[i] - revenue).abs() <= 1e-12 * revenue.abs());
            assert_eq!(f.products_active[i], rows(firm).count() as u32);
            assert_eq!(f.cash[i], None);
            hhi += (100.0 * share).powi(2);
        }
        assert!((m.hhi[r].unwrap() - hhi).abs() < 1e-9);
        assert!(m.hhi[r].unwrap() > m.hhi_products[r].unwrap());
    }
}

#[test]
fn reactive_strategies_never_undercut_their_own_firms_products() {
    // A2 (A's cheap tier, fixed at 1.0) is the cheapest product; A1 undercuts the cheapest
    // rival, B at 2.0, not its sibling.
    let yaml = r#"
name: reactive
rounds: 3
vendors:
  - { name: A1, owner: A, model: { quality: 2.0 }, cost: { kind: linear, marginal: 0.1 }, initial_price: 3, strategy: { kind: undercut, step: 0.1 } }
  - { name: A2, owner: A, model: { quality: 1.0 }, cost: { kind: linear, marginal: 0.1 }, initial_price: 1, strategy: { kind: fixed, price: 1.0 } }
  - { name: B, model: { quality: 1.8 }, cost: { kind: linear, marginal: 0.1 }, initial_price: 2, strategy: { kind: fixed, price: 2.0 } }
segments:
  - { name: all, agents: 10, price_sensitivity: 0.6, quality_weight: 1, choice: { mode: expected } }
"#;
    let p = run(&scenario(yaml));
    let v = &p.vendors;
    let a1: Vec<f64> = (0..v.len())
        .filter(|&i| v.vendor[i] == "A1")
        .map(|i| v.price[i].unwrap())
        .collect();
    for x in a1 {
        assert!(
            (x - 1.8).abs() < 1e-12,
            "A1 posted {x}, not 2.0 × (1 − 0.1)"
        );
    }
    // As separate firms it undercuts A2 instead.
    let p = run(&scenario(&yaml.replace("owner: A, ", "")));
    let v = &p.vendors;
    let i = (0..v.len()).find(|&i| v.vendor[i] == "A1").unwrap();
    assert!((v.price[i].unwrap() - 0.9).abs() < 1e-12);
}

#[test]
fn a_firm_that_runs_out_of_cash_takes_all_its_products_out_together() {
    // Both of A's products sell below cost; the firm's cash covers three rounds of losses.
    let yaml = r#"
name: cash
rounds: 8
firms:
  - { name: A, finances: { cash: 25, operating_cost: 1 } }
vendors:
  - { name: A1, owner: A, model: { quality: 2.0 }, cost: { kind: linear, marginal: 2.0 }, strategy: { kind: fixed, price: 1.0 } }
  - { name: A2, owner: A, model: { quality: 1.5 }, cost: { kind: linear, marginal: 2.0 }, strategy: { kind: fixed, price: 1.5 } }
  - { name: B, model: { quality: 1.8 }, cost: { kind: linear, marginal: 0.5 }, strategy: { kind: fixed, price: 1.0 } }
segments:
  - { name: all, agents: 10, price_sensitivity: 0.6, quality_weight: 1, choice: { mode: expected } }
"#;
    let p = run(&scenario(yaml));
    let (v, f) = (&p.vendors, &p.firms);
    let exit_of = |name: &str| {
        (0..v.len())
            .filter(|&i| v.vendor[i] == name && v.active[i])
            .map(|i| v.round[i])
            .max()
            .unwrap()
    };
    assert_eq!(exit_of("A1"), exit_of("A2"));
    assert!(
        exit_of("A1") < 7,
        "A ran out of cash by round {}",
        exit_of("A1")
    );
    assert_eq!(exit_of("B"), 7);
    // Its cash falls by its products' losses and its operating cost; the products hold none.
    let mut cash = 25.0;
    for i in (0..f.len()).filter(|&i| f.firm[i] == "A" && f.products_active[i] > 0) {
        let products: f64 = (0..v.len())
            .filter(|&k| v.round[k] == f.round[i] && v.owner[k] == "A" && v.active[k])
            .map(|k| v.profit[k])
            .sum();
        cash += products - 1.0;
        assert!(
            (f.cash[i].unwrap() - cash).abs() < 1e-9,
            "round {}",
            f.round[i]
        );
        assert!((f.profit[i] - (products - 1.0)).abs() < 1e-9);
    }
    assert!(cash < 0.0);
    for i in (0..v.len()).filter(|&i| v.owner[i] == "A") {
        assert_eq!(v.cash[i], None);
    }
}

/// Three symmetric single-product firms; B and C merge in round 10 into BC.
const MERGER: &str = r#"
name: merger-test
rounds: 40
vendors:
  - { name: A, model: { quality: 1.5 }, cost: { kind: linear, marginal: 0.5 }, initial_price: 2, strategy: { kind: best_response, smoothing: 0.5 } }
  - { name: B, model: { quality: 1.5 }, cost: { kind: linear, marginal: 0.5 }, initial_price: 2, strategy: { kind: best_response, smoothing: 0.5 } }
  - { name: C, model: { quality: 1.5 }, cost: { kind: linear, marginal: 0.5 }, initial_price: 2, strategy: { kind: best_response, smoothing: 0.5 } }
segments:
  - { name: all, agents: 20, price_sensitivity: 0.7, quality_weight: 1, choice: { mode: expected } }
events:
  - { kind: merger, round: 10, vendors: [B, C], owner: BC }
"#;

#[test]
fn a_merger_changes_owners_at_its_round_and_its_simulation_predicts_what_best_responses_reach() {
    let s = scenario(MERGER);
    let result = Simulation::new(&s, 0).run(|_| {});
    let v = &result.panels.vendors;
    for i in 0..v.len() {
        let want = match (v.vendor[i].as_str(), v.round[i] >= 10) {
            ("A", _) => "A",
            (name, false) => name,
            (_, true) => "BC",
        };
        assert_eq!(v.owner[i], want, "round {}", v.round[i]);
    }
    assert_eq!(result.mergers.len(), 1);
    let m = &result.mergers[0];
    assert_eq!(m.round, 10);
    assert_eq!(m.owner, "BC");
    assert_eq!(m.merging, vec!["B".to_string(), "C".to_string()]);
    let change = |j: usize| m.price_change[j].unwrap();
    // The merging products' prices rise, the rival's by less; buyers lose.
    assert!(change(1) > 0.0 && (change(1) - change(2)).abs() < 1e-9);
    assert!(change(0) > 0.0 && change(0) < change(1));
    assert!(m.consumer_surplus_after.unwrap() < m.consumer_surplus_before.unwrap());
    // Screens: symmetric logit D_BC = s_C/(1 − s_B) at the pre-merger prices.
    let pre = m.before.as_ref().unwrap();
    let s_b = pre.quantities[1] / 20.0;
    let s_c = pre.quantities[2] / 20.0;
    assert!((m.diversion[0].ratio - s_c / (1.0 - s_b)).abs() < 1e-12);
    // Before the merger the strategies settle at the pre-merger Nash prices, and after it at the
    // post-merger ones: the static prediction is what the dynamics reach here.
    let price = |name: &str, round: u32| {
        let i = (0..v.len())
            .find(|&i| v.round[i] == round && v.vendor[i] == name)
            .unwrap();
        v.price[i].unwrap()
    };
    let post = m.after.as_ref().unwrap();
    for (j, name) in ["A", "B", "C"].iter().enumerate() {
        let before = pre.prices[j].unwrap();
        let after = post.prices[j].unwrap();
        assert!(
            (price(name, 9) - before).abs() < 1e-3 * before,
            "{name} before"
        );
        assert!(
            (price(name, 39) - after).abs() < 1e-6 * after,
            "{name} after"
        );
    }
    // HHI over firms jumps at the merger; over products it stays near symmetric.
    let mk = &result.panels.market;
    assert!(mk.hhi[10].unwrap() > mk.hhi[9].unwrap() + 1000.0);
}

#[test]
fn a_merger_is_in_the_manifest_and_the_run_summary() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("merger.yaml");
    std::fs::write(&file, MERGER).unwrap();
    let out = dir.path().join("out");
    let assert = pricewar()
        .args([
            "run",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(
        stdout.contains("merger in round 10 into `BC` (B, C)"),
        "{stdout}"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let m = &manifest["mergers"][0];
    assert_eq!(m["owner"], "BC");
    assert_eq!(m["owners_after"][1], "BC");
    assert!(m["guppi"][0]["guppi"].as_f64().unwrap() > 0.0);
    assert_eq!(manifest["rows"]["firms"], 40 * 4);
}

#[test]
fn analyze_sets_the_merger_prediction_beside_the_posted_prices() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("merger.yaml");
    std::fs::write(&file, MERGER).unwrap();
    let out = dir.path().join("out");
    pricewar()
        .args([
            "run",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ])
        .assert()
        .success();
    let json = pricewar()
        .args(["analyze", out.to_str().unwrap(), "--format", "json"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&json.get_output().stdout).unwrap();
    let m = &v["mergers"][0];
    assert_eq!(m["round"], 10);
    let products = m["products"].as_array().unwrap();
    assert_eq!(products.len(), 3);
    let b = &products[1];
    assert_eq!(b["owner"], "BC");
    assert_eq!(b["merging"], true);
    // Best responses reach the predicted post-merger price by the last round.
    let (nash, last) = (
        b["nash_after"].as_f64().unwrap(),
        b["posted_last"].as_f64().unwrap(),
    );
    assert!((nash - last).abs() < 1e-6 * nash);
    assert!(b["observed_change"].as_f64().unwrap() > 0.0);
    assert!(b["guppi"].as_f64().unwrap() > 0.0);
    assert!(products[0]["guppi"].is_null());
    let table = pricewar()
        .args(["analyze", out.to_str().unwrap()])
        .assert()
        .success();
    let text = String::from_utf8(table.get_output().stdout.clone()).unwrap();
    assert!(text.contains("Merger in round 10 into BC"), "{text}");
    for format in ["csv", "markdown"] {
        let o = pricewar()
            .args(["analyze", out.to_str().unwrap(), "--format", format])
            .assert()
            .success();
        let s = String::from_utf8(o.get_output().stdout.clone()).unwrap();
        assert!(s.contains("merger") || s.contains("Merger"), "{format}");
    }
}

/// A sweep of the merger market: its runs table carries each run's merger prediction beside
/// what the strategies did, the products' HHI, and every firm's cumulative profit (the firms
/// panel summed), so a sweep's merger effects can be read per run.
#[test]
fn a_sweeps_runs_table_has_the_merger_prediction_and_firms_profits() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("merger.yaml");
    std::fs::write(&file, MERGER).unwrap();
    let out = dir.path().join("sweep");
    pricewar()
        .args([
            "sweep",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--replicates",
            "2",
            "--grid",
            "segments[0].price_sensitivity=0.6,0.8",
            "--quiet",
        ])
        .assert()
        .success();
    let runs = crate::sweep::table(&out, "runs");
    assert_eq!(runs.height(), 4);
    let f64s = |name: &str| -> Vec<Option<f64>> {
        runs.column(name)
            .unwrap()
            .cast(&DataType::Float64)
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect()
    };
    // The same run played alone: its merger simulation and its firms' profits.
    let s = scenario(&MERGER.replace("price_sensitivity: 0.7", "price_sensitivity: 0.6"));
    let alone = Simulation::new(&s, 0).run(|_| {});
    let m = &alone.mergers[0];
    let predicted = (m.price_change[1].unwrap() + m.price_change[2].unwrap()) / 2.0;
    assert!(predicted > 0.0);
    for (i, round) in f64s("merger_round").into_iter().enumerate() {
        assert_eq!(round, Some(10.0));
        assert!(f64s("merger_predicted_price_change")[i].unwrap() > 0.0);
        assert!(f64s("merger_predicted_consumer_surplus_change")[i].unwrap() < 0.0);
        // Best responses raise the merging products' prices too.
        assert!(f64s("merger_price_change")[i].unwrap() > 0.0);
        assert!(f64s("final_hhi_products")[i].is_some());
    }
    // Expected-mode buyers: replicates differ only by seed, so run 0 is the market played alone.
    let got = f64s("merger_predicted_price_change")[0].unwrap();
    assert!((got - predicted).abs() < 1e-12, "{got} vs {predicted}");
    for firm in ["A", "B", "C", "BC"] {
        let want: f64 = (0..alone.panels.firms.len())
            .filter(|&i| alone.panels.firms.firm[i] == firm)
            .map(|i| alone.panels.firms.profit[i])
            .sum();
        let got = f64s(&format!("cumulative_profit_firm:{firm}"))[0].unwrap();
        assert!(
            (got - want).abs() <= 1e-9 * want.abs().max(1.0),
            "{firm}: {got} vs {want}"
        );
    }
}

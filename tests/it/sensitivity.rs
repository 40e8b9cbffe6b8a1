//! Global sensitivity analysis of sweeps against a case whose answer is known: one vendor
//! pricing by best response against linear volume demand D = k·(1 − p/choke) at constant cost
//! c posts the monopoly price (choke + c)/2, so its final price is additive in the two ranges
//! and its Sobol indices are their shares of variance: with choke uniform on [100, 300] and c on
//! [0, 40], S_choke = ST_choke = 200²/(200² + 40²) and S_c = ST_c = 40²/(200² + 40²); its Morris
//! elementary effects, in units of each range's width, are exactly 200/2 and 40/2.

use crate::common::*;

fn market(sample: &str) -> String {
    format!(
        r#"
name: monopoly
rounds: 2
benchmarks: false
vendors:
  - {{ name: M, model: {{ quality: 0 }}, cost: {{ kind: linear, marginal: 10 }}, initial_price: 50, strategy: {{ kind: best_response }} }}
segments:
  - {{ name: market, agents: 1, price_sensitivity: 1, base_volume_mtok: 1000, volume: {{ kind: linear, choke_price: 200 }}, outside_option: false, choice: {{ mode: expected }} }}
sweep:
  replicates: 2
  sample:
{sample}
    ranges:
      segments[0].volume.choke_price: {{ low: 100, high: 300 }}
      vendors[0].cost.marginal: {{ low: 0, high: 40 }}
"#
    )
}

fn analyze_json(yaml: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.yaml");
    std::fs::write(&file, yaml).unwrap();
    let out = dir.path().join("sweep");
    pricewar()
        .args(["sweep", file.to_str().unwrap(), "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let a = pricewar()
        .args(["analyze", out.to_str().unwrap(), "--format", "json"])
        .assert()
        .success();
    let text = pricewar()
        .args(["analyze", out.to_str().unwrap()])
        .assert()
        .success();
    let table = String::from_utf8_lossy(&text.get_output().stdout).to_string();
    assert!(table.contains("Sensitivity"), "{table}");
    serde_json::from_slice(&a.get_output().stdout).unwrap()
}

fn index<'a>(json: &'a serde_json::Value, metric: &str, parameter: &str) -> &'a serde_json::Value {
    json["sensitivity"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["metric"] == metric && i["parameter"] == parameter)
        .unwrap_or_else(|| panic!("no index of {metric} on {parameter}"))
}

#[test]
fn sobol_indices_of_the_monopoly_price_are_the_ranges_shares_of_variance() {
    let json = analyze_json(&market("    method: sobol\n    points: 256"));
    let share_choke = 200.0f64.powi(2) / (200.0f64.powi(2) + 40.0f64.powi(2));
    for (parameter, want) in [
        ("segments[0].volume.choke_price", share_choke),
        ("vendors[0].cost.marginal", 1.0 - share_choke),
    ] {
        let i = index(&json, "final_price_index", parameter);
        let (s, st) = (
            i["first_order"].as_f64().unwrap(),
            i["total_order"].as_f64().unwrap(),
        );
        assert!((s - want).abs() < 0.03, "{parameter}: S = {s}, want {want}");
        assert!(
            (st - want).abs() < 0.03,
            "{parameter}: ST = {st}, want {want}"
        );
        let ci = i["total_order_ci95"].as_array().unwrap();
        assert!(ci[0].as_f64().unwrap() <= st && st <= ci[1].as_f64().unwrap());
        // Expected-mode buyers and a deterministic strategy: no seed noise.
        assert_eq!(i["seed_noise_share"].as_f64().unwrap(), 0.0);
    }
}

#[test]
fn morris_effects_of_the_monopoly_price_are_half_of_each_ranges_width() {
    let json = analyze_json(&market("    method: morris\n    points: 10\n    levels: 4"));
    for (parameter, want) in [
        ("segments[0].volume.choke_price", 100.0),
        ("vendors[0].cost.marginal", 20.0),
    ] {
        let i = index(&json, "final_price_index", parameter);
        let (mu_star, mu, sigma) = (
            i["mu_star"].as_f64().unwrap(),
            i["mu"].as_f64().unwrap(),
            i["sigma"].as_f64().unwrap(),
        );
        assert!(
            (mu_star - want).abs() < 1e-6 * want,
            "{parameter}: mu* = {mu_star}"
        );
        assert!((mu - want).abs() < 1e-6 * want, "{parameter}: mu = {mu}");
        assert!(sigma < 1e-6 * want, "{parameter}: sigma = {sigma}");
    }
}

#[test]
fn designs_show_their_size_in_the_plan_and_refuse_what_they_cannot_do() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.yaml");
    std::fs::write(&file, market("    method: sobol\n    points: 8")).unwrap();
    let plan = pricewar()
        .args(["sweep", file.to_str().unwrap(), "--plan"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&plan.get_output().stdout).to_string();
    // 8 base points × (2 ranges + 2) design points × 2 replicates.
    assert!(
        text.contains("64 runs = 32 design points × 2 replicates"),
        "{text}"
    );
    for (sample, expected) in [
        ("    method: sobol\n    points: 1", "sweep.sample.points"),
        (
            "    method: morris\n    points: 4\n    levels: 3",
            "sweep.sample.levels",
        ),
        (
            "    method: random\n    points: 4\n    levels: 4",
            "belong to a morris design",
        ),
    ] {
        std::fs::write(&file, market(sample)).unwrap();
        let a = pricewar()
            .args(["validate", file.to_str().unwrap()])
            .assert()
            .failure();
        let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
        assert!(err.contains(expected) && err.contains("m.yaml:"), "{err}");
    }
}
